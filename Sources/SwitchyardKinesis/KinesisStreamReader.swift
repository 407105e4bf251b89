import Foundation
import SwitchyardPlatform
import SwitchyardWire

/// Kinesis streams as a stream source for other modules (Lambda event source mappings, Pipes):
/// shards with their lineage, and records after a checkpoint, which is the counter of the last
/// record read (as text).
struct KinesisStreamReader: StreamSourceReader {
    let engine: KinesisEngine

    private func stream(_ arn: String) async -> StreamRecord? {
        guard let parsed = KinesisService.parseStreamARN(arn) else { return nil }
        let key = StreamRecord.key(account: parsed.account, region: parsed.region, name: parsed.name)
        return try? await engine.stream(key)
    }

    func shards(of arn: String) async -> [StreamSourceShard]? {
        guard let stream = await stream(arn) else { return nil }
        return stream.shards.map { shard in
            StreamSourceShard(
                id: shard.id, parents: [shard.parent, shard.adjacentParent].compactMap { $0 }.map(ShardRecord.id),
                isOpen: shard.isOpen)
        }
    }

    func start(_ arn: String, shard: String, position: String, timestamp: Date?) async throws -> String {
        guard let stream = await stream(arn), let record = stream.shards.first(where: { $0.id == shard }) else {
            throw AWSError("ResourceNotFoundException", "Stream or shard not found: \(arn) \(shard)")
        }
        switch position {
        case "LATEST": return String(stream.counter)
        case "AT_TIMESTAMP":
            let millis = Int64((timestamp ?? Date()).timeIntervalSince1970 * 1000)
            let key = ShardKey(incarnation: stream.incarnation, ordinal: record.ordinal)
            return String(engine.log.position(key, atOrAfter: millis) ?? stream.counter)
        default: return "0"
        }
    }

    func read(_ arn: String, shard: String, after checkpoint: String, limit: Int) async throws -> StreamSourceRead {
        guard let stream = await stream(arn), let record = stream.shards.first(where: { $0.id == shard }) else {
            throw AWSError("ResourceNotFoundException", "Stream or shard not found: \(arn) \(shard)")
        }
        let read = try await engine.read(stream, shard: record, after: UInt64(checkpoint) ?? 0, limit: limit)
        return StreamSourceRead(
            records: read.records.map { stored in
                StreamSourceRecord(
                    sequenceNumber: SequenceNumber(
                        millis: stored.millis, counter: stored.counter, shard: record.ordinal
                    )
                    .text,
                    partitionKey: stored.partitionKey, data: stored.data, arrivalMillis: stored.millis,
                    checkpoint: String(stored.counter))
            }, checkpoint: String(read.position), exhausted: read.exhausted)
    }

    func waitForRecords(_ arn: String, shard: String, after checkpoint: String, timeout: Duration) async {
        guard let stream = await stream(arn), let ordinal = ShardRecord.ordinal(of: shard) else {
            try? await Task.sleep(for: timeout)
            return
        }
        let key = ShardKey(incarnation: stream.incarnation, ordinal: ordinal)
        let generation = engine.signals.generation(key)
        if engine.log.backlog(key, after: UInt64(checkpoint) ?? 0).count > 0 { return }
        await engine.signals.wait(key, since: generation, timeout: timeout)
    }
}
