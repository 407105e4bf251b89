import Foundation
import GRDB
import SwitchyardCore

/// SQS state in the embedded SQLite database, written through its group-committing writer.
public struct SQLiteSQSStore: SQSStore {
    let database: SQLiteDatabase
    public let lineage: WriteLineage?

    public init(database: SQLiteDatabase) {
        self.database = database
        lineage = WriteLineage(name: "SQS")
    }

    /// The schema, versioned; registered on the database's migrator at start-up.
    public static func registerMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("sqs-v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE sqs_queue (
                        id INTEGER PRIMARY KEY,
                        record BLOB NOT NULL
                    );
                    CREATE TABLE sqs_message (
                        seq INTEGER PRIMARY KEY,
                        queue_id INTEGER NOT NULL,
                        message_id TEXT NOT NULL,
                        body TEXT NOT NULL,
                        attributes BLOB,
                        system_attributes BLOB,
                        md5_body TEXT NOT NULL,
                        md5_attributes TEXT,
                        md5_system_attributes TEXT,
                        sent_at INTEGER NOT NULL,
                        sender_id TEXT NOT NULL,
                        group_id TEXT,
                        deduplication_id TEXT,
                        sequence_number TEXT,
                        dead_letter_source_arn TEXT,
                        visible_at INTEGER NOT NULL,
                        receive_count INTEGER NOT NULL,
                        first_receive_at INTEGER,
                        receipt_token TEXT
                    );
                    CREATE INDEX sqs_message_queue ON sqs_message(queue_id);
                    CREATE TABLE sqs_deduplication (
                        queue_id INTEGER NOT NULL,
                        key TEXT NOT NULL,
                        message_id TEXT NOT NULL,
                        sequence_number TEXT NOT NULL,
                        expires_at INTEGER NOT NULL,
                        PRIMARY KEY (queue_id, key)
                    ) WITHOUT ROWID;
                    """)
        }
        // v2: the body's MD5 is computed when needed, not stored.
        migrator.registerMigration("sqs-v2") { db in
            try db.execute(sql: "ALTER TABLE sqs_message DROP COLUMN md5_body")
        }
        // v3: pruning expired deduplication records finds them by index instead of scanning the table
        // (a scan of a busy FIFO queue's records stalled every commit behind it).
        migrator.registerMigration("sqs-v3") { db in
            try db.execute(sql: "CREATE INDEX sqs_deduplication_expiry ON sqs_deduplication(queue_id, expires_at)")
        }
        // v4: deduplication records are appended in time order instead of kept under their random keys.
        // The engine holds the live records in memory and reads the table only at start-up (a later
        // row for a key wins), so a commit of many FIFO sends now writes a few pages at the table's
        // end, not one page per record all over a b-tree; that scattering was FIFO's latency tail.
        migrator.registerMigration("sqs-v4") { db in
            try db.execute(
                sql: """
                    CREATE TABLE sqs_deduplication_log (
                        seq INTEGER PRIMARY KEY,
                        queue_id INTEGER NOT NULL,
                        key TEXT NOT NULL,
                        message_id TEXT NOT NULL,
                        sequence_number TEXT NOT NULL,
                        expires_at INTEGER NOT NULL
                    );
                    INSERT INTO sqs_deduplication_log (queue_id, key, message_id, sequence_number, expires_at)
                        SELECT queue_id, key, message_id, sequence_number, expires_at FROM sqs_deduplication
                        ORDER BY expires_at;
                    DROP TABLE sqs_deduplication;
                    ALTER TABLE sqs_deduplication_log RENAME TO sqs_deduplication;
                    CREATE INDEX sqs_deduplication_expiry ON sqs_deduplication(queue_id, expires_at);
                    """)
        }
        // v5: message move tasks, so that a started task goes on after a restart.
        migrator.registerMigration("sqs-v5") { db in
            try db.execute(
                sql: """
                    CREATE TABLE sqs_move_task (
                        handle TEXT PRIMARY KEY,
                        started_at INTEGER NOT NULL,
                        record BLOB NOT NULL
                    ) WITHOUT ROWID;
                    """)
        }
    }

    public func load() throws -> SQSSnapshot {
        let decoder = JSONDecoder()
        return try database.read { db in
            var snapshot = SQSSnapshot()
            for row in try Row.fetchAll(db, sql: "SELECT record FROM sqs_queue") {
                let data: Data = row[0]
                snapshot.queues.append(try decoder.decode(QueueRecord.self, from: data))
            }
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT seq, queue_id, message_id, body, attributes, system_attributes, NULL, md5_attributes,
                           md5_system_attributes, sent_at, sender_id, group_id, deduplication_id, sequence_number,
                           dead_letter_source_arn, visible_at, receive_count, first_receive_at, receipt_token
                    FROM sqs_message ORDER BY seq
                    """)
            while let row = try rows.next() {
                let attributes: Data? = row[4]
                let systemAttributes: Data? = row[5]
                let message = SQSMessage(
                    seq: row[0], messageId: row[2], body: row[3],
                    attributes: try attributes.map { try decoder.decode([String: MessageAttribute].self, from: $0) }
                        ?? [:],
                    systemAttributes: try systemAttributes.map {
                        try decoder.decode([String: MessageAttribute].self, from: $0)
                    } ?? [:],
                    md5OfMessageAttributes: row[7], md5OfMessageSystemAttributes: row[8],
                    sentAt: row[9], senderId: row[10], messageGroupId: row[11], messageDeduplicationId: row[12],
                    sequenceNumber: row[13], deadLetterQueueSourceArn: row[14], visibleAt: row[15],
                    receiveCount: row[16], firstReceiveAt: row[17], receiptToken: row[18])
                snapshot.messages.append((row[1], message))
            }
            for row in try Row.fetchAll(
                db,
                sql: "SELECT queue_id, key, message_id, sequence_number, expires_at FROM sqs_deduplication ORDER BY seq"
            ) {
                snapshot.deduplication.append(
                    (row[0], row[1], DeduplicationRecord(messageId: row[2], sequenceNumber: row[3], expiresAt: row[4])))
            }
            for row in try Row.fetchAll(db, sql: "SELECT record FROM sqs_move_task ORDER BY started_at, handle") {
                let data: Data = row[0]
                snapshot.moveTasks.append(try decoder.decode(MoveTaskRecord.self, from: data))
            }
            return snapshot
        }
    }

    public func submit(_ changes: [SQSChange]) -> CommitTicket {
        database.submit(lineage: lineage) { db in
            // The message insert's SQL is long, so it is looked up in GRDB's statement cache (which hashes
            // the SQL text) once per job rather than once per message.
            var insertMessage: Statement?
            for change in changes { try Self.apply(change, db, insertMessage: &insertMessage) }
        }
    }

    public func wipe() -> CommitTicket {
        database.submit(lineage: lineage) { db in
            try db.execute(
                sql:
                    "DELETE FROM sqs_message; DELETE FROM sqs_queue; DELETE FROM sqs_deduplication; DELETE FROM sqs_move_task"
            )
        }
    }

    static func apply(_ change: SQSChange, _ db: Database, insertMessage: inout Statement?) throws {
        switch change {
        case .putQueue(let record):
            try db.cachedStatement(sql: "INSERT OR REPLACE INTO sqs_queue (id, record) VALUES (?, ?)")
                .execute(arguments: [record.id, try JSONEncoder().encode(record)])
        case .deleteQueue(let queueId):
            try db.cachedStatement(sql: "DELETE FROM sqs_queue WHERE id = ?").execute(arguments: [queueId])
            try db.cachedStatement(sql: "DELETE FROM sqs_message WHERE queue_id = ?").execute(arguments: [queueId])
            try db.cachedStatement(sql: "DELETE FROM sqs_deduplication WHERE queue_id = ?").execute(arguments: [queueId]
            )
        case .putMessage(let queueId, let message):
            let attributes = message.attributes.isEmpty ? nil : try JSONEncoder().encode(message.attributes)
            let systemAttributes =
                message.systemAttributes.isEmpty ? nil : try JSONEncoder().encode(message.systemAttributes)
            let statement =
                try insertMessage
                ?? db.cachedStatement(
                    sql: """
                        INSERT OR REPLACE INTO sqs_message (seq, queue_id, message_id, body, attributes, system_attributes,
                            md5_attributes, md5_system_attributes, sent_at, sender_id, group_id, deduplication_id,
                            sequence_number, dead_letter_source_arn, visible_at, receive_count, first_receive_at, receipt_token)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """)
            insertMessage = statement
            let insert = BoundStatement(statement)
            insert.bind(1, message.seq)
            insert.bind(2, queueId)
            insert.bind(3, message.messageId)
            insert.bind(4, message.body)
            insert.bind(5, attributes)
            insert.bind(6, systemAttributes)
            insert.bind(7, message.md5OfMessageAttributes)
            insert.bind(8, message.md5OfMessageSystemAttributes)
            insert.bind(9, message.sentAt)
            insert.bind(10, message.senderId)
            insert.bind(11, message.messageGroupId)
            insert.bind(12, message.messageDeduplicationId)
            insert.bind(13, message.sequenceNumber)
            insert.bind(14, message.deadLetterQueueSourceArn)
            insert.bind(15, message.visibleAt)
            insert.bind(16, Int64(message.receiveCount))
            insert.bind(17, message.firstReceiveAt)
            insert.bind(18, message.receiptToken)
            try insert.run()
        case .updateDelivery(let seq, let visibleAt, let receiveCount, let firstReceiveAt, let receiptToken):
            let update = BoundStatement(
                try db.cachedStatement(
                    sql:
                        "UPDATE sqs_message SET visible_at = ?, receive_count = ?, first_receive_at = ?, receipt_token = ? WHERE seq = ?"
                ))
            update.bind(1, visibleAt)
            update.bind(2, Int64(receiveCount))
            update.bind(3, firstReceiveAt)
            update.bind(4, receiptToken)
            update.bind(5, seq)
            try update.run()
        case .deleteMessages(let seqs):
            let delete = BoundStatement(try db.cachedStatement(sql: "DELETE FROM sqs_message WHERE seq = ?"))
            for seq in seqs {
                delete.bind(1, seq)
                try delete.run()
            }
        case .purgeQueue(let queueId):
            try db.cachedStatement(sql: "DELETE FROM sqs_message WHERE queue_id = ?").execute(arguments: [queueId])
            try db.cachedStatement(sql: "DELETE FROM sqs_deduplication WHERE queue_id = ?").execute(arguments: [queueId]
            )
        case .putDeduplication(let queueId, let key, let record):
            try db.cachedStatement(
                sql:
                    "INSERT INTO sqs_deduplication (queue_id, key, message_id, sequence_number, expires_at) VALUES (?, ?, ?, ?, ?)"
            ).execute(arguments: [queueId, key, record.messageId, record.sequenceNumber, record.expiresAt])
        case .pruneDeduplication(let queueId, let before):
            try db.cachedStatement(sql: "DELETE FROM sqs_deduplication WHERE queue_id = ? AND expires_at < ?")
                .execute(arguments: [queueId, before])
        case .putMoveTask(let record):
            try db.cachedStatement(
                sql: "INSERT OR REPLACE INTO sqs_move_task (handle, started_at, record) VALUES (?, ?, ?)"
            ).execute(arguments: [record.taskHandle, record.startedAt, try JSONEncoder().encode(record)])
        case .deleteMoveTasks(let handles):
            for handle in handles {
                try db.cachedStatement(sql: "DELETE FROM sqs_move_task WHERE handle = ?").execute(arguments: [handle])
            }
        }
    }
}
