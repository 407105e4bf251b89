import Foundation

/// The rows an export job writes and the two file formats it writes them in. Message insights give
/// one row per message and recipient; metrics give one row per day, dimension value and metric.
struct ExportFile: Sendable {
    var columns: [String]
    var rows: [[String: String]]

    /// CSV (RFC 4180: a header line, fields quoted when they hold a comma, quote or line break), or
    /// JSON Lines (one object per row).
    func render(format: String) -> String {
        if format == "JSON" {
            return rows.map { row in
                let object = Dictionary(
                    uniqueKeysWithValues: columns.compactMap { column in
                        row[column].map { (column, $0) }
                    })
                let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
                return String(decoding: data, as: UTF8.self)
            }.map { $0 + "\n" }.joined()
        }
        var lines = [columns.joined(separator: ",")]
        for row in rows { lines.append(columns.map { Self.csvField(row[$0] ?? "") }.joined(separator: ",")) }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    static func csvField(_ value: String) -> String {
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A Message Insights filter value: `*` at either end makes it a suffix, prefix or contains match,
    /// `\*` and `\\` are literal; without a wildcard the match is exact. Case-sensitive, as AWS's are.
    static func matches(_ pattern: String, _ value: String) -> Bool {
        var literal = ""
        var leading = false
        var trailing = false
        var escaped = false
        for (offset, character) in pattern.enumerated() {
            if escaped {
                literal.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "*" && offset == 0 {
                leading = true
            } else if character == "*" && offset == pattern.count - 1 {
                trailing = true
            } else {
                literal.append(character)
            }
        }
        switch (leading, trailing) {
        case (true, true): return literal.isEmpty || value.contains(literal)
        case (true, false): return value.hasSuffix(literal)
        case (false, true): return value.hasPrefix(literal)
        case (false, false): return value == literal
        }
    }
}
