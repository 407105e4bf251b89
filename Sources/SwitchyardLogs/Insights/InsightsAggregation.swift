import Foundation

/// A `stats` command run over rows: the rows grouped by the `by` expressions, each aggregate
/// function call of each item accumulated per group, and then each item evaluated with the calls'
/// results in place (so `sum(a) / count(*)` works).
struct InsightsAggregation: Sendable {
    static let functions: Set<String> = [
        "count", "count_distinct", "sum", "avg", "min", "max", "stddev", "pct", "earliest", "latest",
    ]

    private let aggregates: [InsightsNamedExpression]
    private let groups: [InsightsNamedExpression]
    /// Every aggregate call of the items, in the order `evaluate` meets them.
    private let calls: [(name: String, arguments: [InsightsExpression])]
    private var keys: [[InsightsValue?]] = []
    private var states: [[InsightsValue?]: [Accumulator]] = [:]

    init(aggregates: [InsightsNamedExpression], groups: [InsightsNamedExpression]) {
        self.aggregates = aggregates
        self.groups = groups
        calls = aggregates.flatMap { Self.calls(in: $0.expression) }
    }

    /// The aggregate calls of an expression, depth first.
    private static func calls(in expression: InsightsExpression) -> [(name: String, arguments: [InsightsExpression])] {
        switch expression {
        case .call(let name, let arguments) where functions.contains(name): return [(name, arguments)]
        case .call(_, let items), .list(let items): return items.flatMap(calls(in:))
        case .negate(let inner), .not(let inner): return calls(in: inner)
        case .arithmetic(_, let a, let b), .comparison(_, let a, let b), .and(let a, let b), .or(let a, let b),
            .like(let a, let b, _):
            return calls(in: a) + calls(in: b)
        case .isIn(let a, let items, _): return calls(in: a) + items.flatMap(calls(in:))
        default: return []
        }
    }

    mutating func add(_ row: InsightsRow) {
        let key = groups.map { InsightsEvaluator.evaluate($0.expression, row) }
        if states[key] == nil {
            keys.append(key)
            states[key] = calls.map { Accumulator(name: $0.name) }
        }
        for (index, call) in calls.enumerated() {
            // `count(*)` and `count()` count rows; other calls take their first argument's value.
            var argument: InsightsValue? = .bool(true)
            if let first = call.arguments.first {
                if case .all = first {} else { argument = InsightsEvaluator.evaluate(first, row) }
            }
            let percentile = call.arguments.count > 1 ? InsightsEvaluator.evaluate(call.arguments[1], row)?.number : nil
            states[key]?[index].add(argument, percentile: percentile, time: row.timestamp)
        }
    }

    /// One row per group, in the order the groups first appeared: the `by` fields, then the items.
    func rows() -> [InsightsRow] {
        keys.map { key in
            var row = InsightsRow()
            for (group, value) in zip(groups, key) { row[group.name] = value }
            let results = (states[key] ?? []).map { $0.result }
            var next = 0
            for aggregate in aggregates {
                // An item may use the ones before it by their names (AWS's sample query computes
                // `provisonedMemoryMB - maxMemoryUsedMB` from two aggregates' aliases).
                row[aggregate.name] = Self.evaluate(aggregate.expression, in: row, results: results, next: &next)
            }
            return row
        }
    }

    /// What an aggregate without a result (an `avg` of no numbers) stands as: a field no row has.
    private static let absent = InsightsExpression.field("")

    /// Evaluates an item with each aggregate call replaced by its result, taken in `calls` order.
    private static func evaluate(
        _ expression: InsightsExpression, in row: InsightsRow, results: [InsightsValue?], next: inout Int
    ) -> InsightsValue? {
        func substituted(_ expression: InsightsExpression) -> InsightsExpression {
            switch expression {
            case .call(let name, _) where functions.contains(name):
                defer { next += 1 }
                let result = next < results.count ? results[next] : nil
                return result.map { .literal($0) } ?? absent
            case .call(let name, let items): return .call(name, items.map(substituted))
            case .negate(let inner): return .negate(substituted(inner))
            case .not(let inner): return .not(substituted(inner))
            case .arithmetic(let symbol, let a, let b): return .arithmetic(symbol, substituted(a), substituted(b))
            case .comparison(let symbol, let a, let b): return .comparison(symbol, substituted(a), substituted(b))
            case .and(let a, let b): return .and(substituted(a), substituted(b))
            case .or(let a, let b): return .or(substituted(a), substituted(b))
            default: return expression
            }
        }
        return InsightsEvaluator.evaluate(substituted(expression), row)
    }
}

/// The running state of one aggregate function in one group.
private struct Accumulator: Sendable {
    let name: String
    private var count = 0
    private var sum = 0.0
    private var squares = 0.0
    private var extreme: InsightsValue?
    private var distinct: Set<String> = []
    private var numbers: [Double] = []
    private var percentile = 50.0
    private var chosen: (time: Int64, value: InsightsValue)?

    init(name: String) { self.name = name }

    mutating func add(_ value: InsightsValue?, percentile: Double?, time: Int64?) {
        guard let value else { return }
        switch name {
        case "count": count += 1
        case "count_distinct": distinct.insert(value.text)
        case "min", "max":
            if let current = extreme {
                let before = InsightsOrder.ascending(value, current)
                if name == "min" ? before : InsightsOrder.ascending(current, value) { extreme = value }
            } else {
                extreme = value
            }
        case "earliest", "latest":
            let at = time ?? 0
            if let current = chosen, name == "earliest" ? at >= current.time : at < current.time { return }
            chosen = (at, value)
        case "pct":
            guard let number = value.number else { return }
            numbers.append(number)
            if let percentile { self.percentile = percentile }
        default:
            guard let number = value.number else { return }
            count += 1
            sum += number
            squares += number * number
        }
    }

    var result: InsightsValue? {
        switch name {
        case "count": return .number(Double(count))
        case "count_distinct": return .number(Double(distinct.count))
        case "min", "max": return extreme
        case "earliest", "latest": return chosen?.value
        case "sum": return count == 0 ? nil : .number(sum)
        case "avg": return count == 0 ? nil : .number(sum / Double(count))
        case "stddev":
            guard count > 1 else { return count == 1 ? .number(0) : nil }
            let mean = sum / Double(count)
            return .number(((squares - Double(count) * mean * mean) / Double(count - 1)).squareRoot())
        case "pct":
            guard !numbers.isEmpty else { return nil }
            let sorted = numbers.sorted()
            let share = min(max(percentile, 0), 100) / 100
            let rank = Int((share * Double(sorted.count)).rounded(.up)) - 1
            return .number(sorted[min(max(rank, 0), sorted.count - 1)])
        default: return nil
        }
    }
}
