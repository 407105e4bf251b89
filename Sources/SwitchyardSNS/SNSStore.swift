import Foundation
import GRDB
import SwitchyardCore

/// A change to SNS state that must be durable before the response that caused it is sent.
public enum SNSChange: Sendable {
    case putTopic(TopicRecord)
    case deleteTopic(TopicKey)
    case putSubscription(SubscriptionRecord)
    case deleteSubscription(arn: String)
    case putOutbox(OutboxEntry)
    /// Forgets captured messages older than the one with this id (the outbox keeps the newest).
    case pruneOutbox(before: Int64)
    case putPlatformApplication(PlatformApplicationRecord)
    case deletePlatformApplication(arn: String)
    case putPlatformEndpoint(PlatformEndpointRecord)
    case deletePlatformEndpoint(arn: String)
    /// SMS settings of an account in a region, keyed "account/region".
    case putSMSSettings(key: String, SMSSettings)
    case putTopicDeduplication(topicArn: String, key: String, TopicDeduplication)
    /// Forgets deduplication records that expired before the given time.
    case pruneTopicDeduplication(before: Int64)
}

/// A FIFO topic's deduplication record: a repeat within 5 minutes is answered with the first
/// message's id and sequence number, and not delivered again.
public struct TopicDeduplication: Sendable, Codable, Equatable {
    public var messageId: String
    public var sequenceNumber: String
    public var expiresAt: Int64
}

/// Where SNS keeps its state: everything is loaded at start-up, changes are submitted as they happen.
public protocol SNSStore: Sendable {
    func loadTopics() throws -> [TopicRecord]
    func loadSubscriptions() throws -> [SubscriptionRecord]
    func loadOutbox() throws -> [OutboxEntry]
    func loadPlatforms() throws -> ([PlatformApplicationRecord], [PlatformEndpointRecord])
    func loadSMSSettings() throws -> [String: SMSSettings]
    /// Unexpired deduplication records by topic ARN and key.
    func loadTopicDeduplication(after: Int64) throws -> [(topicArn: String, key: String, TopicDeduplication)]
    func submit(_ changes: [SNSChange]) -> CommitTicket
    func wipe() -> CommitTicket
    /// The lineage of this store's writes, which breaks when one fails (nil: writes never fail).
    var lineage: WriteLineage? { get }
}

/// Keeps nothing: state lives only in the engine (`--storage memory`).
public struct MemorySNSStore: SNSStore {
    public init() {}
    public func loadTopics() throws -> [TopicRecord] { [] }
    public func loadSubscriptions() throws -> [SubscriptionRecord] { [] }
    public func loadOutbox() throws -> [OutboxEntry] { [] }
    public func loadPlatforms() throws -> ([PlatformApplicationRecord], [PlatformEndpointRecord]) { ([], []) }
    public func loadSMSSettings() throws -> [String: SMSSettings] { [:] }
    public func loadTopicDeduplication(after: Int64) throws -> [(topicArn: String, key: String, TopicDeduplication)] {
        []
    }
    public func submit(_ changes: [SNSChange]) -> CommitTicket { .alreadyCommitted }
    public func wipe() -> CommitTicket { .alreadyCommitted }
    public var lineage: WriteLineage? { nil }
}

/// SNS state in the embedded SQLite database, written through its group-committing writer.
public struct SQLiteSNSStore: SNSStore {
    let database: SQLiteDatabase
    public let lineage: WriteLineage?

    public init(database: SQLiteDatabase) {
        self.database = database
        lineage = WriteLineage(name: "SNS")
    }

    /// The schema, versioned; registered on the database's migrator at start-up.
    public static func registerMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("sns-v1") { db in
            try db.execute(sql: "CREATE TABLE sns_topic (arn TEXT PRIMARY KEY, record BLOB NOT NULL)")
        }
        migrator.registerMigration("sns-v2") { db in
            try db.execute(sql: "CREATE TABLE sns_subscription (arn TEXT PRIMARY KEY, record BLOB NOT NULL)")
        }
        migrator.registerMigration("sns-v3") { db in
            try db.execute(sql: "CREATE TABLE sns_outbox (id INTEGER PRIMARY KEY, record BLOB NOT NULL)")
        }
        migrator.registerMigration("sns-v4") { db in
            try db.execute(
                sql: """
                    CREATE TABLE sns_platform_application (arn TEXT PRIMARY KEY, record BLOB NOT NULL);
                    CREATE TABLE sns_platform_endpoint (arn TEXT PRIMARY KEY, record BLOB NOT NULL);
                    """)
        }
        migrator.registerMigration("sns-v5") { db in
            try db.execute(sql: "CREATE TABLE sns_sms (key TEXT PRIMARY KEY, record BLOB NOT NULL)")
        }
        migrator.registerMigration("sns-v6") { db in
            try db.execute(
                sql: """
                    CREATE TABLE sns_deduplication (
                        topic_arn TEXT NOT NULL, key TEXT NOT NULL, message_id TEXT NOT NULL,
                        sequence_number TEXT NOT NULL, expires_at INTEGER NOT NULL, PRIMARY KEY (topic_arn, key)
                    ) WITHOUT ROWID;
                    CREATE INDEX sns_deduplication_expiry ON sns_deduplication(expires_at);
                    """)
        }
        // v7: records are appended in time order (a later row for a key wins at start-up), so that a
        // commit writes pages at the table's end instead of one page per random key (as SQS's sqs-v4).
        migrator.registerMigration("sns-v7") { db in
            try db.execute(
                sql: """
                    CREATE TABLE sns_deduplication_log (
                        seq INTEGER PRIMARY KEY, topic_arn TEXT NOT NULL, key TEXT NOT NULL,
                        message_id TEXT NOT NULL, sequence_number TEXT NOT NULL, expires_at INTEGER NOT NULL
                    );
                    INSERT INTO sns_deduplication_log (topic_arn, key, message_id, sequence_number, expires_at)
                        SELECT topic_arn, key, message_id, sequence_number, expires_at FROM sns_deduplication
                        ORDER BY expires_at;
                    DROP TABLE sns_deduplication;
                    ALTER TABLE sns_deduplication_log RENAME TO sns_deduplication;
                    CREATE INDEX sns_deduplication_expiry ON sns_deduplication(expires_at);
                    """)
        }
    }

    public func loadTopics() throws -> [TopicRecord] {
        try loadRecords(TopicRecord.self, sql: "SELECT record FROM sns_topic")
    }

    public func loadSubscriptions() throws -> [SubscriptionRecord] {
        try loadRecords(SubscriptionRecord.self, sql: "SELECT record FROM sns_subscription")
    }

    public func loadOutbox() throws -> [OutboxEntry] {
        try loadRecords(OutboxEntry.self, sql: "SELECT record FROM sns_outbox ORDER BY id")
    }

    public func loadPlatforms() throws -> ([PlatformApplicationRecord], [PlatformEndpointRecord]) {
        (
            try loadRecords(PlatformApplicationRecord.self, sql: "SELECT record FROM sns_platform_application"),
            try loadRecords(PlatformEndpointRecord.self, sql: "SELECT record FROM sns_platform_endpoint")
        )
    }

    /// The JSON records of a table's `record` column, decoded, in the query's order.
    private func loadRecords<Record: Decodable & Sendable>(_ type: Record.Type, sql: String) throws -> [Record] {
        let decoder = JSONDecoder()
        return try database.read { db in
            try Row.fetchAll(db, sql: sql).map { row in try decoder.decode(Record.self, from: row[0] as Data) }
        }
    }

    public func loadTopicDeduplication(after: Int64) throws -> [(topicArn: String, key: String, TopicDeduplication)] {
        try database.read { db in
            try Row.fetchAll(
                db,
                sql:
                    "SELECT topic_arn, key, message_id, sequence_number, expires_at FROM sns_deduplication WHERE expires_at > ? ORDER BY seq",
                arguments: [after]
            ).map { row in
                (row[0], row[1], TopicDeduplication(messageId: row[2], sequenceNumber: row[3], expiresAt: row[4]))
            }
        }
    }

    public func loadSMSSettings() throws -> [String: SMSSettings] {
        let decoder = JSONDecoder()
        return try database.read { db in
            var result: [String: SMSSettings] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT key, record FROM sns_sms") {
                result[row[0]] = try decoder.decode(SMSSettings.self, from: row[1] as Data)
            }
            return result
        }
    }

    public func submit(_ changes: [SNSChange]) -> CommitTicket {
        database.submit(lineage: lineage) { db in
            for change in changes {
                switch change {
                case .putTopic(let record):
                    try db.execute(
                        sql: "INSERT OR REPLACE INTO sns_topic (arn, record) VALUES (?, ?)",
                        arguments: [record.key.arn, try JSONEncoder().encode(record)])
                case .deleteTopic(let key):
                    try db.execute(sql: "DELETE FROM sns_topic WHERE arn = ?", arguments: [key.arn])
                case .putSubscription(let record):
                    try db.execute(
                        sql: "INSERT OR REPLACE INTO sns_subscription (arn, record) VALUES (?, ?)",
                        arguments: [record.arn, try JSONEncoder().encode(record)])
                case .deleteSubscription(let arn):
                    try db.execute(sql: "DELETE FROM sns_subscription WHERE arn = ?", arguments: [arn])
                case .putOutbox(let entry):
                    try db.execute(
                        sql: "INSERT OR REPLACE INTO sns_outbox (id, record) VALUES (?, ?)",
                        arguments: [entry.id, try JSONEncoder().encode(entry)])
                case .pruneOutbox(let before):
                    try db.execute(sql: "DELETE FROM sns_outbox WHERE id < ?", arguments: [before])
                case .putPlatformApplication(let record):
                    try db.execute(
                        sql: "INSERT OR REPLACE INTO sns_platform_application (arn, record) VALUES (?, ?)",
                        arguments: [record.arn, try JSONEncoder().encode(record)])
                case .deletePlatformApplication(let arn):
                    try db.execute(sql: "DELETE FROM sns_platform_application WHERE arn = ?", arguments: [arn])
                case .putPlatformEndpoint(let record):
                    try db.execute(
                        sql: "INSERT OR REPLACE INTO sns_platform_endpoint (arn, record) VALUES (?, ?)",
                        arguments: [record.arn, try JSONEncoder().encode(record)])
                case .deletePlatformEndpoint(let arn):
                    try db.execute(sql: "DELETE FROM sns_platform_endpoint WHERE arn = ?", arguments: [arn])
                case .putTopicDeduplication(let topicArn, let key, let record):
                    try db.cachedStatement(
                        sql:
                            "INSERT INTO sns_deduplication (topic_arn, key, message_id, sequence_number, expires_at) VALUES (?, ?, ?, ?, ?)"
                    ).execute(arguments: [topicArn, key, record.messageId, record.sequenceNumber, record.expiresAt])
                case .pruneTopicDeduplication(let before):
                    try db.cachedStatement(sql: "DELETE FROM sns_deduplication WHERE expires_at <= ?")
                        .execute(arguments: [before])
                case .putSMSSettings(let key, let settings):
                    try db.execute(
                        sql: "INSERT OR REPLACE INTO sns_sms (key, record) VALUES (?, ?)",
                        arguments: [key, try JSONEncoder().encode(settings)])
                }
            }
        }
    }

    public func wipe() -> CommitTicket {
        database.submit(lineage: lineage) { db in
            try db.execute(
                sql:
                    "DELETE FROM sns_topic; DELETE FROM sns_subscription; DELETE FROM sns_outbox; DELETE FROM sns_platform_application; DELETE FROM sns_platform_endpoint; DELETE FROM sns_sms; DELETE FROM sns_deduplication"
            )
        }
    }
}
