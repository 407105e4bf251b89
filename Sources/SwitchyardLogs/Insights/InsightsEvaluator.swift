import Foundation

/// Evaluates expressions against a row. A field the row lacks is absent (nil), and so is what
/// arithmetic or a function makes of it; a comparison with an absent value is false.
enum InsightsEvaluator {
    /// Functions that compute one value per row.
    static let scalarFunctions: Set<String> = [
        "abs", "ceil", "floor", "greatest", "least", "log", "sqrt", "strlen", "toupper", "tolower", "trim", "ltrim",
        "rtrim", "concat", "substr", "replace", "strcontains", "ispresent", "isempty", "isblank", "coalesce", "bin",
        "datefloor", "dateceil", "frommillis", "tomillis",
    ]

    static func evaluate(_ expression: InsightsExpression, _ row: InsightsRow) -> InsightsValue? {
        switch expression {
        case .field(let name): return row[name]
        case .literal(let value): return value
        case .regex, .list, .all, .duration: return nil
        case .negate(let inner): return evaluate(inner, row)?.number.map { .number(-$0) }
        case .not(let inner): return .bool(!(evaluate(inner, row)?.isTruthy ?? false))
        case .and(let a, let b):
            return .bool((evaluate(a, row)?.isTruthy ?? false) && (evaluate(b, row)?.isTruthy ?? false))
        case .or(let a, let b):
            return .bool((evaluate(a, row)?.isTruthy ?? false) || (evaluate(b, row)?.isTruthy ?? false))
        case .arithmetic(let symbol, let a, let b):
            guard let x = evaluate(a, row)?.number, let y = evaluate(b, row)?.number else { return nil }
            return arithmetic(symbol, x, y)
        case .comparison(let symbol, let a, let b):
            guard let x = evaluate(a, row), let y = evaluate(b, row) else { return .bool(false) }
            return .bool(compare(symbol, x, y))
        case .like(let subject, let pattern, let negated):
            guard let value = evaluate(subject, row) else { return .bool(negated) }
            let found: Bool
            if case .regex(let regex) = pattern {
                found = regex.matches(value.text)
            } else if let needle = evaluate(pattern, row) {
                found = value.text.contains(needle.text)
            } else {
                found = false
            }
            return .bool(found != negated)
        case .isIn(let subject, let items, let negated):
            guard let value = evaluate(subject, row) else { return .bool(negated) }
            let found = items.contains { item in evaluate(item, row).map { compare("=", value, $0) } ?? false }
            return .bool(found != negated)
        case .call(let name, let arguments):
            return call(name, arguments, row)
        }
    }

    static func arithmetic(_ symbol: String, _ x: Double, _ y: Double) -> InsightsValue? {
        let result: Double
        switch symbol {
        case "+": result = x + y
        case "-": result = x - y
        case "*": result = x * y
        case "/": result = x / y
        case "%": result = x.truncatingRemainder(dividingBy: y)
        default: result = pow(x, y)
        }
        return result.isFinite ? .number(result) : nil
    }

    /// Numbers compare as numbers, anything else as text.
    static func compare(_ symbol: String, _ x: InsightsValue, _ y: InsightsValue) -> Bool {
        if let a = x.number, let b = y.number { return ComparisonSymbol.holds(symbol, a, b) }
        return ComparisonSymbol.holds(symbol, x.text, y.text)
    }

    private static func call(_ name: String, _ arguments: [InsightsExpression], _ row: InsightsRow) -> InsightsValue? {
        func value(_ index: Int) -> InsightsValue? {
            index < arguments.count ? evaluate(arguments[index], row) : nil
        }
        func text(_ index: Int) -> String? { value(index)?.text }
        func number(_ index: Int) -> Double? { value(index)?.number }
        func duration(_ index: Int) -> InsightsDuration? {
            guard index < arguments.count, case .duration(let span) = arguments[index] else { return nil }
            return span
        }
        switch name {
        case "abs": return number(0).map { .number(abs($0)) }
        case "ceil": return number(0).map { .number($0.rounded(.up)) }
        case "floor": return number(0).map { .number($0.rounded(.down)) }
        case "sqrt": return number(0).flatMap { $0 >= 0 ? .number($0.squareRoot()) : nil }
        case "log": return number(0).flatMap { $0 > 0 ? .number(Foundation.log($0)) : nil }
        case "greatest", "least":
            let numbers = arguments.indices.compactMap { number($0) }
            guard let first = numbers.first else { return nil }
            return .number(numbers.reduce(first) { name == "greatest" ? max($0, $1) : min($0, $1) })
        case "strlen": return text(0).map { .number(Double($0.count)) }
        case "toupper": return text(0).map { .text($0.uppercased()) }
        case "tolower": return text(0).map { .text($0.lowercased()) }
        case "trim": return text(0).map { .text($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        case "ltrim": return text(0).map { .text(String($0.drop { $0.isWhitespace })) }
        case "rtrim": return text(0).map { .text(String($0.reversed().drop { $0.isWhitespace }.reversed())) }
        case "concat":
            let parts = arguments.indices.compactMap { text($0) }
            return parts.isEmpty ? nil : .text(parts.joined())
        case "substr":
            guard let subject = text(0), let start = number(1) else { return nil }
            let characters = Array(subject)
            let from = Int(min(max(InsightsValue.whole(start), 0), Int64(characters.count)))
            let length =
                number(2).map { Int(min(max(InsightsValue.whole($0), 0), Int64(characters.count))) }
                ?? (characters.count - from)
            return .text(String(characters[from..<min(from + length, characters.count)]))
        case "replace":
            guard let subject = text(0), let find = text(1), let replacement = text(2) else { return nil }
            return .text(find.isEmpty ? subject : subject.replacingOccurrences(of: find, with: replacement))
        case "strcontains":
            guard let subject = text(0), let part = text(1) else { return nil }
            return .number(subject.contains(part) ? 1 : 0)
        case "ispresent": return .bool(value(0) != nil)
        case "isempty": return .bool((text(0) ?? "").isEmpty)
        case "isblank": return .bool((text(0) ?? "").allSatisfy(\.isWhitespace))
        case "coalesce": return arguments.indices.lazy.compactMap { value($0) }.first
        case "bin":
            guard let span = duration(0), let timestamp = row.timestamp else { return nil }
            return .time(floor(timestamp, span))
        case "datefloor", "dateceil":
            guard let time = value(0)?.number, let span = duration(1) else { return nil }
            let start = floor(InsightsValue.whole(time), span)
            if name == "datefloor" || start == InsightsValue.whole(time) { return .time(start) }
            return .time(advance(start, span))
        case "frommillis": return number(0).map { .time(InsightsValue.whole($0)) }
        case "tomillis": return number(0).map { .number($0) }
        default: return nil
        }
    }

    /// The start of the span a time falls in: multiples of the span since the epoch, or calendar
    /// months (UTC) for `mo`, `q` and `y`.
    static func floor(_ time: Int64, _ span: InsightsDuration) -> Int64 {
        switch span {
        case .milliseconds(let length):
            guard length > 0 else { return time }
            return time - ((time % length) + length) % length
        case .months(let count):
            guard count > 0 else { return time }
            let (year, month) = yearAndMonth(time)
            let index = year * 12 + (month - 1)
            let start = index - ((index % count) + count) % count
            return startOfMonth(year: start / 12, month: start % 12 + 1)
        }
    }

    private static func advance(_ time: Int64, _ span: InsightsDuration) -> Int64 {
        switch span {
        case .milliseconds(let length): return time + length
        case .months(let count):
            let (year, month) = yearAndMonth(time)
            let index = year * 12 + (month - 1) + count
            return startOfMonth(year: index / 12, month: index % 12 + 1)
        }
    }

    private static func yearAndMonth(_ time: Int64) -> (Int, Int) {
        var parts = tm()
        var seconds = time_t(Double(time) / 1000)
        gmtime_r(&seconds, &parts)
        return (Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1)
    }

    private static func startOfMonth(year: Int, month: Int) -> Int64 {
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = 1
        return Int64(timegm(&parts)) * 1000
    }
}
