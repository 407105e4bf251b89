import Foundation

/// An event source mapping: a queue whose messages Lambda reads and invokes a function with.
struct EventSourceMappingRecord: Codable, Sendable, Equatable {
    var uuid: String
    var account: String
    var region: String
    /// The function as the mapping names it (possibly qualified by a version or alias).
    var functionArn: String
    var eventSourceArn: String
    var batchSize: Int
    var maximumBatchingWindowInSeconds: Int
    var functionResponseTypes: [String]
    /// Event patterns (JSON text); a record matching none of them is dropped without an invocation.
    var filterPatterns: [String]
    var maximumConcurrency: Int?
    var enabled: Bool
    var lastModified: Date
    var tags: [String: String]?
    /// Stream sources (Kinesis): where reading starts, and what happens to batches that fail.
    var stream: StreamMappingSettings?

    var arn: String { "arn:aws:lambda:\(region):\(account):event-source-mapping:\(uuid)" }
    var reportsBatchItemFailures: Bool { functionResponseTypes.contains("ReportBatchItemFailures") }
}

/// What a mapping from a stream (Kinesis) has beyond a queue's: the starting position, retries and
/// record age, bisection, the on-failure destination, and the checkpoint reached in each shard.
struct StreamMappingSettings: Codable, Sendable, Equatable {
    var startingPosition: String
    var startingPositionTimestamp: Date?
    var parallelizationFactor: Int
    /// -1: until the record expires from the stream.
    var maximumRetryAttempts: Int
    /// -1: no limit.
    var maximumRecordAgeInSeconds: Int
    var bisectBatchOnFunctionError: Bool
    var tumblingWindowInSeconds: Int
    var onFailureDestination: String?
    /// Shard id to the checkpoint after the last record handled (the stream reader's token).
    var checkpoints: [String: String] = [:]
    /// Shards read to their end (closed), whose children may start.
    var finishedShards: [String] = []
    var lastProcessingResult: String = "No records processed"
}
