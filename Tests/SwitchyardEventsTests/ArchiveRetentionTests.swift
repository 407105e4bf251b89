import Foundation
import GRDB
import Logging
import SwitchyardCore
import SwitchyardDelivery
import SwitchyardWire
import Testing

@testable import SwitchyardEvents

/// An archive keeps its events for its RetentionDays, by each event's time; 0 or none keeps them.
@Suite struct ArchiveRetentionTests {
    let bus = BusKey(account: "000000000000", region: "us-east-1", name: "default")

    func archive(_ name: String, days: Int?, at now: Int64) -> ArchiveRecord {
        ArchiveRecord(
            account: "000000000000", region: "us-east-1", name: name, source: bus, description: nil,
            eventPattern: nil, retentionDays: days, createdAt: now, eventCount: 0, sizeBytes: 0)
    }

    func event(at millis: Int64) throws -> RoutedEvent {
        let time = Date(timeIntervalSince1970: Double(millis) / 1000).ISO8601Format()
        let text = #"{"version":"0","id":"\#(millis)","detail-type":"t","source":"s","time":"\#(time)","detail":{}}"#
        return RoutedEvent(
            bus: bus, envelope: try OrderedJSON.parse(Array(text.utf8)), id: "\(millis)", traceHeader: nil,
            ingestedAt: millis)
    }

    /// A SQLite store in a new directory.
    static func sqliteStore() throws -> SQLiteEventBridgeStore {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sy-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var migrator = DatabaseMigrator()
        SQLiteEventBridgeStore.registerMigrations(&migrator)
        return SQLiteEventBridgeStore(
            database: try SQLiteDatabase(
                path: directory + "/db.sqlite", sync: .normal, migrator: migrator, logger: Logger(label: "test")))
    }

    @Test(arguments: [false, true]) func eventsOlderThanTheRetentionGoAndAreCountedOut(sqlite: Bool) async throws {
        let clock = ManualClock(startMillis: 1_795_737_600_000)
        let deliveries = try DeliveryEngine(store: MemoryDeliveryStore(), transports: [:])
        let store: any EventBridgeStore = sqlite ? try Self.sqliteStore() : MemoryEventBridgeStore()
        let engine = try EventBridgeEngine(store: store, deliveries: deliveries, clock: clock)
        let start = clock.nowMillis()
        try await engine.createArchive(archive("day", days: 1, at: start), pattern: nil).wait()
        try await engine.createArchive(archive("ever", days: 0, at: start), pattern: nil).wait()
        try await engine.createArchive(archive("unset", days: nil, at: start), pattern: nil).wait()
        try await engine.route([try event(at: start), try event(at: start + 1)])
        clock.advance(seconds: 12 * 3600)
        try await engine.route([try event(at: clock.nowMillis())])
        #expect(try await engine.expireArchivedEvents() == 0)

        clock.advance(seconds: 12 * 3600 + 1)
        #expect(try await engine.expireArchivedEvents() == 2)
        let day = try await engine.archive(account: "000000000000", region: "us-east-1", name: "day")
        #expect(day.eventCount == 1)
        #expect(await engine.archived[day.storageKey]?.count == 1)
        #expect(day.sizeBytes == (await engine.archived[day.storageKey]?.first?.envelope.utf8.count))
        for name in ["ever", "unset"] {
            #expect(try await engine.archive(account: "000000000000", region: "us-east-1", name: name).eventCount == 3)
        }
        if sqlite {
            // What was dropped is gone from storage too.
            let reopened = try EventBridgeEngine(store: store, deliveries: deliveries, clock: clock)
            #expect(await reopened.archived[day.storageKey]?.count == 1)
            #expect(
                try await reopened.archive(account: "000000000000", region: "us-east-1", name: "day").eventCount == 1)
        }
        clock.advance(seconds: 12 * 3600)
        #expect(try await engine.expireArchivedEvents() == 1)
        #expect(try await engine.archive(account: "000000000000", region: "us-east-1", name: "day").sizeBytes == 0)
    }
}
