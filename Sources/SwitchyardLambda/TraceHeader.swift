import Foundation
import SwitchyardWire

/// The X-Ray trace header a function sees (`_X_AMZN_TRACE_ID`). Lambda passes on the caller's, and
/// starts a trace of its own, not sampled, for an invocation that came without one, so that every
/// invocation has a distinct trace id.
enum TraceHeader {
    /// The given header, or a new one: `Root=1-<epoch seconds, 8 hex digits>-<24 hex digits>;
    /// Parent=<16 hex digits>;Sampled=0`, the form X-Ray documents for trace ids.
    static func forInvocation(_ given: String?) -> String {
        if let given, !given.isEmpty { return given }
        let seconds = String(UInt32(truncatingIfNeeded: Int(Date().timeIntervalSince1970)), radix: 16)
        let epoch = String(repeating: "0", count: max(0, 8 - seconds.count)) + seconds
        return "Root=1-\(epoch)-\(randomHex(bytes: 12));Parent=\(randomHex(bytes: 8));Sampled=0"
    }

    private static func randomHex(bytes: Int) -> String {
        Hex.encode((0..<bytes).map { _ in UInt8.random(in: .min ... .max) })
    }
}
