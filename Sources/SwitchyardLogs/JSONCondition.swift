import Foundation

/// A condition of a JSON filter pattern on a parsed message.
indirect enum JSONCondition: Sendable {
    case compare(path: [String], ValueComparison)
    case isNull(path: [String])
    case isBool(path: [String], Bool)
    case exists(path: [String], Bool)
    case and(JSONCondition, JSONCondition)
    case or(JSONCondition, JSONCondition)

    func holds(_ document: Any) -> Bool {
        switch self {
        case .compare(let path, let comparison):
            guard let (found, value) = Self.value(document, path), found else { return false }
            if comparison.literal == "*", comparison.operation == "=" { return true }
            if let list = value as? [Any] { return list.contains { comparison.holds($0) } }
            return comparison.holds(value)
        case .isNull(let path):
            guard let (found, value) = Self.value(document, path), found else { return false }
            return value is NSNull
        case .isBool(let path, let expected):
            guard let (found, value) = Self.value(document, path), found, let flag = value as? Bool else {
                return false
            }
            return flag == expected
        case .exists(let path, let expected):
            return (Self.value(document, path)?.0 ?? false) == expected
        case .and(let left, let right): return left.holds(document) && right.holds(document)
        case .or(let left, let right): return left.holds(document) || right.holds(document)
        }
    }

    /// The value at a path (`a`, `b[0]` segments); whether it was there at all.
    static func value(_ document: Any, _ path: [String]) -> (Bool, Any?)? {
        var current: Any? = document
        for segment in path {
            var name = segment
            var index: Int?
            if let open = segment.firstIndex(of: "["), segment.hasSuffix("]") {
                name = String(segment[..<open])
                index = Int(segment[segment.index(after: open)..<segment.index(before: segment.endIndex)])
            }
            if !name.isEmpty {
                guard let object = current as? [String: Any], let next = object[name] else { return (false, nil) }
                current = next
            }
            if let index {
                guard let list = current as? [Any], index >= 0, index < list.count else { return (false, nil) }
                current = list[index]
            }
        }
        return (true, current)
    }
}

/// Parses the inside of `{ ... }`.
struct JSONConditionParser {
    private let characters: [Character]
    private var position = 0

    init(_ characters: [Character]) {
        self.characters = characters
    }

    mutating func parse() throws -> JSONCondition {
        let condition = try parseOr()
        skipSpaces()
        guard position == characters.count else { throw FilterPattern.Invalid() }
        return condition
    }

    private mutating func parseOr() throws -> JSONCondition {
        var left = try parseAnd()
        while consume("||") { left = .or(left, try parseAnd()) }
        return left
    }

    private mutating func parseAnd() throws -> JSONCondition {
        var left = try parsePrimary()
        while consume("&&") { left = .and(left, try parsePrimary()) }
        return left
    }

    private mutating func parsePrimary() throws -> JSONCondition {
        skipSpaces()
        if consume("(") {
            let inner = try parseOr()
            guard consume(")") else { throw FilterPattern.Invalid() }
            return inner
        }
        guard consume("$.") || consume("$") else { throw FilterPattern.Invalid() }
        var pathText = ""
        while position < characters.count, !characters[position].isWhitespace,
            !"=!<>)&|".contains(characters[position])
        {
            pathText.append(characters[position])
            position += 1
        }
        let path = pathText.split(separator: ".").map(String.init)
        if consumeWord("IS") {
            if consumeWord("NULL") { return .isNull(path: path) }
            if consumeWord("TRUE") { return .isBool(path: path, true) }
            if consumeWord("FALSE") { return .isBool(path: path, false) }
            throw FilterPattern.Invalid()
        }
        if consumeWord("NOT") {
            guard consumeWord("EXISTS") else { throw FilterPattern.Invalid() }
            return .exists(path: path, false)
        }
        if consumeWord("EXISTS") { return .exists(path: path, true) }
        guard let operation = ["!=", "<=", ">=", "=", "<", ">"].first(where: { consume($0) }) else {
            throw FilterPattern.Invalid()
        }
        return .compare(path: path, ValueComparison(operation: operation, literal: try literal()))
    }

    private mutating func literal() throws -> String {
        skipSpaces()
        guard position < characters.count else { throw FilterPattern.Invalid() }
        if characters[position] == "\"" {
            position += 1
            var text = ""
            while position < characters.count, characters[position] != "\"" {
                text.append(characters[position])
                position += 1
            }
            guard position < characters.count else { throw FilterPattern.Invalid() }
            position += 1
            return text
        }
        var text = ""
        while position < characters.count, !characters[position].isWhitespace, !")&|".contains(characters[position]) {
            text.append(characters[position])
            position += 1
        }
        guard !text.isEmpty else { throw FilterPattern.Invalid() }
        return text
    }

    private mutating func skipSpaces() {
        while position < characters.count, characters[position].isWhitespace { position += 1 }
    }

    private mutating func consume(_ text: String) -> Bool {
        skipSpaces()
        let wanted = Array(text)
        guard position + wanted.count <= characters.count,
            Array(characters[position..<position + wanted.count]) == wanted
        else { return false }
        position += wanted.count
        return true
    }

    private mutating func consumeWord(_ word: String) -> Bool {
        let saved = position
        skipSpaces()
        let wanted = Array(word)
        guard position + wanted.count <= characters.count,
            String(characters[position..<position + wanted.count]).uppercased() == word,
            position + wanted.count == characters.count || !characters[position + wanted.count].isLetter
        else {
            position = saved
            return false
        }
        position += wanted.count
        return true
    }
}

/// One field of a space-delimited pattern: a name (any value), `...`, or a condition on the value.
struct DelimitedField: Sendable {
    var isEllipsis: Bool
    var comparison: ValueComparison?
    /// The field's name (`ip` in `[ip, user=admin, ...]`), which TestMetricFilter reports values by.
    var name: String?

    static func parse(_ text: String) throws -> [DelimitedField] {
        try text.split(separator: ",").map { raw in
            let field = raw.trimmingCharacters(in: .whitespaces)
            if field == "..." { return DelimitedField(isEllipsis: true) }
            for operation in ["!=", "<=", ">=", "=", "<", ">"] {
                if let range = field.range(of: operation) {
                    let literal = FilterPattern.unquoted(
                        field[range.upperBound...].trimmingCharacters(in: .whitespaces))
                    guard !literal.isEmpty else { throw FilterPattern.Invalid() }
                    let name = field[..<range.lowerBound].trimmingCharacters(in: .whitespaces)
                    return DelimitedField(
                        isEllipsis: false, comparison: ValueComparison(operation: operation, literal: literal),
                        name: name.isEmpty ? nil : name)
                }
            }
            guard !field.isEmpty else { throw FilterPattern.Invalid() }
            return DelimitedField(isEllipsis: false, name: field)
        }
    }

    /// Fields match values in order; `...` takes any number of them.
    static func matches(_ fields: [DelimitedField], _ values: [String]) -> Bool {
        bindings(fields, values) != nil
    }

    /// The values of the named fields (`$name`), when the fields match the values; nil otherwise.
    static func bindings(_ fields: [DelimitedField], _ values: [String]) -> [String: String]? {
        guard let first = fields.first else { return values.isEmpty ? [:] : nil }
        let rest = Array(fields.dropFirst())
        if first.isEllipsis {
            for skipped in 0...values.count {
                if let bound = bindings(rest, Array(values.dropFirst(skipped))) { return bound }
            }
            return nil
        }
        guard let value = values.first else { return nil }
        if let comparison = first.comparison, !comparison.holds(value) { return nil }
        var bound: [String: String] = [:]
        // The last named field takes the rest of the line when no ellipsis follows.
        if rest.isEmpty {
            guard values.count == 1 || first.comparison == nil else { return nil }
        } else {
            guard let others = bindings(rest, Array(values.dropFirst())) else { return nil }
            bound = others
        }
        if let name = first.name { bound["$" + name] = value }
        return bound
    }
}
