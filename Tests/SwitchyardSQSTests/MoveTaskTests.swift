import Foundation
import Testing

@testable import SwitchyardSQS

/// The pace of a message move task and the handles it gives out.
@Suite struct MoveTaskTests {
    let source = QueueKey(account: "000000000000", region: "us-east-1", name: "dlq")

    func task(rate: Int?) -> MoveTask {
        MoveTask(source: source, destination: nil, maxPerSecond: rate, startedAt: 10_000, toMove: 100)
    }

    @Test func theFirstMessageMovesAtOnceThenOnePerSecondAtRateOne() {
        let task = task(rate: 1)
        #expect(task.allowance(now: 10_000) == 1)
        task.record.moved = 1
        #expect(task.allowance(now: 10_999) == 0)
        #expect(task.allowance(now: 11_000) == 1)
        task.record.moved = 4
        #expect(task.allowance(now: 13_000) == 0)
    }

    @Test func neverMoreThanOneSecondsWorthAtOnce() {
        let slow = task(rate: 5)
        // Long after its start (a restart, say), it does not catch up in one burst.
        #expect(slow.allowance(now: 70_000) == 5)
        #expect(task(rate: nil).allowance(now: 70_000) == MoveTask.defaultRate)
    }

    @Test func handlesNameTheTaskAndItsSource() throws {
        let task = task(rate: nil)
        let decoded = try #require(MoveTask.decode(handle: task.record.taskHandle))
        #expect(decoded.sourceArn == source.arn)
        #expect(UUID(uuidString: decoded.taskId) != nil)
        #expect(MoveTask.decode(handle: "foobared") == nil)
        #expect(MoveTask.decode(handle: Data("{\"taskId\":\"x\"}".utf8).base64EncodedString()) == nil)
    }
}
