import Foundation
import Synchronization

/// The time source of domain logic, injectable so that tests control it.
public protocol ServiceClock: Sendable {
    /// Milliseconds since the Unix epoch.
    func nowMillis() -> Int64
}

/// The wall clock.
public struct SystemClock: ServiceClock {
    public init() {}
    public func nowMillis() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) }
}

/// A clock that moves only when told to; for tests.
public final class ManualClock: ServiceClock {
    private let now: Mutex<Int64>

    public init(startMillis: Int64 = 1_700_000_000_000) { now = Mutex(startMillis) }

    public func nowMillis() -> Int64 { now.withLock { $0 } }

    /// Moves the clock forward.
    public func advance(millis: Int64) { now.withLock { $0 += millis } }

    public func advance(seconds: Int64) { advance(millis: seconds * 1000) }
}
