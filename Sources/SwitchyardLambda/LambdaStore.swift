import Foundation
import GRDB
import SwitchyardCore

/// Where Lambda keeps its functions (code zips live in the code store, beside the database).
protocol LambdaStore: Sendable {
    func loadFunctions() throws -> [FunctionRecord]
    func put(_ function: FunctionRecord) -> CommitTicket
    func delete(storageKey: String) -> CommitTicket
    func wipe() -> CommitTicket
    func loadMappings() throws -> [EventSourceMappingRecord]
    func put(_ mapping: EventSourceMappingRecord) -> CommitTicket
    func deleteMapping(uuid: String) -> CommitTicket
    func loadLayers() throws -> [LayerRecord]
    func put(_ layer: LayerRecord) -> CommitTicket
    func loadCodeSigningConfigs() throws -> [CodeSigningConfigRecord]
    func put(_ config: CodeSigningConfigRecord) -> CommitTicket
    func deleteCodeSigningConfig(key: String) -> CommitTicket
}

/// Keeps nothing (`--storage memory`).
struct MemoryLambdaStore: LambdaStore {
    func loadFunctions() throws -> [FunctionRecord] { [] }
    func put(_ function: FunctionRecord) -> CommitTicket { .alreadyCommitted }
    func delete(storageKey: String) -> CommitTicket { .alreadyCommitted }
    func wipe() -> CommitTicket { .alreadyCommitted }
    func loadMappings() throws -> [EventSourceMappingRecord] { [] }
    func put(_ mapping: EventSourceMappingRecord) -> CommitTicket { .alreadyCommitted }
    func deleteMapping(uuid: String) -> CommitTicket { .alreadyCommitted }
    func loadLayers() throws -> [LayerRecord] { [] }
    func put(_ layer: LayerRecord) -> CommitTicket { .alreadyCommitted }
    func loadCodeSigningConfigs() throws -> [CodeSigningConfigRecord] { [] }
    func put(_ config: CodeSigningConfigRecord) -> CommitTicket { .alreadyCommitted }
    func deleteCodeSigningConfig(key: String) -> CommitTicket { .alreadyCommitted }
}

/// Functions in the embedded SQLite database, one JSON record each.
struct SQLiteLambdaStore: LambdaStore {
    let database: SQLiteDatabase

    static func registerMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("lambda-v1") { db in
            try db.execute(sql: "CREATE TABLE lambda_function (key TEXT PRIMARY KEY, record BLOB NOT NULL)")
        }
        migrator.registerMigration("lambda-v2-event-source-mappings") { db in
            try db.execute(
                sql: "CREATE TABLE lambda_event_source_mapping (uuid TEXT PRIMARY KEY, record BLOB NOT NULL)")
        }
        migrator.registerMigration("lambda-v3-layers") { db in
            try db.execute(sql: "CREATE TABLE lambda_layer (key TEXT PRIMARY KEY, record BLOB NOT NULL)")
        }
        migrator.registerMigration("lambda-v4-code-signing-configs") { db in
            try db.execute(
                sql: "CREATE TABLE lambda_code_signing_config (key TEXT PRIMARY KEY, record BLOB NOT NULL)")
        }
    }

    func loadFunctions() throws -> [FunctionRecord] { try load(FunctionRecord.self, "lambda_function") }

    func loadMappings() throws -> [EventSourceMappingRecord] {
        try load(EventSourceMappingRecord.self, "lambda_event_source_mapping")
    }

    private func load<Record: Decodable>(_ type: Record.Type, _ table: String) throws -> [Record] {
        let decoder = JSONDecoder()
        return try database.read { db in
            try Row.fetchAll(db, sql: "SELECT record FROM \(table)").map { row in
                try decoder.decode(Record.self, from: row[0] as Data)
            }
        }
    }

    func put(_ mapping: EventSourceMappingRecord) -> CommitTicket {
        database.submit { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO lambda_event_source_mapping (uuid, record) VALUES (?, ?)",
                arguments: [mapping.uuid, try JSONEncoder().encode(mapping)])
        }
    }

    func loadLayers() throws -> [LayerRecord] { try load(LayerRecord.self, "lambda_layer") }

    func put(_ layer: LayerRecord) -> CommitTicket {
        database.submit { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO lambda_layer (key, record) VALUES (?, ?)",
                arguments: [layer.key, try JSONEncoder().encode(layer)])
        }
    }

    func deleteMapping(uuid: String) -> CommitTicket {
        database.submit { db in
            try db.execute(sql: "DELETE FROM lambda_event_source_mapping WHERE uuid = ?", arguments: [uuid])
        }
    }

    func loadCodeSigningConfigs() throws -> [CodeSigningConfigRecord] {
        try load(CodeSigningConfigRecord.self, "lambda_code_signing_config")
    }

    func put(_ config: CodeSigningConfigRecord) -> CommitTicket {
        database.submit { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO lambda_code_signing_config (key, record) VALUES (?, ?)",
                arguments: [config.key, try JSONEncoder().encode(config)])
        }
    }

    func deleteCodeSigningConfig(key: String) -> CommitTicket {
        database.submit { db in
            try db.execute(sql: "DELETE FROM lambda_code_signing_config WHERE key = ?", arguments: [key])
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
        database.submit { db in
            try db.execute(
                sql: """
                    DELETE FROM lambda_function; DELETE FROM lambda_event_source_mapping; DELETE FROM lambda_layer;
                    DELETE FROM lambda_code_signing_config
                    """)
        }
    }
}
