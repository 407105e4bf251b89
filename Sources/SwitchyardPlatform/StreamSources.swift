import Foundation
import Synchronization

/// A shard of a stream source, as its consumers see it.
public struct StreamSourceShard: Sendable, Equatable {
    public var id: String
    /// The shards it was split or merged from (read to their end before this one).
    public var parents: [String]
    public var isOpen: Bool

    public init(id: String, parents: [String], isOpen: Bool) {
        self.id = id
        self.parents = parents
        self.isOpen = isOpen
    }
}

/// One record of a stream source with what consumers build their events from.
public struct StreamSourceRecord: Sendable, Equatable {
    public var sequenceNumber: String
    public var partitionKey: String
    public var data: [UInt8]
    /// Epoch milliseconds.
    public var arrivalMillis: Int64
    /// Where a reader continues after this record.
    public var checkpoint: String

    public init(sequenceNumber: String, partitionKey: String, data: [UInt8], arrivalMillis: Int64, checkpoint: String) {
        self.sequenceNumber = sequenceNumber
        self.partitionKey = partitionKey
        self.data = data
        self.arrivalMillis = arrivalMillis
        self.checkpoint = checkpoint
    }
}

/// What one read of a shard returned.
public struct StreamSourceRead: Sendable {
    public var records: [StreamSourceRecord]
    /// Where to continue after these records (the given checkpoint when there were none).
    public var checkpoint: String
    /// The shard is closed and every record of it has been read.
    public var exhausted: Bool

    public init(records: [StreamSourceRecord], checkpoint: String, exhausted: Bool) {
        self.records = records
        self.checkpoint = checkpoint
        self.exhausted = exhausted
    }
}

/// Reads stream sources (Kinesis) shard by shard, for consumers in other modules (Lambda event
/// source mappings, Pipes) that keep their own checkpoints: opaque positions the reader hands out.
public protocol StreamSourceReader: Sendable {
    /// The stream's shards (open, and closed ones still holding records), or nil if it does not exist.
    func shards(of arn: String) async -> [StreamSourceShard]?
    /// The checkpoint a new consumer starts from: `TRIM_HORIZON`, `LATEST` or `AT_TIMESTAMP`.
    func start(_ arn: String, shard: String, position: String, timestamp: Date?) async throws -> String
    /// Up to `limit` records after a checkpoint.
    func read(_ arn: String, shard: String, after checkpoint: String, limit: Int) async throws -> StreamSourceRead
    /// Returns when the shard may have new records, or after `timeout`.
    func waitForRecords(_ arn: String, shard: String, after checkpoint: String, timeout: Duration) async
}

/// The stream readers of every kind of stream source, by the ARN's service (`kinesis`).
public final class StreamSourceReaders: Sendable {
    private let readers = Mutex<[String: any StreamSourceReader]>([:])

    public init() {}

    public func register(_ service: String, _ reader: any StreamSourceReader) {
        readers.withLock { $0[service] = reader }
    }

    public func reader(for arn: String) -> (any StreamSourceReader)? {
        let service = arn.split(separator: ":", maxSplits: 3, omittingEmptySubsequences: false).dropFirst(2).first
        return service.flatMap { name in readers.withLock { $0[String(name)] } }
    }
}
