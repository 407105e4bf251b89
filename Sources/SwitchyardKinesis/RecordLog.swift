import Foundation
import SwitchyardCore

/// One record of a shard as stored.
struct StoredRecord: Sendable, Equatable {
    /// The stream-wide counter in the record's sequence number: a shard's records in order.
    var counter: UInt64
    /// Arrival time, epoch milliseconds.
    var millis: Int64
    var partitionKey: String
    var data: [UInt8]

    /// The bytes AWS counts against its limits: data and partition key.
    var size: Int { data.count + partitionKey.utf8.count }
}

/// Names one shard's records: the stream incarnation (a new stream of an old name starts empty) and
/// the shard's ordinal.
struct ShardKey: Sendable, Hashable {
    var incarnation: String
    var ordinal: Int
}

/// Where records live: appended in counter order per shard, durable once the returned ticket
/// completes (and only then readable), read from a position, trimmed by age.
protocol RecordLog: Sendable {
    /// The newest counter and arrival time of every shard that holds records, after a restart.
    func recover() throws -> [ShardKey: (counter: UInt64, millis: Int64)]
    func append(_ records: [ShardKey: [StoredRecord]]) -> CommitTicket
    /// Up to `limit` records after `counter`, stopping before `maximumBytes` once one is taken.
    func read(_ shard: ShardKey, after counter: UInt64, limit: Int, maximumBytes: Int) async throws -> [StoredRecord]
    /// The counter just before the first record that arrived at or after a time (a position to read
    /// from), or nil when every record is older.
    func position(_ shard: ShardKey, atOrAfter millis: Int64) -> UInt64?
    /// The oldest and newest records still kept: counter and arrival time.
    func bounds(_ shard: ShardKey) -> (oldest: (UInt64, Int64), newest: (UInt64, Int64))?
    /// How many records after `counter` and the arrival time of the first of them.
    func backlog(_ shard: ShardKey, after counter: UInt64) -> (count: Int, firstMillis: Int64?)
    /// Forgets records that arrived before a time.
    func trim(_ shard: ShardKey, before millis: Int64)
    /// Forgets every shard of a stream incarnation.
    func drop(incarnation: String)
    func wipe()
}

/// Binary searches over a counter-ordered list.
extension RandomAccessCollection where Index == Int {
    /// The index of the first element whose key is greater than `value`.
    func firstIndex<Key: Comparable>(after value: Key, by key: (Element) -> Key) -> Int {
        var low = startIndex
        var high = endIndex
        while low < high {
            let middle = (low + high) / 2
            if key(self[middle]) <= value { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The index of the first element whose key is at least `value`.
    func firstIndex<Key: Comparable>(atLeast value: Key, by key: (Element) -> Key) -> Int {
        var low = startIndex
        var high = endIndex
        while low < high {
            let middle = (low + high) / 2
            if key(self[middle]) < value { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
