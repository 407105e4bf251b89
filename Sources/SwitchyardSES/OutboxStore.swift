import Foundation
import GRDB
import SwitchyardCore
import Synchronization

/// A message SES accepted: what the API and the SMTP interface were asked to send, with its MIME
/// and what became of each recipient.
struct SentMessage: Codable, Sendable {
    var id: String
    var scope: SESScope
    var sentMillis: Int64
    /// The operation that sent it (SendEmail, SendRawEmail, SendTemplatedEmail, ..., or SMTP).
    var operation: String
    /// The envelope sender (MAIL FROM) and recipients (RCPT TO).
    var source: String
    var destinations: [String]
    var subject: String?
    var configurationSet: String?
    var tags: [SESTag]
    var sourceArn: String?
    var template: String?
    var templateData: String?
    /// Recipient → delivered, bounced, complained, suppressed, unsubscribed, relaying, delayed, relayed,
    /// rejected, rendering-failed.
    var outcomes: [String: String] = [:]
    var size: Int
    /// Recipients who opened the message or clicked one of its links (tracked messages).
    var openedBy: [String]?
    var clickedBy: [String]?

    /// Mail SES sends of its own accord (verification, auto-responses, feedback notices): captured
    /// like the rest, but not counted as the account's sending.
    var sentBySES: Bool { Self.operationsOfSES.contains(operation) }
    static let operationsOfSES: Set<String> = ["VerificationEmail", "AutoResponse", "FeedbackForwarding"]
}

/// The captured outbox: every accepted message and its MIME, durable before the send is answered.
protocol OutboxStore: Sendable {
    func insert(_ message: SentMessage, raw: [UInt8]) -> CommitTicket
    func update(_ message: SentMessage) -> CommitTicket
    func messages(since: Int64, limit: Int) throws -> [SentMessage]
    func message(id: String) throws -> SentMessage?
    func raw(id: String) throws -> [UInt8]?
    /// How many messages the outbox holds.
    func count() throws -> Int
    func delete(id: String) -> CommitTicket
    func wipe() -> CommitTicket
}

/// The outbox in SQLite: a row per message, its metadata as JSON and its MIME as a blob.
struct SQLiteOutboxStore: OutboxStore {
    let database: SQLiteDatabase

    static let createStatements = [
        """
        CREATE TABLE ses_message (id TEXT PRIMARY KEY, account TEXT NOT NULL, region TEXT NOT NULL,
            sent_millis INTEGER NOT NULL, record BLOB NOT NULL, raw BLOB NOT NULL)
        """,
        "CREATE INDEX ses_message_time ON ses_message (sent_millis)",
    ]

    func insert(_ message: SentMessage, raw: [UInt8]) -> CommitTicket {
        let record = (try? JSONEncoder().encode(message)) ?? Data()
        return database.submit { db in
            try db.execute(
                sql:
                    "INSERT OR REPLACE INTO ses_message (id, account, region, sent_millis, record, raw) VALUES (?,?,?,?,?,?)",
                arguments: [
                    message.id, message.scope.account, message.scope.region, message.sentMillis, record, Data(raw),
                ])
        }
    }

    func update(_ message: SentMessage) -> CommitTicket {
        let record = (try? JSONEncoder().encode(message)) ?? Data()
        return database.submit { db in
            try db.execute(sql: "UPDATE ses_message SET record = ? WHERE id = ?", arguments: [record, message.id])
        }
    }

    func messages(since: Int64, limit: Int) throws -> [SentMessage] {
        let decoder = JSONDecoder()
        return try database.read { db in
            try Row.fetchAll(
                db, sql: "SELECT record FROM ses_message WHERE sent_millis >= ? ORDER BY sent_millis, id LIMIT ?",
                arguments: [since, limit]
            ).compactMap { try? decoder.decode(SentMessage.self, from: $0[0] as Data) }
        }
    }

    func message(id: String) throws -> SentMessage? {
        try database.read { db in
            try Data.fetchOne(db, sql: "SELECT record FROM ses_message WHERE id = ?", arguments: [id])
        }.flatMap { try? JSONDecoder().decode(SentMessage.self, from: $0) }
    }

    func raw(id: String) throws -> [UInt8]? {
        try database.read { db in
            try Data.fetchOne(db, sql: "SELECT raw FROM ses_message WHERE id = ?", arguments: [id])
        }.map { [UInt8]($0) }
    }

    func count() throws -> Int {
        try database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM ses_message") ?? 0 }
    }

    func delete(id: String) -> CommitTicket {
        database.submit { db in try db.execute(sql: "DELETE FROM ses_message WHERE id = ?", arguments: [id]) }
    }

    func wipe() -> CommitTicket { database.submit { db in try db.execute(sql: "DELETE FROM ses_message") } }
}

/// The outbox of `--storage memory`.
final class MemoryOutboxStore: OutboxStore {
    private let rows = Mutex<[String: (SentMessage, [UInt8])]>([:])

    func insert(_ message: SentMessage, raw: [UInt8]) -> CommitTicket {
        rows.withLock { $0[message.id] = (message, raw) }
        return .alreadyCommitted
    }

    func update(_ message: SentMessage) -> CommitTicket {
        rows.withLock { rows in if let raw = rows[message.id]?.1 { rows[message.id] = (message, raw) } }
        return .alreadyCommitted
    }

    func messages(since: Int64, limit: Int) throws -> [SentMessage] {
        rows.withLock { rows in
            Array(
                rows.values.map(\.0).filter { $0.sentMillis >= since }
                    .sorted { ($0.sentMillis, $0.id) < ($1.sentMillis, $1.id) }.prefix(limit))
        }
    }

    func message(id: String) throws -> SentMessage? { rows.withLock { $0[id]?.0 } }
    func raw(id: String) throws -> [UInt8]? { rows.withLock { $0[id]?.1 } }
    func count() throws -> Int { rows.withLock { $0.count } }

    func delete(id: String) -> CommitTicket {
        rows.withLock { _ = $0.removeValue(forKey: id) }
        return .alreadyCommitted
    }

    func wipe() -> CommitTicket {
        rows.withLock { $0 = [:] }
        return .alreadyCommitted
    }
}
