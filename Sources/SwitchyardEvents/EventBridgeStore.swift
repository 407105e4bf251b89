import Foundation
import GRDB
import SwitchyardCore

/// A change to EventBridge state that must be durable before the response that caused it is sent.
public enum EventBridgeChange: Sendable {
    case putBus(BusRecord)
    case deleteBus(BusKey)
    case putRule(RuleRecord)
    case deleteRule(storageKey: String)
    case putArchive(ArchiveRecord)
    case deleteArchive(storageKey: String)
    case archiveEvent(archive: String, ArchivedEvent)
    /// Drops an archive's events whose time is before `before` (epoch milliseconds): its retention.
    case expireArchivedEvents(archive: String, before: Int64)
    case putReplay(ReplayRecord)
    case putConnection(ConnectionRecord)
    case deleteConnection(storageKey: String)
    case putAPIDestination(APIDestinationRecord)
    case deleteAPIDestination(storageKey: String)
    case putEndpoint(EndpointRecord)
    case deleteEndpoint(storageKey: String)
    case putPartnerSource(PartnerSourceRecord)
    case deletePartnerSource(storageKey: String)
}

/// Where EventBridge keeps its buses and rules: loaded at start-up, changes submitted as they happen.
public protocol EventBridgeStore: Sendable {
    func loadBuses() throws -> [BusRecord]
    func loadRules() throws -> [RuleRecord]
    func loadArchives() throws -> [ArchiveRecord]
    /// Archived events by archive storage key, oldest first.
    func loadArchivedEvents() throws -> [String: [ArchivedEvent]]
    func loadReplays() throws -> [ReplayRecord]
    func loadConnections() throws -> [ConnectionRecord]
    func loadAPIDestinations() throws -> [APIDestinationRecord]
    func loadEndpoints() throws -> [EndpointRecord]
    func loadPartnerSources() throws -> [PartnerSourceRecord]
    func submit(_ changes: [EventBridgeChange]) -> CommitTicket
    func wipe() -> CommitTicket
}

/// Keeps nothing (`--storage memory`).
public struct MemoryEventBridgeStore: EventBridgeStore {
    public init() {}
    public func loadBuses() throws -> [BusRecord] { [] }
    public func loadRules() throws -> [RuleRecord] { [] }
    public func loadArchives() throws -> [ArchiveRecord] { [] }
    public func loadArchivedEvents() throws -> [String: [ArchivedEvent]] { [:] }
    public func loadReplays() throws -> [ReplayRecord] { [] }
    public func loadConnections() throws -> [ConnectionRecord] { [] }
    public func loadAPIDestinations() throws -> [APIDestinationRecord] { [] }
    public func loadEndpoints() throws -> [EndpointRecord] { [] }
    public func loadPartnerSources() throws -> [PartnerSourceRecord] { [] }
    public func submit(_ changes: [EventBridgeChange]) -> CommitTicket { .alreadyCommitted }
    public func wipe() -> CommitTicket { .alreadyCommitted }
}

/// Buses and rules in the embedded SQLite database, as JSON records.
public struct SQLiteEventBridgeStore: EventBridgeStore {
    let database: SQLiteDatabase

    public init(database: SQLiteDatabase) { self.database = database }

    public static func registerMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("events-v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE events_bus (key TEXT PRIMARY KEY, record BLOB NOT NULL);
                    CREATE TABLE events_rule (key TEXT PRIMARY KEY, record BLOB NOT NULL);
                    """)
        }
        migrator.registerMigration("events-v2") { db in
            try db.execute(
                sql: """
                    CREATE TABLE events_archive (key TEXT PRIMARY KEY, record BLOB NOT NULL);
                    CREATE TABLE events_archived (
                        seq INTEGER PRIMARY KEY, archive TEXT NOT NULL, time INTEGER NOT NULL, envelope TEXT NOT NULL
                    );
                    CREATE INDEX events_archived_archive ON events_archived(archive, seq);
                    CREATE TABLE events_replay (key TEXT PRIMARY KEY, record BLOB NOT NULL);
                    """)
        }
        migrator.registerMigration("events-v3") { db in
            try db.execute(
                sql: """
                    CREATE TABLE events_connection (key TEXT PRIMARY KEY, record BLOB NOT NULL);
                    CREATE TABLE events_api_destination (key TEXT PRIMARY KEY, record BLOB NOT NULL);
                    """)
        }
        migrator.registerMigration("events-v4") { db in
            try db.execute(
                sql: """
                    CREATE TABLE events_endpoint (key TEXT PRIMARY KEY, record BLOB NOT NULL);
                    CREATE TABLE events_partner_source (key TEXT PRIMARY KEY, record BLOB NOT NULL);
                    """)
        }
    }

    public func loadBuses() throws -> [BusRecord] { try load(BusRecord.self, table: "events_bus") }
    public func loadRules() throws -> [RuleRecord] { try load(RuleRecord.self, table: "events_rule") }
    public func loadArchives() throws -> [ArchiveRecord] { try load(ArchiveRecord.self, table: "events_archive") }
    public func loadReplays() throws -> [ReplayRecord] { try load(ReplayRecord.self, table: "events_replay") }
    public func loadConnections() throws -> [ConnectionRecord] {
        try load(ConnectionRecord.self, table: "events_connection")
    }
    public func loadAPIDestinations() throws -> [APIDestinationRecord] {
        try load(APIDestinationRecord.self, table: "events_api_destination")
    }
    public func loadEndpoints() throws -> [EndpointRecord] { try load(EndpointRecord.self, table: "events_endpoint") }
    public func loadPartnerSources() throws -> [PartnerSourceRecord] {
        try load(PartnerSourceRecord.self, table: "events_partner_source")
    }

    public func loadArchivedEvents() throws -> [String: [ArchivedEvent]] {
        try database.read { db in
            var events: [String: [ArchivedEvent]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT archive, time, envelope FROM events_archived ORDER BY seq") {
                events[row[0], default: []].append(ArchivedEvent(time: row[1], envelope: row[2]))
            }
            return events
        }
    }

    private func load<Record: Decodable & Sendable>(_ type: Record.Type, table: String) throws -> [Record] {
        let decoder = JSONDecoder()
        return try database.read { db in
            try Row.fetchAll(db, sql: "SELECT record FROM \(table)").map { row in
                try decoder.decode(Record.self, from: row[0] as Data)
            }
        }
    }

    static func busKey(_ key: BusKey) -> String { "\(key.account)/\(key.region)/\(key.name)" }

    public func submit(_ changes: [EventBridgeChange]) -> CommitTicket {
        database.submit { db in
            let encoder = JSONEncoder()
            for change in changes {
                switch change {
                case .putBus(let record):
                    try db.execute(
                        sql: "INSERT OR REPLACE INTO events_bus (key, record) VALUES (?, ?)",
                        arguments: [Self.busKey(record.key), try encoder.encode(record)])
                case .deleteBus(let key):
                    try db.execute(sql: "DELETE FROM events_bus WHERE key = ?", arguments: [Self.busKey(key)])
                case .putRule(let record):
                    try db.execute(
                        sql: "INSERT OR REPLACE INTO events_rule (key, record) VALUES (?, ?)",
                        arguments: [record.storageKey, try encoder.encode(record)])
                case .deleteRule(let key):
                    try db.execute(sql: "DELETE FROM events_rule WHERE key = ?", arguments: [key])
                case .putArchive(let record):
                    try db.execute(
                        sql: "INSERT OR REPLACE INTO events_archive (key, record) VALUES (?, ?)",
                        arguments: [record.storageKey, try encoder.encode(record)])
                case .deleteArchive(let key):
                    try db.execute(sql: "DELETE FROM events_archive WHERE key = ?", arguments: [key])
                    try db.execute(sql: "DELETE FROM events_archived WHERE archive = ?", arguments: [key])
                case .expireArchivedEvents(let archive, let before):
                    try db.execute(
                        sql: "DELETE FROM events_archived WHERE archive = ? AND time < ?", arguments: [archive, before])
                case .archiveEvent(let archive, let event):
                    try db.cachedStatement(
                        sql: "INSERT INTO events_archived (archive, time, envelope) VALUES (?, ?, ?)"
                    )
                    .execute(arguments: [archive, event.time, event.envelope])
                case .putReplay(let record):
                    try db.execute(
                        sql: "INSERT OR REPLACE INTO events_replay (key, record) VALUES (?, ?)",
                        arguments: [record.storageKey, try encoder.encode(record)])
                case .putConnection(let record):
                    try db.execute(
                        sql: "INSERT OR REPLACE INTO events_connection (key, record) VALUES (?, ?)",
                        arguments: [record.storageKey, try encoder.encode(record)])
                case .deleteConnection(let key):
                    try db.execute(sql: "DELETE FROM events_connection WHERE key = ?", arguments: [key])
                case .putAPIDestination(let record):
                    try db.execute(
                        sql: "INSERT OR REPLACE INTO events_api_destination (key, record) VALUES (?, ?)",
                        arguments: [record.storageKey, try encoder.encode(record)])
                case .deleteAPIDestination(let key):
                    try db.execute(sql: "DELETE FROM events_api_destination WHERE key = ?", arguments: [key])
                case .putEndpoint(let record):
                    try db.execute(
                        sql: "INSERT OR REPLACE INTO events_endpoint (key, record) VALUES (?, ?)",
                        arguments: [record.storageKey, try encoder.encode(record)])
                case .deleteEndpoint(let key):
                    try db.execute(sql: "DELETE FROM events_endpoint WHERE key = ?", arguments: [key])
                case .putPartnerSource(let record):
                    try db.execute(
                        sql: "INSERT OR REPLACE INTO events_partner_source (key, record) VALUES (?, ?)",
                        arguments: [record.storageKey, try encoder.encode(record)])
                case .deletePartnerSource(let key):
                    try db.execute(sql: "DELETE FROM events_partner_source WHERE key = ?", arguments: [key])
                }
            }
        }
    }

    public func wipe() -> CommitTicket {
        database.submit { db in
            try db.execute(
                sql:
                    "DELETE FROM events_bus; DELETE FROM events_rule; DELETE FROM events_archive; DELETE FROM events_archived; DELETE FROM events_replay; DELETE FROM events_connection; DELETE FROM events_api_destination; DELETE FROM events_endpoint; DELETE FROM events_partner_source"
            )
        }
    }
}
