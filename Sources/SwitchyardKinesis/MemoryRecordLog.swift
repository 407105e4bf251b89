import SwitchyardCore
import Synchronization

/// Records in memory (`--storage memory`).
final class MemoryRecordLog: RecordLog {
    private let shards = Mutex<[ShardKey: [StoredRecord]]>([:])

    func recover() throws -> [ShardKey: (counter: UInt64, millis: Int64)] { [:] }

    func append(_ records: [ShardKey: [StoredRecord]]) -> CommitTicket {
        shards.withLock { shards in
            for (key, added) in records { shards[key, default: []] += added }
        }
        return .alreadyCommitted
    }

    func read(_ shard: ShardKey, after counter: UInt64, limit: Int, maximumBytes: Int) async throws -> [StoredRecord] {
        shards.withLock { shards in
            guard let records = shards[shard] else { return [] }
            var taken: [StoredRecord] = []
            var bytes = 0
            for record in records[records.firstIndex(after: counter, by: \.counter)...] {
                if taken.count == limit || (!taken.isEmpty && bytes + record.size > maximumBytes) { break }
                taken.append(record)
                bytes += record.size
            }
            return taken
        }
    }

    func position(_ shard: ShardKey, atOrAfter millis: Int64) -> UInt64? {
        shards.withLock { shards in
            guard let records = shards[shard] else { return nil }
            let index = records.firstIndex(atLeast: millis, by: \.millis)
            return index < records.count ? records[index].counter - 1 : nil
        }
    }

    func bounds(_ shard: ShardKey) -> (oldest: (UInt64, Int64), newest: (UInt64, Int64))? {
        shards.withLock { shards in
            guard let first = shards[shard]?.first, let last = shards[shard]?.last else { return nil }
            return ((first.counter, first.millis), (last.counter, last.millis))
        }
    }

    func backlog(_ shard: ShardKey, after counter: UInt64) -> (count: Int, firstMillis: Int64?) {
        shards.withLock { shards in
            guard let records = shards[shard] else { return (0, nil) }
            let index = records.firstIndex(after: counter, by: \.counter)
            return (records.count - index, index < records.count ? records[index].millis : nil)
        }
    }

    func trim(_ shard: ShardKey, before millis: Int64) {
        shards.withLock { shards in
            guard let records = shards[shard] else { return }
            let keep = records.firstIndex(atLeast: millis, by: \.millis)
            if keep > 0 { shards[shard] = Array(records[keep...]) }
        }
    }

    func drop(incarnation: String) {
        shards.withLock { shards in
            for key in shards.keys where key.incarnation == incarnation { shards[key] = nil }
        }
    }

    func wipe() { shards.withLock { $0.removeAll() } }
}
