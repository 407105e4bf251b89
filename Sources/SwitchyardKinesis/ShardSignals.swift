import Synchronization

/// Lets readers wait for a shard's next records instead of polling: a put signals the shards it
/// wrote to, waking everyone who waits on them. Each shard counts its signals, so a reader that
/// took the count before looking for records cannot miss one that came in between.
final class ShardSignals: Sendable {
    private struct State {
        var generations: [ShardKey: UInt64] = [:]
        var slots: [ShardKey: [Int: CheckedContinuation<Void, Never>]] = [:]
        var nextId = 0
    }

    private let state = Mutex(State())

    /// The shard's signal count, to pass to `wait`.
    func generation(_ shard: ShardKey) -> UInt64 { state.withLock { $0.generations[shard] ?? 0 } }

    /// Returns when the shard is signalled after `generation`, or after `timeout`.
    func wait(_ shard: ShardKey, since generation: UInt64, timeout: Duration) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let id = state.withLock { state -> Int? in
                guard (state.generations[shard] ?? 0) == generation else { return nil }
                state.nextId += 1
                state.slots[shard, default: [:]][state.nextId] = continuation
                return state.nextId
            }
            guard let id else { return continuation.resume() }
            Task {
                try? await Task.sleep(for: timeout)
                self.expire(shard, id)
            }
        }
    }

    func signal(_ shard: ShardKey) {
        let woken = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.generations[shard, default: 0] += 1
            return Self.take(&state, shard)
        }
        for continuation in woken { continuation.resume() }
    }

    func signalAll(incarnation: String) {
        let woken = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            let shards = Set(state.generations.keys.filter { $0.incarnation == incarnation })
                .union(state.slots.keys.filter { $0.incarnation == incarnation })
            var taken: [CheckedContinuation<Void, Never>] = []
            for shard in shards {
                state.generations[shard, default: 0] += 1
                taken += Self.take(&state, shard)
            }
            return taken
        }
        for continuation in woken { continuation.resume() }
    }

    private static func take(_ state: inout State, _ shard: ShardKey) -> [CheckedContinuation<Void, Never>] {
        state.slots.removeValue(forKey: shard).map { Array($0.values) } ?? []
    }

    /// Ends one waiter's wait when its time is up (nothing to do if a signal ended it first).
    private func expire(_ shard: ShardKey, _ id: Int) {
        let continuation = state.withLock { state -> CheckedContinuation<Void, Never>? in
            let found = state.slots[shard]?.removeValue(forKey: id)
            if state.slots[shard]?.isEmpty == true { state.slots[shard] = nil }
            return found
        }
        continuation?.resume()
    }
}
