/// A rule's schedule: `rate(value unit)` or `cron(minutes hours day-of-month month day-of-week year)`
/// in UTC, as EventBridge takes them.
struct ScheduleExpression: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        /// Every so many seconds.
        case rate(seconds: Int)
        case cron(fields: [String])
    }

    let kind: Kind

    init?(_ text: String) {
        if text.hasPrefix("rate("), text.hasSuffix(")") {
            let inner = text.dropFirst(5).dropLast().split(separator: " ", omittingEmptySubsequences: false)
            guard inner.count == 2, let value = Int(inner[0]), value > 0 else { return nil }
            let unit = String(inner[1])
            let seconds: Int
            switch unit {
            case "minute", "minutes": seconds = 60
            case "hour", "hours": seconds = 3600
            case "day", "days": seconds = 86_400
            default: return nil
            }
            // "1 minute" but "5 minutes": the unit agrees with the value.
            guard (value == 1) == !unit.hasSuffix("s") else { return nil }
            kind = .rate(seconds: value * seconds)
            return
        }
        if text.hasPrefix("cron("), text.hasSuffix(")") {
            let fields = text.dropFirst(5).dropLast().split(separator: " ").map(String.init)
            guard fields.count == 6, CronSchedule(fields: fields) != nil else { return nil }
            kind = .cron(fields: fields)
            return
        }
        return nil
    }
}

/// The six fields of an EventBridge cron expression, each a set of allowed values. Day of month and
/// day of week cannot both be given: one of them is `?`. (EventBridge Scheduler takes the same.)
public struct CronSchedule: Sendable, Equatable {
    let minutes: Set<Int>
    let hours: Set<Int>
    let daysOfMonth: MonthDays
    let months: Set<Int>
    let daysOfWeek: WeekDays
    let years: Set<Int>?

    /// What the day-of-month field allows.
    enum MonthDays: Sendable, Equatable {
        /// `?` or `*`.
        case any
        case days(Set<Int>)
        /// `L`: the month's last day.
        case last
        /// `LW`: the month's last weekday (Monday to Friday).
        case lastWeekday
        /// `<n>W`: the weekday nearest to day n, within the month.
        case nearestWeekday(Int)
    }

    /// What the day-of-week field allows (1 is Sunday, 7 Saturday).
    enum WeekDays: Sendable, Equatable {
        /// `?` or `*`.
        case any
        case days(Set<Int>)
        /// `<d>L`: the month's last such day of the week (`6L`, the last Friday).
        case lastOf(Int)
        /// `<d>#<n>`: the month's n-th such day of the week (`3#2`, the second Tuesday).
        case nth(Int, Int)
    }

    public init?(fields: [String]) {
        guard fields.count == 6 else { return nil }
        let monthNames = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
        let dayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
        guard let minutes = Self.values(fields[0], 0...59), let hours = Self.values(fields[1], 0...23),
            let months = Self.values(fields[3], 1...12, names: monthNames, firstName: 1)
        else { return nil }
        let dayOfMonthAny = fields[2] == "?"
        let dayOfWeekAny = fields[4] == "?"
        // Exactly one of the two day fields is "?".
        guard dayOfMonthAny != dayOfWeekAny else { return nil }
        var daysOfMonth = MonthDays.any
        if !dayOfMonthAny, fields[2] != "*" {
            let field = fields[2]
            if field == "L" {
                daysOfMonth = .last
            } else if field == "LW" {
                daysOfMonth = .lastWeekday
            } else if field.hasSuffix("W") {
                guard let day = Int(field.dropLast()), (1...31).contains(day) else { return nil }
                daysOfMonth = .nearestWeekday(day)
            } else {
                guard let days = Self.values(field, 1...31) else { return nil }
                daysOfMonth = .days(days)
            }
        }
        var daysOfWeek = WeekDays.any
        if !dayOfWeekAny, fields[4] != "*" {
            let field = fields[4]
            func weekday(_ text: Substring) -> Int? {
                Self.values(String(text), 1...7, names: dayNames, firstName: 1).flatMap {
                    $0.count == 1 ? $0.first : nil
                }
            }
            if field == "L" {
                daysOfWeek = .days([7])
            } else if field.hasSuffix("L") {
                guard let day = weekday(field.dropLast()) else { return nil }
                daysOfWeek = .lastOf(day)
            } else if let hash = field.firstIndex(of: "#") {
                guard let day = weekday(field[..<hash]), let nth = Int(field[field.index(after: hash)...]),
                    (1...5).contains(nth)
                else { return nil }
                daysOfWeek = .nth(day, nth)
            } else {
                guard let days = Self.values(field, 1...7, names: dayNames, firstName: 1) else { return nil }
                daysOfWeek = .days(days)
            }
        }
        var years: Set<Int>?
        if fields[5] != "*" {
            guard let given = Self.values(fields[5], 1970...2199) else { return nil }
            years = given
        }
        self.minutes = minutes
        self.hours = hours
        self.daysOfMonth = daysOfMonth
        self.months = months
        self.daysOfWeek = daysOfWeek
        self.years = years
    }

    /// The values a field allows: `*`, numbers, names, ranges `a-b`, lists `a,b` and steps `a/n`.
    static func values(_ field: String, _ range: ClosedRange<Int>, names: [String] = [], firstName: Int = 0)
        -> Set<Int>?
    {
        func number(_ text: Substring) -> Int? {
            if let value = Int(text) { return value }
            if let position = names.firstIndex(of: text.uppercased()) { return position + firstName }
            return nil
        }
        if field == "*" { return Set(range) }
        var result: Set<Int> = []
        for part in field.split(separator: ",", omittingEmptySubsequences: false) {
            let stepParts = part.split(separator: "/", omittingEmptySubsequences: false)
            guard stepParts.count <= 2 else { return nil }
            var step = 1
            if stepParts.count == 2 {
                guard let given = Int(stepParts[1]), given > 0 else { return nil }
                step = given
            }
            let base = stepParts[0]
            var low: Int
            var high: Int
            if base == "*" {
                low = range.lowerBound
                high = range.upperBound
            } else if let dash = base.firstIndex(of: "-") {
                guard let from = number(base[..<dash]), let to = number(base[base.index(after: dash)...]) else {
                    return nil
                }
                low = from
                high = to
            } else {
                guard let value = number(base) else { return nil }
                low = value
                high = stepParts.count == 2 ? range.upperBound : value
            }
            guard range.contains(low), range.contains(high), low <= high else { return nil }
            result.formUnion(stride(from: low, through: high, by: step))
        }
        return result.isEmpty ? nil : result
    }

    /// Whether the schedule allows a day: its number, its day of the week (1 Sunday ... 7 Saturday)
    /// and how many days its month has.
    func allows(day: Int, weekday: Int, daysInMonth: Int) -> Bool {
        /// The day of the week of another day of the same month.
        func weekdayOf(_ other: Int) -> Int { ((weekday - 1 + other - day) % 7 + 7) % 7 + 1 }
        /// A day moved to the nearest Monday to Friday without leaving the month.
        func nearestWeekday(_ target: Int) -> Int {
            switch weekdayOf(target) {
            case 7: return target > 1 ? target - 1 : target + 2
            case 1: return target < daysInMonth ? target + 1 : target - 2
            default: return target
            }
        }
        let dayOfMonth: Bool
        switch daysOfMonth {
        case .any: dayOfMonth = true
        case .days(let days): dayOfMonth = days.contains(day)
        case .last: dayOfMonth = day == daysInMonth
        case .lastWeekday: dayOfMonth = day == nearestWeekday(daysInMonth)
        case .nearestWeekday(let target): dayOfMonth = day == nearestWeekday(min(target, daysInMonth))
        }
        let dayOfWeek: Bool
        switch daysOfWeek {
        case .any: dayOfWeek = true
        case .days(let days): dayOfWeek = days.contains(weekday)
        case .lastOf(let wanted): dayOfWeek = weekday == wanted && day + 7 > daysInMonth
        case .nth(let wanted, let nth): dayOfWeek = weekday == wanted && (day - 1) / 7 + 1 == nth
        }
        return dayOfMonth && dayOfWeek
    }
}
