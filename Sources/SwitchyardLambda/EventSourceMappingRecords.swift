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

    var arn: String { "arn:aws:lambda:\(region):\(account):event-source-mapping:\(uuid)" }
    var reportsBatchItemFailures: Bool { functionResponseTypes.contains("ReportBatchItemFailures") }
}
