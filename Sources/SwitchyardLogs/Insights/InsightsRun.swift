import Foundation

/// One query run over log events fed newest first. Commands that work row by row (`fields`,
/// `filter`, `parse`, `display`) run as each event arrives, up to the first that needs every row
/// (`stats`, `sort`, `limit`, `dedup`); a first `stats` aggregates as events arrive, so a count
/// over many events keeps no rows. The rest run on the rows gathered when the events end.
struct InsightsRun: Sendable {
    /// The fields every event has without looking into its message.
    static let systemFields: Set<String> = ["@timestamp", "@message", "@logStream", "@log", "@ingestionTime"]
    /// What a query shows when no command names fields.
    static let defaultColumns = ["@timestamp", "@message"]

    /// At most this many rows are answered.
    let cap: Int
    /// Whether events' messages must be read for fields (JSON members, Lambda reports).
    let discovers: Bool
    private let streamed: [InsightsCommand]
    private let rest: [InsightsCommand]
    private var aggregation: InsightsAggregation?
    private var rows: [InsightsRow] = []
    private let columns: [String]
    /// For `sort ... | limit n` (or a sort the answer's cap ends): how many rows can still make the
    /// answer, so that gathering keeps only those (a sort over a large range holds `n`, not every
    /// event).
    private let kept: (sort: InsightsCommand, count: Int)?

    private(set) var recordsScanned = 0
    private(set) var recordsMatched = 0
    private(set) var bytesScanned = 0

    init(_ query: InsightsQuery, cap: Int) {
        self.cap = cap
        let blocking = query.commands.firstIndex { command in
            switch command {
            case .stats, .sort, .limit, .dedup: return true
            default: return false
            }
        }
        let split = blocking ?? query.commands.count
        streamed = Array(query.commands[..<split])
        if let blocking, case .stats(let aggregates, let groups) = query.commands[blocking] {
            aggregation = InsightsAggregation(aggregates: aggregates, groups: groups)
            rest = Array(query.commands[(blocking + 1)...])
        } else {
            rest = Array(query.commands[split...])
        }
        columns = Self.columns(query.commands)
        if aggregation == nil, let first = rest.first, case .sort = first {
            var count = cap
            var onlyLimits = true
            for command in rest.dropFirst() {
                if case .limit(let limit) = command { count = min(count, limit) } else { onlyLimits = false }
            }
            kept = onlyLimits ? (first, count) : nil
        } else {
            kept = nil
        }
        discovers = Self.fieldsRead(query.commands).contains { !Self.systemFields.contains($0) }
    }

    /// True once no further event can change the answer: nothing but row-by-row commands and
    /// `limit`s, and enough rows gathered (`fields @message | limit 20` reads 20 events, newest
    /// first, not the whole range).
    var isSatisfied: Bool {
        guard aggregation == nil else { return false }
        var needed = cap
        for command in rest {
            guard case .limit(let count) = command else { return false }
            needed = min(needed, count)
        }
        return rows.count >= needed
    }

    mutating func add(_ event: InsightsRow, bytes: Int) {
        recordsScanned += 1
        bytesScanned += bytes
        guard let row = Self.apply(streamed, to: event) else { return }
        recordsMatched += 1
        if aggregation != nil {
            aggregation?.add(row)
        } else {
            rows.append(row)
            // Now and then, drop the rows that sort after the ones the answer can hold. The sort
            // is stable, so what stays is what sorting every row would have kept.
            if let kept, rows.count >= 2 * kept.count + 1000 {
                rows = Array(Self.apply(kept.sort, to: rows).prefix(kept.count))
            }
        }
    }

    /// The answer: each row's shown fields that have a value, in the order the query named them,
    /// then `@ptr` for rows that are events.
    func results() -> [[(field: String, value: String)]] {
        var finished = aggregation?.rows() ?? rows
        for command in rest { finished = Self.apply(command, to: finished) }
        return finished.prefix(cap).map { row in
            var fields = columns.compactMap { name in row[name].map { (field: name, value: $0.text) } }
            if let pointer = row.pointer { fields.append((field: "@ptr", value: pointer)) }
            return fields
        }
    }

    // MARK: Commands

    /// Runs row-by-row commands on one row; nil when a filter drops it.
    private static func apply(_ commands: [InsightsCommand], to row: InsightsRow) -> InsightsRow? {
        var row = row
        for command in commands {
            switch command {
            case .fields(let items), .display(let items):
                for item in items {
                    if case .field(let name) = item.expression, name == item.name { continue }
                    row[item.name] = InsightsEvaluator.evaluate(item.expression, row)
                }
            case .filter(let condition):
                guard InsightsEvaluator.evaluate(condition, row)?.isTruthy ?? false else { return nil }
            case .parse(let source, let pattern, let names):
                guard let text = InsightsEvaluator.evaluate(source, row)?.text,
                    let found = pattern.captures(text, names: names)
                else { continue }
                for name in names { if let value = found[name] { row[name] = .text(value) } }
            case .stats, .sort, .limit, .dedup, .unmask:
                continue
            }
        }
        return row
    }

    /// Runs one command on every row.
    private static func apply(_ command: InsightsCommand, to rows: [InsightsRow]) -> [InsightsRow] {
        switch command {
        case .stats(let aggregates, let groups):
            var aggregation = InsightsAggregation(aggregates: aggregates, groups: groups)
            for row in rows { aggregation.add(row) }
            return aggregation.rows()
        case .sort(let keys):
            let evaluated = rows.map { row in (row, keys.map { InsightsEvaluator.evaluate($0.expression, row) }) }
            return evaluated.enumerated().sorted { left, right in
                for (index, key) in keys.enumerated() {
                    switch (left.element.1[index], right.element.1[index]) {
                    case (nil, nil): continue
                    case (nil, _): return false
                    case (_, nil): return true
                    case (let a?, let b?):
                        if InsightsOrder.ascending(a, b) { return !key.descending }
                        if InsightsOrder.ascending(b, a) { return key.descending }
                    }
                }
                return left.offset < right.offset
            }.map(\.element.0)
        case .limit(let count):
            return Array(rows.prefix(count))
        case .dedup(let fields):
            var seen: Set<[String?]> = []
            return rows.filter { row in
                seen.insert(fields.map { InsightsEvaluator.evaluate($0, row)?.text }).inserted
            }
        default:
            return rows.compactMap { apply([command], to: $0) }
        }
    }

    /// The fields the answer shows: those `fields` and `parse` add (`@timestamp` and `@message`
    /// when none do), all replaced by `display`'s or by a `stats` command's.
    private static func columns(_ commands: [InsightsCommand]) -> [String] {
        var columns: [String]?
        func adding(_ names: [String], to base: [String]) -> [String] {
            base + names.filter { !base.contains($0) }
        }
        for command in commands {
            switch command {
            case .fields(let items): columns = adding(items.map(\.name), to: columns ?? [])
            case .parse(_, _, let names): columns = adding(names, to: columns ?? defaultColumns)
            case .display(let items): columns = items.map(\.name)
            case .stats(let aggregates, let groups): columns = groups.map(\.name) + aggregates.map(\.name)
            default: break
            }
        }
        return columns ?? defaultColumns
    }

    /// Every field name the commands read.
    private static func fieldsRead(_ commands: [InsightsCommand]) -> [String] {
        commands.flatMap { command -> [String] in
            switch command {
            case .fields(let items), .display(let items): return items.flatMap(\.expression.fieldNames)
            case .filter(let condition): return condition.fieldNames
            case .stats(let aggregates, let groups): return (aggregates + groups).flatMap(\.expression.fieldNames)
            case .sort(let keys): return keys.flatMap(\.expression.fieldNames)
            case .parse(let source, _, _): return source.fieldNames
            case .dedup(let fields): return fields.flatMap(\.fieldNames)
            case .limit, .unmask: return []
            }
        }
    }
}
