import Foundation

/// A parsed Logs Insights query: its commands in order, each fed the rows the one before gives.
struct InsightsQuery: Sendable {
    var commands: [InsightsCommand]
}

/// One command of a query (`fields`, `filter`, `stats`, ...).
enum InsightsCommand: Sendable {
    /// `fields a, b as c`: computes fields and shows them.
    case fields([InsightsNamedExpression])
    /// `display a, b`: the fields shown, and only those.
    case display([InsightsNamedExpression])
    case filter(InsightsExpression)
    case stats(aggregates: [InsightsNamedExpression], groups: [InsightsNamedExpression])
    case sort([(expression: InsightsExpression, descending: Bool)])
    case limit(Int)
    /// `parse field "a=*, b=*" as a, b` or `parse field /(?<a>\S+)/`.
    case parse(source: InsightsExpression, pattern: InsightsRegex, names: [String])
    case dedup([InsightsExpression])
    /// Shows masked data unmasked; nothing is masked here, so it changes nothing.
    case unmask
}

/// An expression with the name its result gets: the alias after `as`, else its own text.
struct InsightsNamedExpression: Sendable {
    var expression: InsightsExpression
    var name: String
}

/// An expression of the query language.
indirect enum InsightsExpression: Sendable {
    case field(String)
    case literal(InsightsValue)
    case regex(InsightsRegex)
    /// A time span (`5m`, `1h`), in milliseconds, or in months for `mo`, `q` and `y`.
    case duration(InsightsDuration)
    case list([InsightsExpression])
    /// `count(*)`'s argument.
    case all
    case negate(InsightsExpression)
    case not(InsightsExpression)
    case arithmetic(String, InsightsExpression, InsightsExpression)
    case comparison(String, InsightsExpression, InsightsExpression)
    case and(InsightsExpression, InsightsExpression)
    case or(InsightsExpression, InsightsExpression)
    /// `like` / `=~` against text (a substring) or a regular expression.
    case like(InsightsExpression, InsightsExpression, negated: Bool)
    case isIn(InsightsExpression, [InsightsExpression], negated: Bool)
    case call(String, [InsightsExpression])

    /// Every field the expression reads.
    var fieldNames: [String] {
        switch self {
        case .field(let name): return [name]
        case .literal, .regex, .duration, .all: return []
        case .list(let items), .call(_, let items): return items.flatMap(\.fieldNames)
        case .negate(let inner), .not(let inner): return inner.fieldNames
        case .arithmetic(_, let a, let b), .comparison(_, let a, let b), .and(let a, let b), .or(let a, let b),
            .like(let a, let b, _):
            return a.fieldNames + b.fieldNames
        case .isIn(let a, let items, _): return a.fieldNames + items.flatMap(\.fieldNames)
        }
    }
}

/// A time span of `bin`, `datefloor` and `dateceil`.
enum InsightsDuration: Sendable, Equatable {
    case milliseconds(Int64)
    case months(Int)
}

/// A compiled regular expression (immutable, so shared freely).
struct InsightsRegex: @unchecked Sendable {
    let expression: NSRegularExpression
    /// Names of its named groups, in order (what `parse` with a regular expression extracts).
    let groupNames: [String]

    init(_ pattern: String) throws {
        expression = try NSRegularExpression(pattern: pattern)
        groupNames = Self.namedGroups(pattern)
    }

    func matches(_ text: String) -> Bool {
        expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    /// The text each named group (or, without names, each numbered group in turn) took in the
    /// first match; nil when nothing matches.
    func captures(_ text: String, names: [String]) -> [String: String]? {
        guard let match = expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) else {
            return nil
        }
        var found: [String: String] = [:]
        for (offset, name) in names.enumerated() where !groupNames.isEmpty || offset + 1 < match.numberOfRanges {
            let range = groupNames.isEmpty ? match.range(at: offset + 1) : match.range(withName: name)
            if range.location != NSNotFound, let bounds = Range(range, in: text) { found[name] = String(text[bounds]) }
        }
        return found
    }

    /// `(?<name>` groups in order of their opening parenthesis.
    private static func namedGroups(_ pattern: String) -> [String] {
        var names: [String] = []
        let characters = Array(pattern)
        var index = 0
        while index + 3 < characters.count {
            if characters[index] == "\\" {
                index += 2
                continue
            }
            if characters[index] == "(", characters[index + 1] == "?", characters[index + 2] == "<",
                characters[index + 3] != "=", characters[index + 3] != "!"
            {
                var end = index + 3
                while end < characters.count, characters[end] != ">" { end += 1 }
                names.append(String(characters[(index + 3)..<end]))
                index = end
            }
            index += 1
        }
        return names
    }
}
