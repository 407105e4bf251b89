import Foundation

/// A log group: its settings, tags and subscription filters (streams and events are kept apart).
struct LogGroupRecord: Codable, Sendable, Equatable {
    var account: String
    var region: String
    var name: String
    /// Milliseconds since the epoch.
    var creationTime: Int64
    var retentionInDays: Int?
    var kmsKeyId: String?
    var logGroupClass: String
    var deletionProtection: Bool
    var tags: [String: String]
    var subscriptionFilters: [SubscriptionFilterRecord]
    /// Metric filters, in the order they were created.
    var metricFilters: [MetricFilterRecord]?

    var key: String { LogGroupRecord.key(account: account, region: region, name: name) }
    static func key(account: String, region: String, name: String) -> String { "\(account)/\(region)/\(name)" }

    var arn: String { "arn:aws:logs:\(region):\(account):log-group:\(name)" }
}

/// A subscription filter: events matching its pattern go to its destination.
struct SubscriptionFilterRecord: Codable, Sendable, Equatable {
    var name: String
    var pattern: String
    var destinationArn: String
    var roleArn: String?
    var distribution: String
    var creationTime: Int64
}

/// A destination: a name other accounts' subscription filters deliver to, standing for a Kinesis or
/// Firehose stream of its own account, with the access policy that says who may.
struct LogsDestinationRecord: Codable, Sendable, Equatable {
    var account: String
    var region: String
    var name: String
    var targetArn: String
    var roleArn: String
    var accessPolicy: String?
    var creationTime: Int64
    var tags: [String: String]

    var key: String { Self.key(account: account, region: region, name: name) }
    static func key(account: String, region: String, name: String) -> String { "\(account)/\(region)/\(name)" }
    var arn: String { "arn:aws:logs:\(region):\(account):destination:\(name)" }
}

/// An export task: a group's events of a time range, written to an S3 bucket as gzipped text, one
/// object per log stream.
struct LogsExportTaskRecord: Codable, Sendable, Equatable {
    var account: String
    var region: String
    var id: String
    var name: String?
    var groupName: String
    var streamPrefix: String?
    /// Milliseconds since the epoch: events from `from` up to, not including, `to`.
    var from: Int64
    var to: Int64
    var bucket: String
    var prefix: String
    /// PENDING, RUNNING, COMPLETED, CANCELLED or FAILED.
    var status: String
    var statusMessage: String?
    var creationTime: Int64
    var completionTime: Int64?

    var key: String { "\(account)/\(region)/\(id)" }
    var isActive: Bool { status == "PENDING" || status == "RUNNING" }
}

/// A metric filter: events matching its pattern count towards a CloudWatch metric.
struct MetricFilterRecord: Codable, Sendable, Equatable {
    var name: String
    var pattern: String
    var transformations: [MetricTransformationRecord]
    var creationTime: Int64
}

/// How a metric filter turns a matching event into a metric value.
struct MetricTransformationRecord: Codable, Sendable, Equatable {
    var metricName: String
    var metricNamespace: String
    var metricValue: String
    var defaultValue: Double?
    var dimensions: [String: String]?
    var unit: String?
}

/// A log stream of a group, with what AWS reports of its events.
struct LogStreamRecord: Codable, Sendable, Equatable {
    var groupKey: String
    var name: String
    var creationTime: Int64
    var firstEventTimestamp: Int64?
    var lastEventTimestamp: Int64?
    var lastIngestionTime: Int64?
    /// How many batches were put, for the (no longer checked) sequence token.
    var sequence: Int64

    var key: String { "\(groupKey)#\(name)" }
}

/// A stored event; `id` orders events put at the same millisecond and makes the event id.
struct StoredLogEvent: Sendable, Equatable {
    var id: Int64
    var stream: String
    var timestamp: Int64
    var ingestionTime: Int64
    var message: String
}

/// Where a read starts: after (or before) an event in the order (timestamp, id).
struct EventCursor: Sendable, Equatable, Comparable {
    var timestamp: Int64
    var id: Int64

    static func < (a: EventCursor, b: EventCursor) -> Bool {
        a.timestamp == b.timestamp ? a.id < b.id : a.timestamp < b.timestamp
    }

    /// `f/` or `b/` and 56 digits, as AWS's tokens look: the timestamp and id, zero-padded.
    func token(_ direction: Character) -> String {
        let timestampDigits = String(timestamp)
        let idDigits = String(id)
        return "\(direction)/" + String(repeating: "0", count: 28 - timestampDigits.count) + timestampDigits
            + String(repeating: "0", count: 28 - idDigits.count) + idDigits
    }

    init(timestamp: Int64, id: Int64) {
        self.timestamp = timestamp
        self.id = id
    }

    /// Reads a token back; nil when it is not one of ours.
    init?(token: String) {
        let digits = token.dropFirst(2)
        guard token.count == 58, token.hasPrefix("f/") || token.hasPrefix("b/"), digits.allSatisfy(\.isNumber),
            let timestamp = Int64(digits.prefix(28)), let id = Int64(digits.suffix(28))
        else { return nil }
        self.timestamp = timestamp
        self.id = id
    }
}

/// An account-wide resource policy of CloudWatch Logs (one of at most ten per region): which
/// services may write to the account's log groups.
struct LogsResourcePolicyRecord: Codable, Sendable, Equatable {
    var account: String
    var region: String
    var name: String
    /// The document as it was given.
    var document: String
    /// Milliseconds since the epoch.
    var lastUpdatedTime: Int64

    var key: String { LogsResourcePolicyRecord.key(account: account, region: region, name: name) }
    static func key(account: String, region: String, name: String) -> String { "\(account)/\(region)/\(name)" }
}
