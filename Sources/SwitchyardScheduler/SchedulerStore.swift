import Foundation
import GRDB
import SwitchyardCore

/// A change to Scheduler state that must be durable before the response that caused it is sent.
public enum SchedulerChange: Sendable {
    case putGroup(ScheduleGroupRecord)
    case deleteGroup(storageKey: String)
    case putSchedule(ScheduleRecord)
    case deleteSchedule(storageKey: String)
}

/// Where Scheduler keeps its groups and schedules.
public protocol SchedulerStore: Sendable {
    func loadGroups() throws -> [ScheduleGroupRecord]
    func loadSchedules() throws -> [ScheduleRecord]
    func submit(_ changes: [SchedulerChange]) -> CommitTicket
    func wipe() -> CommitTicket
}

/// Keeps nothing (`--storage memory`).
public struct MemorySchedulerStore: SchedulerStore {
    public init() {}
    public func loadGroups() throws -> [ScheduleGroupRecord] { [] }
    public func loadSchedules() throws -> [ScheduleRecord] { [] }
    public func submit(_ changes: [SchedulerChange]) -> CommitTicket { .alreadyCommitted }
    public func wipe() -> CommitTicket { .alreadyCommitted }
}

/// Groups and schedules in the embedded SQLite database, as JSON records.
public struct SQLiteSchedulerStore: SchedulerStore {
    let database: SQLiteDatabase

    public init(database: SQLiteDatabase) { self.database = database }

    public static func registerMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("scheduler-v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE scheduler_group (key TEXT PRIMARY KEY, record BLOB NOT NULL);
                    CREATE TABLE scheduler_schedule (key TEXT PRIMARY KEY, record BLOB NOT NULL);
                    """)
        }
    }

    public func loadGroups() throws -> [ScheduleGroupRecord] { try load(ScheduleGroupRecord.self, "scheduler_group") }
    public func loadSchedules() throws -> [ScheduleRecord] { try load(ScheduleRecord.self, "scheduler_schedule") }

    private func load<Record: Decodable & Sendable>(_ type: Record.Type, _ table: String) throws -> [Record] {
        let decoder = JSONDecoder()
        return try database.read { db in
            try Row.fetchAll(db, sql: "SELECT record FROM \(table)").map { row in
                try decoder.decode(Record.self, from: row[0] as Data)
            }
        }
    }

    public func submit(_ changes: [SchedulerChange]) -> CommitTicket {
        database.submit { db in
            let encoder = JSONEncoder()
            for change in changes {
                switch change {
                case .putGroup(let record):
                    try db.execute(
                        sql: "INSERT OR REPLACE INTO scheduler_group (key, record) VALUES (?, ?)",
                        arguments: [record.storageKey, try encoder.encode(record)])
                case .deleteGroup(let key):
                    try db.execute(sql: "DELETE FROM scheduler_group WHERE key = ?", arguments: [key])
                case .putSchedule(let record):
                    try db.execute(
                        sql: "INSERT OR REPLACE INTO scheduler_schedule (key, record) VALUES (?, ?)",
                        arguments: [record.storageKey, try encoder.encode(record)])
                case .deleteSchedule(let key):
                    try db.execute(sql: "DELETE FROM scheduler_schedule WHERE key = ?", arguments: [key])
                }
            }
        }
    }

    public func wipe() -> CommitTicket {
        database.submit { db in try db.execute(sql: "DELETE FROM scheduler_group; DELETE FROM scheduler_schedule") }
    }
}
