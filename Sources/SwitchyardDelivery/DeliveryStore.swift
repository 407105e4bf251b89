import Foundation
import GRDB
import SwitchyardCore

/// Where pending deliveries are kept until they are made, so that a crash does not lose them.
public protocol DeliveryStore: Sendable {
    func loadJobs() throws -> [DeliveryJob]
    /// Stores new or updated jobs and forgets finished ones, in one commit.
    func submit(put: [DeliveryJob], delete: [Int64]) -> CommitTicket
    func wipe() -> CommitTicket
    /// The lineage of this store's writes, which breaks when one fails (nil: writes never fail).
    var lineage: WriteLineage? { get }
}

/// Keeps nothing (`--storage memory`).
public struct MemoryDeliveryStore: DeliveryStore {
    public init() {}
    public func loadJobs() throws -> [DeliveryJob] { [] }
    public func submit(put: [DeliveryJob], delete: [Int64]) -> CommitTicket { .alreadyCommitted }
    public func wipe() -> CommitTicket { .alreadyCommitted }
    public var lineage: WriteLineage? { nil }
}

/// Pending deliveries in the embedded SQLite database, written through its group-committing writer,
/// so that a producer's acknowledgement and its deliveries share a commit ordering.
public struct SQLiteDeliveryStore: DeliveryStore {
    let database: SQLiteDatabase
    public let lineage: WriteLineage?

    public init(database: SQLiteDatabase) {
        self.database = database
        lineage = WriteLineage(name: "delivery")
    }

    public static func registerMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("delivery-v1") { db in
            try db.execute(sql: "CREATE TABLE delivery_job (id INTEGER PRIMARY KEY, record BLOB NOT NULL)")
        }
    }

    public func loadJobs() throws -> [DeliveryJob] {
        let decoder = JSONDecoder()
        return try database.read { db in
            try Row.fetchAll(db, sql: "SELECT record FROM delivery_job ORDER BY id").map { row in
                try decoder.decode(DeliveryJob.self, from: row[0] as Data)
            }
        }
    }

    public func submit(put: [DeliveryJob], delete: [Int64]) -> CommitTicket {
        database.submit(lineage: lineage) { db in
            let encoder = JSONEncoder()
            for job in put {
                try db.cachedStatement(sql: "INSERT OR REPLACE INTO delivery_job (id, record) VALUES (?, ?)")
                    .execute(arguments: [job.id, try encoder.encode(job)])
            }
            for id in delete {
                try db.cachedStatement(sql: "DELETE FROM delivery_job WHERE id = ?").execute(arguments: [id])
            }
        }
    }

    public func wipe() -> CommitTicket {
        database.submit(lineage: lineage) { db in try db.execute(sql: "DELETE FROM delivery_job") }
    }
}
