import SwitchyardCore

extension SQSEngine {
    /// Hands back the messages of a receive whose answer never reached its client (the connection
    /// closed first): each message still in flight under that receive gets its earlier delivery
    /// state back, visible again with its receive count as it was, as if the receive had not
    /// happened. Messages deleted or received again since are left alone.
    public func handBack(_ key: QueueKey, _ received: [ReceivedMessage]) -> CommitTicket {
        guard let queue = queues[key] else { return .alreadyCommitted }
        var changes: [SQSChange] = []
        var restored: Set<Int64> = []
        for item in received {
            guard let prior = item.prior, let message = queue.messages[item.message.seq],
                message.receiptToken == item.message.receiptToken
            else { continue }
            queue.restoreDelivery(message.seq, prior)
            restored.insert(message.seq)
            changes.append(
                .updateDelivery(
                    seq: message.seq, visibleAt: prior.visibleAt, receiveCount: prior.receiveCount,
                    firstReceiveAt: prior.firstReceiveAt, receiptToken: prior.receiptToken))
        }
        guard !changes.isEmpty else { return .alreadyCommitted }
        // A FIFO receive attempt that returned these messages can no longer be repeated.
        receiveAttempts = receiveAttempts.filter { _, attempt in
            attempt.queueId != queue.id || !attempt.handles.contains { restored.contains($0.seq) }
        }
        wake(queue.id, count: restored.count)
        return store.submit(changes)
    }
}
