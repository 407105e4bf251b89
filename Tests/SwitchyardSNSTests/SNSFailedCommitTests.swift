import Foundation
import GRDB
import Logging
import SwitchyardCore
import SwitchyardDelivery
import Testing

@testable import SwitchyardSNS

/// SNS after a write that fails to commit (the database may not grow, as on a full disk): topics and
/// subscriptions in memory are what storage holds, and writes work again once space returns.
@Suite struct SNSFailedCommitTests {
    @Test func failedTopicsAndSubscriptionsLeaveNoTrace() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sy-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var migrator = DatabaseMigrator()
        SQLiteSNSStore.registerMigrations(&migrator)
        SQLiteDeliveryStore.registerMigrations(&migrator)
        let database = try SQLiteDatabase(
            path: directory + "/db.sqlite", sync: .normal, migrator: migrator, logger: Logger(label: "test"))
        let deliveries = try DeliveryEngine(store: SQLiteDeliveryStore(database: database), transports: [:])
        let engine = try SNSEngine(
            store: SQLiteSNSStore(database: database), deliveries: deliveries,
            signer: NotificationSigner(directory: nil))
        try await database.queue.writeWithoutTransaction { db in
            let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
            try db.execute(sql: "PRAGMA max_page_count = \(pages + 4)")
        }
        var created: [TopicKey] = []
        var failed = 0
        for index in 0..<100 {
            let key = TopicKey(account: "000000000000", region: "us-east-1", name: "topic-\(index)")
            do {
                try await engine.createTopic(key, attributes: [:], tags: ["t": String(repeating: "v", count: 250)])
                    .wait()
                created.append(key)
            } catch {
                #expect(error is StorageFailure)
                failed += 1
            }
        }
        #expect(failed > 0)
        #expect(await engine.topicKeys(account: "000000000000", region: "us-east-1") == created)
        try await database.queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA max_page_count = 1000000")
        }
        let later = TopicKey(account: "000000000000", region: "us-east-1", name: "later")
        try await engine.createTopic(later, attributes: [:], tags: [:]).wait()
        #expect(await engine.topicCount == created.count + 1)
    }
}
