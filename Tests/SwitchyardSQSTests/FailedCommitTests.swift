import Foundation
import GRDB
import Logging
import SwitchyardCore
import SwitchyardWire
import Testing

@testable import SwitchyardSQS

/// A write that fails to commit (here: the database may not grow, as on a full disk) leaves the
/// engine's memory as storage has it, and writes work again once space returns.
@Suite struct FailedCommitTests {
    let key = QueueKey(account: "000000000000", region: "us-east-1", name: "q")

    func makeDatabase() throws -> (SQLiteDatabase, String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sy-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var migrator = DatabaseMigrator()
        SQLiteSQSStore.registerMigrations(&migrator)
        let database = try SQLiteDatabase(
            path: directory + "/db.sqlite", sync: .normal, migrator: migrator, logger: Logger(label: "test"))
        return (database, directory)
    }

    /// Lets the database grow by at most `pages` pages beyond its current size.
    func limitGrowth(_ database: SQLiteDatabase, to pages: Int) throws {
        try database.queue.writeWithoutTransaction { db in
            let count = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
            try db.execute(sql: "PRAGMA max_page_count = \(count + pages)")
        }
    }

    func sendAll(_ engine: SQSEngine, count: Int, size: Int) async -> Int {
        var acknowledged = 0
        for index in 0..<count {
            do {
                let body = "\(index)-" + String(repeating: "x", count: size)
                let (results, ticket) = try await engine.send(key, [OutgoingMessage(body: body)], senderId: "s")
                try await ticket.wait()
                _ = try results[0].get()
                acknowledged += 1
            } catch {
                #expect(error is StorageFailure)
            }
        }
        return acknowledged
    }

    @Test func failedSendsAreNotCountedReceivedOrKept() async throws {
        let (database, directory) = try makeDatabase()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = SQLiteSQSStore(database: database)
        let engine = try SQSEngine(store: store)
        try await engine.createQueue(key, attributes: [:], tags: [:]).wait()
        #expect(await sendAll(engine, count: 5, size: 100) == 5)

        try limitGrowth(database, to: 8)
        let acknowledged = 5 + (await sendAll(engine, count: 60, size: 4000))
        #expect(acknowledged < 65)
        #expect(await engine.statistics().messages == acknowledged)

        // Space returns: sends work again, and the queue holds exactly what was acknowledged.
        try limitGrowth(database, to: 100_000)
        #expect(await sendAll(engine, count: 3, size: 100) == 3)
        #expect(await engine.statistics().messages == acknowledged + 3)
        var received = 0
        while true {
            let (messages, ticket) = try await engine.receive(key, ReceiveRequest(maxMessages: 10, waitSeconds: 0))
            try await ticket.wait()
            if messages.isEmpty { break }
            received += messages.count
        }
        #expect(received == acknowledged + 3)

        // And after a restart, storage agrees.
        let reopened = try SQSEngine(store: SQLiteSQSStore(database: database))
        #expect(await reopened.statistics().messages == acknowledged + 3)
    }

    @Test func aFailedQueueCreationLeavesNoQueue() async throws {
        let (database, directory) = try makeDatabase()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let engine = try SQSEngine(store: SQLiteSQSStore(database: database))
        try limitGrowth(database, to: 0)
        var failures = 0
        for attempt in 0..<50 {
            let name = QueueKey(account: key.account, region: key.region, name: "q\(attempt)")
            do {
                try await engine.createQueue(name, attributes: [:], tags: ["t": String(repeating: "v", count: 250)])
                    .wait()
            } catch {
                failures += 1
                #expect(await engine.queueExists(name) == false)
            }
        }
        #expect(failures > 0)
        let listed = await engine.listQueues(account: key.account, region: key.region, prefix: nil)
        #expect(listed.count == 50 - failures)
    }
}
