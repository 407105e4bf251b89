// Amazon SES email templates: the subset of Handlebars that SES documents, compiled once and rendered against the
// JSON template data of a send.
//
// What SES documents (Amazon SES Developer Guide, "Advanced email personalization",
// send-personalized-email-advanced): nested attributes (`{{contact.firstName}}`), iterating lists with `each`,
// basic conditionals with `if` / `else`, and inline partials (`{{#* inline "name"}}…{{/inline}}` used as
// `{{> name}}`), pointing to handlebarsjs.com's built-in helpers for the rest. So this renderer implements
// Handlebars' core: `if`, `unless`, `each`, `with`, `lookup`, `log`, `else` / `else if` chains, block parameters,
// mustache-style sections (`{{#list}}`, `{{^list}}`), `../` and `@root` paths, `@index` / `@first` / `@last` /
// `@key`, comments, `~` whitespace control and Handlebars' standalone-line rules. SES documents no helpers beyond
// Handlebars' core, so others (`{{#eq a b}}`) fail when rendered, as a missing attribute named after the helper:
// SES answers "Attribute 'IF' is not present in the rendering data." for a mistyped `{{#IF x}}`.
//
// Escaping: the same guide says "SES doesn't escape HTML content when rendering the HTML template for a message",
// so `{{x}}`, `{{{x}}}` and `{{&x}}` all print the value as is.
//
// Missing data: a printed variable that is absent fails with MissingRenderingAttribute, "Attribute 'name' is not
// present in the rendering data." (the sample Rendering Failure events in the SES developer guide,
// event-publishing-retrieving-sns-examples, carry this text; moto's test_render_template expects it from
// TestRenderTemplate). A condition is different: the guide's `{{#if subscription}}`
// example renders the `else` branch for a recipient whose data has no `subscription` at all. The rule here is
// Handlebars' strict mode, which matches both: a value that is printed (or names a `{{#section}}`) must exist,
// while helper arguments (`if`, `unless`, `each`, `with`, `lookup`) may be absent and are then simply false/empty.
// A printed `null` counts as missing (a report on aws/aws-sdk-js#2239 says a null variable fails the send).
// The missing path is reported as written (`contact.firstName`); that nested form is a best guess.

/// A JSON value used as template data. Objects keep their members in document order, which is the order `each`
/// visits them in.
enum TemplateValue: Sendable {
    case string(String)
    /// A number and the text it was written as; a template prints the text, so `3` stays `3`, not `3.0`.
    case number(Double, text: String)
    case bool(Bool)
    case null
    case array([TemplateValue])
    /// Members in document order. A key written twice keeps its first position and its last value, as JSON.parse.
    case object([(String, TemplateValue)])
}

extension TemplateValue: Equatable {
    static func == (lhs: TemplateValue, rhs: TemplateValue) -> Bool {
        switch (lhs, rhs) {
        case let (.string(left), .string(right)): left == right
        case let (.number(left, _), .number(right, _)): left == right
        case let (.bool(left), .bool(right)): left == right
        case (.null, .null): true
        case let (.array(left), .array(right)): left == right
        case let (.object(left), .object(right)):
            left.count == right.count && zip(left, right).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: false
        }
    }
}

extension TemplateValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    init(stringLiteral value: String) { self = .string(value) }
    init(integerLiteral value: Int) { self = .number(Double(value), text: String(value)) }
    init(floatLiteral value: Double) { self = .number(value, text: String(value)) }
    init(booleanLiteral value: Bool) { self = .bool(value) }
    init(arrayLiteral elements: TemplateValue...) { self = .array(elements) }
    init(dictionaryLiteral elements: (String, TemplateValue)...) { self = .object(elements) }
    init(nilLiteral: ()) { self = .null }
}

extension TemplateValue {
    /// Nesting deeper than this is refused rather than risking the stack on hostile input.
    static let maxJSONDepth = 256

    /// Parses template data. A hand-written parser rather than JSONSerialization so that object members keep their
    /// order, numbers keep their text, and `true` never turns into `1` on Linux.
    /// - Throws: `TemplateError.invalidRenderingParameter` when the bytes are not one valid JSON value.
    init(jsonData: [UInt8]) throws {
        var parser = TemplateJSONParser(bytes: jsonData)
        self = try parser.parseDocument()
    }

    init(jsonString: String) throws {
        try self.init(jsonData: Array(jsonString.utf8))
    }
}

/// Why a template could not be compiled or rendered, with the error code and message SES answers with.
enum TemplateError: Error, Equatable, Sendable {
    /// The template text is not one SES can render: a syntax error, an unknown helper, a missing partial. Carries
    /// the detail that follows "Template is invalid: ".
    case invalidTemplate(String)
    /// A value the template prints is absent from the data. Carries the attribute's path as written.
    case missingRenderingAttribute(String)
    /// The rendering data is unusable, e.g. not JSON. Carries the whole message.
    case invalidRenderingParameter(String)

    /// SES v2 answers SendEmail with invalid TemplateData with this text (BadRequestException, aws/aws-cli#6349);
    /// the v1 InvalidRenderingParameter message is not documented, so both use it.
    static let invalidJSONMessage = "Unable to parse template data (invalid JSON)."

    /// The SES v1 (query protocol) error code.
    var code: String {
        switch self {
        case .invalidTemplate: "InvalidTemplate"
        case .missingRenderingAttribute: "MissingRenderingAttribute"
        case .invalidRenderingParameter: "InvalidRenderingParameter"
        }
    }

    var message: String {
        switch self {
        // SES's wording for template syntax errors is undocumented; this prefix is a best guess.
        case .invalidTemplate(let detail): "Template is invalid: \(detail)"
        case .missingRenderingAttribute(let name): "Attribute '\(name)' is not present in the rendering data."
        case .invalidRenderingParameter(let message): message
        }
    }
}

/// An SES template part (subject, text or HTML), compiled once and rendered for each recipient.
struct SESTemplate: Sendable {
    let text: String
    private let program: [TemplateNode]

    /// Block nesting deeper than this is refused when compiling; rendering also caps partial recursion.
    static let maxNesting = 100

    /// Compiles `text`.
    /// - Throws: `TemplateError.invalidTemplate` for syntax errors, unknown helpers and partials never defined.
    init(parsing text: String) throws {
        self.text = text
        var lexer = TemplateLexer(bytes: Array(text.utf8))
        var tokens = try lexer.tokenize()
        TemplateWhitespace.apply(to: &tokens)
        program = try TemplateTreeBuilder.build(tokens)
        var defined: Set<String> = []
        var referenced: [String] = []
        Self.collectPartials(program, defined: &defined, referenced: &referenced)
        if let missing = referenced.first(where: { !defined.contains($0) }) {
            throw TemplateError.invalidTemplate("The partial \(missing) could not be found.")
        }
    }

    /// Renders the template against `data` (usually a JSON object).
    /// - Throws: `TemplateError.missingRenderingAttribute` when a printed value is absent, or
    ///   `.invalidTemplate` when rendering runs past its limits or a partial is not in scope.
    func render(_ data: TemplateValue) throws -> String {
        var rendering = TemplateRendering(root: data)
        try rendering.render(program)
        return rendering.output
    }

    private static func collectPartials(
        _ nodes: [TemplateNode], defined: inout Set<String>, referenced: inout [String]
    ) {
        for node in nodes {
            switch node {
            case .block(let block):
                collectPartials(block.program, defined: &defined, referenced: &referenced)
                collectPartials(block.inverse, defined: &defined, referenced: &referenced)
            case .inlinePartial(let name, let body):
                defined.insert(name)
                collectPartials(body, defined: &defined, referenced: &referenced)
            case .partial(let call):
                referenced.append(call.name)
            case .text, .value, .lookup, .missingHelper:
                break
            }
        }
    }
}

// MARK: - Compiled form

/// A path such as `contact.firstName`, `../name`, `this`, `@index` or `@root.meta.userId`.
private struct TemplatePath: Sendable {
    /// As written, for error messages.
    var original: String
    /// Starts with `@`: looks in the data frames (`@index`, `@key`, …) or at `@root`.
    var isData: Bool
    /// How many leading `../` climb out of contexts pushed by `each`, `with` and sections.
    var depth: Int
    /// Written with `this` or `.`, so the first segment never names a block parameter.
    var isExplicitContext: Bool
    var segments: [String]
}

private enum TemplateExpression: Sendable {
    case path(TemplatePath)
    case literal(TemplateValue)
}

private struct TemplateHashPair: Sendable {
    var key: String
    var value: TemplateExpression
}

private enum TemplateBlockHelper: Sendable {
    case ifHelper, unless, each, with
    /// A block whose name is not a helper: Handlebars' blockHelperMissing, i.e. a mustache section.
    case section
}

private struct TemplateBlock: Sendable {
    var helper: TemplateBlockHelper
    /// The helper's argument; for a section, the path it is named after.
    var parameter: TemplateExpression
    var hash: [TemplateHashPair]
    var blockParameters: [String]
    var program: [TemplateNode]
    var inverse: [TemplateNode]
}

private struct TemplatePartialCall: Sendable {
    var name: String
    var context: TemplateExpression?
    var hash: [TemplateHashPair]
    /// The blanks before a standalone `{{> name}}`, repeated on every line the partial prints.
    var indent: String
}

private enum TemplateNode: Sendable {
    case text(String)
    case value(TemplateExpression)
    case lookup(TemplateExpression, TemplateExpression)
    case block(TemplateBlock)
    case partial(TemplatePartialCall)
    case inlinePartial(name: String, program: [TemplateNode])
    /// A call of a helper SES does not have, such as `{{#eq a b}}`: it fails when rendered, not when compiled,
    /// because SES reports it then ("Attribute 'IF' is not present in the rendering data." for `{{#IF x}}`).
    case missingHelper(TemplatePath)
}

// MARK: - Lexing

/// A name with arguments, as written inside `{{ }}`.
private struct TemplateInvocation {
    var name: TemplateExpression
    var nameText: String
    var parameters: [TemplateExpression] = []
    var hash: [TemplateHashPair] = []
    var blockParameters: [String] = []
}

private enum TemplateTagKind {
    case comment
    case output(TemplateInvocation)
    case open(TemplateInvocation, inverted: Bool)
    case inlineOpen(String)
    case elseTag(TemplateInvocation?)
    case close(String)
    case partial(TemplatePartialCall)

    /// Tags that vanish with their line when they stand alone on it (Handlebars' standalone rule).
    var canStandAlone: Bool {
        if case .output = self { return false }
        return true
    }
}

private struct TemplateTag {
    var kind: TemplateTagKind
    /// `{{~`: strip all whitespace before the tag.
    var stripsBefore: Bool
    /// `~}}`: strip all whitespace after the tag.
    var stripsAfter: Bool
    var line: Int
}

private struct TemplateText {
    var value: String
    let original: String
    /// Whitespace was already removed from the end (by `~` or a standalone tag after it).
    var leftStripped = false
    /// Whitespace was already removed from the start.
    var rightStripped = false
}

private enum TemplateToken {
    case text(TemplateText)
    case tag(TemplateTag)
}

private enum ASCII {
    static let openBrace = UInt8(ascii: "{")
    static let tilde = UInt8(ascii: "~")
    static let bang = UInt8(ascii: "!")
    static let backslash = UInt8(ascii: "\\")
    static let newline = UInt8(ascii: "\n")
    static let doubleQuote = UInt8(ascii: "\"")
    static let singleQuote = UInt8(ascii: "'")
    static let openBracket = UInt8(ascii: "[")
    static let closeBracket = UInt8(ascii: "]")
}

/// Splits template text into text runs and tags, parsing each tag's contents.
private struct TemplateLexer {
    let bytes: [UInt8]
    private var index = 0
    private var line = 1
    private var tokens: [TemplateToken] = []
    private var pendingText: [UInt8] = []

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    mutating func tokenize() throws -> [TemplateToken] {
        while index < bytes.count {
            guard isTagStart(at: index) else {
                take(bytes[index])
                index += 1
                continue
            }
            // `\{{` prints the text up to the next `{{` literally; `\\{{` is a backslash before a real tag.
            if pendingText.last == ASCII.backslash {
                let doubled = pendingText.count >= 2 && pendingText[pendingText.count - 2] == ASCII.backslash
                pendingText.removeLast()
                if !doubled {
                    let end = nextTagStart(from: index + 2) ?? bytes.count
                    for byte in bytes[index..<end] { take(byte) }
                    index = end
                    continue
                }
            }
            flushText()
            try lexTag()
        }
        flushText()
        return tokens
    }

    private func isTagStart(at position: Int) -> Bool {
        position + 1 < bytes.count && bytes[position] == ASCII.openBrace && bytes[position + 1] == ASCII.openBrace
    }

    private func nextTagStart(from position: Int) -> Int? {
        var cursor = position
        while cursor + 1 < bytes.count {
            if isTagStart(at: cursor) { return cursor }
            cursor += 1
        }
        return nil
    }

    private mutating func take(_ byte: UInt8) {
        if byte == ASCII.newline { line += 1 }
        pendingText.append(byte)
    }

    private mutating func flushText() {
        guard !pendingText.isEmpty else { return }
        // Cut only at ASCII delimiters, so the run is whole UTF-8.
        let text = String(decoding: pendingText, as: UTF8.self)
        tokens.append(.text(TemplateText(value: text, original: text)))
        pendingText.removeAll(keepingCapacity: true)
    }

    private func matches(_ literal: String, at position: Int) -> Bool {
        let pattern = Array(literal.utf8)
        guard position >= 0, position + pattern.count <= bytes.count else { return false }
        return bytes[position..<(position + pattern.count)].elementsEqual(pattern)
    }

    private func unterminated(_ tagLine: Int) -> TemplateError {
        .invalidTemplate("Unterminated tag at line \(tagLine).")
    }

    /// Lexes the tag starting at `index` (which points at `{{`) and moves past it.
    private mutating func lexTag() throws {
        let start = index
        let tagLine = line
        var cursor = index + 2
        var stripsBefore = false
        if cursor < bytes.count, bytes[cursor] == ASCII.tilde {
            stripsBefore = true
            cursor += 1
        }
        guard cursor < bytes.count else { throw unterminated(tagLine) }

        let kind: TemplateTagKind
        let end: Int
        let stripsAfter: Bool
        if bytes[cursor] == ASCII.bang {
            (end, stripsAfter) = try commentEnd(from: cursor + 1, tagLine: tagLine)
            kind = .comment
        } else if bytes[cursor] == ASCII.openBrace {
            let close = try closingDelimiter(from: cursor + 1, triple: true, tagLine: tagLine)
            end = close.end
            stripsAfter = close.strips
            let content = String(decoding: bytes[(cursor + 1)..<close.contentEnd], as: UTF8.self)
            kind = .output(try TemplateTagParser.invocation(content, line: tagLine))
        } else {
            let close = try closingDelimiter(from: cursor, triple: false, tagLine: tagLine)
            end = close.end
            stripsAfter = close.strips
            let content = String(decoding: bytes[cursor..<close.contentEnd], as: UTF8.self)
            kind = try TemplateTagParser.tag(content, line: tagLine)
        }
        for byte in bytes[start..<end] where byte == ASCII.newline { line += 1 }
        index = end
        let tag = TemplateTag(kind: kind, stripsBefore: stripsBefore, stripsAfter: stripsAfter, line: tagLine)
        tokens.append(.tag(tag))
    }

    /// Finds the end of `{{! … }}` or `{{!-- … --}}` (the long form may contain `}}`).
    private func commentEnd(from position: Int, tagLine: Int) throws -> (end: Int, strips: Bool) {
        if matches("--", at: position) {
            var cursor = position + 2
            while cursor < bytes.count {
                if matches("--}}", at: cursor) { return (cursor + 4, false) }
                if matches("--~}}", at: cursor) { return (cursor + 5, true) }
                cursor += 1
            }
            throw unterminated(tagLine)
        }
        var cursor = position
        while cursor < bytes.count {
            if matches("}}", at: cursor) {
                return (cursor + 2, cursor > position && bytes[cursor - 1] == ASCII.tilde)
            }
            cursor += 1
        }
        throw unterminated(tagLine)
    }

    /// Finds the `}}` (or `}}}`) that closes a tag, skipping quoted strings and `[…]` segments that may hold braces.
    private func closingDelimiter(
        from position: Int, triple: Bool, tagLine: Int
    ) throws -> (contentEnd: Int, end: Int, strips: Bool) {
        var cursor = position
        while cursor < bytes.count {
            let byte = bytes[cursor]
            if byte == ASCII.doubleQuote || byte == ASCII.singleQuote || byte == ASCII.openBracket {
                let closer = byte == ASCII.openBracket ? ASCII.closeBracket : byte
                var inner = cursor + 1
                while inner < bytes.count, bytes[inner] != closer {
                    inner += bytes[inner] == ASCII.backslash && closer != ASCII.closeBracket ? 2 : 1
                }
                guard inner < bytes.count else { throw unterminated(tagLine) }
                cursor = inner + 1
                continue
            }
            if triple {
                if matches("}}}", at: cursor) { return (cursor, cursor + 3, false) }
                if matches("}~}}", at: cursor) { return (cursor, cursor + 4, true) }
            } else {
                if matches("~}}", at: cursor) { return (cursor, cursor + 3, true) }
                if matches("}}", at: cursor) { return (cursor, cursor + 2, false) }
            }
            cursor += 1
        }
        throw unterminated(tagLine)
    }
}

/// Parses what is inside one `{{ }}`.
private enum TemplateTagParser {
    enum Lexeme: Equatable {
        case word(String)
        case string(String)
        case equals
        case pipe
        case parenthesis
    }

    static func tag(_ raw: String, line: Int) throws -> TemplateTagKind {
        let content = Substring(raw)
        guard let sigil = content.first else { throw empty(line) }
        let rest = String(content.dropFirst())
        switch sigil {
        case "#":
            if rest.hasPrefix("*") { return .inlineOpen(try inlineName(String(rest.dropFirst()), line: line)) }
            if rest.hasPrefix(">") { throw unsupported("partial blocks ({{#> …}})", line: line) }
            return .open(try invocation(rest, line: line), inverted: false)
        case "^":
            if rest.allSatisfy(\.isWhitespace) { return .elseTag(nil) }
            return .open(try invocation(rest, line: line), inverted: true)
        case "/":
            let name = rest.trimmingBlanks()
            guard !name.isEmpty else { throw empty(line) }
            return .close(name)
        case ">":
            return .partial(try partialCall(rest, line: line))
        case "&":
            return .output(try invocation(rest, line: line))
        default:
            let lexemes = try lex(raw, line: line)
            if lexemes.first == .word("else") {
                guard lexemes.count > 1 else { return .elseTag(nil) }
                return .elseTag(try invocation(Array(lexemes.dropFirst()), line: line))
            }
            return .output(try invocation(lexemes, line: line))
        }
    }

    static func invocation(_ raw: String, line: Int) throws -> TemplateInvocation {
        try invocation(try lex(raw, line: line), line: line)
    }

    private static func invocation(_ lexemes: [Lexeme], line: Int) throws -> TemplateInvocation {
        guard let first = lexemes.first else { throw empty(line) }
        var result: TemplateInvocation
        switch first {
        case .word(let word):
            result = TemplateInvocation(name: try expression(word, line: line), nameText: word)
        case .string(let text):
            // A quoted name is a path segment in Handlebars (`{{"first name"}}`).
            let path = TemplatePath(original: text, isData: false, depth: 0, isExplicitContext: false, segments: [text])
            result = TemplateInvocation(name: .path(path), nameText: text)
        default:
            throw invalid("Expected a name", line: line)
        }
        var position = 1
        while position < lexemes.count {
            let lexeme = lexemes[position]
            if case .word(let key) = lexeme, position + 1 < lexemes.count, lexemes[position + 1] == .equals {
                guard position + 2 < lexemes.count else { throw invalid("Expected a value after \(key)=", line: line) }
                result.hash.append(TemplateHashPair(key: key, value: try argument(lexemes[position + 2], line: line)))
                position += 3
            } else if lexeme == .word("as"), position + 1 < lexemes.count, lexemes[position + 1] == .pipe {
                position += 2
                while position < lexemes.count, case .word(let name) = lexemes[position] {
                    result.blockParameters.append(name)
                    position += 1
                }
                guard position < lexemes.count, lexemes[position] == .pipe, !result.blockParameters.isEmpty else {
                    throw invalid("Malformed block parameters", line: line)
                }
                position += 1
                guard position == lexemes.count else { throw invalid("Block parameters must come last", line: line) }
            } else {
                result.parameters.append(try argument(lexeme, line: line))
                position += 1
            }
        }
        return result
    }

    private static func argument(_ lexeme: Lexeme, line: Int) throws -> TemplateExpression {
        switch lexeme {
        case .word(let word): return try expression(word, line: line)
        case .string(let text): return .literal(.string(text))
        case .parenthesis: throw unsupported("subexpressions", line: line)
        case .equals, .pipe: throw invalid("Unexpected symbol", line: line)
        }
    }

    private static func partialCall(_ raw: String, line: Int) throws -> TemplatePartialCall {
        let lexemes = try lex(raw, line: line)
        let name: String
        switch lexemes.first {
        case .word(let word)?: name = word
        case .string(let text)?: name = text
        case .parenthesis?: throw unsupported("dynamic partials", line: line)
        default: throw invalid("Expected a partial name", line: line)
        }
        var call = TemplatePartialCall(name: name, context: nil, hash: [], indent: "")
        var position = 1
        while position < lexemes.count {
            if case .word(let key) = lexemes[position], position + 2 < lexemes.count, lexemes[position + 1] == .equals {
                call.hash.append(TemplateHashPair(key: key, value: try argument(lexemes[position + 2], line: line)))
                position += 3
            } else if call.context == nil, call.hash.isEmpty {
                call.context = try argument(lexemes[position], line: line)
                position += 1
            } else {
                throw invalid("Too many arguments to partial \(name)", line: line)
            }
        }
        return call
    }

    private static func inlineName(_ raw: String, line: Int) throws -> String {
        let lexemes = try lex(raw, line: line)
        guard lexemes.first == .word("inline") else { throw unsupported("decorators other than inline", line: line) }
        guard lexemes.count == 2 else { throw invalid("Expected {{#* inline \"name\"}}", line: line) }
        switch lexemes[1] {
        case .string(let name), .word(let name): return name
        default: throw invalid("Expected {{#* inline \"name\"}}", line: line)
        }
    }

    /// Interprets a bare word: a number, `true` / `false` / `null` / `undefined`, or a path.
    private static func expression(_ word: String, line: Int) throws -> TemplateExpression {
        switch word {
        case "true": return .literal(.bool(true))
        case "false": return .literal(.bool(false))
        case "null", "undefined": return .literal(.null)
        default: break
        }
        if isNumberLiteral(word), let value = Double(word) { return .literal(.number(value, text: word)) }
        return .path(try path(word, line: line))
    }

    private static func isNumberLiteral(_ word: String) -> Bool {
        var scalars = Substring(word).unicodeScalars[...]
        if scalars.first == "-" { scalars = scalars.dropFirst() }
        let parts = scalars.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        return !parts.isEmpty && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { ("0"..."9").contains($0) } }
    }

    private static func path(_ word: String, line: Int) throws -> TemplatePath {
        let characters = Array(word)
        var position = 0
        var isData = false
        if characters.first == "@" {
            isData = true
            position = 1
        }
        var parts: [(text: String, literal: Bool)] = []
        while true {
            guard position < characters.count else { throw invalid("Invalid path: \(word)", line: line) }
            if characters[position] == "[" {
                guard let close = characters[(position + 1)...].firstIndex(of: "]") else {
                    throw invalid("Invalid path: \(word)", line: line)
                }
                parts.append((String(characters[(position + 1)..<close]), true))
                position = close + 1
            } else if characters[position] == ".", position + 1 < characters.count, characters[position + 1] == "." {
                parts.append(("..", false))
                position += 2
            } else if characters[position] == "." {
                parts.append((".", false))
                position += 1
            } else {
                var end = position
                while end < characters.count, !".[/".contains(characters[end]) { end += 1 }
                guard end > position else { throw invalid("Invalid path: \(word)", line: line) }
                parts.append((String(characters[position..<end]), false))
                position = end
            }
            if position == characters.count { break }
            guard characters[position] == "." || characters[position] == "/" else {
                throw invalid("Invalid path: \(word)", line: line)
            }
            position += 1
        }
        var depth = 0
        var index = 0
        while index < parts.count, !parts[index].literal, parts[index].text == ".." {
            depth += 1
            index += 1
        }
        var isExplicit = false
        if index < parts.count, !parts[index].literal, parts[index].text == "." || parts[index].text == "this" {
            isExplicit = true
            index += 1
        }
        let segments = parts[index...]
        if segments.contains(where: { !$0.literal && ["..", ".", "this"].contains($0.text) }) {
            throw invalid("Invalid path: \(word)", line: line)
        }
        return TemplatePath(
            original: word, isData: isData, depth: depth, isExplicitContext: isExplicit,
            segments: segments.map(\.text))
    }

    /// Splits tag contents into words, quoted strings and the symbols `=`, `|`, `(`, `)`.
    private static func lex(_ raw: String, line: Int) throws -> [Lexeme] {
        let characters = Array(raw)
        var lexemes: [Lexeme] = []
        var position = 0
        while position < characters.count {
            let character = characters[position]
            if character.isWhitespace {
                position += 1
            } else if character == "\"" || character == "'" {
                var text = ""
                var cursor = position + 1
                while cursor < characters.count, characters[cursor] != character {
                    if characters[cursor] == "\\", cursor + 1 < characters.count, characters[cursor + 1] == character {
                        cursor += 1
                    }
                    text.append(characters[cursor])
                    cursor += 1
                }
                guard cursor < characters.count else { throw invalid("Unterminated string", line: line) }
                lexemes.append(.string(text))
                position = cursor + 1
            } else if character == "=" {
                lexemes.append(.equals)
                position += 1
            } else if character == "|" {
                lexemes.append(.pipe)
                position += 1
            } else if character == "(" || character == ")" {
                lexemes.append(.parenthesis)
                position += 1
            } else {
                var word = ""
                while position < characters.count {
                    let current = characters[position]
                    if current.isWhitespace || "=|()".contains(current) { break }
                    if current == "[", let close = characters[position...].firstIndex(of: "]") {
                        word.append(contentsOf: characters[position...close])
                        position = close + 1
                        continue
                    }
                    word.append(current)
                    position += 1
                }
                lexemes.append(.word(word))
            }
        }
        return lexemes
    }

    private static func empty(_ line: Int) -> TemplateError {
        .invalidTemplate("Empty expression at line \(line).")
    }

    private static func invalid(_ what: String, line: Int) -> TemplateError {
        .invalidTemplate("\(what) at line \(line).")
    }

    private static func unsupported(_ what: String, line: Int) -> TemplateError {
        .invalidTemplate("SES templates do not support \(what) (line \(line)).")
    }
}

// MARK: - Whitespace control

/// Applies `~` and Handlebars' standalone rule: a block, `else`, comment or partial tag alone on its line takes
/// the line's indentation and line break with it. Works on the flat token list, where a tag's neighbours are the
/// same text runs Handlebars' per-program rules look at.
private enum TemplateWhitespace {
    static func apply(to tokens: inout [TemplateToken]) {
        // Standalone-ness is judged on the text as written, before any stripping.
        var standalone = [Bool](repeating: false, count: tokens.count)
        for index in tokens.indices {
            guard case .tag(let tag) = tokens[index], tag.kind.canStandAlone else { continue }
            standalone[index] = isLineStartBefore(index, in: tokens) && isLineEndAfter(index, in: tokens)
        }
        for index in tokens.indices {
            guard case .tag(var tag) = tokens[index] else { continue }
            if tag.stripsAfter { omitRight(after: index, in: &tokens, multiple: true) }
            if tag.stripsBefore { _ = omitLeft(before: index, in: &tokens, multiple: true) }
            if standalone[index] {
                omitRight(after: index, in: &tokens, multiple: false)
                if omitLeft(before: index, in: &tokens, multiple: false), case .partial(var call) = tag.kind,
                    case .text(let previous) = tokens[index - 1]
                {
                    call.indent = trailingBlanks(previous.original)
                    tag.kind = .partial(call)
                    tokens[index] = .tag(tag)
                }
            }
            // SES: "The newline character (\n) is required to separate the {{inline}} block from the content in
            // your template. The newline isn't rendered in the final output." Handlebars alone would keep it when
            // the partial's body ends in a tag, so drop it explicitly.
            if case .close("inline") = tag.kind, index + 1 < tokens.count, case .text(var next) = tokens[index + 1] {
                next.value = dropLeadingLineBreak(next.value, requireBreak: true)
                tokens[index + 1] = .text(next)
            }
        }
    }

    private static func isBlank(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar == "\t"
    }

    private static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        isBlank(scalar) || scalar == "\n" || scalar == "\r" || scalar == "\u{0B}" || scalar == "\u{0C}"
    }

    /// True when the text before the tag ends a line (or the tag opens the template).
    private static func isLineStartBefore(_ index: Int, in tokens: [TemplateToken]) -> Bool {
        guard index > 0 else { return true }
        guard case .text(let previous) = tokens[index - 1] else { return false }
        let trailing = previous.original.unicodeScalars.reversed().prefix(while: isSpace)
        if trailing.contains("\n") { return true }
        return index - 1 == 0 && trailing.count == previous.original.unicodeScalars.count
    }

    /// True when the text after the tag starts a new line (or the tag closes the template).
    private static func isLineEndAfter(_ index: Int, in tokens: [TemplateToken]) -> Bool {
        guard index + 1 < tokens.count else { return true }
        guard case .text(let next) = tokens[index + 1] else { return false }
        let leading = next.original.unicodeScalars.prefix(while: isSpace)
        if leading.contains("\n") { return true }
        return index + 1 == tokens.count - 1 && leading.count == next.original.unicodeScalars.count
    }

    private static func omitRight(after index: Int, in tokens: inout [TemplateToken], multiple: Bool) {
        guard index + 1 < tokens.count, case .text(var next) = tokens[index + 1] else { return }
        if !multiple && next.rightStripped { return }
        let before = next.value
        if multiple {
            next.value = String(before.unicodeScalars.drop(while: isSpace))
        } else {
            next.value = dropLeadingLineBreak(before, requireBreak: false)
        }
        next.rightStripped = next.value != before
        tokens[index + 1] = .text(next)
    }

    private static func omitLeft(before index: Int, in tokens: inout [TemplateToken], multiple: Bool) -> Bool {
        guard index > 0, case .text(var previous) = tokens[index - 1] else { return false }
        if !multiple && previous.leftStripped { return false }
        let before = previous.value
        let scalars = before.unicodeScalars
        let kept = scalars.count - scalars.reversed().prefix(while: multiple ? isSpace : isBlank).count
        previous.value = String(String.UnicodeScalarView(scalars.prefix(kept)))
        previous.leftStripped = previous.value != before
        tokens[index - 1] = .text(previous)
        return previous.leftStripped
    }

    /// Drops leading blanks and one line break; with `requireBreak`, only when a line break follows the blanks.
    private static func dropLeadingLineBreak(_ text: String, requireBreak: Bool) -> String {
        var rest = text.unicodeScalars.drop(while: isBlank)
        if rest.first == "\r", rest.dropFirst().first == "\n" {
            rest = rest.dropFirst(2)
        } else if rest.first == "\n" {
            rest = rest.dropFirst()
        } else if requireBreak {
            return text
        }
        return String(rest)
    }

    private static func trailingBlanks(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.reversed().prefix(while: isBlank).reversed()))
    }
}

// MARK: - Tree building

/// Matches open, `else` and close tags into a tree, iteratively so that nesting cannot exhaust the stack.
private enum TemplateTreeBuilder {
    private struct OpenBlock {
        /// nil for the template itself and for inline partial definitions.
        var invocation: TemplateInvocation?
        var inverted = false
        var inlineName: String?
        var closeName: String
        /// Opened by `{{else if …}}`: closed by its parent's close tag.
        var chained = false
        var line: Int
        var program: [TemplateNode] = []
        var inverse: [TemplateNode] = []
        var inInverse = false

        mutating func append(_ node: TemplateNode) {
            if inInverse { inverse.append(node) } else { program.append(node) }
        }
    }

    static func build(_ tokens: [TemplateToken]) throws -> [TemplateNode] {
        var stack = [OpenBlock(closeName: "", line: 1)]
        for token in tokens {
            switch token {
            case .text(let text):
                if !text.value.isEmpty { stack[stack.count - 1].append(.text(text.value)) }
            case .tag(let tag):
                try handle(tag, stack: &stack)
            }
            guard stack.count <= SESTemplate.maxNesting + 1 else {
                throw TemplateError.invalidTemplate("Blocks are nested more than \(SESTemplate.maxNesting) deep.")
            }
        }
        if stack.count > 1, let open = stack.last {
            throw TemplateError.invalidTemplate("The block {{#\(open.closeName)}} at line \(open.line) is not closed.")
        }
        return stack[0].program
    }

    private static func handle(_ tag: TemplateTag, stack: inout [OpenBlock]) throws {
        switch tag.kind {
        case .comment:
            break
        case .output(let invocation):
            stack[stack.count - 1].append(try outputNode(invocation, line: tag.line))
        case .partial(let call):
            stack[stack.count - 1].append(.partial(call))
        case .open(let invocation, let inverted):
            stack.append(
                OpenBlock(invocation: invocation, inverted: inverted, closeName: invocation.nameText, line: tag.line))
        case .inlineOpen(let name):
            stack.append(OpenBlock(inlineName: name, closeName: "inline", line: tag.line))
        case .elseTag(let chain):
            guard stack.count > 1, stack[stack.count - 1].invocation != nil else {
                throw TemplateError.invalidTemplate("{{else}} outside a block at line \(tag.line).")
            }
            guard !stack[stack.count - 1].inInverse else {
                throw TemplateError.invalidTemplate("A second {{else}} in one block at line \(tag.line).")
            }
            stack[stack.count - 1].inInverse = true
            if let chain {
                let closeName = stack[stack.count - 1].closeName
                stack.append(OpenBlock(invocation: chain, closeName: closeName, chained: true, line: tag.line))
            }
        case .close(let name):
            guard stack.count > 1 else {
                throw TemplateError.invalidTemplate("{{/\(name)}} at line \(tag.line) closes no block.")
            }
            guard name == stack[stack.count - 1].closeName else {
                let open = stack[stack.count - 1]
                throw TemplateError.invalidTemplate(
                    "{{#\(open.closeName)}} at line \(open.line) doesn't match {{/\(name)}} at line \(tag.line).")
            }
            // Pop the whole `else if` chain: each link becomes the inverse of the one before it.
            while true {
                let open = stack.removeLast()
                stack[stack.count - 1].append(try finish(open))
                if !open.chained { break }
            }
        }
    }

    private static func outputNode(_ invocation: TemplateInvocation, line: Int) throws -> TemplateNode {
        guard !invocation.parameters.isEmpty || !invocation.hash.isEmpty else { return .value(invocation.name) }
        switch helperName(invocation) {
        case "lookup":
            guard invocation.parameters.count == 2 else {
                throw TemplateError.invalidTemplate("lookup requires two arguments at line \(line).")
            }
            return .lookup(invocation.parameters[0], invocation.parameters[1])
        case "log":
            return .text("")
        default:
            guard case .path(let path) = invocation.name else {
                throw TemplateError.invalidTemplate("Missing helper: \"\(invocation.nameText)\" at line \(line).")
            }
            return .missingHelper(path)
        }
    }

    /// The name when it could be a helper: a single plain identifier.
    private static func helperName(_ invocation: TemplateInvocation) -> String? {
        guard case .path(let path) = invocation.name, !path.isData, path.depth == 0, !path.isExplicitContext,
            path.segments.count == 1
        else { return nil }
        return path.segments[0]
    }

    private static func finish(_ open: OpenBlock) throws -> TemplateNode {
        guard let invocation = open.invocation else {
            return .inlinePartial(name: open.inlineName ?? "", program: open.program)
        }
        let helper: TemplateBlockHelper
        let parameter: TemplateExpression
        switch helperName(invocation) {
        case let name? where ["if", "unless", "each", "with"].contains(name):
            guard invocation.parameters.count == 1 else {
                throw TemplateError.invalidTemplate("#\(name) requires exactly one argument at line \(open.line).")
            }
            helper = name == "if" ? .ifHelper : name == "unless" ? .unless : name == "each" ? .each : .with
            parameter = invocation.parameters[0]
        default:
            guard case .path(let path) = invocation.name else {
                throw TemplateError.invalidTemplate("A block needs a name at line \(open.line).")
            }
            guard invocation.parameters.isEmpty, invocation.hash.isEmpty else { return .missingHelper(path) }
            helper = .section
            parameter = invocation.name
        }
        // `{{^x}}` is the same block with its two branches swapped.
        return .block(
            TemplateBlock(
                helper: helper, parameter: parameter, hash: invocation.hash,
                blockParameters: invocation.blockParameters,
                program: open.inverted ? open.inverse : open.program,
                inverse: open.inverted ? open.program : open.inverse))
    }
}

// MARK: - Rendering

/// One render of a compiled template: the context stack, inline partials in scope, and the output so far.
private struct TemplateRendering {
    /// Work and size ceilings, so that a hostile template (say, a partial that calls itself twice) fails instead of
    /// spinning or exhausting memory.
    static let maxSteps = 2_000_000
    static let maxOutputBytes = 64 << 20
    static let maxDepth = 200

    private struct Frame {
        var context: TemplateValue?
        var iteration: Iteration?
        var blockParameters: [(String, TemplateValue)] = []
    }

    /// `@index`, `@key`, `@first` and `@last` of the innermost `each`.
    private struct Iteration {
        var index: Int
        var key: TemplateValue
        var first: Bool
        var last: Bool

        func value(_ name: String) -> TemplateValue? {
            switch name {
            case "index": .number(Double(index), text: String(index))
            case "key": key
            case "first": .bool(first)
            case "last": .bool(last)
            default: nil
            }
        }
    }

    let root: TemplateValue
    private(set) var output = ""
    private var frames: [Frame]
    private var partialScopes: [[String: [TemplateNode]]] = []
    private var steps = 0
    private var depth = 0

    init(root: TemplateValue) {
        self.root = root
        frames = [Frame(context: root)]
    }

    mutating func render(_ nodes: [TemplateNode]) throws {
        // Inline partials are visible throughout the program that defines them, as Handlebars hoists decorators.
        var scope: [String: [TemplateNode]] = [:]
        for case .inlinePartial(let name, let body) in nodes { scope[name] = body }
        if !scope.isEmpty { partialScopes.append(scope) }
        defer { if !scope.isEmpty { partialScopes.removeLast() } }

        for node in nodes {
            steps += 1
            guard steps <= Self.maxSteps, output.utf8.count <= Self.maxOutputBytes else {
                throw TemplateError.invalidTemplate("Rendering the template exceeded its size or work limits.")
            }
            switch node {
            case .text(let text):
                output += text
            case .value(let expression):
                output += try printed(expression)
            case .lookup(let container, let key):
                output += lookup(container, key).map(Self.string) ?? ""
            case .block(let block):
                try nested { try $0.renderBlock(block) }
            case .partial(let call):
                try nested { try $0.renderPartial(call) }
            case .inlinePartial:
                break
            case .missingHelper(let path):
                // Handlebars' strict mode looks the name up first: absent, it is a missing attribute; present but
                // not a helper, it is "Missing helper".
                guard resolve(path) != nil else { throw TemplateError.missingRenderingAttribute(path.original) }
                throw TemplateError.invalidTemplate("Missing helper: \"\(path.original)\".")
            }
        }
    }

    private mutating func nested(_ body: (inout TemplateRendering) throws -> Void) throws {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maxDepth else {
            throw TemplateError.invalidTemplate("Blocks and partials are nested more than \(Self.maxDepth) deep.")
        }
        try body(&self)
    }

    private mutating func renderBlock(_ block: TemplateBlock) throws {
        switch block.helper {
        case .ifHelper, .unless:
            let includeZero = block.hash.first { $0.key == "includeZero" }.map { Self.isTruthy(evaluate($0.value)) }
            let truthy = Self.isTruthy(evaluate(block.parameter), includeZero: includeZero ?? false)
            try render(truthy == (block.helper == .ifHelper) ? block.program : block.inverse)
        case .each:
            try renderEach(evaluate(block.parameter), block: block)
        case .with:
            let value = evaluate(block.parameter)
            if let value, !Self.isEmpty(value) {
                try withFrame(Frame(context: value, blockParameters: Self.bind(block.blockParameters, [value]))) {
                    try $0.render(block.program)
                }
            } else {
                try render(block.inverse)
            }
        case .section:
            // The name of a section is printed-like: strict, so a missing one is a rendering failure (SES reports
            // "Attribute 'IF' is not present in the rendering data." for a mistyped `{{#IF x}}`).
            guard case .path(let path) = block.parameter, let value = resolve(path) else {
                throw TemplateError.missingRenderingAttribute(Self.name(of: block.parameter))
            }
            switch value {
            case .bool(true):
                try render(block.program)
            case .bool(false), .null:
                try render(block.inverse)
            case .array:
                try renderEach(value, block: block)
            default:
                try withFrame(Frame(context: value)) { try $0.render(block.program) }
            }
        }
    }

    private mutating func renderEach(_ value: TemplateValue?, block: TemplateBlock) throws {
        var items: [(key: TemplateValue, value: TemplateValue)] = []
        switch value {
        case .array(let elements)?:
            items = elements.enumerated().map { (.number(Double($0.offset), text: String($0.offset)), $0.element) }
        case .object(let members)?:
            items = members.map { (.string($0.0), $0.1) }
        default:
            break
        }
        guard !items.isEmpty else {
            try render(block.inverse)
            return
        }
        for (index, item) in items.enumerated() {
            let iteration = Iteration(index: index, key: item.key, first: index == 0, last: index == items.count - 1)
            let parameters = Self.bind(block.blockParameters, [item.value, item.key])
            try withFrame(Frame(context: item.value, iteration: iteration, blockParameters: parameters)) {
                try $0.render(block.program)
            }
        }
    }

    private mutating func renderPartial(_ call: TemplatePartialCall) throws {
        guard let body = partialScopes.reversed().lazy.compactMap({ $0[call.name] }).first else {
            throw TemplateError.invalidTemplate("The partial \(call.name) could not be found.")
        }
        var frame: Frame?
        if call.context != nil || !call.hash.isEmpty {
            var context = call.context.map { evaluate($0) } ?? frames.last?.context
            if !call.hash.isEmpty {
                // Hash arguments extend the partial's context, as Handlebars does.
                var members: [(String, TemplateValue)] = []
                if case .object(let existing)? = context { members = existing }
                for pair in call.hash {
                    let value = evaluate(pair.value) ?? .null
                    if let position = members.firstIndex(where: { $0.0 == pair.key }) {
                        members[position].1 = value
                    } else {
                        members.append((pair.key, value))
                    }
                }
                context = .object(members)
            }
            frame = Frame(context: context)
        }
        let outer = output
        if !call.indent.isEmpty { output = "" }
        if let frame {
            try withFrame(frame) { try $0.render(body) }
        } else {
            try render(body)
        }
        if !call.indent.isEmpty {
            output = outer + Self.indent(output, with: call.indent)
        }
    }

    private mutating func withFrame(_ frame: Frame, _ body: (inout TemplateRendering) throws -> Void) throws {
        frames.append(frame)
        defer { frames.removeLast() }
        try body(&self)
    }

    // MARK: Values

    /// The text of a printed value; absent (or null) is a rendering failure.
    private func printed(_ expression: TemplateExpression) throws -> String {
        switch expression {
        case .literal(let value):
            return Self.string(value)
        case .path(let path):
            guard let value = resolve(path), value != .null else {
                throw TemplateError.missingRenderingAttribute(path.original)
            }
            return Self.string(value)
        }
    }

    /// A helper argument: absent values are nil, never an error.
    private func evaluate(_ expression: TemplateExpression) -> TemplateValue? {
        switch expression {
        case .literal(let value): value
        case .path(let path): resolve(path)
        }
    }

    private func lookup(_ container: TemplateExpression, _ key: TemplateExpression) -> TemplateValue? {
        guard let key = evaluate(key) else { return nil }
        return Self.member(of: evaluate(container), Self.string(key))
    }

    private func resolve(_ path: TemplatePath) -> TemplateValue? {
        var segments = path.segments[...]
        if path.isData {
            guard let name = segments.popFirst() else { return nil }
            if name == "root" { return Self.walk(root, segments) }
            var skip = path.depth
            for frame in frames.reversed() {
                guard let iteration = frame.iteration else { continue }
                if skip == 0 { return Self.walk(iteration.value(name), segments) }
                skip -= 1
            }
            return nil
        }
        if path.depth == 0, !path.isExplicitContext, let first = segments.first {
            for frame in frames.reversed() {
                if let bound = frame.blockParameters.first(where: { $0.0 == first }) {
                    return Self.walk(bound.1, segments.dropFirst())
                }
            }
        }
        let target = frames.count - 1 - path.depth
        guard target >= 0 else { return nil }
        return Self.walk(frames[target].context, segments)
    }

    private static func walk(_ start: TemplateValue?, _ segments: ArraySlice<String>) -> TemplateValue? {
        var current = start
        for segment in segments {
            current = member(of: current, segment)
            if current == nil { return nil }
        }
        return current
    }

    private static func member(of value: TemplateValue?, _ name: String) -> TemplateValue? {
        switch value {
        case .object(let members)?:
            return members.first { $0.0 == name }?.1
        case .array(let elements)?:
            if name == "length" { return .number(Double(elements.count), text: String(elements.count)) }
            guard !name.isEmpty, name.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let index = Int(name),
                elements.indices.contains(index)
            else { return nil }
            return elements[index]
        case .string(let text)?:
            // JavaScript strings have a length too.
            guard name == "length" else { return nil }
            return .number(Double(text.utf16.count), text: String(text.utf16.count))
        default:
            return nil
        }
    }

    private static func bind(_ names: [String], _ values: [TemplateValue]) -> [(String, TemplateValue)] {
        Array(zip(names, values))
    }

    private static func name(of expression: TemplateExpression) -> String {
        if case .path(let path) = expression { return path.original }
        return ""
    }

    /// Handlebars' `if`: false, null, absent, "", 0 (unless includeZero) and [] are false; every object is true.
    private static func isTruthy(_ value: TemplateValue?, includeZero: Bool = false) -> Bool {
        switch value {
        case nil, .null?: false
        case .bool(let flag)?: flag
        case .string(let text)?: !text.isEmpty
        case .number(let number, _)?: includeZero || number != 0
        case .array(let elements)?: !elements.isEmpty
        case .object?: true
        }
    }

    /// Handlebars' `isEmpty`, used by `with`: like falsy, except that 0 is a value.
    private static func isEmpty(_ value: TemplateValue) -> Bool {
        if case .number = value { return false }
        return !isTruthy(value)
    }

    /// How JavaScript prints a value: arrays join with commas, objects are "[object Object]".
    private static func string(_ value: TemplateValue) -> String {
        switch value {
        case .string(let text): text
        case .number(_, let text): text
        case .bool(let flag): flag ? "true" : "false"
        case .null: ""
        case .array(let elements): elements.map(string).joined(separator: ",")
        case .object: "[object Object]"
        }
    }

    private static func indent(_ text: String, with prefix: String) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let endsWithNewline = lines.last?.isEmpty == true
        for index in lines.indices where !(endsWithNewline && index == lines.count - 1) {
            lines[index] = Substring(prefix + lines[index])
        }
        return lines.joined(separator: "\n")
    }
}

// MARK: - JSON

/// A strict RFC 8259 parser producing `TemplateValue`, with a depth limit.
private struct TemplateJSONParser {
    let bytes: [UInt8]
    private var index = 0

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    private var invalid: TemplateError { .invalidRenderingParameter(TemplateError.invalidJSONMessage) }

    mutating func parseDocument() throws -> TemplateValue {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
        skipWhitespace()
        let value = try parseValue(depth: 0)
        skipWhitespace()
        guard index == bytes.count else { throw invalid }
        return value
    }

    private var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func skipWhitespace() {
        while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { index += 1 }
    }

    private mutating func parseValue(depth: Int) throws -> TemplateValue {
        guard depth < TemplateValue.maxJSONDepth, let byte = current else { throw invalid }
        switch byte {
        case UInt8(ascii: "{"): return try parseObject(depth: depth)
        case UInt8(ascii: "["): return try parseArray(depth: depth)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): return try parseKeyword("true", .bool(true))
        case UInt8(ascii: "f"): return try parseKeyword("false", .bool(false))
        case UInt8(ascii: "n"): return try parseKeyword("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw invalid
        }
    }

    private mutating func parseKeyword(_ keyword: String, _ value: TemplateValue) throws -> TemplateValue {
        let pattern = Array(keyword.utf8)
        guard index + pattern.count <= bytes.count, bytes[index..<(index + pattern.count)].elementsEqual(pattern) else {
            throw invalid
        }
        index += pattern.count
        return value
    }

    private mutating func parseObject(depth: Int) throws -> TemplateValue {
        index += 1
        var members: [(String, TemplateValue)] = []
        var positions: [String: Int] = [:]
        skipWhitespace()
        if current == UInt8(ascii: "}") {
            index += 1
            return .object([])
        }
        while true {
            skipWhitespace()
            guard current == UInt8(ascii: "\"") else { throw invalid }
            let key = try parseString()
            skipWhitespace()
            guard current == UInt8(ascii: ":") else { throw invalid }
            index += 1
            skipWhitespace()
            let value = try parseValue(depth: depth + 1)
            if let position = positions[key] {
                members[position].1 = value
            } else {
                positions[key] = members.count
                members.append((key, value))
            }
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"):
                index += 1
                return .object(members)
            default: throw invalid
            }
        }
    }

    private mutating func parseArray(depth: Int) throws -> TemplateValue {
        index += 1
        var elements: [TemplateValue] = []
        skipWhitespace()
        if current == UInt8(ascii: "]") {
            index += 1
            return .array([])
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue(depth: depth + 1))
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"):
                index += 1
                return .array(elements)
            default: throw invalid
            }
        }
    }

    private mutating func parseString() throws -> String {
        index += 1
        var buffer: [UInt8] = []
        while let byte = current {
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                guard let text = String(validating: buffer, as: UTF8.self) else { throw invalid }
                return text
            case UInt8(ascii: "\\"):
                guard let escape = current else { throw invalid }
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): buffer.append(escape)
                case UInt8(ascii: "b"): buffer.append(0x08)
                case UInt8(ascii: "f"): buffer.append(0x0C)
                case UInt8(ascii: "n"): buffer.append(0x0A)
                case UInt8(ascii: "r"): buffer.append(0x0D)
                case UInt8(ascii: "t"): buffer.append(0x09)
                case UInt8(ascii: "u"):
                    for scalar in try parseUnicodeEscape() {
                        UTF8.encode(scalar) { buffer.append($0) }
                    }
                default: throw invalid
                }
            case 0x00..<0x20:
                throw invalid
            default:
                buffer.append(byte)
            }
        }
        throw invalid
    }

    /// Reads the digits of a `\u` escape (the `\u` already consumed), pairing surrogates. A lone surrogate, which
    /// Swift strings cannot hold, becomes U+FFFD.
    private mutating func parseUnicodeEscape() throws -> [Unicode.Scalar] {
        let replacement: Unicode.Scalar = "\u{FFFD}"
        let first = try parseHex4()
        switch first {
        case 0xD800...0xDBFF:
            guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
            else { return [replacement] }
            index += 2
            let second = try parseHex4()
            if (0xDC00...0xDFFF).contains(second),
                let scalar = Unicode.Scalar(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00))
            {
                return [scalar]
            }
            return [replacement, Unicode.Scalar(second) ?? replacement]
        default:
            return [Unicode.Scalar(first) ?? replacement]
        }
    }

    private mutating func parseHex4() throws -> UInt32 {
        guard index + 4 <= bytes.count else { throw invalid }
        var value: UInt32 = 0
        for byte in bytes[index..<(index + 4)] {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw invalid
            }
            value = value << 4 | UInt32(digit)
        }
        index += 4
        return value
    }

    private mutating func parseNumber() throws -> TemplateValue {
        let start = index
        if current == UInt8(ascii: "-") { index += 1 }
        if current == UInt8(ascii: "0") {
            index += 1
        } else {
            guard skipDigits() else { throw invalid }
        }
        if current == UInt8(ascii: ".") {
            index += 1
            guard skipDigits() else { throw invalid }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            index += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
            guard skipDigits() else { throw invalid }
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        guard let value = Double(text) else { throw invalid }
        return .number(value, text: text)
    }

    /// Skips a run of digits; false when there was none.
    private mutating func skipDigits() -> Bool {
        let start = index
        while let byte = current, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) { index += 1 }
        return index > start
    }
}

extension String {
    /// The string without leading and trailing blanks and line breaks.
    fileprivate func trimmingBlanks() -> String {
        let scalars = unicodeScalars
        let isSpace: (Unicode.Scalar) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = scalars.firstIndex(where: { !isSpace($0) }),
            let last = scalars.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(scalars[first...last])
    }
}
