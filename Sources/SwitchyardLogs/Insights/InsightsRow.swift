import Foundation
import SwitchyardWire

/// One row of a query: a log event's fields (what Logs Insights discovers in it) and the fields
/// commands add, in the order they came; or one group of a `stats` command.
struct InsightsRow: Sendable {
    private(set) var values: [String: InsightsValue] = [:]
    private(set) var order: [String] = []
    /// The event's `@ptr`; nil for rows `stats` made.
    var pointer: String?
    /// The event's time, for `bin()`, `earliest()` and `latest()`.
    var timestamp: Int64?

    subscript(name: String) -> InsightsValue? {
        get { values[name] }
        set {
            if values[name] == nil, newValue != nil { order.append(name) }
            if newValue == nil, values[name] != nil { order.removeAll { $0 == name } }
            values[name] = newValue
        }
    }

    /// Every field, in the order it was set.
    var fieldNames: [String] { order }
}

/// The fields Logs Insights gives every event: `@timestamp`, `@message`, `@logStream`, `@log`,
/// `@ingestionTime`, the members of a JSON message (nested ones joined with dots, array items by
/// index), and those of Lambda's REPORT lines (`@type`, `@requestId`, `@duration`,
/// `@billedDuration`, `@memorySize` and `@maxMemoryUsed` in bytes, `@initDuration`).
enum InsightsFields {
    /// At most this many fields are discovered in one JSON event.
    static let maximumDiscovered = 1000

    static func row(_ event: StoredLogEvent, account: String, group: String, pointer: String, discover: Bool)
        -> InsightsRow
    {
        var row = InsightsRow()
        row.pointer = pointer
        row.timestamp = event.timestamp
        row["@timestamp"] = .time(event.timestamp)
        row["@message"] = .text(event.message)
        row["@logStream"] = .text(event.stream)
        row["@log"] = .text("\(account):\(group)")
        row["@ingestionTime"] = .time(event.ingestionTime)
        guard discover else { return row }
        if event.message.hasPrefix("REPORT RequestId: ") {
            lambdaReport(event.message, into: &row)
        } else if let first = event.message.first(where: { !$0.isWhitespace }), first == "{",
            let document = try? JSONValue.parse(Array(event.message.utf8))
        {
            var count = 0
            flatten(document, prefix: "", into: &row, count: &count)
        }
        return row
    }

    private static func flatten(_ value: JSONValue, prefix: String, into row: inout InsightsRow, count: inout Int) {
        guard count < maximumDiscovered else { return }
        switch value {
        case .object(let members):
            for key in members.keys.sorted() {
                guard let member = members[key] else { continue }
                // A top-level member named like a system field gets a second `@`.
                let name = prefix.isEmpty ? (key.hasPrefix("@") ? "@" + key : key) : "\(prefix).\(key)"
                flatten(member, prefix: name, into: &row, count: &count)
            }
        case .array(let items):
            for (index, item) in items.enumerated() {
                flatten(item, prefix: "\(prefix).\(index)", into: &row, count: &count)
            }
        case .string(let text): row[prefix] = .text(text)
        case .integer(let number): row[prefix] = .text(String(number))
        case .number(let number): row[prefix] = .text(InsightsValue.format(number))
        case .bool(let flag): row[prefix] = .text(flag ? "true" : "false")
        case .null: return
        }
        if case .object = value { return }
        if case .array = value { return }
        count += 1
    }

    /// `REPORT RequestId: <id>\tDuration: 2.57 ms\tBilled Duration: 3 ms\tMemory Size: 128 MB\t...`
    private static func lambdaReport(_ message: String, into row: inout InsightsRow) {
        row["@type"] = .text("REPORT")
        for part in message.split(separator: "\t") {
            let pieces = part.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pieces.count == 2 else { continue }
            let amount = pieces[1].split(separator: " ").first.map(String.init) ?? ""
            switch pieces[0] {
            case "REPORT RequestId": row["@requestId"] = .text(pieces[1])
            case "Duration": row["@duration"] = .text(amount)
            case "Billed Duration": row["@billedDuration"] = .text(amount)
            case "Init Duration": row["@initDuration"] = .text(amount)
            case "Memory Size": row["@memorySize"] = megabytes(amount)
            case "Max Memory Used": row["@maxMemoryUsed"] = megabytes(amount)
            default: break
            }
        }
    }

    private static func megabytes(_ amount: String) -> InsightsValue? {
        Double(amount).map { .text(InsightsValue.format($0 * 1_000_000)) }
    }
}
