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
///
/// The database is opened in exclusive locking mode: one connection, and the WAL index in heap
/// memory instead of a memory-mapped `-shm` file. A mapped file whose storage fails (made immutable,
/// a full or vanished device) raises SIGBUS in whatever thread touches it; with the index in the
/// heap, a failing disk is an error returned to the writer. The writer checkpoints the WAL itself,
/// whenever it has had nothing to commit for a moment.
public final class SQLiteDatabase: Sendable {
    public typealias Job = @Sendable (Database) throws -> Void

    /// The connection. Only the writer thread and start-up code (before serving) touch it.
    public let queue: DatabaseQueue
    private let writer: GroupCommitWriter

    /// Opens (creating if needed) the database at `path` and applies every registered migration.
    public init(path: String, sync: SyncMode, migrator: DatabaseMigrator, logger: Logger) throws {
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            // Before the first WAL access: only then does SQLite keep the WAL index in the heap.
            try db.execute(sql: "PRAGMA locking_mode = EXCLUSIVE")
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "PRAGMA synchronous = \(sync == .full ? "FULL" : "NORMAL")")
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
            try db.execute(sql: "PRAGMA mmap_size = 0")
            // The writer checkpoints when idle; under sustained writes SQLite's automatic checkpoint
            // does it on the writer, after the commit that crosses this many pages. Small checkpoints
            // (1 MB) keep each commit stall short: with 8,192 pages the SendMessageBatch p99 was
            // 29-41 ms against 18-21 ms with 100-256 (bench/README.md, "Storage without a memory map").
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 256")
            try db.execute(sql: "PRAGMA journal_size_limit = 67108864")
        }
        queue = try DatabaseQueue(path: path, configuration: configuration)
        try migrator.migrate(queue)
        writer = GroupCommitWriter(queue: queue, logger: logger)
    }

    /// Submits a write; the ticket resolves once its transaction has committed. A write of a
    /// lineage that is broken (an earlier write of the same owner failed) is refused unrun.
    public func submit(lineage: WriteLineage? = nil, _ job: @escaping Job) -> CommitTicket {
        writer.submit(job, lineage: lineage)
    }

    /// Commits whatever is still waiting, checkpoints the WAL into the database file, stops the
    /// writer and closes the connection. Writes submitted afterwards fail with `StorageFailure`.
    public func close() {
        writer.stop()
        try? queue.close()
    }

    /// Reads synchronously; for start-up and rarely used paths only.
    public func read<T>(_ body: (Database) throws -> T) throws -> T {
        try queue.read(body)
    }
}

/// Storage could not commit a write: the disk is full or failing, or an earlier write of the same
/// owner failed and its memory is being rebuilt. Services answer it as a temporary failure.
public struct StorageFailure: Error, CustomStringConvertible {
    public let description: String

    init(_ underlying: any Error) { description = "storage failed: \(underlying)" }

    static func refused(_ lineage: WriteLineage) -> StorageFailure {
        StorageFailure(
            description:
                "a \(lineage.name) write was refused: an earlier one failed to commit and \(lineage.name) state is being reloaded from storage"
        )
    }

    init(description: String) { self.description = description }
}

/// The thread that owns all writes and commits them in groups.
final class GroupCommitWriter: @unchecked Sendable {
    // @unchecked: `pending` is only touched while `condition` is locked.
    private struct Pending {
        var job: SQLiteDatabase.Job
        var ticket: CommitTicket
        var lineage: WriteLineage?
        var epoch: UInt64
    }

    private let condition = NSCondition()
    private var pending: [Pending] = []
    private let queue: DatabaseQueue
    private let logger: Logger
    /// Frames written since the last checkpoint, roughly: whether an idle moment should checkpoint.
    private var dirty = false
    private var lastFailureLog: Date?
    /// Set by `stop`: the writer drains what is pending, checkpoints and exits.
    private var stopping = false
    private var stopped = false

    init(queue: DatabaseQueue, logger: Logger) {
        self.queue = queue
        self.logger = logger
        let thread = Thread { [self] in run() }
        thread.name = "switchyard-sqlite-writer"
        thread.start()
    }

    func submit(_ job: @escaping SQLiteDatabase.Job, lineage: WriteLineage?) -> CommitTicket {
        let ticket = CommitTicket(lineage: lineage)
        let epoch = lineage?.currentEpoch ?? 0
        condition.lock()
        if stopping {
            condition.unlock()
            ticket.complete(StorageFailure(description: "the database is closed"))
            return ticket
        }
        pending.append(Pending(job: job, ticket: ticket, lineage: lineage, epoch: epoch))
        condition.signal()
        condition.unlock()
        return ticket
    }

    /// Waits until everything submitted has committed and the WAL is checkpointed.
    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        while !stopped { condition.wait() }
        condition.unlock()
    }

    private func run() {
        while true {
            condition.lock()
            while pending.isEmpty {
                if stopping {
                    condition.unlock()
                    checkpoint(mode: "TRUNCATE")
                    condition.lock()
                    stopped = true
                    condition.broadcast()
                    condition.unlock()
                    return
                }
                if dirty {
                    // Idle with WAL frames to copy back: checkpoint unless a job arrives first.
                    if !condition.wait(until: Date(timeIntervalSinceNow: 0.25)), pending.isEmpty {
                        condition.unlock()
                        checkpoint()
                        condition.lock()
                    }
                } else {
                    condition.wait()
                }
            }
            let batch = pending
            pending.removeAll(keepingCapacity: true)
            condition.unlock()
            commit(batch)
        }
    }

    private func checkpoint(mode: String = "PASSIVE") {
        dirty = false
        do {
            try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(\(mode))") }
        } catch {
            logFailure("WAL checkpoint failed: \(error)")
        }
    }

    private func commit(_ batch: [Pending]) {
        // Writes of a broken lineage are based on memory that is being rebuilt: never run them.
        var runnable: [Pending] = []
        runnable.reserveCapacity(batch.count)
        for item in batch {
            if let lineage = item.lineage, !lineage.accepts(item.epoch) {
                item.ticket.complete(StorageFailure.refused(lineage))
            } else {
                runnable.append(item)
            }
        }
        guard !runnable.isEmpty else { return }
        dirty = true
        do {
            try queue.inTransaction { db in
                for item in runnable { try item.job(db) }
                return .commit
            }
            for item in runnable { item.ticket.complete(nil) }
        } catch {
            // One failing job must not fail its neighbours: retry each on its own. A job that fails
            // alone breaks its lineage, so that the owner's later writes wait for its recovery.
            logFailure("group commit failed, retrying jobs one by one: \(error)")
            for item in runnable {
                if let lineage = item.lineage, !lineage.accepts(item.epoch) {
                    item.ticket.complete(StorageFailure.refused(lineage))
                    continue
                }
                do {
                    try queue.inTransaction { db in
                        try item.job(db)
                        return .commit
                    }
                    item.ticket.complete(nil)
                } catch {
                    if let lineage = item.lineage {
                        logFailure(
                            "a \(lineage.name) write failed (\(error)); reloading \(lineage.name) state from storage")
                        lineage.breakAt(item.epoch)
                    }
                    item.ticket.complete(StorageFailure(error))
                }
            }
        }
    }

    /// Logs storage failures at most once a second: a full disk fails every write.
    private func logFailure(_ message: String) {
        let now = Date()
        if let last = lastFailureLog, now.timeIntervalSince(last) < 1 { return }
        lastFailureLog = now
        logger.error("\(message)")
    }
}
