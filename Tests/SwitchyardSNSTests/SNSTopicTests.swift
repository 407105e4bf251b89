import SwitchyardDelivery
import Testing

@testable import SwitchyardSNS

@Suite struct SNSTopicTests {
    let key = TopicKey(account: "000000000000", region: "us-east-1", name: "orders")

    func makeEngine() throws -> SNSEngine {
        try SNSEngine(
            store: MemorySNSStore(), deliveries: DeliveryEngine(store: MemoryDeliveryStore(), transports: [:]),
            signer: NotificationSigner(directory: nil))
    }

    @Test func arnsRoundTrip() {
        #expect(key.arn == "arn:aws:sns:us-east-1:000000000000:orders")
        #expect(TopicKey(arn: key.arn) == key)
        #expect(TopicKey(arn: "arn:aws:sqs:us-east-1:000000000000:orders") == nil)
        #expect(TopicKey(arn: "orders") == nil)
    }

    @Test func namesFollowTheStandardAndFIFORules() throws {
        try TopicNames.validate("Orders_1-a", fifoAttribute: nil)
        try TopicNames.validate("orders.fifo", fifoAttribute: "true")
        #expect(throws: (any Error).self) { try TopicNames.validate("orders.fifo", fifoAttribute: nil) }
        #expect(throws: (any Error).self) { try TopicNames.validate("orders", fifoAttribute: "true") }
        #expect(throws: (any Error).self) { try TopicNames.validate("a b", fifoAttribute: nil) }
        #expect(throws: (any Error).self) {
            try TopicNames.validate(String(repeating: "a", count: 257), fifoAttribute: nil)
        }
    }

    /// A deleted FIFO topic leaves nothing of itself behind (its sequence counter stayed for good).
    @Test func aDeletedFIFOTopicLeavesNoSequenceCounter() async throws {
        let engine = try makeEngine()
        let fifo = TopicKey(account: "000000000000", region: "us-east-1", name: "orders.fifo")
        _ = try await engine.createTopic(fifo, attributes: ["FifoTopic": "true"], tags: [:])
        _ = try await engine.publish(
            fifo,
            PublishDraft(
                message: "m", subject: nil, messageStructure: nil, attributes: [:], messageGroupId: "g",
                messageDeduplicationId: "d"),
            baseURL: "http://127.0.0.1:4566")
        #expect(await engine.lastSequenceNumber.count == 1)
        _ = await engine.deleteTopic(fifo)
        #expect(await engine.lastSequenceNumber.isEmpty)
    }

    @Test func createIsIdempotentOnlyWithEqualAttributes() async throws {
        let engine = try makeEngine()
        _ = try await engine.createTopic(key, attributes: ["DisplayName": "A"], tags: [:])
        _ = try await engine.createTopic(key, attributes: ["DisplayName": "A"], tags: [:])
        _ = try await engine.createTopic(key, attributes: [:], tags: [:])
        await #expect(throws: (any Error).self) {
            try await engine.createTopic(key, attributes: ["DisplayName": "B"], tags: [:])
        }
        #expect(await engine.topicCount == 1)
    }

    @Test func effectiveAttributesOverlayDefaults() async throws {
        let engine = try makeEngine()
        let fifo = TopicKey(account: key.account, region: key.region, name: "f.fifo")
        _ = try await engine.createTopic(fifo, attributes: ["FifoTopic": "true"], tags: [:])
        _ = try await engine.setAttribute(fifo, name: "ContentBasedDeduplication", value: "true")
        let attributes = try await engine.attributes(of: fifo)
        #expect(attributes["FifoTopic"] == "true")
        #expect(attributes["ContentBasedDeduplication"] == "true")
        #expect(attributes["SubscriptionsConfirmed"] == "0")
        #expect(attributes["Policy"]?.contains(fifo.arn) == true)
        await #expect(throws: (any Error).self) {
            try await engine.setAttribute(key, name: "DisplayName", value: "missing topic")
        }
    }

    @Test func listingIsInCreationOrderPerAccountAndRegion() async throws {
        let engine = try makeEngine()
        for name in ["b", "a", "c"] {
            _ = try await engine.createTopic(
                TopicKey(account: key.account, region: key.region, name: name), attributes: [:], tags: [:])
        }
        _ = try await engine.createTopic(
            TopicKey(account: key.account, region: "eu-west-1", name: "z"), attributes: [:], tags: [:])
        #expect(await engine.topicKeys(account: key.account, region: key.region).map(\.name) == ["b", "a", "c"])
    }
}
