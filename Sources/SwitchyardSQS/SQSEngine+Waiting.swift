/// A ReceiveMessage call long-polling an empty queue.
struct Waiter {
    var id: Int
    var continuation: CheckedContinuation<Void, Never>
    var timer: Task<Void, Never>?
}

extension SQSEngine {
    /// Suspends until a message may have become receivable on the queue, or until `untilMillis`.
    /// Nothing polls: senders and visibility changes wake waiters, a timer wakes them at the deadline.
    func waitForMessages(queueId: Int64, untilMillis: Int64) async {
        let id = nextWaiterId
        nextWaiterId += 1
        let delay = max(1, untilMillis - clock.nowMillis())
        // A cancelled poll (its client disconnected) wakes at once, so that it ends without taking messages.
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                guard !Task.isCancelled, !longPollsEnded else {
                    continuation.resume()
                    return
                }
                let timer = Task { [weak self] in
                    try? await Task.sleep(for: .milliseconds(delay))
                    await self?.expireWaiter(queueId: queueId, id: id)
                }
                waiters[queueId, default: []].append(Waiter(id: id, continuation: continuation, timer: timer))
            }
        } onCancel: {
            Task { await self.expireWaiter(queueId: queueId, id: id) }
        }
    }

    func expireWaiter(queueId: Int64, id: Int) {
        guard let index = waiters[queueId]?.firstIndex(where: { $0.id == id }),
            let waiter = waiters[queueId]?.remove(at: index)
        else { return }
        if waiters[queueId]?.isEmpty == true { waiters[queueId] = nil }
        waiter.timer?.cancel()
        waiter.continuation.resume()
    }

    /// Wakes up to `count` receivers waiting on the queue, longest-waiting first.
    func wake(_ queueId: Int64, count: Int) {
        guard var waiting = waiters[queueId], !waiting.isEmpty else { return }
        let woken = waiting.prefix(count)
        waiting.removeFirst(woken.count)
        waiters[queueId] = waiting.isEmpty ? nil : waiting
        for waiter in woken {
            waiter.timer?.cancel()
            waiter.continuation.resume()
        }
    }

    func wakeAll(_ queueId: Int64) {
        wake(queueId, count: Int.max)
    }

    /// Answers every long poll now and lets no new one wait (the server is shutting down).
    public func endLongPolls() {
        longPollsEnded = true
        for queueId in Array(waiters.keys) { wakeAll(queueId) }
    }
}
