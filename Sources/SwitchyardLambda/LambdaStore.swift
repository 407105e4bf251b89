import Foundation
import GRDB
import SwitchyardCore

/// Where Lambda keeps its functions (code zips live in the code store, beside the database).
protocol LambdaStore: Sendable {
    func loadFunctions() throws -> [FunctionRecord]
    func put(_ function: FunctionRecord) -> CommitTicket
    func delete(storageKey: String) -> CommitTicket
    func wipe() -> CommitTicket
}

/// Keeps nothing (`--storage memory`).
struct MemoryLambdaStore: LambdaStore {
    func loadFunctions() throws -> [FunctionRecord] { [] }
    func put(_ function: FunctionRecord) -> CommitTicket { .alreadyCommitted }
    func delete(storageKey: String) -> CommitTicket { .alreadyCommitted }
    func wipe() -> CommitTicket { .alreadyCommitted }
}

/// Functions in the embedded SQLite database, one JSON record each.
struct SQLiteLambdaStore: LambdaStore {
    let database: SQLiteDatabase

    static func registerMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("lambda-v1") { db in
            try db.execute(sql: "CREATE TABLE lambda_function (key TEXT PRIMARY KEY, record BLOB NOT NULL)")
        }
    }

    func loadFunctions() throws -> [FunctionRecord] {
        let decoder = JSONDecoder()
        return try database.read { db in
            try Row.fetchAll(db, sql: "SELECT record FROM lambda_function").map { row in
                try decoder.decode(FunctionRecord.self, from: row[0] as Data)
            }
        }
    }

    func put(_ function: FunctionRecord) -> CommitTicket {
        database.submit { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO lambda_function (key, record) VALUES (?, ?)",
                arguments: [function.storageKey, try JSONEncoder().encode(function)])
        }
    }

    func delete(storageKey: String) -> CommitTicket {
        database.submit { db in
            try db.execute(sql: "DELETE FROM lambda_function WHERE key = ?", arguments: [storageKey])
        }
    }

    func wipe() -> CommitTicket {
        database.submit { db in try db.execute(sql: "DELETE FROM lambda_function") }
    }
}
