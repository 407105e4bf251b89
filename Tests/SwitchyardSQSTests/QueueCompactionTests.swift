import Foundation
import SwitchyardCore
import SwitchyardWire
import Testing

@testable import SwitchyardSQS

/// A queue that drains or churns gives its memory back without changing what receives see.
@Suite struct QueueCompactionTests {
    let clock = ManualClock()
    let key = QueueKey(account: "000000000000", region: "us-east-1", name: "q")
    let fifoKey = QueueKey(account: "000000000000", region: "us-east-1", name: "q.fifo")

    func engine() throws -> SQSEngine { try SQSEngine(store: MemorySQSStore(), clock: clock) }

    func sendMany(_ engine: SQSEngine, _ key: QueueKey, _ count: Int, group: (Int) -> String? = { _ in nil })
        async throws
    {
        for start in stride(from: 0, to: count, by: 10) {
            let entries = (start..<min(start + 10, count)).map { index in
                OutgoingMessage(
                    body: "m\(index)", messageGroupId: group(index),
                    messageDeduplicationId: group(index).map { _ in "d\(index)" })
            }
            _ = try await engine.send(key, entries, senderId: "s", batch: true)
        }
    }

    func receive(_ engine: SQSEngine, _ key: QueueKey, max: Int = 10, visibility: Int? = nil, attempt: String? = nil)
        async throws -> [ReceivedMessage]
    {
        try await engine.receive(
            key, ReceiveRequest(maxMessages: max, visibilityTimeout: visibility, waitSeconds: 0, attemptId: attempt)
        ).0
    }

    @Test func aDrainedStandardQueueDropsStaleEntriesAndServesTheRestInOrder() async throws {
        let engine = try engine()
        _ = try await engine.createQueue(key, attributes: [:], tags: [:])
        try await sendMany(engine, key, 20_000)
        // Receive and delete all but the last 1,000; two of the rest are left in flight, and one is
        // made visible again by a visibility change, so that every kind of entry crosses the rebuild.
        for _ in 0..<1_900 {
            let batch = try await receive(engine, key)
            _ = try await engine.delete(key, receiptHandles: batch.map(\.receiptHandle))
        }
        let inFlight = try await receive(engine, key, max: 3, visibility: 60)
        #expect(inFlight.map(\.message.body) == ["m19000", "m19001", "m19002"])
        _ = try await engine.changeVisibility(key, [(inFlight[2].receiptHandle, 0)])
        let (before, released, after, again) = try #require(
            await engine.withQueue(key) { state in
                (state.indexEntries, state.compactIfSparse(), state.indexEntries, state.compactIfSparse())
            })
        #expect(released > 0)
        #expect(after < before / 4)
        #expect(again == 0)
        #expect(await engine.inFlightCount(key) == 2)

        let next = try await receive(engine, key, max: 3)
        #expect(next.map(\.message.body) == ["m19002", "m19003", "m19004"])
        clock.advance(seconds: 60)
        let returned = try await receive(engine, key, max: 4)
        #expect(returned.map(\.message.body) == ["m19000", "m19001", "m19002", "m19003"])
        #expect(returned.map(\.message.receiveCount) == [2, 2, 3, 2])
        // Compacted already: nothing more to free.
        #expect(try await engine.compactSparseQueues() == false)
    }

    @Test func aDrainedFIFOQueueServesItsGroupsAsOneNeverCompacted() async throws {
        // Two engines given the same calls; only the first is compacted. What they answer after
        // must not differ.
        let engines = [try engine(), try engine()]
        var heldHandles: [String] = []
        for engine in engines {
            _ = try await engine.createQueue(fifoKey, attributes: ["FifoQueue": "true"], tags: [:])
            try await sendMany(engine, fifoKey, 20_000) { "g\($0 % 7)" }
            for _ in 0..<1_990 {
                let batch = try await receive(engine, fifoKey)
                _ = try await engine.delete(fifoKey, receiptHandles: batch.map(\.receiptHandle))
            }
            heldHandles.append(
                contentsOf: try await receive(engine, fifoKey, max: 2, visibility: 30).map(\.receiptHandle))
        }
        #expect(try #require(await engines[0].withQueue(fifoKey) { $0.compactIfSparse() }) > 0)
        var answers: [[[String]]] = [[], []]
        for (index, engine) in engines.enumerated() {
            for _ in 0..<3 { answers[index].append(try await receive(engine, fifoKey, max: 4).map(\.message.body)) }
            clock.advance(seconds: 30)
            for _ in 0..<30 {
                answers[index].append(
                    try await receive(engine, fifoKey, max: 3).map { "\($0.message.body)#\($0.message.receiveCount)" })
            }
            clock.advance(seconds: -30)
        }
        #expect(answers[0] == answers[1])
        #expect(answers[0].joined().count > 20)
    }

    @Test func deduplicationRecordsAreCompactedAfterTheyExpire() async throws {
        let engine = try engine()
        _ = try await engine.createQueue(fifoKey, attributes: ["FifoQueue": "true"], tags: [:])
        try await sendMany(engine, fifoKey, 20_000) { _ in "g" }
        clock.advance(seconds: 301)
        let now = clock.nowMillis()
        let (pruned, left, released) = try #require(
            await engine.withQueue(fifoKey) { state in
                (state.pruneDeduplication(now: now), state.deduplication.count, state.compactIfSparse())
            })
        #expect(pruned)
        #expect(left == 0)
        #expect(released == 20_000)
        // Deduplication ids sent again are new once more.
        try await sendMany(engine, fifoKey, 10) { _ in "g" }
        #expect(await engine.withQueue(fifoKey) { $0.messages.count } == 20_010)
    }

    @Test func receiveAttemptsAndDeletedQueueNamesAreForgottenWhenTheyRunOut() async throws {
        let engine = try engine()
        _ = try await engine.createQueue(fifoKey, attributes: ["FifoQueue": "true"], tags: [:])
        try await sendMany(engine, fifoKey, 100) { "g\($0)" }
        for index in 0..<50 { _ = try await receive(engine, fifoKey, max: 1, attempt: "attempt-\(index)") }
        #expect(await engine.receiveAttempts.count == 50)
        let other = QueueKey(account: "000000000000", region: "us-east-1", name: "gone")
        _ = try await engine.createQueue(other, attributes: [:], tags: [:])
        _ = try await engine.deleteQueue(other)
        clock.advance(seconds: 59)
        await engine.forgetExpiredRecords()
        #expect(await engine.recentlyDeleted.count == 1)
        #expect(await engine.receiveAttempts.count == 50)
        clock.advance(seconds: 242)
        await engine.forgetExpiredRecords()
        #expect(await engine.recentlyDeleted.isEmpty)
        #expect(await engine.receiveAttempts.isEmpty)
        #expect(await engine.receiveAttemptOrder.isEmpty)
    }
}

extension SQSEngine {
    /// Runs `body` on a queue's state inside the actor, which owns it.
    fileprivate func withQueue<T: Sendable>(_ key: QueueKey, _ body: @Sendable (QueueState) -> T) -> T? {
        queues[key].map(body)
    }
}
