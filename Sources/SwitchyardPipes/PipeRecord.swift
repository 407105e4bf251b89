import Foundation

/// A pipe: records read from a source, filtered, optionally enriched, shaped and sent to a target.
public struct PipeRecord: Sendable, Codable, Equatable {
    public var account: String
    public var region: String
    public var name: String
    public var description: String?
    public var desiredState: String
    public var currentState: String
    public var source: String
    /// awsJson text of the model's `PipeSourceParameters`, `PipeEnrichmentParameters` and
    /// `PipeTargetParameters`, kept as given.
    public var sourceParameters: String?
    public var enrichment: String?
    public var enrichmentParameters: String?
    public var target: String
    public var targetParameters: String?
    public var roleArn: String
    public var tags: [String: String]
    public var createdAt: Int64
    public var modifiedAt: Int64
    /// When a transitional state (CREATING, STARTING, ...) settles into the desired one.
    public var settlesAt: Int64?
    /// A stream source (Kinesis): the checkpoint reached in each shard, and the shards read to their end.
    public var streamCheckpoints: [String: String]?
    public var finishedShards: [String]?

    public var arn: String { "arn:aws:pipes:\(region):\(account):pipe/\(name)" }
    public var storageKey: String { "\(account)/\(region)/\(name)" }
}
