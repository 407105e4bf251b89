import Foundation

/// A value in a Logs Insights query: what a field holds or an expression gives. Fields of log
/// events are text; arithmetic, comparisons and sorting read text that is a number as a number,
/// as Logs Insights does.
enum InsightsValue: Sendable, Hashable {
    case text(String)
    case number(Double)
    /// Milliseconds since the epoch (`@timestamp`, `bin(...)`, `datefloor(...)`).
    case time(Int64)
    case bool(Bool)

    /// The number this value reads as, if it is one (text of digits included).
    var number: Double? {
        switch self {
        case .number(let value): return value
        case .time(let milliseconds): return Double(milliseconds)
        case .bool(let value): return value ? 1 : 0
        case .text(let text): return Self.numeric(text)
        }
    }

    /// Text that is wholly a number (`42`, `-3.5`, `1e3`), read as one.
    static func numeric(_ text: String) -> Double? {
        guard let first = text.utf8.first,
            first == UInt8(ascii: "-") || first == UInt8(ascii: "+") || first == UInt8(ascii: ".")
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first),
            let value = Double(text), value.isFinite
        else { return nil }
        return value
    }

    /// A number as a whole number, held within ±2^53 so that no conversion can overflow.
    static func whole(_ value: Double) -> Int64 {
        guard value.isFinite else { return 0 }
        return Int64(min(max(value, -9_007_199_254_740_992), 9_007_199_254_740_992))
    }

    /// True for a filter: a true comparison, a non-zero number, non-empty text.
    var isTruthy: Bool {
        switch self {
        case .bool(let value): return value
        case .number(let value): return value != 0
        case .time: return true
        case .text(let text): return !text.isEmpty
        }
    }

    /// The value as GetQueryResults writes it: times as `2024-05-01 12:00:00.000` (UTC), whole
    /// numbers without a fraction.
    var text: String {
        switch self {
        case .text(let text): return text
        case .number(let value): return Self.format(value)
        case .time(let milliseconds): return Self.formatTime(milliseconds)
        case .bool(let value): return value ? "true" : "false"
        }
    }

    static func format(_ value: Double) -> String {
        if value.rounded() == value, abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }

    static func formatTime(_ milliseconds: Int64) -> String {
        let seconds = Int64((Double(milliseconds) / 1000).rounded(.down))
        let millis = milliseconds - seconds * 1000
        var parts = tm()
        var time = time_t(seconds)
        gmtime_r(&time, &parts)
        return String(
            format: "%04d-%02d-%02d %02d:%02d:%02d.%03d", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
            Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), Int(millis))
    }
}

/// Logs Insights' sort order: values that are not numbers first, in a natural order (runs of
/// digits compared by length, then value; other runs by their Unicode scalars), then numbers by
/// value. Absent values sort after every value in either direction.
enum InsightsOrder {
    /// True when `a` sorts before `b` ascending.
    static func ascending(_ a: InsightsValue, _ b: InsightsValue) -> Bool {
        switch (a.sortNumber, b.sortNumber) {
        case (let x?, let y?): return x < y
        case (nil, .some): return true
        case (.some, nil): return false
        case (nil, nil): return natural(a.text, b.text)
        }
    }

    private static func natural(_ a: String, _ b: String) -> Bool {
        let left = chunks(a)
        let right = chunks(b)
        for (x, y) in zip(left, right) where x != y {
            let xDigits = x.first?.isASCIIDigit ?? false
            let yDigits = y.first?.isASCIIDigit ?? false
            if xDigits, yDigits {
                return x.count != y.count ? x.count < y.count : x.lexicographicallyPrecedes(y)
            }
            return x.unicodeScalars.lexicographicallyPrecedes(y.unicodeScalars)
        }
        return left.count < right.count
    }

    /// Runs of digits and runs of everything else.
    private static func chunks(_ text: String) -> [Substring] {
        var result: [Substring] = []
        var start = text.startIndex
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(after: index)
            if next < text.endIndex, text[next].isASCIIDigit != text[index].isASCIIDigit {
                result.append(text[start..<next])
                start = next
            }
            index = next
        }
        if start < text.endIndex { result.append(text[start...]) }
        return result
    }
}

extension InsightsValue {
    /// The number a sort compares, for values that are numbers (not text holding other characters).
    fileprivate var sortNumber: Double? {
        switch self {
        case .text(let text): return Self.numeric(text)
        case .bool: return nil
        default: return number
        }
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
