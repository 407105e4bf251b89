import SwitchyardCore

/// Keeping memory to what the queues hold now: records that have run out are forgotten, and the
/// structures of queues that have shrunk are rebuilt. The retention sweeper runs both once a second.
extension SQSEngine {
    /// Rebuilds the in-memory structures of queues holding a quarter or less of their peak
    /// (`QueueState.compactIfSparse`). True when that freed much memory: a queue was rebuilt, or
    /// the messages held in all (drained, purged, in deleted queues) fell to a quarter of a peak of
    /// at least `QueueState.compactionFloor`.
    @discardableResult
    func compactSparseQueues() -> Bool {
        var freed = false
        var held = 0
        for queue in queuesById.values {
            if queue.compactIfSparse() > 0 { freed = true }
            held += queue.messages.count
        }
        heldHighWater = max(heldHighWater, held)
        if heldHighWater >= QueueState.compactionFloor, heldHighWater >= 4 * max(held, 1) { freed = true }
        if freed { heldHighWater = held }
        return freed
    }

    /// Drops FIFO receive attempts past their five minutes and queue deletions past the 60 seconds
    /// in which their names cannot be reused. Both were otherwise dropped only when the same attempt
    /// id or queue name came back, so that clients making a new one each time grew them without end.
    func forgetExpiredRecords() {
        let now = clock.nowMillis()
        while let oldest = receiveAttemptOrder.first, oldest.expiresAt <= now {
            receiveAttemptOrder.removeFirst()
            // An id used again since has a later expiry, and stays.
            if let attempt = receiveAttempts[oldest.attemptId], attempt.expiresAt <= now {
                receiveAttempts[oldest.attemptId] = nil
            }
        }
        if !recentlyDeleted.isEmpty {
            recentlyDeleted = recentlyDeleted.filter { now - $0.value < 60_000 }
        }
    }
}
