import Foundation
import SwitchyardCore
import SwitchyardWire

extension SQSEngine {
    /// How many finished tasks a source queue keeps: ListMessageMoveTasks shows at most ten.
    static let movesKeptPerSource = 10

    /// Starts a task, durably: it goes on after a restart. Returns its handle.
    public func startMoveTask(sourceArn: String, destinationArn: String?, maxPerSecond: Int?) throws -> (
        String, CommitTicket
    ) {
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
        if moveTasks.contains(where: { $0.record.source == source && $0.isActive }) {
            throw SQSErrors.invalidParameter(
                "There is already a task running. Only one active task is allowed for a source queue arn at a given time."
            )
        }
        let task = MoveTask(
            source: source, destination: destination, maxPerSecond: maxPerSecond, startedAt: clock.nowMillis(),
            toMove: sourceQueue.messages.count)
        moveTasks.append(task)
        var changes: [SQSChange] = [.putMoveTask(task.record)]
        let finished = moveTasks.filter { $0.record.source == source && !$0.isActive }
        let dropped = finished.dropLast(Self.movesKeptPerSource - 1).map(\.record.taskHandle)
        if !dropped.isEmpty {
            moveTasks.removeAll { dropped.contains($0.record.taskHandle) }
            changes.append(.deleteMoveTasks(dropped))
        }
        let ticket = store.submit(changes)
        Task { [weak self] in
            try? await ticket.wait()
            await self?.runMoveTask(task)
        }
        return (task.record.taskHandle, ticket)
    }

    /// Goes on with the tasks that were running when the server stopped (a background task of the
    /// module, started once).
    public func resumeMoveTasks() {
        for task in moveTasks where task.isActive {
            Task { [weak self] in await self?.runMoveTask(task) }
        }
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

    /// One tick: moves up to `limit` messages and writes the task's progress in the same commit.
    private func moveStep(_ task: MoveTask, limit: Int) -> (Bool, CommitTicket) {
        if task.abandoned { return (true, .alreadyCommitted) }
        if task.record.status == .cancelling {
            task.record.status = .cancelled
            return (true, store.submit([.putMoveTask(task.record)]))
        }
        guard let source = queues[task.record.source] else {
            return (true, fail(task, changes: []))
        }
        if limit == 0 { return (false, .alreadyCommitted) }
        let now = clock.nowMillis()
        let (taken, expired) = source.takeReceivable(limit: limit, now: now)
        var changes: [SQSChange] = expired.isEmpty ? [] : [.deleteMessages(expired)]
        for seq in taken {
            guard let message = source.messages[seq] else { continue }
            let targetKey = task.record.destination ?? message.deadLetterQueueSourceArn.flatMap { QueueKey(arn: $0) }
            guard let targetKey, let target = queues[targetKey] else {
                return (true, fail(task, changes: changes))
            }
            transfer(seq, from: source, to: target, sourceArn: nil, now: now, changes: &changes)
            task.record.moved += 1
        }
        let done = taken.isEmpty || source.messages.isEmpty
        if done { task.record.status = .completed }
        if done || !taken.isEmpty { changes.append(.putMoveTask(task.record)) }
        return (done, changes.isEmpty ? .alreadyCommitted : store.submit(changes))
    }

    /// Ends a task whose source or destination queue is gone, with AWS's reason.
    private func fail(_ task: MoveTask, changes: [SQSChange]) -> CommitTicket {
        task.record.status = .failed
        task.record.failureReason = "AWS.SimpleQueueService.NonExistentQueue"
        return store.submit(changes + [.putMoveTask(task.record)])
    }

    /// Cancels a running task, durably; returns how many messages it moved. The handle names its
    /// source queue, which must exist; the caller's access to that queue is checked before.
    public func cancelMoveTask(handle: String) throws -> (Int, CommitTicket) {
        guard let (_, sourceArn) = MoveTask.decode(handle: handle) else {
            throw SQSErrors.invalidParameter("Value for parameter TaskHandle is invalid.")
        }
        guard let source = QueueKey(arn: sourceArn), queues[source] != nil else {
            throw SQSErrors.resourceNotFound(
                "The resource that you specified for the SourceArn parameter doesn't exist.")
        }
        guard let task = moveTasks.first(where: { $0.record.taskHandle == handle && $0.record.source == source })
        else {
            throw SQSErrors.resourceNotFound("Task does not exist.")
        }
        guard task.record.status == .running else {
            throw SQSErrors.unsupported("Only active tasks can be cancelled.")
        }
        task.record.status = .cancelling
        return (task.record.moved, store.submit([.putMoveTask(task.record)]))
    }

    public func listMoveTasks(sourceArn: String, maxResults: Int) throws -> [MoveTaskSummary] {
        guard let source = QueueKey(arn: sourceArn), queues[source] != nil else {
            throw SQSErrors.resourceNotFound(
                "The resource that you specified for the SourceArn parameter doesn't exist.")
        }
        return moveTasks.filter { $0.record.source == source }.reversed().prefix(maxResults).map { task in
            let record = task.record
            return MoveTaskSummary(
                taskHandle: record.status == .running ? record.taskHandle : nil, status: record.status.rawValue,
                sourceArn: record.source.arn, destinationArn: record.destination?.arn,
                maxNumberOfMessagesPerSecond: record.maxPerSecond, approximateNumberOfMessagesMoved: record.moved,
                approximateNumberOfMessagesToMove: record.toMove, failureReason: record.failureReason,
                startedTimestamp: Int(record.startedAt))
        }
    }
}
