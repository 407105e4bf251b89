import Foundation
import SwitchyardCore
import SwitchyardDelivery
import SwitchyardWire
import Synchronization
import Testing

@testable import SwitchyardEvents

@Suite struct ScheduleExpressionTests {
    @Test func ratesNeedAPositiveValueAndAUnitThatAgreesWithIt() {
        for valid in ["rate(1 minute)", "rate(10 minutes)", "rate(1 hour)", "rate(2 days)"] {
            #expect(ScheduleExpression(valid) != nil, "\(valid)")
        }
        for invalid in [
            "rate(10 seconds)", "rate(1 minutes)", "rate(10 minute)", "rate()", "rate(10)", "rate(0 minutes)",
            "rate(-10 minutes)", "rate(10 MINUTES)", "rate( 10 minutes )", " rate(10 minutes)",
        ] {
            #expect(ScheduleExpression(invalid) == nil, "\(invalid)")
        }
    }

    @Test func cronTakesSixFieldsWithOneDayFieldLeftOpen() {
        for valid in [
            "cron(0 2 ? * SAT *)", "cron(5,35 14 * * ? *)", "cron(15 10 ? * 6L 2002-2005)", "cron(0 2 ? * SAT#3 *)",
            "cron(0/5 5 ? JAN 1-5 2022)", "cron(0/30 20-23 ? * MON-FRI *)",
        ] {
            #expect(ScheduleExpression(valid) != nil, "\(valid)")
        }
        for invalid in ["cron(0 1 * * * *)", "cron(7 20 * * NOT *)", "cron(INVALID)", "cron(71 8 1 * ? *)"] {
            #expect(ScheduleExpression(invalid) == nil, "\(invalid)")
        }
    }

    @Test func cronFindsTheNextAllowedMinuteInUTC() throws {
        // 2026-11-27 is a Friday. "At 02:00 on Saturdays" comes the next day.
        // 2026-11-27T00:00:00Z
        let friday = Int64(Date(timeIntervalSince1970: 1_795_737_600).timeIntervalSince1970 * 1000)
        let schedule = try #require(ScheduleExpression("cron(0 2 ? * SAT *)"))
        let next = try #require(schedule.nextFiring(after: friday, origin: friday))
        #expect(Timestamp.iso8601(next) == "2026-11-28T02:00:00Z")
        let everyFive = try #require(ScheduleExpression("cron(0/5 * * * ? *)"))
        #expect(
            everyFive.nextFiring(after: friday + 61_000, origin: 0).map(Timestamp.iso8601) == "2026-11-27T00:05:00Z")
    }

    @Test func cronDayModifiersFindLastNthAndNearestWeekdays() throws {
        // 2026-11-27T00:00:00Z, a Friday. November 2026 ends on Monday the 30th; December 2026 begins
        // on a Tuesday and ends on Thursday the 31st; 2027-01-31 is a Sunday; 2026-02-01 is a Sunday.
        let friday: Int64 = 1_795_737_600_000
        func next(_ expression: String, after: Int64 = friday) throws -> String? {
            let schedule = try #require(ScheduleExpression(expression), "\(expression)")
            return schedule.nextFiring(after: after, origin: after).map(Timestamp.iso8601)
        }
        #expect(try next("cron(0 12 L * ? *)") == "2026-11-30T12:00:00Z")
        #expect(try next("cron(0 12 ? * 6L *)") == "2026-11-27T12:00:00Z")  // the last Friday of November: today
        #expect(try next("cron(0 12 ? * FRIL *)", after: friday + 13 * 3_600_000) == "2026-12-25T12:00:00Z")
        #expect(try next("cron(0 12 ? * 3#2 *)") == "2026-12-08T12:00:00Z")  // the second Tuesday
        #expect(try next("cron(0 12 ? * MON#5 *)") == "2026-11-30T12:00:00Z")
        #expect(try next("cron(0 12 LW * ? 2027)") == "2027-01-29T12:00:00Z")  // the 31st is a Sunday
        #expect(try next("cron(0 12 1W * ? 2026)", after: 1_769_904_000_000) == "2026-02-02T12:00:00Z")
        #expect(try next("cron(0 12 15W * ? *)") == "2026-12-15T12:00:00Z")
        #expect(ScheduleExpression("cron(0 12 ? * 3#6 *)") == nil)
        #expect(ScheduleExpression("cron(0 12 32W * ? *)") == nil)
    }

    @Test func ratesCountFromWhenTheRuleWasScheduled() throws {
        let schedule = try #require(ScheduleExpression("rate(5 minutes)"))
        #expect(schedule.nextFiring(after: 1_000, origin: 1_000) == 301_000)
        #expect(schedule.nextFiring(after: 301_000, origin: 1_000) == 601_000)
    }
}

@Suite struct ScheduledRuleTests {
    /// Records what reaches SQS targets.
    final class Received: Sendable {
        let bodies = Mutex<[String]>([])
        var transport: ClosureTransport {
            ClosureTransport(inline: true) { request in
                self.bodies.withLock { $0.append(request.body.text ?? "") }
                return .delivered
            }
        }
    }

    @Test func aRateRuleFiresOncePerPeriodWithTheScheduledEventEnvelope() async throws {
        let clock = ManualClock(startMillis: 1_795_737_600_000)
        let received = Received()
        let deliveries = try DeliveryEngine(store: MemoryDeliveryStore(), transports: [.sqs: received.transport])
        let engine = try EventBridgeEngine(store: MemoryEventBridgeStore(), deliveries: deliveries, clock: clock)
        let bus = BusKey(account: "000000000000", region: "us-east-1", name: "default")
        var rule = RuleRecord(bus: bus, name: "tick", createdBy: "000000000000")
        rule.scheduleExpression = "rate(1 minute)"
        var target = TargetRecord(id: "q", arn: "arn:aws:sqs:us-east-1:000000000000:q")
        target.inputPath = nil
        rule.targets = [target]
        try await engine.putRule(rule, pattern: nil).wait()
        await engine.fireDueSchedules()  // schedules the first firing a minute from now
        clock.advance(seconds: 30)
        await engine.fireDueSchedules()
        #expect(received.bodies.withLock { $0 }.isEmpty)
        clock.advance(seconds: 30)
        await engine.fireDueSchedules()
        await engine.fireDueSchedules()
        let bodies = received.bodies.withLock { $0 }
        #expect(bodies.count == 1)
        let event = try #require(try? OrderedJSON.parse(Array((bodies.first ?? "").utf8)))
        #expect(event["detail-type"] == .scalar(.string("Scheduled Event")))
        #expect(event["source"] == .scalar(.string("aws.events")))
        #expect(event["time"] == .scalar(.string("2026-11-27T00:01:00Z")))
        #expect(event["resources"] == .array([.scalar(.string("arn:aws:events:us-east-1:000000000000:rule/tick"))]))
        #expect(event["detail"] == .object([]))
        // Ten minutes of downtime make one firing, not ten.
        clock.advance(seconds: 600)
        await engine.fireDueSchedules()
        await engine.fireDueSchedules()
        #expect(received.bodies.withLock { $0 }.count == 2)
    }

    /// A deleted scheduled rule's next firing is forgotten with it, whether the rule or its bus goes.
    @Test func deletedRulesLeaveNoFiringBehind() async throws {
        let clock = ManualClock(startMillis: 1_795_737_600_000)
        let deliveries = try DeliveryEngine(store: MemoryDeliveryStore(), transports: [:])
        let engine = try EventBridgeEngine(store: MemoryEventBridgeStore(), deliveries: deliveries, clock: clock)
        let custom = BusKey(account: "000000000000", region: "us-east-1", name: "custom")
        try await engine.createBus(BusRecord(key: custom, createdAt: clock.nowMillis())).wait()
        for bus in [BusKey(account: "000000000000", region: "us-east-1", name: "default"), custom] {
            var rule = RuleRecord(bus: bus, name: "tick", createdBy: "000000000000")
            rule.scheduleExpression = "rate(1 minute)"
            try await engine.putRule(rule, pattern: nil).wait()
        }
        await engine.fireDueSchedules()
        #expect(await engine.nextFirings.count == 2)
        try await engine.deleteRule(
            "tick", on: BusKey(account: "000000000000", region: "us-east-1", name: "default"), force: false
        ).wait()
        try await engine.deleteBus(custom).wait()
        #expect(await engine.nextFirings.isEmpty)
    }
}
