import Foundation

/// Timestamp text formats AWS protocols use.
public enum Timestamps {
    private static let withFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
    private static let withoutFraction = Date.ISO8601FormatStyle()

    /// `2026-11-24T10:00:00.000Z`, as query and XML protocols write timestamps.
    public static func iso8601(_ date: Date) -> String { withFraction.format(date) }

    /// The earliest and latest instants a request may name: years 1 to 9999, as ISO 8601's four-digit
    /// years allow. Beyond them, epoch milliseconds no longer fit the integers that services count
    /// time in, so such a value is refused as unreadable rather than carried on.
    public static let representable: ClosedRange<Double> = -62_135_596_800...253_402_300_799.999

    /// A date `seconds` after the epoch, or nil when that is not finite or outside `representable`.
    public static func date(epochSeconds seconds: Double) -> Date? {
        representable.contains(seconds) ? Date(timeIntervalSince1970: seconds) : nil
    }

    /// Parses ISO 8601 with or without fractional seconds, or epoch seconds, within `representable`.
    public static func parse(_ text: String) -> Date? {
        if let date = try? withFraction.parse(text) { return within(date) }
        if let date = try? withoutFraction.parse(text) { return within(date) }
        if let seconds = Double(text) { return date(epochSeconds: seconds) }
        return httpDate(text)
    }

    private static func within(_ date: Date) -> Date? {
        representable.contains(date.timeIntervalSince1970) ? date : nil
    }

    /// A timestamp in one of the model's `timestampFormat`s: "iso8601", "unixTimestamp" (epoch
    /// seconds, fractions as needed) or "rfc822" (the HTTP date, `Tue, 24 Nov 2026 10:00:00 GMT`).
    public static func text(_ date: Date, format: String) -> String {
        switch format {
        case "unixTimestamp":
            let seconds = date.timeIntervalSince1970
            return seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
        case "rfc822": return httpDate(date)
        default: return iso8601(date)
        }
    }

    private static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// The IMF-fixdate of RFC 9110 (`Tue, 24 Nov 2026 10:00:00 GMT`), always in UTC.
    public static func httpDate(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
        func two(_ value: Int?) -> String {
            let number = value ?? 0
            return number < 10 ? "0\(number)" : String(number)
        }
        let weekday = weekdays[((parts.weekday ?? 1) - 1) % 7]
        let month = months[((parts.month ?? 1) - 1) % 12]
        return
            "\(weekday), \(two(parts.day)) \(month) \(parts.year ?? 1970) \(two(parts.hour)):\(two(parts.minute)):\(two(parts.second)) GMT"
    }

    /// Parses an IMF-fixdate (`Tue, 24 Nov 2026 10:00:00 GMT`).
    public static func httpDate(_ text: String) -> Date? {
        let fields = text.split(separator: " ")
        guard fields.count == 6, let day = Int(fields[1]), let month = months.firstIndex(of: String(fields[2])),
            let year = Int(fields[3])
        else { return nil }
        let clock = fields[4].split(separator: ":").compactMap { Int($0) }
        guard clock.count == 3 else { return nil }
        guard (1...9999).contains(year) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
        return calendar.date(
            from: DateComponents(
                year: year, month: month + 1, day: day, hour: clock[0], minute: clock[1], second: clock[2])
        ).flatMap(within)
    }
}
