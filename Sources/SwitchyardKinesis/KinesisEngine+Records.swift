import Foundation
import SwitchyardCore
import SwitchyardWire

/// One record a producer puts.
struct RecordInput: Sendable {
    var partitionKey: String
    var explicitHashKey: UInt128?
    var data: [UInt8]
}

/// Where a put record went: its shard, and its sequence number unless the shard's write quota
/// turned it away.
struct PutResult: Sendable {
    var shardId: String
    var sequenceNumber: String?
}

/// Records of one GetRecords call.
struct ReadResult: Sendable {
    var records: [StoredRecord]
    /// The position after the last record read (or the given one).
    var position: UInt64
    /// True when the shard is closed and every record of it has been read.
    var exhausted: Bool
    var millisBehindLatest: Int64
}

extension KinesisEngine {
    /// Appends records to the open shards their hash keys fall in, durably, in order; returns where
    /// each went.
    func put(_ key: String, _ inputs: [RecordInput]) async throws -> [PutResult] {
        guard var stream = try await stream(key) else { throw KinesisErrors.streamNotFound(key: key) }
        guard stream.status == "ACTIVE" || stream.status == "UPDATING" else { throw KinesisErrors.notActive(stream) }
        let open = stream.openShards
        let now = max(Self.now(), stream.lastMillis)
        var results: [PutResult] = []
        results.reserveCapacity(inputs.count)
        var batch: [ShardKey: [StoredRecord]] = [:]
        for input in inputs {
            let hash = input.explicitHashKey ?? HashKeys.of(partitionKey: input.partitionKey)
            guard let shard = open.first(where: { $0.hashRange.contains(hash) }) ?? open.last else {
                throw AWSError("InternalFailureException", "The stream has no open shard.")
            }
            let shardKey = ShardKey(incarnation: stream.incarnation, ordinal: shard.ordinal)
            guard quotas.admitWrite(shardKey, bytes: input.data.count + input.partitionKey.utf8.count) else {
                results.append(PutResult(shardId: shard.id, sequenceNumber: nil))
                continue
            }
            stream.counter += 1
            let record = StoredRecord(
                counter: stream.counter, millis: now, partitionKey: input.partitionKey, data: input.data)
            batch[shardKey, default: []].append(record)
            results.append(
                PutResult(
                    shardId: shard.id,
                    sequenceNumber: SequenceNumber(millis: now, counter: stream.counter, shard: shard.ordinal).text))
        }
        stream.lastMillis = now
        // Counters live in memory; after a restart they continue from the newest record stored.
        streams[key] = stream
        try await log.append(batch).wait()
        for shard in batch.keys { signals.signal(shard) }
        return results
    }

    /// Reads a shard after a position.
    func read(
        _ stream: StreamRecord, shard: ShardRecord, after position: UInt64, limit: Int
    ) async throws -> ReadResult {
        let key = ShardKey(incarnation: stream.incarnation, ordinal: shard.ordinal)
        let records = try await log.read(key, after: position, limit: limit, maximumBytes: 10 * 1024 * 1024)
        quotas.chargeRead(key, bytes: records.reduce(0) { $0 + $1.size })
        let next = records.last?.counter ?? position
        let backlog = log.backlog(key, after: next)
        let ending = shard.endingSequence.flatMap(SequenceNumber.init)
        let exhausted = ending != nil && backlog.count == 0
        let behind = backlog.firstMillis.map { max(0, Self.now() - $0) } ?? 0
        return ReadResult(records: records, position: next, exhausted: exhausted, millisBehindLatest: behind)
    }

}
