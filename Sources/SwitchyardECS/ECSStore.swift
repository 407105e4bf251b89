import Foundation
import GRDB
import SwitchyardCore

/// A change to ECS state, durable before the request that made it is answered.
enum ECSChange: Sendable {
    case putCluster(ClusterRecord)
    case deleteCluster(key: String)
    case putDefinition(TaskDefinitionRecord)
    case putTask(TaskRecord)
    case deleteTask(arn: String)
}

/// Where ECS keeps clusters, task definitions and tasks.
protocol ECSStore: Sendable {
    func load() throws -> (clusters: [ClusterRecord], definitions: [TaskDefinitionRecord], tasks: [TaskRecord])
    func submit(_ changes: [ECSChange]) -> CommitTicket
    func wipe() -> CommitTicket
}

/// Keeps nothing (`--storage memory`).
struct MemoryECSStore: ECSStore {
    func load() throws -> (clusters: [ClusterRecord], definitions: [TaskDefinitionRecord], tasks: [TaskRecord]) {
        ([], [], [])
    }
    func submit(_ changes: [ECSChange]) -> CommitTicket { .alreadyCommitted }
    func wipe() -> CommitTicket { .alreadyCommitted }
}

/// JSON records in the embedded SQLite database.
struct SQLiteECSStore: ECSStore {
    let database: SQLiteDatabase

    static func registerMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("ecs-v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE ecs_cluster (key TEXT PRIMARY KEY, record BLOB NOT NULL);
                    CREATE TABLE ecs_task_definition (key TEXT PRIMARY KEY, record BLOB NOT NULL);
                    CREATE TABLE ecs_task (arn TEXT PRIMARY KEY, record BLOB NOT NULL);
                    """)
        }
    }

    func load() throws -> (clusters: [ClusterRecord], definitions: [TaskDefinitionRecord], tasks: [TaskRecord]) {
        let decoder = JSONDecoder()
        return try database.read { db in
            func all<Record: Decodable>(_ type: Record.Type, _ table: String) throws -> [Record] {
                try Row.fetchAll(db, sql: "SELECT record FROM \(table)").map {
                    try decoder.decode(Record.self, from: $0[0] as Data)
                }
            }
            return (
                try all(ClusterRecord.self, "ecs_cluster"), try all(TaskDefinitionRecord.self, "ecs_task_definition"),
                try all(TaskRecord.self, "ecs_task")
            )
        }
    }

    func submit(_ changes: [ECSChange]) -> CommitTicket {
        database.submit { db in
            let encoder = JSONEncoder()
            for change in changes {
                switch change {
                case .putCluster(let cluster):
                    try db.execute(
                        sql: "INSERT OR REPLACE INTO ecs_cluster (key, record) VALUES (?, ?)",
                        arguments: [cluster.key, try encoder.encode(cluster)])
                case .deleteCluster(let key):
                    try db.execute(sql: "DELETE FROM ecs_cluster WHERE key = ?", arguments: [key])
                case .putDefinition(let definition):
                    try db.execute(
                        sql: "INSERT OR REPLACE INTO ecs_task_definition (key, record) VALUES (?, ?)",
                        arguments: [definition.key, try encoder.encode(definition)])
                case .putTask(let task):
                    try db.execute(
                        sql: "INSERT OR REPLACE INTO ecs_task (arn, record) VALUES (?, ?)",
                        arguments: [task.arn, try encoder.encode(task)])
                case .deleteTask(let arn):
                    try db.execute(sql: "DELETE FROM ecs_task WHERE arn = ?", arguments: [arn])
                }
            }
        }
    }

    func wipe() -> CommitTicket {
        database.submit { db in
            try db.execute(sql: "DELETE FROM ecs_cluster; DELETE FROM ecs_task_definition; DELETE FROM ecs_task")
        }
    }
}
