import Foundation
import SwitchyardDelivery
import SwitchyardWire

extension ScheduleExpression {
    /// The first firing strictly after `after` (epoch milliseconds): a rate counts from `origin`
    /// (when the rule was scheduled), a cron expression takes the next minute it allows, in UTC.
    func nextFiring(after: Int64, origin: Int64) -> Int64? {
        switch kind {
        case .rate(let seconds):
            let period = Int64(seconds) * 1000
            let elapsed = max(0, after - origin)
            return origin + (elapsed / period + 1) * period
        case .cron(let fields):
            return CronSchedule(fields: fields)?.nextMinute(after: after)
        }
    }
}

extension CronSchedule {
    /// The start of the first minute after `after` that the schedule allows in `timeZone` (UTC
    /// unless given), within eight years.
    public func nextMinute(after: Int64, timeZone: TimeZone? = nil) -> Int64? {
        var calendar = Calendar(identifier: .gregorian)
        guard let zone = timeZone ?? TimeZone(identifier: "UTC") else { return nil }
        calendar.timeZone = zone
        var date = Date(timeIntervalSince1970: Double(after / 60_000 + 1) * 60)
        let limit = date.addingTimeInterval(8 * 366 * 86_400)
        while date < limit {
            let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .weekday], from: date)
            guard let year = parts.year, let month = parts.month, let day = parts.day, let hour = parts.hour,
                let minute = parts.minute, let weekday = parts.weekday
            else { return nil }
            if let years, !years.contains(year) {
                guard years.contains(where: { $0 > year }) else { return nil }
                date = calendar.date(from: DateComponents(year: year + 1, month: 1, day: 1)) ?? limit
                continue
            }
            if !months.contains(month) {
                let next =
                    month == 12
                    ? DateComponents(year: year + 1, month: 1, day: 1)
                    : DateComponents(year: year, month: month + 1, day: 1)
                date = calendar.date(from: next) ?? limit
                continue
            }
            let daysInMonth = calendar.range(of: .day, in: .month, for: date)?.count ?? 31
            if !allows(day: day, weekday: weekday, daysInMonth: daysInMonth) {
                date = calendar.date(from: DateComponents(year: year, month: month, day: day + 1)) ?? limit
                continue
            }
            if !hours.contains(hour) {
                date = calendar.date(from: DateComponents(year: year, month: month, day: day, hour: hour + 1)) ?? limit
                continue
            }
            if !minutes.contains(minute) {
                date = date.addingTimeInterval(60)
                continue
            }
            return Int64(date.timeIntervalSince1970 * 1000)
        }
        return nil
    }
}

extension EventBridgeEngine {
    /// Fires every enabled scheduled rule that is due: a "Scheduled Event" to each of its targets.
    /// A rule fires once per due time; firings missed while the server was down are not made up.
    public func fireDueSchedules() async {
        let now = clock.nowMillis()
        var events: [(RuleRecord, RoutedEvent)] = []
        for (_, byName) in rules {
            for rule in byName.values {
                guard rule.enabled, let text = rule.scheduleExpression, let schedule = ScheduleExpression(text)
                else { continue }
                let key = rule.storageKey
                guard let due = nextFirings[key] else {
                    nextFirings[key] = schedule.nextFiring(after: now, origin: now)
                    continue
                }
                guard due <= now else { continue }
                nextFirings[key] = schedule.nextFiring(after: now, origin: due)
                let id = RandomUUID.make().lowercased()
                let envelope = EventEnvelope.make(
                    id: id, detailType: "Scheduled Event", source: "aws.events", account: rule.bus.account,
                    timeMillis: due, region: rule.bus.region, resources: [rule.arn], detail: .object([]))
                events.append(
                    (rule, RoutedEvent(bus: rule.bus, envelope: envelope, id: id, traceHeader: nil, ingestedAt: now)))
            }
        }
        guard !events.isEmpty else { return }
        let requests = events.flatMap { rule, event in
            rule.targets.compactMap { TargetDelivery.request(for: event, rule: rule, target: $0) }
        }
        try? await deliveries.enqueue(requests).wait()
    }

    /// Runs `fireDueSchedules` every second until cancelled.
    public func runSchedules() async {
        while !Task.isCancelled {
            await fireDueSchedules()
            try? await Task.sleep(for: .seconds(1))
        }
    }
}
