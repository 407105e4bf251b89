import Foundation
import SwitchyardCore
import SwitchyardWire

/// A message move task (dead-letter queue redrive): moves a DLQ's messages back to their source
/// queues or to one destination, at most MaxNumberOfMessagesPerSecond.
final class MoveTask: @unchecked Sendable {
    // @unchecked: mutated only by the engine actor, which owns every MoveTask.
    let taskHandle: String
    let source: QueueKey
    let destination: QueueKey?
    let maxPerSecond: Int?
    let startedAt: Int64
    var status = "RUNNING"
    var moved = 0
    var toMove: Int
    var failureReason: String?
    var cancelled = false

    init(source: QueueKey, destination: QueueKey?, maxPerSecond: Int?, startedAt: Int64, toMove: Int) {
        let descriptor = "{\"taskId\":\"\(RandomUUID.make())\",\"sourceArn\":\"\(source.arn)\"}"
        self.taskHandle = Data(descriptor.utf8).base64EncodedString()
        self.source = source
        self.destination = destination
        self.maxPerSecond = maxPerSecond
        self.startedAt = startedAt
        self.toMove = toMove
    }

    /// The rate when the caller sets none. AWS calls its default "system optimized"; this is the
    /// highest rate a caller may ask for.
    static let defaultRate = 500

    /// How many messages the task may move at `now`: MaxNumberOfMessagesPerSecond over the time
    /// since it started, the first one at once. With a rate of 1, four messages take three seconds.
    func allowance(now: Int64) -> Int {
        let rate = Int64(maxPerSecond ?? MoveTask.defaultRate)
        let earned = max(0, now - startedAt) * rate / 1000 + 1
        return max(0, Int(min(earned, Int64(Int32.max))) - moved)
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

extension SQSEngine {
    public func startMoveTask(sourceArn: String, destinationArn: String?, maxPerSecond: Int?) throws -> String {
        guard let source = QueueKey(arn: sourceArn), let sourceQueue = queues[source] else {
            throw SQSErrors.resourceNotFound(
                "The resource that you specified for the SourceArn parameter doesn't exist.")
        }
        guard queues.values.contains(where: { $0.configuration.redrivePolicy?.deadLetterTargetArn == sourceArn }) else {
            throw SQSErrors.invalidParameter("Source queue must be configured as a Dead Letter Queue.")
        }
        var destination: QueueKey?
        if let destinationArn {
            guard let key = QueueKey(arn: destinationArn), queues[key] != nil else {
                throw SQSErrors.resourceNotFound(
                    "The resource that you specified for the DestinationArn parameter doesn't exist.")
            }
            destination = key
        }
        if let maxPerSecond, !(1...500).contains(maxPerSecond) {
            throw SQSErrors.invalidParameter(
                "MaxNumberOfMessagesPerSecond", value: String(maxPerSecond),
                reason: "MaxNumberOfMessagesPerSecond must be between 1 and 500.")
        }
        if moveTasks.contains(where: { $0.source == source && $0.status == "RUNNING" }) {
            throw SQSErrors.invalidParameter(
                "There is already a task running. Only one active task is allowed for a source queue arn at a given time."
            )
        }
        let task = MoveTask(
            source: source, destination: destination, maxPerSecond: maxPerSecond, startedAt: clock.nowMillis(),
            toMove: sourceQueue.messages.count)
        moveTasks.append(task)
        Task { [weak self] in await self?.runMoveTask(task) }
        return task.taskHandle
    }

    /// Moves what the task's rate allows once per tick until the source is drained, the task is
    /// cancelled or its destination is gone.
    private func runMoveTask(_ task: MoveTask) async {
        while true {
            let (done, ticket) = moveStep(task, limit: task.allowance(now: clock.nowMillis()))
            try? await ticket.wait()
            if done { return }
            try? await Task.sleep(for: .milliseconds(100))
        }
    }

    private func moveStep(_ task: MoveTask, limit: Int) -> (Bool, CommitTicket) {
        if task.cancelled {
            task.status = "CANCELLED"
            return (true, .alreadyCommitted)
        }
        guard let source = queues[task.source] else {
            task.status = "FAILED"
            task.failureReason = "AWS.SimpleQueueService.NonExistentQueue"
            return (true, .alreadyCommitted)
        }
        if limit == 0 { return (false, .alreadyCommitted) }
        let now = clock.nowMillis()
        let (taken, expired) = source.takeReceivable(limit: limit, now: now)
        var changes: [SQSChange] = expired.isEmpty ? [] : [.deleteMessages(expired)]
        for seq in taken {
            guard let message = source.messages[seq] else { continue }
            let targetKey = task.destination ?? message.deadLetterQueueSourceArn.flatMap { QueueKey(arn: $0) }
            guard let targetKey, let target = queues[targetKey] else {
                task.status = "FAILED"
                task.failureReason = "AWS.SimpleQueueService.NonExistentQueue"
                return (true, changes.isEmpty ? .alreadyCommitted : store.submit(changes))
            }
            transfer(seq, from: source, to: target, sourceArn: nil, now: now, changes: &changes)
            task.moved += 1
        }
        let done = taken.isEmpty || source.messages.isEmpty
        if done { task.status = "COMPLETED" }
        return (done, changes.isEmpty ? .alreadyCommitted : store.submit(changes))
    }

    /// Cancels a running task. The handle names its source queue, which must exist; the caller's
    /// access to that queue is checked before.
    public func cancelMoveTask(handle: String) throws -> Int {
        guard let (_, sourceArn) = MoveTask.decode(handle: handle) else {
            throw SQSErrors.invalidParameter("Value for parameter TaskHandle is invalid.")
        }
        guard let source = QueueKey(arn: sourceArn), queues[source] != nil else {
            throw SQSErrors.resourceNotFound(
                "The resource that you specified for the SourceArn parameter doesn't exist.")
        }
        guard let task = moveTasks.first(where: { $0.taskHandle == handle && $0.source == source }) else {
            throw SQSErrors.resourceNotFound("Task does not exist.")
        }
        guard task.status == "RUNNING" else {
            throw SQSErrors.unsupported("Only active tasks can be cancelled.")
        }
        task.cancelled = true
        task.status = "CANCELLING"
        return task.moved
    }

    public func listMoveTasks(sourceArn: String, maxResults: Int) throws -> [MoveTaskSummary] {
        guard let source = QueueKey(arn: sourceArn), queues[source] != nil else {
            throw SQSErrors.resourceNotFound(
                "The resource that you specified for the SourceArn parameter doesn't exist.")
        }
        return moveTasks.filter { $0.source == source }.reversed().prefix(maxResults).map { task in
            MoveTaskSummary(
                taskHandle: task.status == "RUNNING" ? task.taskHandle : nil, status: task.status,
                sourceArn: task.source.arn, destinationArn: task.destination?.arn,
                maxNumberOfMessagesPerSecond: task.maxPerSecond, approximateNumberOfMessagesMoved: task.moved,
                approximateNumberOfMessagesToMove: task.toMove, failureReason: task.failureReason,
                startedTimestamp: Int(task.startedAt))
        }
    }
}
