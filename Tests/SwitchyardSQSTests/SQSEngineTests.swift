import Foundation
import SwitchyardCore
import SwitchyardWire
import Testing

@testable import SwitchyardSQS

@Suite struct SQSEngineTests {
    let clock = ManualClock()
    let key = QueueKey(account: "000000000000", region: "us-east-1", name: "q")
    let fifoKey = QueueKey(account: "000000000000", region: "us-east-1", name: "q.fifo")

    func engine() throws -> SQSEngine { try SQSEngine(store: MemorySQSStore(), clock: clock) }

    func send(_ engine: SQSEngine, _ key: QueueKey, _ body: String, group: String? = nil, dedup: String? = nil)
        async throws -> SendResult
    {
        let (results, _) = try await engine.send(
            key, [OutgoingMessage(body: body, messageGroupId: group, messageDeduplicationId: dedup)], senderId: "s")
        return try results[0].get()
    }

    func receive(_ engine: SQSEngine, _ key: QueueKey, max: Int = 10, visibility: Int? = nil) async throws
        -> [ReceivedMessage]
    {
        try await engine.receive(key, ReceiveRequest(maxMessages: max, visibilityTimeout: visibility, waitSeconds: 0)).0
    }

    @Test func visibilityTimeoutFollowsTheClock() async throws {
        let engine = try engine()
        _ = try await engine.createQueue(key, attributes: ["VisibilityTimeout": "10"], tags: [:])
        _ = try await send(engine, key, "a")
        #expect(try await receive(engine, key).count == 1)
        #expect(try await receive(engine, key).isEmpty)
        clock.advance(seconds: 9)
        #expect(try await receive(engine, key).isEmpty)
        clock.advance(seconds: 1)
        let again = try await receive(engine, key)
        #expect(again.first?.message.receiveCount == 2)
    }

    @Test func fifoGroupsStayOrderedAndBlockWhileInFlight() async throws {
        let engine = try engine()
        _ = try await engine.createQueue(fifoKey, attributes: ["FifoQueue": "true"], tags: [:])
        for (index, group) in ["a", "a", "b", "a"].enumerated() {
            _ = try await send(engine, fifoKey, "\(group)\(index)", group: group, dedup: "\(index)")
        }
        let first = try await receive(engine, fifoKey, max: 1)
        #expect(first.map(\.message.body) == ["a0"])
        #expect(try await receive(engine, fifoKey).map(\.message.body) == ["b2"])
        #expect(try await receive(engine, fifoKey).isEmpty)
        _ = try await engine.delete(fifoKey, receiptHandles: [first[0].receiptHandle])
        #expect(try await receive(engine, fifoKey).map(\.message.body) == ["a1", "a3"])
    }

    @Test func deduplicationWindowIsFiveMinutes() async throws {
        let engine = try engine()
        _ = try await engine.createQueue(fifoKey, attributes: ["FifoQueue": "true"], tags: [:])
        let first = try await send(engine, fifoKey, "x", group: "g", dedup: "d")
        clock.advance(seconds: 299)
        let duplicate = try await send(engine, fifoKey, "y", group: "g", dedup: "d")
        #expect(duplicate.messageId == first.messageId)
        clock.advance(seconds: 1)
        let fresh = try await send(engine, fifoKey, "z", group: "g", dedup: "d")
        #expect(fresh.messageId != first.messageId)
        #expect(try await receive(engine, fifoKey).map(\.message.body) == ["x", "z"])
    }

    @Test func aKeySentAgainAfterExpiringKeepsItsNewRecordThroughPruning() async throws {
        let engine = try engine()
        _ = try await engine.createQueue(fifoKey, attributes: ["FifoQueue": "true"], tags: [:])
        _ = try await send(engine, fifoKey, "a", group: "g", dedup: "d")
        clock.advance(seconds: 301)
        let second = try await send(engine, fifoKey, "b", group: "g", dedup: "d")  // prunes the first record
        clock.advance(seconds: 2)
        _ = try await send(engine, fifoKey, "c", group: "g", dedup: "other")  // prunes again
        let duplicate = try await send(engine, fifoKey, "d", group: "g", dedup: "d")
        #expect(duplicate.messageId == second.messageId)
        #expect(try await receive(engine, fifoKey, max: 10).map(\.message.body) == ["a", "b", "c"])
    }

    @Test func sendToEachFailsOnlyTheMissingQueue() async throws {
        let engine = try engine()
        let other = QueueKey(account: key.account, region: key.region, name: "other")
        _ = try await engine.createQueue(key, attributes: [:], tags: [:])
        _ = try await engine.createQueue(other, attributes: [:], tags: [:])
        let missing = QueueKey(account: key.account, region: key.region, name: "missing")
        let (results, ticket) = await engine.sendToEach(
            [
                (key, OutgoingMessage(body: "a")), (missing, OutgoingMessage(body: "b")),
                (other, OutgoingMessage(body: "c")),
            ],
            senderId: "s")
        try await ticket.wait()
        #expect(results.map { (try? $0.get()) != nil } == [true, false, true])
        #expect(try await receive(engine, key).map(\.message.body) == ["a"])
        #expect(try await receive(engine, other).map(\.message.body) == ["c"])
    }

    @Test func redriveMovesAfterMaxReceiveCount() async throws {
        let engine = try engine()
        let dlq = QueueKey(account: key.account, region: key.region, name: "dlq")
        _ = try await engine.createQueue(dlq, attributes: [:], tags: [:])
        let policy = #"{"deadLetterTargetArn":"\#(dlq.arn)","maxReceiveCount":2}"#
        _ = try await engine.createQueue(key, attributes: ["RedrivePolicy": policy], tags: [:])
        _ = try await send(engine, key, "poison")
        #expect(try await receive(engine, key, visibility: 0).count == 1)
        #expect(try await receive(engine, key, visibility: 0).count == 1)
        #expect(try await receive(engine, key, visibility: 0).isEmpty)
        let moved = try await receive(engine, dlq)
        #expect(moved.first?.message.deadLetterQueueSourceArn == key.arn)
    }

    @Test func retentionExpiresMessages() async throws {
        let engine = try engine()
        _ = try await engine.createQueue(key, attributes: ["MessageRetentionPeriod": "60"], tags: [:])
        _ = try await send(engine, key, "old")
        clock.advance(seconds: 60)
        #expect(try await receive(engine, key).isEmpty)
        #expect(try await engine.statistics().messages == 0)
    }

    @Test func sweepRemovesOnlyExpiredMessages() async throws {
        let engine = try engine()
        _ = try await engine.createQueue(key, attributes: ["MessageRetentionPeriod": "60"], tags: [:])
        _ = try await send(engine, key, "old")
        clock.advance(seconds: 30)
        _ = try await send(engine, key, "new")
        clock.advance(seconds: 30)
        #expect(try await engine.sweepExpiredMessages() == 1)
        #expect(
            try await engine.attributes(of: key, names: ["ApproximateNumberOfMessages"])["ApproximateNumberOfMessages"]
                == "1")
        clock.advance(seconds: 30)
        #expect(try await engine.sweepExpiredMessages() == 1)
        #expect(try await engine.sweepExpiredMessages() == 0)
    }

    @Test func visibilityExtensionsAreCappedAtTwelveHoursFromReceive() async throws {
        let engine = try engine()
        _ = try await engine.createQueue(key, attributes: [:], tags: [:])
        _ = try await send(engine, key, "x")
        let handle = try await receive(engine, key, visibility: 43_200)[0].receiptHandle
        clock.advance(seconds: 3_600)
        let (allowed, _) = try await engine.changeVisibility(key, [(handle, 39_600)])
        #expect(throws: Never.self) { try allowed[0].get() }
        let (refused, _) = try await engine.changeVisibility(key, [(handle, 39_601)])
        #expect(throws: AWSError.self) { try refused[0].get() }
    }

    @Test func inFlightCountFollowsReceivesDeletesAndTimeouts() async throws {
        let engine = try engine()
        _ = try await engine.createQueue(key, attributes: [:], tags: [:])
        for body in ["a", "b", "c"] { _ = try await send(engine, key, body) }
        let received = try await receive(engine, key, visibility: 10)
        #expect(received.count == 3)
        _ = try await engine.delete(key, receiptHandles: [received[0].receiptHandle])
        #expect(await engine.inFlightCount(key) == 2)
        clock.advance(seconds: 10)
        #expect(await engine.inFlightCount(key) == 0)
    }

    @Test func aDeletedQueueNameWaitsSixtySeconds() async throws {
        let engine = try engine()
        _ = try await engine.createQueue(key, attributes: [:], tags: [:])
        _ = try await engine.deleteQueue(key)
        clock.advance(seconds: 59)
        await #expect(throws: AWSError.self) { try await engine.createQueue(key, attributes: [:], tags: [:]) }
        clock.advance(seconds: 1)
        _ = try await engine.createQueue(key, attributes: [:], tags: [:])
    }

    @Test func anEarlierReceiptHandleStillDeletesFromAStandardQueue() async throws {
        let engine = try engine()
        _ = try await engine.createQueue(key, attributes: [:], tags: [:])
        _ = try await send(engine, key, "x")
        let first = try await receive(engine, key, visibility: 0)
        _ = try await receive(engine, key, visibility: 30)
        _ = try await engine.delete(key, receiptHandles: [first[0].receiptHandle])
        #expect(await engine.statistics().messages == 0)
    }

    @Test func createQueueIsIdempotentOnlyWithEqualAttributes() async throws {
        let engine = try engine()
        _ = try await engine.createQueue(key, attributes: ["DelaySeconds": "3"], tags: [:])
        _ = try await engine.createQueue(key, attributes: ["DelaySeconds": "3"], tags: [:])
        await #expect(throws: AWSError.self) {
            try await engine.createQueue(key, attributes: ["DelaySeconds": "4"], tags: [:])
        }
    }
}
