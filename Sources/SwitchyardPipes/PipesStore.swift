import Foundation
import GRDB
import SwitchyardCore

/// A change to Pipes state that must be durable before the response that caused it is sent.
public enum PipesChange: Sendable {
    case putPipe(PipeRecord)
    case deletePipe(storageKey: String)
}

/// Where Pipes keeps its pipes.
public protocol PipesStore: Sendable {
    func loadPipes() throws -> [PipeRecord]
    func submit(_ changes: [PipesChange]) -> CommitTicket
    func wipe() -> CommitTicket
}

/// Keeps nothing (`--storage memory`).
public struct MemoryPipesStore: PipesStore {
    public init() {}
    public func loadPipes() throws -> [PipeRecord] { [] }
    public func submit(_ changes: [PipesChange]) -> CommitTicket { .alreadyCommitted }
    public func wipe() -> CommitTicket { .alreadyCommitted }
}

/// Pipes in the embedded SQLite database, as JSON records.
public struct SQLitePipesStore: PipesStore {
    let database: SQLiteDatabase

    public init(database: SQLiteDatabase) { self.database = database }

    public static func registerMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("pipes-v1") { db in
            try db.execute(sql: "CREATE TABLE pipes_pipe (key TEXT PRIMARY KEY, record BLOB NOT NULL)")
        }
    }

    public func loadPipes() throws -> [PipeRecord] {
        let decoder = JSONDecoder()
        return try database.read { db in
            try Row.fetchAll(db, sql: "SELECT record FROM pipes_pipe").map { row in
                try decoder.decode(PipeRecord.self, from: row[0] as Data)
            }
        }
    }

    public func submit(_ changes: [PipesChange]) -> CommitTicket {
        database.submit { db in
            let encoder = JSONEncoder()
            for change in changes {
                switch change {
                case .putPipe(let record):
                    try db.execute(
                        sql: "INSERT OR REPLACE INTO pipes_pipe (key, record) VALUES (?, ?)",
                        arguments: [record.storageKey, try encoder.encode(record)])
                case .deletePipe(let key):
                    try db.execute(sql: "DELETE FROM pipes_pipe WHERE key = ?", arguments: [key])
                }
            }
        }
    }

    public func wipe() -> CommitTicket { database.submit { db in try db.execute(sql: "DELETE FROM pipes_pipe") } }
}
