import Foundation
import SwitchyardCore
import SwitchyardWire

/// Where a move task stands, in ListMessageMoveTasks' words.
public enum MoveTaskStatus: String, Sendable, Codable {
    case running = "RUNNING"
    case cancelling = "CANCELLING"
    case cancelled = "CANCELLED"
    case completed = "COMPLETED"
    case failed = "FAILED"
}

/// A message move task as storage keeps it: enough to answer ListMessageMoveTasks and to go on
/// moving after a restart.
public struct MoveTaskRecord: Sendable, Codable, Equatable {
    public var taskHandle: String
    public var source: QueueKey
    public var destination: QueueKey?
    public var maxPerSecond: Int?
    public var startedAt: Int64
    public var status: MoveTaskStatus
    public var moved: Int
    public var toMove: Int
    public var failureReason: String?
}

/// A message move task (dead-letter queue redrive): moves a DLQ's messages back to their source
/// queues or to one destination, at most MaxNumberOfMessagesPerSecond.
final class MoveTask: @unchecked Sendable {
    // @unchecked: mutated only by the engine actor, which owns every MoveTask.
    var record: MoveTaskRecord
    /// Set when a reset drops the task: its loop ends without writing anything more.
    var abandoned = false

    init(source: QueueKey, destination: QueueKey?, maxPerSecond: Int?, startedAt: Int64, toMove: Int) {
        let descriptor = "{\"taskId\":\"\(RandomUUID.make())\",\"sourceArn\":\"\(source.arn)\"}"
        record = MoveTaskRecord(
            taskHandle: Data(descriptor.utf8).base64EncodedString(), source: source, destination: destination,
            maxPerSecond: maxPerSecond, startedAt: startedAt, status: .running, moved: 0, toMove: toMove)
    }

    init(record: MoveTaskRecord) { self.record = record }

    var isActive: Bool { record.status == .running || record.status == .cancelling }

    /// The rate when the caller sets none. AWS calls its default "system optimized"; this is the
    /// highest rate a caller may ask for.
    static let defaultRate = 500

    /// How many messages the task may move at `now`: MaxNumberOfMessagesPerSecond over the time
    /// since it started, the first one at once (with a rate of 1, four messages take three
    /// seconds), and never more than a second's worth at a time (after a restart, say).
    func allowance(now: Int64) -> Int {
        let rate = Int64(record.maxPerSecond ?? MoveTask.defaultRate)
        let earned = max(0, now - record.startedAt) * rate / 1000 + 1
        return Int(max(0, min(earned - Int64(record.moved), rate)))
    }

    /// The task id and source queue ARN a handle carries (base64 of a small JSON document), or nil
    /// when the handle is not one.
    static func decode(handle: String) -> (taskId: String, sourceArn: String)? {
        guard let data = Data(base64Encoded: handle),
            let document = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let taskId = document["taskId"] as? String, let sourceArn = document["sourceArn"] as? String
        else { return nil }
        return (taskId, sourceArn)
    }
}

/// One entry of ListMessageMoveTasks.
public struct MoveTaskSummary: Sendable {
    public var taskHandle: String?
    public var status: String
    public var sourceArn: String
    public var destinationArn: String?
    public var maxNumberOfMessagesPerSecond: Int?
    public var approximateNumberOfMessagesMoved: Int
    public var approximateNumberOfMessagesToMove: Int?
    public var failureReason: String?
    public var startedTimestamp: Int
}
