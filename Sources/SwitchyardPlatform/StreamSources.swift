import Foundation
import SwitchyardWire
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

extension StreamSourceReader {
    /// Where a consumer reads a shard from: its own checkpoint when it has one, else `position` (and
    /// `timestamp`) for a shard without parents, else the shard's beginning (a child is read once
    /// its parents were read to their end).
    public func checkpoint(
        _ known: String?, of arn: String, shard: StreamSourceShard, position: String, timestamp: Date?
    ) async throws -> String {
        if let known { return known }
        return try await start(
            arn, shard: shard.id, position: shard.parents.isEmpty ? position : "TRIM_HORIZON", timestamp: timestamp)
    }
}

extension Array where Element == StreamSourceShard {
    /// The shards a consumer reads now, in order: those it has not finished whose parents it has
    /// finished (or that are gone), so that a key's records are read in order across resharding.
    public func readable(finished: Set<String>) -> [StreamSourceShard] {
        filter { shard in
            !finished.contains(shard.id)
                && shard.parents.allSatisfy { parent in finished.contains(parent) || !contains { $0.id == parent } }
        }
    }
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

extension StreamSourceRecord {
    /// The fields AWS gives a Kinesis record's consumers (Lambda nests them under `kinesis`, Pipes
    /// does not): schema version, partition key, sequence number, base64 data, arrival in seconds.
    public var kinesisFields: [(key: String, value: OrderedJSON)] {
        [
            ("kinesisSchemaVersion", .string("1.0")), ("partitionKey", .string(partitionKey)),
            ("sequenceNumber", .string(sequenceNumber)), ("data", .string(Data(data).base64EncodedString())),
            ("approximateArrivalTimestamp", .scalar(.number(Double(arrivalMillis) / 1000))),
        ]
    }

    /// The event fields around a Kinesis record: its source, event id (`<shard>:<sequence number>`),
    /// the role that reads it, region and stream.
    public func eventFields(shard: String, role: String, region: String, streamArn: String) -> [(
        key: String, value: OrderedJSON
    )] {
        [
            ("eventSource", .string("aws:kinesis")), ("eventVersion", .string("1.0")),
            ("eventID", .string("\(shard):\(sequenceNumber)")), ("eventName", .string("aws:kinesis:record")),
            ("invokeIdentityArn", .string(role)), ("awsRegion", .string(region)),
            ("eventSourceARN", .string(streamArn)),
        ]
    }

    /// The data as the JSON it holds, for filter criteria that match on `data`; nil when it is not JSON.
    public var dataAsJSON: OrderedJSON? { try? OrderedJSON.parse(data) }

    /// The `KinesisBatchInfo` that describes records given up on (to a Lambda mapping's on-failure
    /// destination, a pipe's dead-letter queue): shard, first and last sequence numbers and arrivals,
    /// count and stream. Nil for no records.
    public static func batchInfo(_ records: [StreamSourceRecord], shard: String, streamArn: String) -> OrderedJSON? {
        guard let first = records.first, let last = records.last else { return nil }
        func arrival(_ record: StreamSourceRecord) -> OrderedJSON {
            .string(Timestamps.iso8601(Date(timeIntervalSince1970: Double(record.arrivalMillis) / 1000)))
        }
        return .object([
            ("shardId", .string(shard)), ("startSequenceNumber", .string(first.sequenceNumber)),
            ("endSequenceNumber", .string(last.sequenceNumber)),
            ("approximateArrivalOfFirstRecord", arrival(first)), ("approximateArrivalOfLastRecord", arrival(last)),
            ("batchSize", .integer(records.count)), ("streamArn", .string(streamArn)),
        ])
    }
}
