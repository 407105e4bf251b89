import Foundation

/// A Logs Insights query started by StartQuery: what it asked, how it stands, and its answer once
/// complete (kept seven days, as AWS keeps results).
struct LogsQueryRecord: Codable, Sendable, Equatable {
    var account: String
    var region: String
    var id: String
    /// The groups' names, in the order the request gave them.
    var groupNames: [String]
    var queryString: String
    /// Seconds since the epoch, both inclusive (AWS reads the end as its last millisecond).
    var startTime: Int64
    var endTime: Int64
    var limit: Int?
    /// Scheduled, Running, Complete, Failed or Cancelled.
    var status: String
    /// Milliseconds since the epoch.
    var createTime: Int64
    var results: [[LogsResultField]]?
    var recordsMatched: Double = 0
    var recordsScanned: Double = 0
    var bytesScanned: Double = 0

    var key: String { "\(account)/\(region)/\(id)" }
    var isActive: Bool { status == "Scheduled" || status == "Running" }

    /// The query as DescribeQueries shows it: `SOURCE "<group>" START=<ms> END=<ms> | <query>`.
    var describedString: String {
        let sources = groupNames.map { "\"\($0)\"" }.joined(separator: " ")
        return "SOURCE \(sources) START=\(startTime)000 END=\(endTime)999 | \(queryString)"
    }
}

/// One field of one result row.
struct LogsResultField: Codable, Sendable, Equatable {
    var field: String
    var value: String
}

/// A saved query (PutQueryDefinition).
struct LogsQueryDefinitionRecord: Codable, Sendable, Equatable {
    var account: String
    var region: String
    var id: String
    var name: String
    var queryString: String
    var logGroupNames: [String]?
    var language: String
    var lastModified: Int64

    var key: String { "\(account)/\(region)/\(id)" }
}
