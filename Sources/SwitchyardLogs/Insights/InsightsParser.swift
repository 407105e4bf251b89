import Foundation

/// Parses the Logs Insights query language: commands separated by `|`, and expressions with the
/// usual precedence (`or` < `and` < `not` < comparisons, `like`, `in` < `+ -` < `* / %` < `^` <
/// unary minus).
struct InsightsParser {
    /// Words that stand where an operator does, after which a `/` begins a regular expression.
    static let operatorWords: Set<String> = [
        "like", "and", "or", "not", "in", "filter", "fields", "display", "by", "stats", "sort", "parse", "as",
    ]

    /// Commands of the language that Switchyard does not run; a query with one answers NotImplemented.
    static let unsupportedCommands: Set<String> = [
        "pattern", "diff", "anomaly", "filterindex", "source", "lookup",
    ]

    /// A command the query uses that is not built (see `unsupportedCommands`).
    struct Unsupported: Error {
        var command: String
    }

    private let text: [Character]
    private let tokens: [InsightsToken]
    private var position = 0
    /// How deep the expression being parsed nests (calls, parentheses, chained operators).
    private var depth = 0
    /// Deeper expressions are refused: evaluating them recursively could exhaust a thread's stack.
    static let maximumDepth = 200

    init(_ query: String) throws {
        text = Array(query)
        tokens = try InsightsLexer.tokens(query)
    }

    static func parse(_ query: String) throws -> InsightsQuery {
        var parser = try InsightsParser(query)
        return try parser.query()
    }

    // MARK: Commands

    private mutating func query() throws -> InsightsQuery {
        var commands: [InsightsCommand] = []
        repeat {
            commands.append(try command())
        } while accept("|")
        guard case .end = current.kind else { throw unexpected() }
        return InsightsQuery(commands: commands)
    }

    private mutating func command() throws -> InsightsCommand {
        guard case .word(let word) = current.kind else { throw unexpected() }
        let name = word.lowercased()
        if Self.unsupportedCommands.contains(name) { throw Unsupported(command: name) }
        advance()
        switch name {
        case "fields": return .fields(try namedList())
        case "display": return .display(try namedList())
        case "filter": return .filter(try expression())
        case "stats":
            let aggregates = try namedList()
            var groups: [InsightsNamedExpression] = []
            if acceptWord("by") { groups = try namedList() }
            return .stats(aggregates: aggregates, groups: groups)
        case "sort":
            var keys: [(InsightsExpression, Bool)] = []
            repeat {
                let key = try expression()
                var descending = true
                if acceptWord("asc") {
                    descending = false
                } else if acceptWord("desc") {
                    descending = true
                }
                keys.append((key, descending))
            } while accept(",")
            return .sort(keys.map { (expression: $0.0, descending: $0.1) })
        case "limit":
            _ = acceptWord("any")
            // AWS takes up to 100,000 (docs: "limit").
            guard case .number(let count) = current.kind, count >= 1, count <= 100_000, count.rounded() == count else {
                throw unexpected()
            }
            advance()
            return .limit(Int(count))
        case "parse": return try parseCommand()
        case "dedup":
            var fields: [InsightsExpression] = []
            repeat { fields.append(try primary()) } while accept(",")
            return .dedup(fields)
        case "unmask":
            if case .word(let field) = current.kind, !Self.operatorWords.contains(field.lowercased()) { advance() }
            return .unmask
        default:
            throw InsightsQueryError(
                message:
                    "Expected a command (fields, filter, stats, sort, limit, parse, display, dedup), found \(word)",
                start: tokens[position - 1].start, end: tokens[position - 1].end)
        }
    }

    /// `parse [field] "glob * pattern" as a, b` or `parse [field] /(?<a>regex)/`; the field is
    /// `@message` when left out.
    private mutating func parseCommand() throws -> InsightsCommand {
        var source = InsightsExpression.field("@message")
        switch current.kind {
        case .text, .regex: break
        default: source = try primary()
        }
        switch current.kind {
        case .text(let glob):
            let token = current
            advance()
            guard acceptWord("as") else { throw unexpected() }
            var names: [String] = []
            repeat { names.append(try fieldName()) } while accept(",")
            let wildcards = glob.filter { $0 == "*" }.count
            guard wildcards == names.count else {
                throw InsightsQueryError(
                    message:
                        "The number of fields (\(names.count)) does not match the number of wildcards (\(wildcards)) in the parse pattern",
                    start: token.start, end: token.end)
            }
            return .parse(source: source, pattern: try Self.globRegex(glob, token: token), names: names)
        case .regex(let pattern):
            let token = current
            advance()
            let regex: InsightsRegex
            do {
                regex = try InsightsRegex(pattern)
            } catch {
                throw InsightsQueryError(
                    message: "Invalid regular expression: \(pattern)", start: token.start, end: token.end)
            }
            guard !regex.groupNames.isEmpty else {
                throw InsightsQueryError(
                    message: "The regular expression of parse must name its groups: (?<name>...)", start: token.start,
                    end: token.end)
            }
            return .parse(source: source, pattern: regex, names: regex.groupNames)
        default:
            throw unexpected()
        }
    }

    /// A glob's literal text matched exactly and each `*` captured: lazily, but greedily at the end.
    static func globRegex(_ glob: String, token: InsightsToken) throws -> InsightsRegex {
        let pieces = glob.split(separator: "*", omittingEmptySubsequences: false)
        var pattern = ""
        for (index, piece) in pieces.enumerated() {
            pattern += NSRegularExpression.escapedPattern(for: String(piece))
            if index < pieces.count - 1 { pattern += index == pieces.count - 2 && pieces.last == "" ? "(.*)" : "(.*?)" }
        }
        do {
            return try InsightsRegex(pattern)
        } catch {
            throw InsightsQueryError(message: "Invalid parse pattern", start: token.start, end: token.end)
        }
    }

    private mutating func namedList() throws -> [InsightsNamedExpression] {
        var items: [InsightsNamedExpression] = []
        repeat {
            let start = current.start
            let expression = try self.expression()
            let end = tokens[position - 1].end
            var name = String(text[start...min(end, text.count - 1)])
            if case .field(let field) = expression { name = field }
            if acceptWord("as") { name = try fieldName() }
            items.append(InsightsNamedExpression(expression: expression, name: name))
        } while accept(",")
        return items
    }

    private mutating func fieldName() throws -> String {
        switch current.kind {
        case .word(let word), .quotedName(let word):
            advance()
            return word
        default: throw unexpected()
        }
    }

    // MARK: Expressions

    private mutating func expression() throws -> InsightsExpression {
        try deeper()
        defer { depth -= 1 }
        return try disjunction()
    }

    /// One level deeper; refused beyond `maximumDepth`.
    private mutating func deeper() throws {
        depth += 1
        guard depth <= Self.maximumDepth else {
            throw InsightsQueryError(
                message: "The query nests expressions more than \(Self.maximumDepth) levels deep",
                start: current.start, end: current.end)
        }
    }

    /// One more operator of a chain: a chain of `n` operators is a tree `n` deep.
    private mutating func link(_ links: inout Int) throws {
        try deeper()
        links += 1
    }

    private mutating func disjunction() throws -> InsightsExpression {
        var left = try conjunction()
        var links = 0
        defer { depth -= links }
        while acceptWord("or") {
            try link(&links)
            left = .or(left, try conjunction())
        }
        return left
    }

    private mutating func conjunction() throws -> InsightsExpression {
        var left = try negation()
        var links = 0
        defer { depth -= links }
        while acceptWord("and") {
            try link(&links)
            left = .and(left, try negation())
        }
        return left
    }

    private mutating func negation() throws -> InsightsExpression {
        if acceptWord("not") {
            try deeper()
            defer { depth -= 1 }
            return .not(try negation())
        }
        return try comparison()
    }

    private mutating func comparison() throws -> InsightsExpression {
        let left = try additive()
        for symbol in ["=", "!=", "<", "<=", ">", ">="] where accept(symbol) {
            return .comparison(symbol, left, try additive())
        }
        if accept("=~") { return .like(left, try additive(), negated: false) }
        if acceptWord("like") { return .like(left, try additive(), negated: false) }
        if acceptWord("in") { return .isIn(left, try listItems(), negated: false) }
        if case .word(let word) = current.kind, word.lowercased() == "not",
            case .word(let next) = tokens[position + 1].kind
        {
            switch next.lowercased() {
            case "like":
                position += 2
                return .like(left, try additive(), negated: true)
            case "in":
                position += 2
                return .isIn(left, try listItems(), negated: true)
            default: break
            }
        }
        return left
    }

    private mutating func listItems() throws -> [InsightsExpression] {
        guard accept("[") else { throw unexpected() }
        try deeper()
        defer { depth -= 1 }
        var items: [InsightsExpression] = []
        if accept("]") { return items }
        repeat { items.append(try additive()) } while accept(",")
        guard accept("]") else { throw unexpected() }
        return items
    }

    private mutating func additive() throws -> InsightsExpression {
        var left = try multiplicative()
        var links = 0
        defer { depth -= links }
        while true {
            if case .symbol(let symbol) = current.kind, symbol == "+" || symbol == "-" { try link(&links) }
            if accept("+") {
                left = .arithmetic("+", left, try multiplicative())
            } else if accept("-") {
                left = .arithmetic("-", left, try multiplicative())
            } else {
                return left
            }
        }
    }

    private mutating func multiplicative() throws -> InsightsExpression {
        var left = try power()
        var links = 0
        defer { depth -= links }
        while true {
            if case .symbol(let symbol) = current.kind, ["*", "/", "%"].contains(symbol) { try link(&links) }
            if let symbol = ["*", "/", "%"].first(where: { accept($0) }) {
                left = .arithmetic(symbol, left, try power())
            } else {
                return left
            }
        }
    }

    private mutating func power() throws -> InsightsExpression {
        let base = try unary()
        if accept("^") {
            try deeper()
            defer { depth -= 1 }
            return .arithmetic("^", base, try power())
        }
        return base
    }

    private mutating func unary() throws -> InsightsExpression {
        if accept("-") {
            try deeper()
            defer { depth -= 1 }
            return .negate(try unary())
        }
        return try primary()
    }

    private mutating func primary() throws -> InsightsExpression {
        let token = current
        switch token.kind {
        case .number(let value):
            advance()
            return .literal(.number(value))
        case .duration(let duration):
            advance()
            return .duration(duration)
        case .text(let value):
            advance()
            return .literal(.text(value))
        case .regex(let pattern):
            advance()
            do {
                return .regex(try InsightsRegex(pattern))
            } catch {
                throw InsightsQueryError(
                    message: "Invalid regular expression: \(pattern)", start: token.start, end: token.end)
            }
        case .quotedName(let name):
            advance()
            return .field(name)
        case .word(let word):
            advance()
            if case .symbol("(") = current.kind {
                let name = word.lowercased()
                guard InsightsEvaluator.scalarFunctions.contains(name) || InsightsAggregation.functions.contains(name)
                else {
                    throw InsightsQueryError(
                        message: "Unrecognized function name: \(word)", start: token.start, end: token.end)
                }
            }
            if accept("(") {
                var arguments: [InsightsExpression] = []
                if !accept(")") {
                    repeat {
                        if accept("*") {
                            arguments.append(.all)
                        } else {
                            arguments.append(try expression())
                        }
                    } while accept(",")
                    guard accept(")") else { throw unexpected() }
                }
                return .call(word.lowercased(), arguments)
            }
            return .field(word)
        case .symbol("("):
            advance()
            let inner = try expression()
            guard accept(")") else { throw unexpected() }
            return inner
        case .symbol("["):
            return .list(try listItems())
        default:
            throw unexpected()
        }
    }

    // MARK: Tokens

    private var current: InsightsToken { tokens[position] }

    private mutating func advance() {
        if position < tokens.count - 1 { position += 1 }
    }

    private mutating func accept(_ symbol: String) -> Bool {
        guard case .symbol(symbol) = current.kind else { return false }
        advance()
        return true
    }

    private mutating func acceptWord(_ word: String) -> Bool {
        guard case .word(let found) = current.kind, found.lowercased() == word else { return false }
        advance()
        return true
    }

    /// The error for the current token, in the words AWS uses for a symbol it did not expect.
    private func unexpected() -> InsightsQueryError {
        let token = current
        if case .end = token.kind {
            return InsightsQueryError(
                message:
                    "unexpected end of query at line \(InsightsLexer.line(of: token.start, in: text)) and position \(InsightsLexer.column(of: token.start, in: text))",
                start: max(0, text.count - 1), end: max(0, text.count - 1))
        }
        let symbol = String(text[token.start...min(token.end, text.count - 1)])
        return InsightsQueryError(
            message:
                "unexpected symbol found \(symbol) at line \(InsightsLexer.line(of: token.start, in: text)) and position \(InsightsLexer.column(of: token.start, in: text))",
            start: token.start, end: token.end)
    }
}
