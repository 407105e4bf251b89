import Foundation

/// CloudWatch Logs' filter and subscription pattern syntax, compiled once:
/// - terms: every bare or quoted term must occur in the message (case-sensitive substrings),
///   `-term` must not, and `?term` alternatives match when any of them occurs;
/// - JSON: `{ $.a.b = "x" && ($.n > 3 || $.flag IS TRUE) }`, with `=`, `!=`, `<`, `<=`, `>`, `>=`,
///   `*` wildcards in strings, `IS NULL`, `IS TRUE`/`IS FALSE`, `NOT EXISTS`, `EXISTS`;
/// - space-delimited: `[ip, user, ..., status = 404, size > 1000]` over whitespace-separated fields
///   (quoted and bracketed fields kept whole), `...` matching any number of fields.
/// An empty pattern matches every event.
struct FilterPattern: Sendable {
    private enum Kind: Sendable {
        case all
        case terms(required: [String], excluded: [String], alternatives: [String])
        case json(JSONCondition)
        case delimited([DelimitedField])
    }

    private let kind: Kind

    struct Invalid: Error {}

    init(_ text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty || trimmed == "\"\"" {
            kind = .all
        } else if trimmed.hasPrefix("{") {
            guard trimmed.hasSuffix("}") else { throw Invalid() }
            var parser = JSONConditionParser(Array(trimmed.dropFirst().dropLast()))
            kind = .json(try parser.parse())
        } else if trimmed.hasPrefix("[") {
            guard trimmed.hasSuffix("]") else { throw Invalid() }
            kind = .delimited(try DelimitedField.parse(String(trimmed.dropFirst().dropLast())))
        } else {
            var required: [String] = []
            var excluded: [String] = []
            var alternatives: [String] = []
            for token in Self.tokens(trimmed) {
                if token.hasPrefix("?"), token.count > 1 {
                    alternatives.append(Self.unquoted(String(token.dropFirst())))
                } else if token.hasPrefix("-"), token.count > 1 {
                    excluded.append(Self.unquoted(String(token.dropFirst())))
                } else {
                    required.append(Self.unquoted(token))
                }
            }
            kind = .terms(required: required, excluded: excluded, alternatives: alternatives)
        }
    }

    func matches(_ message: String) -> Bool {
        switch kind {
        case .all:
            return true
        case .terms(let required, let excluded, let alternatives):
            if !alternatives.isEmpty, !alternatives.contains(where: { message.contains($0) }) { return false }
            return required.allSatisfy { message.contains($0) } && !excluded.contains { message.contains($0) }
        case .json(let condition):
            guard let data = message.data(using: .utf8),
                let document = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
            else { return false }
            return condition.holds(document)
        case .delimited(let fields):
            return DelimitedField.matches(fields, Self.tokens(message).map(Self.unquoted))
        }
    }

    /// What TestMetricFilter reports of a matching event: the values of a space-delimited
    /// pattern's named fields, as `$name`.
    func extractedValues(_ message: String) -> [String: String] {
        guard case .delimited(let fields) = kind else { return [:] }
        return DelimitedField.bindings(fields, Self.tokens(message).map(Self.unquoted)) ?? [:]
    }

    /// Splits on whitespace, keeping quoted strings and [bracketed] groups whole.
    static func tokens(_ text: String) -> [String] {
        var tokens: [String] = []
        var current = ""
        var quote: Character?
        var depth = 0
        for character in text {
            if let open = quote {
                current.append(character)
                if character == open { quote = nil }
            } else if character == "\"" {
                quote = character
                current.append(character)
            } else if character == "[" {
                depth += 1
                current.append(character)
            } else if character == "]" {
                depth = max(0, depth - 1)
                current.append(character)
            } else if character.isWhitespace, depth == 0 {
                if !current.isEmpty { tokens.append(current) }
                current = ""
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty { tokens.append(current) }
        return tokens
    }

    static func unquoted(_ text: String) -> String {
        if text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") { return String(text.dropFirst().dropLast()) }
        return text
    }
}

/// A comparison of one value in a pattern: equality with wildcards, or a numeric order.
struct ValueComparison: Sendable {
    var operation: String
    var literal: String

    func holds(_ value: Any?) -> Bool {
        if let number = Double(literal), let actual = Self.number(value) {
            return ComparisonSymbol.holds(operation, actual, number)
        }
        guard let text = Self.text(value) else { return operation == "!=" }
        switch operation {
        case "=": return Self.wildcard(text, literal)
        case "!=": return !Self.wildcard(text, literal)
        default: return false
        }
    }

    static func number(_ value: Any?) -> Double? {
        if let number = value as? NSNumber, !(value is Bool) { return number.doubleValue }
        if let text = value as? String { return Double(text) }
        return nil
    }

    static func text(_ value: Any?) -> String? {
        switch value {
        case let text as String: return text
        case let number as NSNumber: return number.stringValue
        default: return nil
        }
    }

    /// `*` matches any run of characters.
    static func wildcard(_ text: String, _ pattern: String) -> Bool {
        guard pattern.contains("*") else { return text == pattern }
        let pieces = pattern.split(separator: "*", omittingEmptySubsequences: false).map(String.init)
        var rest = text[...]
        for (index, piece) in pieces.enumerated() {
            if piece.isEmpty { continue }
            if index == 0 {
                guard rest.hasPrefix(piece) else { return false }
                rest = rest.dropFirst(piece.count)
            } else if index == pieces.count - 1 {
                return rest.hasSuffix(piece)
            } else {
                guard let range = rest.range(of: piece) else { return false }
                rest = rest[range.upperBound...]
            }
        }
        return true
    }
}
