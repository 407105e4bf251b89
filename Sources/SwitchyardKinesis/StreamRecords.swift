import Foundation

/// A shard of a stream: its place in the hash key space, its lineage, and the sequence numbers it
/// opened and (once split or merged) closed with.
struct ShardRecord: Sendable, Codable, Equatable {
    /// The n in `shardId-00000000000n`.
    var ordinal: Int
    var parent: Int?
    var adjacentParent: Int?
    /// Decimal hash keys (UInt128 is not Codable everywhere).
    var startingHashKey: String
    var endingHashKey: String
    var startingSequence: String
    var endingSequence: String?
    /// Epoch milliseconds the shard opened and closed.
    var openedAt: Int64
    var closedAt: Int64?

    var id: String { Self.id(ordinal) }
    var isOpen: Bool { endingSequence == nil }

    var hashRange: ClosedRange<UInt128> {
        (UInt128(startingHashKey) ?? 0)...(UInt128(endingHashKey) ?? .max)
    }

    static func id(_ ordinal: Int) -> String {
        let digits = String(ordinal)
        return "shardId-" + String(repeating: "0", count: max(0, 12 - digits.count)) + digits
    }

    /// The ordinal a shard id names, if it has the `shardId-` form.
    static func ordinal(of id: String) -> Int? {
        guard id.hasPrefix("shardId-") else { return nil }
        return Int(id.dropFirst("shardId-".count))
    }
}

/// An enhanced fan-out consumer registered on a stream.
struct ConsumerRecord: Sendable, Codable, Equatable {
    var name: String
    var arn: String
    var status: String
    /// Epoch milliseconds.
    var createdAt: Int64
    var tags: [String: String]
}

/// A stream as stored: what it is, its shards (open and closed), consumers, and settings.
struct StreamRecord: Sendable, Codable, Equatable {
    var account: String
    var region: String
    var name: String
    /// Distinguishes a stream from an earlier one of the same name (iterators of a deleted stream
    /// do not read a new one).
    var incarnation: String
    var status: String
    /// Epoch milliseconds.
    var createdAt: Int64
    /// When the current CREATING / UPDATING / DELETING state ends, epoch milliseconds.
    var settlesAt: Int64?
    var mode: String
    var retentionHours: Int
    var encryptionType: String
    var keyId: String?
    var shardLevelMetrics: [String]
    var shards: [ShardRecord]
    var nextShardOrdinal: Int
    /// The largest record counter issued (sequence numbers continue after it).
    var counter: UInt64
    /// The largest arrival time issued, so that time in sequence numbers never goes back.
    var lastMillis: Int64
    var tags: [String: String]
    var consumers: [ConsumerRecord]
    var policy: String?
    /// Resource policies of consumers, by consumer ARN.
    var consumerPolicies: [String: String] = [:]

    var maxRecordSizeKiB: Int
    var warmThroughputMiBps: Int?
    /// UpdateShardCount calls in the last 24 hours (epoch milliseconds), for AWS's limit.
    var scalingCalls: [Int64]

    var key: String { Self.key(account: account, region: region, name: name) }
    var arn: String { "arn:aws:kinesis:\(region):\(account):stream/\(name)" }
    var openShards: [ShardRecord] { shards.filter(\.isOpen) }

    static func key(account: String, region: String, name: String) -> String { "\(account)/\(region)/\(name)" }
}
