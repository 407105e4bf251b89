import Foundation
import GRDB
import SwitchyardCore

/// The kinds of identity record storage keeps.
public enum IdentityKind: String, Sendable, CaseIterable {
    case user, role, group, policy, accessKey, instanceProfile, session, accountAlias, serviceCredential
    case openIDConnectProvider, samlProvider, passwordPolicy, sshPublicKey, serverCertificate, signingCertificate
    case mfaDevice, credentialReport, accountSettings, serviceAccess, accessReport, delegationRequest
    case delegationTemplate
}

/// A change to identity state that must be durable before the response that caused it is sent.
public enum IdentityChange: Sendable {
    /// Stores a record (JSON) under its kind and key, replacing any earlier one.
    case put(IdentityKind, key: String, Data)
    case delete(IdentityKind, key: String)
}

/// Where IAM and STS keep users, roles, groups, policies, keys and sessions. Narrow on purpose: the
/// engine holds everything in memory and storage persists changes and gives them back at start-up.
public protocol IdentityStore: Sendable {
    /// Every stored record by kind, as JSON.
    func load() throws -> [IdentityKind: [Data]]
    func submit(_ changes: [IdentityChange]) -> CommitTicket
    func wipe() -> CommitTicket
    /// The lineage of this store's writes, which breaks when one fails (nil: writes never fail).
    var lineage: WriteLineage? { get }
}

/// Keeps nothing (`--storage memory`).
public struct MemoryIdentityStore: IdentityStore {
    public init() {}
    public func load() throws -> [IdentityKind: [Data]] { [:] }
    public func submit(_ changes: [IdentityChange]) -> CommitTicket { .alreadyCommitted }
    public func wipe() -> CommitTicket { .alreadyCommitted }
    public var lineage: WriteLineage? { nil }
}

/// Identity records in the embedded SQLite database, written through its group-committing writer.
public struct SQLiteIdentityStore: IdentityStore {
    let database: SQLiteDatabase
    public let lineage: WriteLineage?

    public init(database: SQLiteDatabase) {
        self.database = database
        lineage = WriteLineage(name: "IAM")
    }

    public static func registerMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("iam-v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE iam_record (
                        kind TEXT NOT NULL,
                        key TEXT NOT NULL,
                        record BLOB NOT NULL,
                        PRIMARY KEY (kind, key)
                    ) WITHOUT ROWID
                    """)
        }
    }

    public func load() throws -> [IdentityKind: [Data]] {
        try database.read { db in
            var result: [IdentityKind: [Data]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT kind, record FROM iam_record ORDER BY kind, key") {
                guard let kind = IdentityKind(rawValue: row[0]) else { continue }
                result[kind, default: []].append(row[1])
            }
            return result
        }
    }

    public func submit(_ changes: [IdentityChange]) -> CommitTicket {
        database.submit(lineage: lineage) { db in
            for change in changes {
                switch change {
                case .put(let kind, let key, let record):
                    try db.cachedStatement(
                        sql: "INSERT OR REPLACE INTO iam_record (kind, key, record) VALUES (?, ?, ?)"
                    )
                    .execute(arguments: [kind.rawValue, key, record])
                case .delete(let kind, let key):
                    try db.cachedStatement(sql: "DELETE FROM iam_record WHERE kind = ? AND key = ?")
                        .execute(arguments: [kind.rawValue, key])
                }
            }
        }
    }

    public func wipe() -> CommitTicket {
        database.submit(lineage: lineage) { db in try db.execute(sql: "DELETE FROM iam_record") }
    }
}
