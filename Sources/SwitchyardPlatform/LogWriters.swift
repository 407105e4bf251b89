import Synchronization

/// One line of a log, as producers hand it to CloudWatch Logs.
public struct LogLine: Sendable {
    /// Milliseconds since the epoch.
    public var timestamp: Int64
    public var message: String

    public init(timestamp: Int64, message: String) {
        self.timestamp = timestamp
        self.message = message
    }
}

/// Where other modules' output goes into CloudWatch Logs (a function's START/END/REPORT lines and
/// what it printed, a task's container output).
public protocol LogWriter: Sendable {
    /// Appends lines to a stream, creating the group and stream when they do not exist (as Lambda's
    /// and ECS's own writes do).
    func write(account: String, region: String, group: String, stream: String, lines: [LogLine]) async
}

/// The log writer, once the CloudWatch Logs module registered it; output written before (or without
/// it) is dropped.
public final class LogWriters: Sendable {
    private let writer = Mutex<(any LogWriter)?>(nil)

    public init() {}

    public func register(_ writer: any LogWriter) {
        self.writer.withLock { $0 = writer }
    }

    public func write(account: String, region: String, group: String, stream: String, lines: [LogLine]) async {
        guard !lines.isEmpty, let writer = writer.withLock({ $0 }) else { return }
        await writer.write(account: account, region: region, group: group, stream: stream, lines: lines)
    }
}
