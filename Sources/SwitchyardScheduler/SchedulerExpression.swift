import Foundation
import SwitchyardEvents

/// When a schedule fires: once `at(yyyy-mm-ddThh:mm:ss)`, every `rate(value unit)`, or as
/// `cron(minutes hours day-of-month month day-of-week year)` says, in the schedule's time zone.
enum SchedulerExpression: Sendable, Equatable {
    case at(DateComponents)
    case rate(seconds: Int)
    case cron(CronSchedule)

    init?(_ text: String) {
        if text.hasPrefix("at("), text.hasSuffix(")") {
            let inner = text.dropFirst(3).dropLast()
            // yyyy-mm-ddThh:mm:ss, no zone designator: the time is in the schedule's time zone.
            let parts = inner.split(whereSeparator: { "-T:".contains($0) }).map { Int($0) }
            guard inner.count == 19, parts.count == 6, parts.allSatisfy({ $0 != nil }) else { return nil }
            let values = parts.compactMap { $0 }
            self = .at(
                DateComponents(
                    year: values[0], month: values[1], day: values[2], hour: values[3], minute: values[4],
                    second: values[5]))
            return
        }
        if text.hasPrefix("rate("), text.hasSuffix(")") {
            let inner = text.dropFirst(5).dropLast().split(separator: " ", omittingEmptySubsequences: false)
            guard inner.count == 2, let value = Int(inner[0]), value > 0 else { return nil }
            let unit: Int
            switch inner[1] {
            case "minute", "minutes": unit = 60
            case "hour", "hours": unit = 3600
            case "day", "days": unit = 86_400
            default: return nil
            }
            self = .rate(seconds: value * unit)
            return
        }
        if text.hasPrefix("cron("), text.hasSuffix(")") {
            let fields = text.dropFirst(5).dropLast().split(separator: " ").map(String.init)
            guard let schedule = CronSchedule(fields: fields) else { return nil }
            self = .cron(schedule)
            return
        }
        return nil
    }

    /// The first firing strictly after `after` (epoch milliseconds), rates counting from `origin`.
    func nextFiring(after: Int64, origin: Int64, timeZone: TimeZone) -> Int64? {
        switch self {
        case .at(let components):
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = timeZone
            guard let date = calendar.date(from: components) else { return nil }
            return Int64(date.timeIntervalSince1970 * 1000)
        case .rate(let seconds):
            let period = Int64(seconds) * 1000
            return origin + (max(0, after - origin) / period + 1) * period
        case .cron(let schedule):
            return schedule.nextMinute(after: after, timeZone: timeZone)
        }
    }

    var isOneTime: Bool {
        if case .at = self { return true }
        return false
    }
}
