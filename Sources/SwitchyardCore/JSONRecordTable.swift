import Foundation
import GRDB

/// Records kept as one JSON document per key in a two-column table (`key`, `record`): what most
/// modules store about their resources. Without a database (`--storage memory`) it keeps nothing
/// and every write is already committed.
public struct JSONRecordTable<Record: Codable & Sendable>: Sendable {
    public let database: SQLiteDatabase?
    public let table: String

    public init(database: SQLiteDatabase?, table: String) {
        self.database = database
        self.table = table
    }

    /// The statement a migration runs to create the table.
    public static func createStatement(_ table: String) -> String {
        "CREATE TABLE \(table) (key TEXT PRIMARY KEY, record BLOB NOT NULL)"
    }

    public func loadAll() throws -> [Record] {
        guard let database else { return [] }
        let decoder = JSONDecoder()
        return try database.read { db in
            try Row.fetchAll(db, sql: "SELECT record FROM \(table)").map { row in
                try decoder.decode(Record.self, from: row[0] as Data)
            }
        }
    }

    public func put(_ record: Record, key: String) -> CommitTicket {
        guard let database else { return .alreadyCommitted }
        let table = self.table
        return database.submit { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO \(table) (key, record) VALUES (?, ?)",
                arguments: [key, try JSONEncoder().encode(record)])
        }
    }

    public func delete(key: String) -> CommitTicket {
        guard let database else { return .alreadyCommitted }
        let table = self.table
        return database.submit { db in try db.execute(sql: "DELETE FROM \(table) WHERE key = ?", arguments: [key]) }
    }

    public func wipe() -> CommitTicket {
        guard let database else { return .alreadyCommitted }
        let table = self.table
        return database.submit { db in try db.execute(sql: "DELETE FROM \(table)") }
    }
}
