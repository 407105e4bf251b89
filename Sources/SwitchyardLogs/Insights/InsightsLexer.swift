import Foundation

/// A query that does not compile: AWS's MalformedQueryException, with where in the query the
/// problem lies (character offsets, inclusive).
struct InsightsQueryError: Error, Sendable, Equatable {
    var message: String
    var start: Int
    var end: Int
}

/// A token of the query language, with the character offsets it spans.
struct InsightsToken: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case word(String)
        /// A field name written in backquotes (`` `user name` ``).
        case quotedName(String)
        case number(Double)
        case duration(InsightsDuration)
        case text(String)
        case regex(String)
        case symbol(String)
        case end
    }

    var kind: Kind
    var start: Int
    var end: Int
}

/// Splits a query into tokens. A `/` starts a regular expression where a value may begin and
/// divides after a value, so `a / 2` and `like /x/` both read as meant.
enum InsightsLexer {
    static let durationUnits: [String: InsightsDuration] = [
        "ms": .milliseconds(1), "s": .milliseconds(1000), "sec": .milliseconds(1000), "m": .milliseconds(60_000),
        "min": .milliseconds(60_000), "h": .milliseconds(3_600_000), "hr": .milliseconds(3_600_000),
        "d": .milliseconds(86_400_000), "w": .milliseconds(604_800_000), "mo": .months(1), "q": .months(3),
        "y": .months(12),
    ]

    private static let symbols = [
        "!=", "<=", ">=", "=~", "|", ",", "(", ")", "[", "]", "=", "<", ">", "+", "-", "*", "/", "%", "^",
    ]

    static func tokens(_ query: String) throws -> [InsightsToken] {
        let characters = Array(query)
        var tokens: [InsightsToken] = []
        var index = 0
        func isNameCharacter(_ character: Character) -> Bool {
            character.isLetter || character.isNumber || character == "_" || character == "@" || character == "."
                || character == "$"
        }
        while index < characters.count {
            let character = characters[index]
            if character.isWhitespace {
                index += 1
                continue
            }
            let start = index
            if character == "#" {
                // A comment runs to the end of the line.
                while index < characters.count, characters[index] != "\n" { index += 1 }
                continue
            }
            if character == "\"" || character == "'" {
                let (text, next) = try delimited(characters, from: start, closing: character, what: "string literal") {
                    switch $0 {
                    case "n": return "\n"
                    case "t": return "\t"
                    case "\"", "'", "\\": return String($0)
                    default: return "\\" + String($0)
                    }
                }
                index = next
                tokens.append(InsightsToken(kind: .text(text), start: start, end: index - 1))
                continue
            }
            if character == "`" {
                let (name, next) = try delimited(
                    characters, from: start, closing: "`", what: "field name", unescape: nil)
                index = next
                tokens.append(InsightsToken(kind: .quotedName(name), start: start, end: index - 1))
                continue
            }
            if character == "/", startsValue(after: tokens.last, parsing: tokens.dropLast().last) {
                // `\/` is a slash of the pattern; other escapes stay for the regular expression.
                let (pattern, next) = try delimited(characters, from: start, closing: "/", what: "regular expression") {
                    $0 == "/" ? "/" : "\\" + String($0)
                }
                index = next
                tokens.append(InsightsToken(kind: .regex(pattern), start: start, end: index - 1))
                continue
            }
            if character.isASCII, character.isNumber {
                var digits = ""
                while index < characters.count,
                    characters[index].isASCII && characters[index].isNumber || characters[index] == "."
                {
                    digits.append(characters[index])
                    index += 1
                }
                var unit = ""
                var unitEnd = index
                while unitEnd < characters.count, characters[unitEnd].isLetter {
                    unit.append(characters[unitEnd])
                    unitEnd += 1
                }
                if !unit.isEmpty, let duration = durationUnits[unit.lowercased()], let amount = Double(digits),
                    unitEnd == characters.count || !isNameCharacter(characters[unitEnd])
                {
                    let scaled: InsightsDuration
                    switch duration {
                    case .milliseconds(let each): scaled = .milliseconds(InsightsValue.whole(amount * Double(each)))
                    case .months(let each):
                        scaled = .months(Int(min(InsightsValue.whole(amount), 1_000_000)) * each)
                    }
                    index = unitEnd
                    tokens.append(InsightsToken(kind: .duration(scaled), start: start, end: index - 1))
                    continue
                }
                if unit.isEmpty, let value = Double(digits) {
                    tokens.append(InsightsToken(kind: .number(value), start: start, end: index - 1))
                    continue
                }
                // Digits that run into letters are a name (`2xx`, a field of a JSON event).
                index = start
            }
            if isNameCharacter(character) {
                var word = ""
                while index < characters.count, isNameCharacter(characters[index]) {
                    word.append(characters[index])
                    index += 1
                }
                tokens.append(InsightsToken(kind: .word(word), start: start, end: index - 1))
                continue
            }
            guard
                let symbol = symbols.first(where: { symbol in
                    let length = symbol.count
                    return index + length <= characters.count
                        && String(characters[index..<(index + length)]) == symbol
                })
            else {
                throw InsightsQueryError(
                    message:
                        "unexpected symbol found \(character) at line \(line(of: start, in: characters)) and position \(column(of: start, in: characters))",
                    start: start, end: start)
            }
            index += symbol.count
            tokens.append(InsightsToken(kind: .symbol(symbol), start: start, end: index - 1))
        }
        tokens.append(InsightsToken(kind: .end, start: characters.count, end: characters.count))
        return tokens
    }

    /// The text from after `characters[start]` up to the next `closing` that no backslash escapes,
    /// and where reading goes on; `unescape` says what a backslash and the character after it stand
    /// for (nil: backslashes are plain text).
    private static func delimited(
        _ characters: [Character], from start: Int, closing: Character, what: String,
        unescape: ((Character) -> String)?
    ) throws -> (text: String, next: Int) {
        var text = ""
        var index = start + 1
        while index < characters.count, characters[index] != closing {
            if let unescape, characters[index] == "\\", index + 1 < characters.count {
                index += 1
                text += unescape(characters[index])
            } else {
                text.append(characters[index])
            }
            index += 1
        }
        guard index < characters.count else {
            throw InsightsQueryError(message: "Unterminated \(what)", start: start, end: characters.count - 1)
        }
        return (text, index + 1)
    }

    /// Whether a `/` after this token begins a value (a regular expression) rather than dividing;
    /// after `parse <field>` it does too.
    private static func startsValue(after token: InsightsToken?, parsing earlier: InsightsToken?) -> Bool {
        guard let token else { return true }
        if case .word(let command)? = earlier?.kind, command.lowercased() == "parse" { return true }
        switch token.kind {
        case .symbol(let symbol): return symbol != ")" && symbol != "]"
        case .word(let word): return InsightsParser.operatorWords.contains(word.lowercased())
        default: return false
        }
    }

    static func line(of offset: Int, in characters: [Character]) -> Int {
        characters[..<min(offset, characters.count)].filter { $0 == "\n" }.count + 1
    }

    static func column(of offset: Int, in characters: [Character]) -> Int {
        let before = characters[..<min(offset, characters.count)]
        let lineStart = before.lastIndex(of: "\n").map { $0 + 1 } ?? 0
        return offset - lineStart + 1
    }
}
