import Foundation
import GRDB
import SwitchyardCore
import Synchronization

/// A change to CloudWatch Logs state, durable before the request that made it is answered.
enum LogsChange: Sendable {
    case putGroup(LogGroupRecord)
    case deleteGroup(key: String)
    case putStream(LogStreamRecord)
    case deleteStream(groupKey: String, name: String)
    /// New events of one stream, with their ids already assigned.
    case append(groupKey: String, events: [StoredLogEvent])
    /// Removes a group's events older than a time (retention).
    case trim(groupKey: String, before: Int64)
    case putPolicy(LogsResourcePolicyRecord)
    case deletePolicy(key: String)
    case putDestination(LogsDestinationRecord)
    case deleteDestination(key: String)
    case putExportTask(LogsExportTaskRecord)
    case putQuery(LogsQueryRecord)
    case deleteQuery(key: String)
    case putQueryDefinition(LogsQueryDefinitionRecord)
    case deleteQueryDefinition(key: String)
    case putDeliveryObject(LogsDeliveryObject)
    case deleteDeliveryObject(key: String)
}

/// What a read of events asks for: streams of one group, a time window, a starting point and a
/// direction.
struct EventQuery: Sendable {
    var groupKey: String
    /// nil: every stream of the group.
    var streams: [String]?
    var streamPrefix: String?
    /// Inclusive start, exclusive end (milliseconds).
    var startTime: Int64?
    var endTime: Int64?
    /// Only events after this one (ascending) or before it (descending).
    var after: EventCursor?
    var before: EventCursor?
    var ascending: Bool
    var limit: Int
}

/// Where CloudWatch Logs keeps groups, streams and events.
protocol LogsStore: Sendable {
    func loadGroups() throws -> [LogGroupRecord]
    func loadStreams() throws -> [LogStreamRecord]
    func loadPolicies() throws -> [LogsResourcePolicyRecord]
    func loadDestinations() throws -> [LogsDestinationRecord]
    func loadExportTasks() throws -> [LogsExportTaskRecord]
    func loadQueries() throws -> [LogsQueryRecord]
    func loadQueryDefinitions() throws -> [LogsQueryDefinitionRecord]
    func loadDeliveryObjects() throws -> [LogsDeliveryObject]
    /// The largest event id stored (ids continue from it).
    func lastEventId() throws -> Int64
    func submit(_ changes: [LogsChange]) -> CommitTicket
    func events(_ query: EventQuery) async throws -> [StoredLogEvent]
    func wipe() -> CommitTicket
}

/// Keeps everything in memory (`--storage memory`).
final class MemoryLogsStore: LogsStore {
    /// Events by group key, in (timestamp, id) order.
    private let eventsByGroup = Mutex<[String: [StoredLogEvent]]>([:])

    func loadGroups() throws -> [LogGroupRecord] { [] }
    func loadStreams() throws -> [LogStreamRecord] { [] }
    func loadPolicies() throws -> [LogsResourcePolicyRecord] { [] }
    func loadDestinations() throws -> [LogsDestinationRecord] { [] }
    func loadExportTasks() throws -> [LogsExportTaskRecord] { [] }
    func loadQueries() throws -> [LogsQueryRecord] { [] }
    func loadQueryDefinitions() throws -> [LogsQueryDefinitionRecord] { [] }
    func loadDeliveryObjects() throws -> [LogsDeliveryObject] { [] }
    func lastEventId() throws -> Int64 { 0 }

    func submit(_ changes: [LogsChange]) -> CommitTicket {
        eventsByGroup.withLock { groups in
            for change in changes {
                switch change {
                case .deleteGroup(let key): groups[key] = nil
                case .deleteStream(let groupKey, let name): groups[groupKey]?.removeAll { $0.stream == name }
                case .append(let groupKey, let events):
                    // In place: a copy taken out of the dictionary and put back would copy the
                    // group's every event on each append.
                    let earlier = groups[groupKey]?.last
                    groups[groupKey, default: []].append(contentsOf: events)
                    if let last = earlier, let first = events.first,
                        EventCursor(timestamp: first.timestamp, id: first.id)
                            < EventCursor(timestamp: last.timestamp, id: last.id)
                    {
                        groups[groupKey]?.sort {
                            EventCursor(timestamp: $0.timestamp, id: $0.id)
                                < EventCursor(timestamp: $1.timestamp, id: $1.id)
                        }
                    }
                case .trim(let groupKey, let before): groups[groupKey]?.removeAll { $0.timestamp < before }
                case .putGroup, .putStream, .putPolicy, .deletePolicy, .putDestination, .deleteDestination,
                    .putExportTask, .putQuery, .deleteQuery, .putQueryDefinition, .deleteQueryDefinition,
                    .putDeliveryObject, .deleteDeliveryObject:
                    break
                }
            }
        }
        return .alreadyCommitted
    }

    func events(_ query: EventQuery) async throws -> [StoredLogEvent] {
        let all = eventsByGroup.withLock { $0[query.groupKey] ?? [] }
        let selected = all.filter { LogsQueries.matches($0, query) }
        return query.ascending ? Array(selected.prefix(query.limit)) : Array(selected.suffix(query.limit).reversed())
    }

    func wipe() -> CommitTicket {
        eventsByGroup.withLock { $0.removeAll() }
        return .alreadyCommitted
    }
}

/// Which events a query selects, for stores that filter in memory.
enum LogsQueries {
    static func matches(_ event: StoredLogEvent, _ query: EventQuery) -> Bool {
        if let streams = query.streams, !streams.contains(event.stream) { return false }
        if let prefix = query.streamPrefix, !event.stream.hasPrefix(prefix) { return false }
        if let start = query.startTime, event.timestamp < start { return false }
        if let end = query.endTime, event.timestamp >= end { return false }
        let cursor = EventCursor(timestamp: event.timestamp, id: event.id)
        if let after = query.after, !(after < cursor) { return false }
        if let before = query.before, !(cursor < before) { return false }
        return true
    }
}

/// Groups and streams as JSON records and events as rows, in the embedded SQLite database.
struct SQLiteLogsStore: LogsStore {
    let database: SQLiteDatabase

    static func registerMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("logs-v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE logs_group (key TEXT PRIMARY KEY, record BLOB NOT NULL);
                    CREATE TABLE logs_stream (key TEXT PRIMARY KEY, group_key TEXT NOT NULL, record BLOB NOT NULL);
                    CREATE TABLE logs_event (
                        id INTEGER PRIMARY KEY, group_key TEXT NOT NULL, stream TEXT NOT NULL,
                        timestamp INTEGER NOT NULL, ingestion INTEGER NOT NULL, message TEXT NOT NULL);
                    CREATE INDEX logs_event_order ON logs_event (group_key, timestamp, id);
                    """)
        }
        migrator.registerMigration("logs-v2-resource-policies") { db in
            try db.execute(sql: "CREATE TABLE logs_resource_policy (key TEXT PRIMARY KEY, record BLOB NOT NULL)")
        }
        migrator.registerMigration("logs-v3-destinations") { db in
            try db.execute(sql: "CREATE TABLE logs_destination (key TEXT PRIMARY KEY, record BLOB NOT NULL)")
        }
        migrator.registerMigration("logs-v4-export-tasks") { db in
            try db.execute(sql: "CREATE TABLE logs_export_task (key TEXT PRIMARY KEY, record BLOB NOT NULL)")
        }
        migrator.registerMigration("logs-v5-queries") { db in
            try db.execute(
                sql: """
                    CREATE TABLE logs_query (key TEXT PRIMARY KEY, record BLOB NOT NULL);
                    CREATE TABLE logs_query_definition (key TEXT PRIMARY KEY, record BLOB NOT NULL);
                    """)
        }
        migrator.registerMigration("logs-v6-deliveries") { db in
            try db.execute(sql: "CREATE TABLE logs_delivery_object (key TEXT PRIMARY KEY, record BLOB NOT NULL)")
        }
    }

    func loadGroups() throws -> [LogGroupRecord] { try load(LogGroupRecord.self, "logs_group") }
    func loadStreams() throws -> [LogStreamRecord] { try load(LogStreamRecord.self, "logs_stream") }
    func loadPolicies() throws -> [LogsResourcePolicyRecord] {
        try load(LogsResourcePolicyRecord.self, "logs_resource_policy")
    }
    func loadDestinations() throws -> [LogsDestinationRecord] {
        try load(LogsDestinationRecord.self, "logs_destination")
    }
    func loadExportTasks() throws -> [LogsExportTaskRecord] {
        try load(LogsExportTaskRecord.self, "logs_export_task")
    }
    func loadQueries() throws -> [LogsQueryRecord] { try load(LogsQueryRecord.self, "logs_query") }
    func loadQueryDefinitions() throws -> [LogsQueryDefinitionRecord] {
        try load(LogsQueryDefinitionRecord.self, "logs_query_definition")
    }
    func loadDeliveryObjects() throws -> [LogsDeliveryObject] {
        try load(LogsDeliveryObject.self, "logs_delivery_object")
    }

    private func load<Record: Decodable>(_ type: Record.Type, _ table: String) throws -> [Record] {
        let decoder = JSONDecoder()
        return try database.read { db in
            try Row.fetchAll(db, sql: "SELECT record FROM \(table)").map {
                try decoder.decode(Record.self, from: $0[0] as Data)
            }
        }
    }

    func lastEventId() throws -> Int64 {
        try database.read { db in try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM logs_event") ?? 0 }
    }

    func submit(_ changes: [LogsChange]) -> CommitTicket {
        database.submit { db in
            let encoder = JSONEncoder()
            for change in changes {
                switch change {
                case .putGroup(let group):
                    try db.execute(
                        sql: "INSERT OR REPLACE INTO logs_group (key, record) VALUES (?, ?)",
                        arguments: [group.key, try encoder.encode(group)])
                case .deleteGroup(let key):
                    try db.execute(sql: "DELETE FROM logs_group WHERE key = ?", arguments: [key])
                    try db.execute(sql: "DELETE FROM logs_stream WHERE group_key = ?", arguments: [key])
                    try db.execute(sql: "DELETE FROM logs_event WHERE group_key = ?", arguments: [key])
                case .putStream(let stream):
                    try db.execute(
                        sql: "INSERT OR REPLACE INTO logs_stream (key, group_key, record) VALUES (?, ?, ?)",
                        arguments: [stream.key, stream.groupKey, try encoder.encode(stream)])
                case .deleteStream(let groupKey, let name):
                    try db.execute(sql: "DELETE FROM logs_stream WHERE key = ?", arguments: ["\(groupKey)#\(name)"])
                    try db.execute(
                        sql: "DELETE FROM logs_event WHERE group_key = ? AND stream = ?", arguments: [groupKey, name])
                case .append(let groupKey, let events):
                    let statement = try db.cachedStatement(
                        sql:
                            "INSERT INTO logs_event (id, group_key, stream, timestamp, ingestion, message) VALUES (?, ?, ?, ?, ?, ?)"
                    )
                    for event in events {
                        try statement.execute(arguments: [
                            event.id, groupKey, event.stream, event.timestamp, event.ingestionTime, event.message,
                        ])
                    }
                case .trim(let groupKey, let before):
                    try db.execute(
                        sql: "DELETE FROM logs_event WHERE group_key = ? AND timestamp < ?",
                        arguments: [groupKey, before])
                case .putPolicy(let policy):
                    try db.execute(
                        sql: "INSERT OR REPLACE INTO logs_resource_policy (key, record) VALUES (?, ?)",
                        arguments: [policy.key, try encoder.encode(policy)])
                case .deletePolicy(let key):
                    try db.execute(sql: "DELETE FROM logs_resource_policy WHERE key = ?", arguments: [key])
                case .putDestination(let destination):
                    try db.execute(
                        sql: "INSERT OR REPLACE INTO logs_destination (key, record) VALUES (?, ?)",
                        arguments: [destination.key, try encoder.encode(destination)])
                case .deleteDestination(let key):
                    try db.execute(sql: "DELETE FROM logs_destination WHERE key = ?", arguments: [key])
                case .putExportTask(let task):
                    try db.execute(
                        sql: "INSERT OR REPLACE INTO logs_export_task (key, record) VALUES (?, ?)",
                        arguments: [task.key, try encoder.encode(task)])
                case .putQuery(let query):
                    try db.execute(
                        sql: "INSERT OR REPLACE INTO logs_query (key, record) VALUES (?, ?)",
                        arguments: [query.key, try encoder.encode(query)])
                case .deleteQuery(let key):
                    try db.execute(sql: "DELETE FROM logs_query WHERE key = ?", arguments: [key])
                case .putQueryDefinition(let definition):
                    try db.execute(
                        sql: "INSERT OR REPLACE INTO logs_query_definition (key, record) VALUES (?, ?)",
                        arguments: [definition.key, try encoder.encode(definition)])
                case .deleteQueryDefinition(let key):
                    try db.execute(sql: "DELETE FROM logs_query_definition WHERE key = ?", arguments: [key])
                case .putDeliveryObject(let object):
                    try db.execute(
                        sql: "INSERT OR REPLACE INTO logs_delivery_object (key, record) VALUES (?, ?)",
                        arguments: [object.key, try encoder.encode(object)])
                case .deleteDeliveryObject(let key):
                    try db.execute(sql: "DELETE FROM logs_delivery_object WHERE key = ?", arguments: [key])
                }
            }
        }
    }

    func events(_ query: EventQuery) async throws -> [StoredLogEvent] {
        var conditions = ["group_key = ?"]
        var arguments: [any DatabaseValueConvertible] = [query.groupKey]
        if let streams = query.streams {
            conditions.append("stream IN (\(streams.map { _ in "?" }.joined(separator: ",")))")
            arguments += streams as [any DatabaseValueConvertible]
        }
        if let prefix = query.streamPrefix {
            conditions.append("substr(stream, 1, ?) = ?")
            arguments += [prefix.count, prefix]
        }
        if let start = query.startTime {
            conditions.append("timestamp >= ?")
            arguments.append(start)
        }
        if let end = query.endTime {
            conditions.append("timestamp < ?")
            arguments.append(end)
        }
        if let after = query.after {
            conditions.append("(timestamp > ? OR (timestamp = ? AND id > ?))")
            arguments += [after.timestamp, after.timestamp, after.id]
        }
        if let before = query.before {
            conditions.append("(timestamp < ? OR (timestamp = ? AND id < ?))")
            arguments += [before.timestamp, before.timestamp, before.id]
        }
        let order = query.ascending ? "ASC" : "DESC"
        let sql =
            "SELECT id, stream, timestamp, ingestion, message FROM logs_event WHERE \(conditions.joined(separator: " AND ")) ORDER BY timestamp \(order), id \(order) LIMIT \(query.limit)"
        let statementArguments = StatementArguments(arguments.map { $0.databaseValue })
        return try database.read { db in
            try Row.fetchAll(db, sql: sql, arguments: statementArguments).map { row in
                StoredLogEvent(id: row[0], stream: row[1], timestamp: row[2], ingestionTime: row[3], message: row[4])
            }
        }
    }

    func wipe() -> CommitTicket {
        database.submit { db in
            try db.execute(
                sql:
                    "DELETE FROM logs_group; DELETE FROM logs_stream; DELETE FROM logs_event; DELETE FROM logs_resource_policy; DELETE FROM logs_destination; DELETE FROM logs_export_task; DELETE FROM logs_query; DELETE FROM logs_query_definition; DELETE FROM logs_delivery_object"
            )
        }
    }
}
