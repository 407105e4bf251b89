import Foundation
import Synchronization

/// AWS's per-shard throughput quotas, when asked for (`SWITCHYARD_KINESIS_THROTTLE=1`; off by
/// default): a shard takes 1 MiB and 1,000 records a second and serves 2 MiB and 5 GetRecords
/// calls a second. Each is a token bucket holding one second's worth.
final class ShardQuotas: Sendable {
    struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant

        mutating func refill(rate: Double, now: ContinuousClock.Instant) {
            let elapsed = now - updated
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            tokens = min(rate, tokens + seconds * rate)
            updated = now
        }
    }

    struct Shard {
        var writeBytes: Bucket
        var writeRecords: Bucket
        var readBytes: Bucket
        var readCalls: Bucket
    }

    static let writeBytesPerSecond = 1_048_576.0
    static let writeRecordsPerSecond = 1_000.0
    static let readBytesPerSecond = 2_097_152.0
    static let readCallsPerSecond = 5.0

    let enabled: Bool
    private let shards = Mutex<[ShardKey: Shard]>([:])

    init(enabled: Bool) { self.enabled = enabled }

    private func withShard<T>(_ key: ShardKey, _ body: (inout Shard) -> T) -> T {
        shards.withLock { shards in
            let now = ContinuousClock.now
            var shard =
                shards[key]
                ?? Shard(
                    writeBytes: Bucket(tokens: Self.writeBytesPerSecond, updated: now),
                    writeRecords: Bucket(tokens: Self.writeRecordsPerSecond, updated: now),
                    readBytes: Bucket(tokens: Self.readBytesPerSecond, updated: now),
                    readCalls: Bucket(tokens: Self.readCallsPerSecond, updated: now))
            shard.writeBytes.refill(rate: Self.writeBytesPerSecond, now: now)
            shard.writeRecords.refill(rate: Self.writeRecordsPerSecond, now: now)
            shard.readBytes.refill(rate: Self.readBytesPerSecond, now: now)
            shard.readCalls.refill(rate: Self.readCallsPerSecond, now: now)
            let result = body(&shard)
            shards[key] = shard
            return result
        }
    }

    /// Takes a record of `bytes` into the shard's write quota, or answers false when it is spent.
    func admitWrite(_ key: ShardKey, bytes: Int) -> Bool {
        guard enabled else { return true }
        return withShard(key) { shard in
            guard shard.writeRecords.tokens >= 1, shard.writeBytes.tokens >= Double(bytes) else { return false }
            shard.writeRecords.tokens -= 1
            shard.writeBytes.tokens -= Double(bytes)
            return true
        }
    }

    /// Takes a GetRecords call, or answers false when the shard's read quota is spent (the bytes
    /// read are charged afterwards and may leave the shard in debt until it refills).
    func admitRead(_ key: ShardKey) -> Bool {
        guard enabled else { return true }
        return withShard(key) { shard in
            guard shard.readCalls.tokens >= 1, shard.readBytes.tokens > 0 else { return false }
            shard.readCalls.tokens -= 1
            return true
        }
    }

    func chargeRead(_ key: ShardKey, bytes: Int) {
        guard enabled, bytes > 0 else { return }
        withShard(key) { $0.readBytes.tokens -= Double(bytes) }
    }
}
