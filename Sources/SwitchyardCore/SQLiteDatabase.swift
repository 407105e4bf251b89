import Foundation
import GRDB
import Logging

/// How hard an acknowledged write is pushed to disk.
public enum SyncMode: String, Sendable, CaseIterable {
    /// WAL with synchronous=NORMAL: committed writes survive a crash of the process.
    case normal
    /// WAL with synchronous=FULL: every commit is fsynced, surviving power loss too.
    case full
}

/// The embedded SQLite database (WAL) with one writer thread that group-commits.
///
/// Request handlers submit small write jobs; the writer runs every job that is waiting in one
/// transaction and then resolves their tickets, so that many concurrent acknowledgements share one
/// commit (and one fsync under `--sync full`).
public final class SQLiteDatabase: Sendable {
    public typealias Job = @Sendable (Database) throws -> Void

    /// The connection. Only the writer thread and start-up code (before serving) touch it.
    public let queue: DatabaseQueue
    private let writer: GroupCommitWriter
    private let checkpointer: WALCheckpointer

    /// Opens (creating if needed) the database at `path` and applies every registered migration.
    public init(path: String, sync: SyncMode, migrator: DatabaseMigrator, logger: Logger) throws {
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "PRAGMA synchronous = \(sync == .full ? "FULL" : "NORMAL")")
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
            // Checkpoints run on their own connection and thread (WALCheckpointer), so that copying
            // the WAL back and its fsync do not stall group commits. The writer's own automatic
            // checkpoint stays as a backstop at 8,192 pages: under sustained writes the WAL can only
            // restart after a checkpoint by the writing connection, which finds little left to copy.
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 8192")
            try db.execute(sql: "PRAGMA journal_size_limit = 67108864")
        }
        queue = try DatabaseQueue(path: path, configuration: configuration)
        try migrator.migrate(queue)
        writer = GroupCommitWriter(queue: queue, logger: logger)
        checkpointer = try WALCheckpointer(path: path, configuration: configuration, logger: logger)
    }

    /// Submits a write; the ticket resolves once its transaction has committed.
    public func submit(_ job: @escaping Job) -> CommitTicket {
        writer.submit(job)
    }

    /// Reads synchronously; for start-up and rarely used paths only.
    public func read<T>(_ body: (Database) throws -> T) throws -> T {
        try queue.read(body)
    }
}

/// The thread that owns all writes and commits them in groups.
final class GroupCommitWriter: @unchecked Sendable {
    // @unchecked: `pending` and `stopped` are only touched while `condition` is locked.
    private let condition = NSCondition()
    private var pending: [(SQLiteDatabase.Job, CommitTicket)] = []
    private let queue: DatabaseQueue
    private let logger: Logger

    init(queue: DatabaseQueue, logger: Logger) {
        self.queue = queue
        self.logger = logger
        let thread = Thread { [self] in run() }
        thread.name = "switchyard-sqlite-writer"
        thread.start()
    }

    func submit(_ job: @escaping SQLiteDatabase.Job) -> CommitTicket {
        let ticket = CommitTicket()
        condition.lock()
        pending.append((job, ticket))
        condition.signal()
        condition.unlock()
        return ticket
    }

    private func run() {
        while true {
            condition.lock()
            while pending.isEmpty { condition.wait() }
            let batch = pending
            pending.removeAll(keepingCapacity: true)
            condition.unlock()
            commit(batch)
        }
    }

    private func commit(_ batch: [(SQLiteDatabase.Job, CommitTicket)]) {
        do {
            try queue.inTransaction { db in
                for (job, _) in batch { try job(db) }
                return .commit
            }
            for (_, ticket) in batch { ticket.complete(nil) }
        } catch {
            // One failing job must not fail its neighbours: retry each on its own.
            logger.error("group commit failed, retrying jobs one by one: \(error)")
            for (job, ticket) in batch {
                do {
                    try queue.inTransaction { db in
                        try job(db)
                        return .commit
                    }
                    ticket.complete(nil)
                } catch {
                    ticket.complete(error)
                }
            }
        }
    }
}

/// Copies the WAL back into the database in the background, every quarter second.
///
/// PASSIVE checkpoints do not block the writer; they need their own connection to run beside it.
final class WALCheckpointer: Sendable {
    private let queue: DatabaseQueue

    init(path: String, configuration: Configuration, logger: Logger) throws {
        queue = try DatabaseQueue(path: path, configuration: configuration)
        let thread = Thread { [queue] in
            while true {
                Thread.sleep(forTimeInterval: 0.25)
                do {
                    try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(PASSIVE)") }
                } catch {
                    logger.warning("WAL checkpoint failed: \(error)")
                }
            }
        }
        thread.name = "switchyard-sqlite-checkpointer"
        thread.start()
    }
}
