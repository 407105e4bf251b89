import Foundation
import GRDB
import SwitchyardCore

/// A change to S3 metadata that must be durable before the response that caused it is sent.
public enum S3Change: Sendable {
    case putBucket(BucketRecord)
    case deleteBucket(name: String)
    case putVersion(ObjectVersionRecord)
    case deleteVersion(ObjectVersionRecord)
    case putUpload(UploadRecord)
    case deleteUpload(uploadId: String)
}

/// Everything stored, as loaded at start-up.
public struct S3Snapshot: Sendable {
    public var buckets: [BucketRecord] = []
    public var versions: [ObjectVersionRecord] = []
    public var uploads: [UploadRecord] = []
}

/// Where S3 keeps its metadata (the bytes are files, see `ObjectFiles`).
public protocol S3Store: Sendable {
    func load() throws -> S3Snapshot
    func submit(_ changes: [S3Change]) -> CommitTicket
    func wipe() -> CommitTicket
}

/// Keeps nothing (`--storage memory`).
public struct MemoryS3Store: S3Store {
    public init() {}
    public func load() throws -> S3Snapshot { S3Snapshot() }
    public func submit(_ changes: [S3Change]) -> CommitTicket { .alreadyCommitted }
    public func wipe() -> CommitTicket { .alreadyCommitted }
}

/// Buckets, object versions and multipart uploads in the embedded SQLite database, as JSON records.
public struct SQLiteS3Store: S3Store {
    let database: SQLiteDatabase

    public init(database: SQLiteDatabase) { self.database = database }

    public static func registerMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("s3-v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE s3_bucket (name TEXT PRIMARY KEY, record BLOB NOT NULL);
                    CREATE TABLE s3_version (key TEXT PRIMARY KEY, record BLOB NOT NULL);
                    CREATE TABLE s3_upload (id TEXT PRIMARY KEY, record BLOB NOT NULL);
                    """)
        }
    }

    public func load() throws -> S3Snapshot {
        let decoder = JSONDecoder()
        return try database.read { db in
            func all<Record: Decodable>(_ type: Record.Type, _ table: String) throws -> [Record] {
                try Row.fetchAll(db, sql: "SELECT record FROM \(table)").map { row in
                    try decoder.decode(Record.self, from: row[0] as Data)
                }
            }
            return S3Snapshot(
                buckets: try all(BucketRecord.self, "s3_bucket"),
                versions: try all(ObjectVersionRecord.self, "s3_version"),
                uploads: try all(UploadRecord.self, "s3_upload"))
        }
    }

    public func submit(_ changes: [S3Change]) -> CommitTicket {
        database.submit { db in
            let encoder = JSONEncoder()
            for change in changes {
                switch change {
                case .putBucket(let record):
                    try db.execute(
                        sql: "INSERT OR REPLACE INTO s3_bucket (name, record) VALUES (?, ?)",
                        arguments: [record.name, try encoder.encode(record)])
                case .deleteBucket(let name):
                    try db.execute(sql: "DELETE FROM s3_bucket WHERE name = ?", arguments: [name])
                case .putVersion(let record):
                    try db.execute(
                        sql: "INSERT OR REPLACE INTO s3_version (key, record) VALUES (?, ?)",
                        arguments: [record.storageKey, try encoder.encode(record)])
                case .deleteVersion(let record):
                    try db.execute(sql: "DELETE FROM s3_version WHERE key = ?", arguments: [record.storageKey])
                case .putUpload(let record):
                    try db.execute(
                        sql: "INSERT OR REPLACE INTO s3_upload (id, record) VALUES (?, ?)",
                        arguments: [record.storageKey, try encoder.encode(record)])
                case .deleteUpload(let uploadId):
                    try db.execute(sql: "DELETE FROM s3_upload WHERE id = ?", arguments: [uploadId])
                }
            }
        }
    }

    public func wipe() -> CommitTicket {
        database.submit { db in
            try db.execute(sql: "DELETE FROM s3_bucket; DELETE FROM s3_version; DELETE FROM s3_upload")
        }
    }
}
