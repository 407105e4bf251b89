import Foundation
import SwitchyardWire

/// SplitShard, MergeShards and UpdateShardCount: parents close with an ending sequence number,
/// children open after it, and the stream is UPDATING for the transition.
extension KinesisEngine {
    /// Closes shards and opens their children in one change of the stream.
    static func reshard(
        _ stream: inout StreamRecord, closing parents: [Int], opening children: [(ClosedRange<UInt128>, Int?, Int?)],
        at now: Int64
    ) {
        let millis = max(now, stream.lastMillis)
        stream.lastMillis = millis
        stream.counter += 1
        for index in stream.shards.indices where parents.contains(stream.shards[index].ordinal) {
            stream.shards[index].endingSequence =
                SequenceNumber(millis: millis, counter: stream.counter, shard: stream.shards[index].ordinal).text
            stream.shards[index].closedAt = millis
        }
        stream.counter += 1
        for (range, parent, adjacent) in children {
            let ordinal = stream.nextShardOrdinal
            stream.nextShardOrdinal += 1
            stream.shards.append(
                ShardRecord(
                    ordinal: ordinal, parent: parent, adjacentParent: adjacent,
                    startingHashKey: String(range.lowerBound), endingHashKey: String(range.upperBound),
                    startingSequence: SequenceNumber(millis: millis, counter: stream.counter, shard: ordinal).text,
                    openedAt: millis))
        }
    }

    /// Resharding is for provisioned streams.
    static func requireProvisioned(_ stream: StreamRecord) throws {
        guard stream.mode == "PROVISIONED" else {
            throw AWSError(
                "ValidationException",
                "Request is invalid. Stream \(stream.name) under account \(stream.account) is in On-Demand mode.")
        }
    }

    func split(_ key: String, shardId: String, at hashKey: UInt128) async throws -> StreamRecord {
        let stream = try await update(key) { stream in
            try Self.requireProvisioned(stream)
            guard let shard = stream.shards.first(where: { $0.id == shardId }) else {
                throw KinesisErrors.shardNotFound(shardId, stream)
            }
            guard shard.isOpen else {
                throw KinesisErrors.invalid(
                    "Shard \(shardId) in stream \(stream.name) under account \(stream.account) has already been merged or split, and thus is not eligible for merging or splitting."
                )
            }
            let range = shard.hashRange
            // Both children must hold at least two keys... as AWS checks it: start + 1 < key < end.
            guard hashKey > range.lowerBound &+ 1, hashKey < range.upperBound else {
                throw KinesisErrors.invalid(
                    "NewStartingHashKey \(hashKey) used in SplitShard() on shard \(shardId) in stream \(stream.name) under account \(stream.account) is not both greater than one plus the shard's StartingHashKey \(range.lowerBound) and less than the shard's EndingHashKey \(range.upperBound)."
                )
            }
            try self.checkShardLimit(account: stream.account, region: stream.region, adding: 1)
            Self.reshard(
                &stream, closing: [shard.ordinal],
                opening: [
                    (range.lowerBound...(hashKey - 1), shard.ordinal, nil),
                    (hashKey...range.upperBound, shard.ordinal, nil),
                ],
                at: Self.now())
            stream.status = "UPDATING"
            stream.settlesAt = Self.now() + transitionMillis
        }
        return stream
    }

    func merge(_ key: String, shardId: String, adjacentId: String) async throws -> StreamRecord {
        try await update(key) { stream in
            try Self.requireProvisioned(stream)
            guard let first = stream.shards.first(where: { $0.id == shardId }) else {
                throw KinesisErrors.shardNotFound(shardId, stream)
            }
            guard let second = stream.shards.first(where: { $0.id == adjacentId }) else {
                throw KinesisErrors.shardNotFound(adjacentId, stream)
            }
            for shard in [first, second] where !shard.isOpen {
                throw KinesisErrors.invalid(
                    "Shard \(shard.id) in stream \(stream.name) under account \(stream.account) has already been merged or split, and thus is not eligible for merging or splitting."
                )
            }
            // The order matters: ShardToMerge must be the one just below its adjacent shard.
            let (low, high) = (first, second)
            guard low.hashRange.upperBound < .max, low.hashRange.upperBound + 1 == high.hashRange.lowerBound else {
                throw KinesisErrors.invalid(
                    "Shards \(shardId) and \(adjacentId) in stream \(stream.name) under account \(stream.account) are not an adjacent pair of shards eligible for merging"
                )
            }
            Self.reshard(
                &stream, closing: [first.ordinal, second.ordinal],
                opening: [(low.hashRange.lowerBound...high.hashRange.upperBound, first.ordinal, second.ordinal)],
                at: Self.now())
            stream.status = "UPDATING"
            stream.settlesAt = Self.now() + transitionMillis
        }
    }

    /// UpdateShardCount with UNIFORM_SCALING: every open shard closes and the key space is split
    /// evenly among the target number of new shards, each child naming the old shards it overlaps.
    func scale(_ key: String, to target: Int) async throws -> (previous: Int, stream: StreamRecord) {
        var previous = 0
        let stream = try await update(key) { stream in
            try Self.requireProvisioned(stream)
            let open = stream.openShards.sorted { $0.hashRange.lowerBound < $1.hashRange.lowerBound }
            previous = open.count
            let now = Self.now()
            stream.scalingCalls.removeAll { $0 < now - 86_400_000 }
            if target > previous * 2 {
                throw KinesisErrors.invalid(
                    "UpdateShardCount cannot scale up over double your current open shard count. Current open shard count: \(previous) Target shard count: \(target)"
                )
            }
            if target * 2 < previous {
                throw KinesisErrors.invalid(
                    "UpdateShardCount cannot scale down below half your current open shard count. Current open shard count: \(previous) Target shard count: \(target)"
                )
            }
            if stream.scalingCalls.count >= 10 {
                throw KinesisErrors.limit(
                    "Rate exceeded for stream \(stream.name) under account \(stream.account).")
            }
            try self.checkShardLimit(account: stream.account, region: stream.region, adding: target - previous)
            stream.scalingCalls.append(now)

            let ranges = HashKeys.evenRanges(target)
            let children = ranges.map { range -> (ClosedRange<UInt128>, Int?, Int?) in
                let overlapping = open.filter { $0.hashRange.overlaps(range) }.map(\.ordinal)
                return (range, overlapping.first, overlapping.count > 1 ? overlapping[1] : nil)
            }
            Self.reshard(&stream, closing: open.map(\.ordinal), opening: children, at: now)
            stream.status = "UPDATING"
            stream.settlesAt = now + transitionMillis
        }
        return (previous, stream)
    }

    /// AWS's default shard quota of an account in a region: 20,000 in its largest regions, 1,000 elsewhere.
    static func shardLimit(region: String) -> Int {
        ["us-east-1", "us-west-2", "eu-west-1"].contains(region) ? 20_000 : 1_000
    }

    /// Refuses a change that would take the account's open shards in the region over the limit.
    func checkShardLimit(account: String, region: String, adding: Int) throws {
        let open = streams.values.filter { $0.account == account && $0.region == region }
            .reduce(0) { $0 + $1.openShards.count }
        let limit = Self.shardLimit(region: region)
        guard adding > 0, open + adding > limit else { return }
        throw KinesisErrors.limit(
            "This request would exceed the shard limit for the account \(account) in \(region). Current shard count for the account: \(open). Limit: \(limit). Number of additional shards that would have resulted from this request: \(adding). Refer to the AWS Service Limits page (http://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) for current limits and how to request higher limits."
        )
    }
}
