import Foundation
import SwitchyardCore
import SwitchyardWire
import Testing

@testable import SwitchyardSQS

/// A receive whose answer never reached its client gives its messages back as they were.
@Suite struct HandBackTests {
    let clock = ManualClock()
    let key = QueueKey(account: "000000000000", region: "us-east-1", name: "q")
    let fifoKey = QueueKey(account: "000000000000", region: "us-east-1", name: "q.fifo")

    func receive(_ engine: SQSEngine, _ key: QueueKey) async throws -> [ReceivedMessage] {
        try await engine.receive(key, ReceiveRequest(maxMessages: 10, waitSeconds: 0)).0
    }

    @Test func handedBackMessagesAreVisibleWithTheirReceiveCountAsBefore() async throws {
        let engine = try SQSEngine(store: MemorySQSStore(), clock: clock)
        _ = try await engine.createQueue(key, attributes: [:], tags: [:])
        _ = try await engine.send(key, [OutgoingMessage(body: "a"), OutgoingMessage(body: "b")], senderId: "s")
        let lost = try await receive(engine, key)
        #expect(lost.count == 2)
        _ = await engine.handBack(key, lost)
        let again = try await receive(engine, key)
        #expect(Set(again.map(\.message.body)) == ["a", "b"])
        #expect(again.allSatisfy { $0.message.receiveCount == 1 && $0.message.firstReceiveAt != nil })
        #expect(await engine.inFlightCount(key) == 2)
        let (results, _) = try await engine.delete(key, receiptHandles: again.map(\.receiptHandle))
        #expect(results.allSatisfy { (try? $0.get()) != nil })
        #expect(await engine.statistics().messages == 0)
    }

    @Test func aRedrivePolicyDoesNotCountAReceiveThatWasHandedBack() async throws {
        let engine = try SQSEngine(store: MemorySQSStore(), clock: clock)
        let deadKey = QueueKey(account: "000000000000", region: "us-east-1", name: "dead")
        _ = try await engine.createQueue(deadKey, attributes: [:], tags: [:])
        _ = try await engine.createQueue(
            key,
            attributes: ["RedrivePolicy": "{\"deadLetterTargetArn\":\"\(deadKey.arn)\",\"maxReceiveCount\":1}"],
            tags: [:])
        _ = try await engine.send(key, [OutgoingMessage(body: "a")], senderId: "s")
        _ = await engine.handBack(key, try await receive(engine, key))
        #expect(try await receive(engine, key).map(\.message.body) == ["a"])
        #expect(try await receive(engine, deadKey).isEmpty)
    }

    @Test func aFIFOGroupIsUnblockedByAHandBack() async throws {
        let engine = try SQSEngine(store: MemorySQSStore(), clock: clock)
        _ = try await engine.createQueue(fifoKey, attributes: ["FifoQueue": "true"], tags: [:])
        _ = try await engine.send(
            fifoKey, [OutgoingMessage(body: "a", messageGroupId: "g", messageDeduplicationId: "1")], senderId: "s")
        let lost = try await receive(engine, fifoKey)
        #expect(try await receive(engine, fifoKey).isEmpty)
        _ = await engine.handBack(fifoKey, lost)
        #expect(try await receive(engine, fifoKey).map(\.message.body) == ["a"])
    }

    @Test func aMessageReceivedAgainOrDeletedMeanwhileIsLeftAlone() async throws {
        let engine = try SQSEngine(store: MemorySQSStore(), clock: clock)
        _ = try await engine.createQueue(key, attributes: ["VisibilityTimeout": "1"], tags: [:])
        _ = try await engine.send(key, [OutgoingMessage(body: "a")], senderId: "s")
        let lost = try await receive(engine, key)
        clock.advance(seconds: 2)
        let second = try await receive(engine, key)
        _ = await engine.handBack(key, lost)
        #expect(try await receive(engine, key).isEmpty)
        #expect(second.first?.message.receiveCount == 2)
    }
}
