import Foundation
import Logging
import SwitchyardDelivery
import SwitchyardPlatform
import Testing

@testable import SwitchyardSES

@Suite struct ReceivedMessageTests {
    /// A received message's record serves SendBounce for 24 hours; after that it is forgotten, not
    /// kept for the server's life.
    @Test func recordsOfMailTooOldToBounceAreForgotten() async throws {
        let engine = try SESEngine(
            tables: SESEngine.Tables(database: nil), outbox: MemoryOutboxStore(),
            deliveries: try DeliveryEngine(store: MemoryDeliveryStore(), transports: [:]),
            resources: ResourceDirectory(), objects: ObjectReaders(), settings: SESSettings(),
            baseURL: "http://127.0.0.1:4566", logger: Logger(label: "test"))
        let now = SESEngine.nowMillis()
        let scope = SESScope(account: "000000000000", region: "us-east-1")
        for (id, age) in [("old", SESEngine.bounceableMillis + 1), ("young", SESEngine.bounceableMillis - 60_000)] {
            let record = ReceivedMessageRecord(
                scope: scope, id: id, receivedMillis: now - age, source: "a@example.com", recipients: ["b@example.com"],
                headerBlock: "Subject: s\r\n")
            await engine.keepReceived(record)
        }
        #expect(await engine.forgetUnbounceableMessages(now: now) == 1)
        #expect(await engine.received[scope.key("old")] == nil)
        #expect(await engine.received[scope.key("young")] != nil)
    }
}

extension SESEngine {
    fileprivate func keepReceived(_ record: ReceivedMessageRecord) {
        received.put(record)
    }
}
