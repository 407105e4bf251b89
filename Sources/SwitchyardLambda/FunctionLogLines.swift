import Foundation
import SwitchyardPlatform

/// A function's output as Lambda sends it to CloudWatch Logs: one event per line, each keeping its
/// `\n` (as AWS recorded: `"START RequestId: ... Version: $LATEST\n"`, `"multi\n"`), and a cold
/// start's `INIT_START` line first.
enum FunctionLogLines {
    static func events(_ text: String, at timestamp: Int64) -> [LogLine] {
        var lines: [LogLine] = []
        var start = text.startIndex
        while start < text.endIndex {
            let end = text[start...].firstIndex(of: "\n").map { text.index(after: $0) } ?? text.endIndex
            lines.append(LogLine(timestamp: timestamp, message: String(text[start..<end])))
            start = end
        }
        return lines
    }

    /// `INIT_START Runtime Version: python:3.13.v1\tRuntime Version ARN: arn:aws:lambda:...`: the
    /// runtime's name, its release after a colon, and the version this host runs (always v1 here).
    static func initStart(runtime: String, region: String) -> String {
        var name = runtime
        if let digit = runtime.firstIndex(where: \.isNumber), !runtime.hasPrefix("provided") {
            name = runtime[..<digit] + ":" + runtime[digit...]
        } else if runtime.hasPrefix("provided.") {
            name = "provided:" + runtime.dropFirst("provided.".count)
        }
        if name.hasSuffix(".x") { name = String(name.dropLast(2)) }
        return
            "INIT_START Runtime Version: \(name).v1\tRuntime Version ARN: \(RuntimeCatalog.versionArn(runtime, region: region))\n"
    }
}
