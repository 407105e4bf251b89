import Foundation
import GRDB
import SwitchyardCore

/// One record taken by a delivery stream and not yet delivered.
struct BufferedRecord: Sendable, Equatable {
    /// Its position among every stream's buffered records (increasing in each stream): a batch holds
    /// all its stream's records from its first sequence to its last.
    var sequence: Int64
    var arrivalMillis: Int64
    var data: [UInt8]
    /// For records read from a Kinesis stream: what Lambda processors get as kinesisRecordMetadata.
    var kinesis: KinesisRecordOrigin?
}

/// Where a record read from a Kinesis stream came from.
struct KinesisRecordOrigin: Codable, Sendable, Equatable {
    var shardId: String
    var partitionKey: String
    var sequenceNumber: String
    var arrivalMillis: Int64
}

/// The durable buffer: records are committed here before PutRecord answers, and removed once the
/// batch that holds them was delivered (or handed to error output). After a restart, whatever is
/// still here is delivered again: at least once.
protocol RecordBufferStore: Sendable {
    func loadAll() throws -> [String: [BufferedRecord]]
    func append(stream: String, _ records: [BufferedRecord]) -> CommitTicket
    /// Removes a stream's records with sequences in `range` (other streams' records in it stay).
    func remove(stream: String, _ range: ClosedRange<Int64>) -> CommitTicket
    func removeStream(_ stream: String) -> CommitTicket
    func wipe() -> CommitTicket
}

/// The buffer in the server's SQLite database, committed by its group-committing writer, so that
/// concurrent PutRecordBatch calls share one commit. The sequence is the rowid: in a WITHOUT ROWID
/// table a row over about 1,000 bytes spills into an overflow page of its own, which made 1 KB
/// records cost four times their size in writes.
struct SQLiteRecordBuffer: RecordBufferStore {
    static let table = "firehose_buffer"
    static let createStatements = [
        """
        CREATE TABLE firehose_buffer (sequence INTEGER PRIMARY KEY, stream TEXT NOT NULL, arrival INTEGER NOT NULL,
            data BLOB NOT NULL, origin BLOB)
        """,
        "CREATE INDEX firehose_buffer_stream ON firehose_buffer (stream, sequence)",
    ]
    let database: SQLiteDatabase

    func loadAll() throws -> [String: [BufferedRecord]] {
        let decoder = JSONDecoder()
        return try database.read { db in
            var buffers: [String: [BufferedRecord]] = [:]
            let rows = try Row.fetchCursor(
                db, sql: "SELECT stream, sequence, arrival, data, origin FROM firehose_buffer ORDER BY sequence"
            )
            while let row = try rows.next() {
                let origin = (row[4] as Data?).flatMap { try? decoder.decode(KinesisRecordOrigin.self, from: $0) }
                buffers[row[0], default: []].append(
                    BufferedRecord(
                        sequence: row[1], arrivalMillis: row[2], data: Array(row[3] as Data), kinesis: origin))
            }
            return buffers
        }
    }

    func append(stream: String, _ records: [BufferedRecord]) -> CommitTicket {
        database.submit { db in
            let statement = BoundStatement(
                try db.cachedStatement(
                    sql:
                        "INSERT OR REPLACE INTO firehose_buffer (stream, sequence, arrival, data, origin) VALUES (?, ?, ?, ?, ?)"
                ))
            let encoder = JSONEncoder()
            for record in records {
                statement.bind(1, stream)
                statement.bind(2, record.sequence)
                statement.bind(3, record.arrivalMillis)
                statement.bind(4, Data(record.data))
                statement.bind(5, try record.kinesis.map { try encoder.encode($0) })
                try statement.run()
            }
        }
    }

    func remove(stream: String, _ range: ClosedRange<Int64>) -> CommitTicket {
        database.submit { db in
            try db.execute(
                sql: "DELETE FROM firehose_buffer WHERE stream = ? AND sequence BETWEEN ? AND ?",
                arguments: [stream, range.lowerBound, range.upperBound])
        }
    }

    func removeStream(_ stream: String) -> CommitTicket {
        database.submit { db in try db.execute(sql: "DELETE FROM firehose_buffer WHERE stream = ?", arguments: [stream])
        }
    }

    func wipe() -> CommitTicket {
        database.submit { db in try db.execute(sql: "DELETE FROM firehose_buffer") }
    }
}

/// No buffer beyond memory (`--storage memory`): every write is committed at once.
struct MemoryRecordBuffer: RecordBufferStore {
    func loadAll() throws -> [String: [BufferedRecord]] { [:] }
    func append(stream: String, _ records: [BufferedRecord]) -> CommitTicket { .alreadyCommitted }
    func remove(stream: String, _ range: ClosedRange<Int64>) -> CommitTicket { .alreadyCommitted }
    func removeStream(_ stream: String) -> CommitTicket { .alreadyCommitted }
    func wipe() -> CommitTicket { .alreadyCommitted }
}
