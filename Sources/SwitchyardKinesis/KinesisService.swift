import Foundation
import SwitchyardModels
import SwitchyardWire

/// Kinesis Data Streams' operations, all of them: streams, records, shards and resharding,
/// consumers and SubscribeToShard, tags, policies and settings.
public struct KinesisService: KinesisAPI {
    let engine: KinesisEngine

    /// The stream a request names by StreamName or StreamARN (ARN first), with its key.
    func streamKey(name: String?, arn: String?, context: RequestContext) throws -> String {
        if let arn {
            guard let parsed = Self.parseStreamARN(arn) else {
                throw KinesisErrors.invalid("Invalid StreamARN \(arn).")
            }
            if let name, name != parsed.name {
                throw KinesisErrors.invalid("StreamARN \(arn) and StreamName \(name) do not refer to the same stream.")
            }
            return StreamRecord.key(account: parsed.account, region: parsed.region, name: parsed.name)
        }
        guard let name else {
            throw KinesisErrors.invalid("Either StreamName or StreamARN should be provided.")
        }
        return StreamRecord.key(account: context.account, region: context.region, name: name)
    }

    /// The stream a request names, which must exist.
    func stream(name: String?, arn: String?, context: RequestContext) async throws -> StreamRecord {
        let key = try streamKey(name: name, arn: arn, context: context)
        guard let stream = try await engine.stream(key) else { throw KinesisErrors.streamNotFound(key: key) }
        return stream
    }

    /// `arn:aws:kinesis:<region>:<account>:stream/<name>` (and nothing after the name).
    static func parseStreamARN(_ arn: String) -> (region: String, account: String, name: String)? {
        let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 6, parts[0] == "arn", parts[2] == "kinesis", parts[5].hasPrefix("stream/") else {
            return nil
        }
        let name = String(parts[5].dropFirst("stream/".count))
        guard !name.isEmpty, !name.contains("/") else { return nil }
        return (parts[3], parts[4], name)
    }

    /// `arn:aws:kinesis:<region>:<account>:stream/<name>/consumer/<consumer>:<created>`.
    static func parseConsumerARN(_ arn: String) -> (streamKey: String, consumer: String)? {
        let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 6, parts[0] == "arn", parts[2] == "kinesis" else { return nil }
        let path = parts[5].split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard path.count == 4, path[0] == "stream", path[2] == "consumer" else { return nil }
        return (StreamRecord.key(account: parts[4], region: parts[3], name: path[1]), path[3])
    }

    /// A shard id as AWS reads it: by the number after its last `-` (`shardId-000000000001`,
    /// `shardId-1`), else "Could not find shard" with the id as given.
    static func shardOrdinal(_ id: String, streamName: String?, arn: String?, context: RequestContext) throws -> Int {
        if let dash = id.lastIndex(of: "-"), let ordinal = Int32(id[id.index(after: dash)...]), ordinal >= 0 {
            return Int(ordinal)
        }
        let name = arn.flatMap { parseStreamARN($0)?.name } ?? streamName ?? ""
        let account = arn.flatMap { parseStreamARN($0)?.account } ?? context.account
        throw AWSError(
            "ResourceNotFoundException", "Could not find shard \(id) in stream \(name) under account \(account).")
    }

    static func date(_ millis: Int64) -> Date { Date(timeIntervalSince1970: Double(millis) / 1000) }

    static func shape(_ shard: ShardRecord) -> Kinesis.Shard {
        Kinesis.Shard(
            shardId: shard.id, parentShardId: shard.parent.map(ShardRecord.id),
            adjacentParentShardId: shard.adjacentParent.map(ShardRecord.id),
            hashKeyRange: Kinesis.HashKeyRange(
                startingHashKey: shard.startingHashKey, endingHashKey: shard.endingHashKey),
            sequenceNumberRange: Kinesis.SequenceNumberRange(
                startingSequenceNumber: shard.startingSequence, endingSequenceNumber: shard.endingSequence))
    }

    static func modeDetails(_ stream: StreamRecord) -> Kinesis.StreamModeDetails {
        Kinesis.StreamModeDetails(streamMode: stream.mode)
    }

    static func monitoring(_ stream: StreamRecord) -> [Kinesis.EnhancedMetrics] {
        [Kinesis.EnhancedMetrics(shardLevelMetrics: stream.shardLevelMetrics)]
    }
}
