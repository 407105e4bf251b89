import Foundation
import SwitchyardModels
import SwitchyardWire

/// ListShards and resharding.
extension KinesisService {
    public func listShards(_ input: Kinesis.ListShardsInput, context: RequestContext) async throws
        -> Kinesis.ListShardsOutput
    {
        let stream: StreamRecord
        var after = input.exclusiveStartShardId
        if let token = input.nextToken {
            for (name, given) in [
                ("StreamName", input.streamName != nil), ("StreamARN", input.streamARN != nil),
                ("ShardFilter", input.shardFilter != nil),
                ("ExclusiveStartShardId", input.exclusiveStartShardId != nil),
                ("StreamCreationTimestamp", input.streamCreationTimestamp != nil),
            ] where given {
                throw KinesisErrors.invalid("NextToken and \(name) cannot be provided together.")
            }
            guard let page = PageToken(token, kind: "shards") else {
                throw KinesisErrors.invalid("Invalid NextToken.")
            }
            if KinesisEngine.now() - page.issuedAt > PageToken.lifetimeMillis {
                throw AWSError("ExpiredNextTokenException", "The token has expired.")
            }
            let parts = page.after.split(separator: " ", maxSplits: 1).map(String.init)
            guard parts.count == 2, let found = try await engine.stream(parts[0]) else {
                throw KinesisErrors.invalid("Invalid NextToken.")
            }
            stream = found
            after = parts[1]
        } else {
            guard input.streamName != nil || input.streamARN != nil else {
                throw KinesisErrors.invalid("Either NextToken or StreamName should be provided.")
            }
            stream = try await self.stream(name: input.streamName, arn: input.streamARN, context: context)
        }
        var shards = stream.shards
        if let after { shards = shards.filter { $0.id > after } }
        if let filter = input.shardFilter { shards = try Self.apply(filter, to: shards, stream: stream) }
        let limit = min(input.maxResults ?? 1000, 1000)
        let page = Array(shards.prefix(limit))
        let more = shards.count > page.count
        return Kinesis.ListShardsOutput(
            shards: page.map(Self.shape),
            nextToken: more ? page.last.map { PageToken(kind: "shards", after: "\(stream.key) \($0.id)").text } : nil)
    }

    static func apply(_ filter: Kinesis.ShardFilter, to shards: [ShardRecord], stream: StreamRecord) throws
        -> [ShardRecord]
    {
        let horizon = max(KinesisEngine.now() - Int64(stream.retentionHours) * 3_600_000, stream.createdAt)
        func openAt(_ shard: ShardRecord, _ millis: Int64) -> Bool {
            shard.openedAt <= millis && (shard.closedAt.map { $0 > millis } ?? true)
        }
        func millis(_ date: Date?) throws -> Int64 {
            guard let date else {
                throw KinesisErrors.invalid("Timestamp is required for ShardFilter type \(filter.type).")
            }
            return Int64(date.timeIntervalSince1970 * 1000)
        }
        switch filter.type {
        case "AFTER_SHARD_ID":
            guard let id = filter.shardId else {
                throw KinesisErrors.invalid("ShardId is required for ShardFilter type AFTER_SHARD_ID.")
            }
            return shards.filter { $0.id > id }
        case "AT_TRIM_HORIZON": return shards.filter { openAt($0, horizon) }
        case "FROM_TRIM_HORIZON": return shards
        case "AT_LATEST": return shards.filter(\.isOpen)
        case "AT_TIMESTAMP":
            let at = try millis(filter.timestamp)
            return shards.filter { openAt($0, max(at, stream.createdAt)) }
        case "FROM_TIMESTAMP":
            let from = try millis(filter.timestamp)
            return shards.filter { ($0.closedAt.map { $0 > from } ?? true) }
        default:
            throw KinesisErrors.invalid("Invalid ShardFilter type \(filter.type).")
        }
    }

    public func splitShard(_ input: Kinesis.SplitShardInput, context: RequestContext) async throws {
        let key = try streamKey(name: input.streamName, arn: input.streamARN, context: context)
        guard let hashKey = HashKeys.parse(input.newStartingHashKey) else {
            throw KinesisErrors.invalid(
                "NewStartingHashKey \(input.newStartingHashKey) used in SplitShard() on shard \(input.shardToSplit) is not a valid hash key."
            )
        }
        _ = try await engine.split(key, shardId: input.shardToSplit, at: hashKey)
    }

    public func mergeShards(_ input: Kinesis.MergeShardsInput, context: RequestContext) async throws {
        let key = try streamKey(name: input.streamName, arn: input.streamARN, context: context)
        _ = try await engine.merge(key, shardId: input.shardToMerge, adjacentId: input.adjacentShardToMerge)
    }

    public func updateShardCount(_ input: Kinesis.UpdateShardCountInput, context: RequestContext) async throws
        -> Kinesis.UpdateShardCountOutput
    {
        let key = try streamKey(name: input.streamName, arn: input.streamARN, context: context)
        let (previous, stream) = try await engine.scale(key, to: input.targetShardCount)
        return Kinesis.UpdateShardCountOutput(
            streamName: stream.name, currentShardCount: previous, targetShardCount: input.targetShardCount,
            streamARN: stream.arn)
    }
}
