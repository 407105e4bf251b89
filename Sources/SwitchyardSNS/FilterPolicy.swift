import Foundation
import SwitchyardMatching
import SwitchyardWire

/// A subscription filter policy, compiled: which messages a subscription receives, judged on the
/// message attributes (FilterPolicyScope MessageAttributes, the default) or on the JSON message
/// body (MessageBody). Keys are ANDed, the values listed for a key are ORed, `$or` offers
/// alternatives, and each value is a literal or an operator object.
struct FilterPolicy: Sendable {
    enum Scope: String, Sendable { case messageAttributes = "MessageAttributes", messageBody = "MessageBody" }

    /// Keys that must all match, and `$or` lists of which one alternative must match each. A key is
    /// a path: nested objects of a MessageBody policy flatten into dotted paths (`a.b.c`), and a key
    /// written with dots names the same path.
    struct Group: Sendable {
        var fields: [(path: String, depth: Int, conditions: [Condition])]
        var alternatives: [[Group]]
    }

    enum Condition: Sendable {
        case exact(String)
        case number(Double)
        case boolean(Bool)
        case null
        case prefix(String)
        case suffix(String)
        case equalsIgnoreCase(String)
        case wildcard(String)
        case anythingBut([Condition])
        case numeric([(comparison: String, value: Double)])
        case exists(Bool)
        case cidr(network: [UInt8], prefixLength: Int)
    }

    /// A value a condition is matched against.
    enum Leaf: Sendable {
        case string(String)
        case number(Double)
        case boolean(Bool)
        case null
    }

    let root: Group
    let scope: Scope

    static let maximumKeys = 5
    static let maximumCombinations = 150

    // MARK: Parsing

    /// Parses and checks a policy as SNS does, in document order, so that the first problem found is
    /// the one AWS names; problems the policy compiler finds end with where it stood in the text,
    /// in Jackson's words.
    init(json: String, scope: Scope) throws {
        self.scope = scope
        guard json.utf8.count <= 256 * 1024 else { throw Self.invalid("Filter policy is too large") }
        // SNS hands the policy compiler the policy written out again compactly; the compiler's
        // locations are places in that text, which its messages quote.
        guard let given = try? OrderedJSON.parse(Array(json.utf8)) else {
            throw Self.invalid("failed to parse JSON." + (JacksonSyntaxError.describe(json) ?? ""))
        }
        let compact = given.text
        guard let parsed = try? LocatedJSON.parse(Array(compact.utf8)) else {
            throw Self.invalid("failed to parse JSON.")
        }
        guard case .object(let members) = parsed.value else {
            throw Self.invalid("Filter policy must be a JSON object")
        }
        var nested = false
        do {
            root = try Self.group(members, prefix: "", depth: 1, nested: &nested)
        } catch let problem as Invalid {
            guard let offset = problem.offset else { throw problem }
            throw Invalid(reason: problem.reason + JacksonLocation.quoting(compact, offset: offset))
        }
        if nested, scope == .messageAttributes {
            throw Self.invalid("Filter policy scope MessageAttributes does not support nested filter policy")
        }
        if Self.keyCount(root) > Self.maximumKeys {
            throw Self.invalid("Filter policy can not have more than \(Self.maximumKeys) keys")
        }
        if Self.combinations(root) > Self.maximumCombinations { throw Self.invalid("Filter policy is too complex") }
    }

    /// What is wrong with a filter policy; the caller words it for Subscribe or SetSubscriptionAttributes.
    struct Invalid: Error {
        let reason: String
        /// Where the policy compiler stood when it found the problem (a byte offset), if it was the one.
        var offset: Int? = nil
    }

    static func invalid(_ reason: String, at offset: Int? = nil) -> Error {
        Invalid(reason: reason, offset: offset)
    }

    /// Where the compiler stands once it has read a member's name: its value's first token read too.
    private static func afterName(_ value: LocatedJSON) -> Int { value.tokenEnd }

    private static func group(
        _ members: [(key: String, value: LocatedJSON)], prefix: String, depth: Int, nested: inout Bool
    ) throws -> Group {
        guard depth <= 5 else { throw invalid("Filter policy nesting is too deep") }
        guard !members.isEmpty else { throw invalid("Filter policy can not be empty") }
        var result = Group(fields: [], alternatives: [])
        for (key, value) in members {
            if key == "$or" {
                guard case .array(let list) = value.value, list.count >= 2 else {
                    throw invalid("$or must be an array of at least two policies", at: afterName(value))
                }
                result.alternatives.append(
                    try list.map { item in
                        guard case .object(let branch) = item.value else {
                            throw invalid("$or must be an array of at least two policies", at: item.tokenEnd)
                        }
                        return try group(branch, prefix: prefix, depth: depth, nested: &nested)
                    })
                continue
            }
            let path = prefix.isEmpty ? key : "\(prefix).\(key)"
            switch value.value {
            case .array(let list):
                guard !list.isEmpty else { throw invalid("Empty arrays are not allowed", at: value.end) }
                result.fields.append((path, depth, try list.map(condition)))
            case .object(let inner):
                nested = true
                let child = try group(inner, prefix: path, depth: depth + 1, nested: &nested)
                result.fields += child.fields
                result.alternatives += child.alternatives
            case .scalar:
                throw invalid("\"\(key)\" must be an object or an array", at: afterName(value))
            }
        }
        return result
    }

    private static func literal(_ value: LocatedJSON) -> Condition? {
        guard case .scalar(let scalar) = value.value else { return nil }
        switch scalar {
        case .null: return .null
        case .bool(let flag): return .boolean(flag)
        case .integer(let number): return .number(Double(number))
        case .number(let number): return .number(number)
        case .string(let text): return .exact(text)
        case .array, .object: return nil
        }
    }

    private static func number(_ value: LocatedJSON) -> Double? {
        switch value.value {
        case .scalar(.integer(let number)): return Double(number)
        case .scalar(.number(let number)): return number
        default: return nil
        }
    }

    private static func string(_ value: LocatedJSON) -> String? {
        guard case .scalar(.string(let text)) = value.value else { return nil }
        return text
    }

    /// A JSON value as AWS quotes it in a message: numbers without a needless fraction.
    private static func text(_ value: LocatedJSON) -> String {
        switch value.value {
        case .scalar(.integer(let number)): return String(number)
        case .scalar(.number(let number)):
            return number == number.rounded() && abs(number) < 1e15 ? String(Int(number)) : String(number)
        case .scalar(.string(let text)): return text
        case .scalar(.bool(let flag)): return flag ? "true" : "false"
        case .scalar(.null): return "null"
        case .array: return "["
        case .object: return "{"
        case .scalar: return ""
        }
    }

    private static func condition(_ value: LocatedJSON) throws -> Condition {
        if let plain = literal(value) {
            if case .number(let number) = plain { try checkNumber(number, at: value.tokenEnd) }
            return plain
        }
        guard case .object(let members) = value.value else {
            throw invalid("Match value must be String, number, true, false, or null", at: value.tokenEnd)
        }
        guard let (name, argument) = members.first else {
            throw invalid("Only one key allowed in match expression", at: value.end)
        }
        // The first match is read and checked before the compiler meets a second key.
        let first = try match(name, argument)
        if members.count > 1 {
            throw invalid("Only one key allowed in match expression", at: afterName(members[1].value))
        }
        return first
    }

    private static func match(_ name: String, _ argument: LocatedJSON) throws -> Condition {
        switch name {
        case "prefix", "suffix", "equals-ignore-case", "wildcard":
            guard let text = string(argument) else {
                throw invalid("\(name) match pattern must be a string", at: afterName(argument))
            }
            switch name {
            case "prefix": return .prefix(text)
            case "suffix": return .suffix(text)
            case "equals-ignore-case": return .equalsIgnoreCase(text)
            default:
                guard !text.contains("**") else {
                    throw invalid("Consecutive wildcard characters are not allowed", at: argument.end)
                }
                return .wildcard(text)
            }
        case "anything-but":
            return try anythingBut(argument)
        case "numeric":
            return .numeric(try numeric(argument))
        case "exists":
            guard case .scalar(.bool(let flag)) = argument.value else {
                throw invalid("exists match pattern must be either true or false.", at: afterName(argument))
            }
            return .exists(flag)
        case "cidr":
            return try cidr(argument)
        default:
            throw invalid("Unrecognized match type \(name)", at: afterName(argument))
        }
    }

    private static func anythingBut(_ argument: LocatedJSON) throws -> Condition {
        switch argument.value {
        case .array(let list):
            guard !list.isEmpty else { throw invalid("Empty arrays are not allowed", at: argument.end) }
            return .anythingBut(
                try list.map { item in
                    guard let plain = literal(item), !plain.isNull, !plain.isBoolean else {
                        throw invalid(
                            "Inside anything but list, start|null|boolean is not supported.", at: item.tokenEnd)
                    }
                    return plain
                })
        case .object(let members):
            // SNS takes a prefix (or equals-ignore-case) here; suffix, exists and the rest it refuses.
            guard let (operation, operand) = members.first else {
                throw invalid("Unsupported anything-but pattern: ", at: argument.end)
            }
            guard members.count == 1, operation == "prefix" || operation == "equals-ignore-case" else {
                throw invalid("Unsupported anything-but pattern: \(operation)", at: afterName(operand))
            }
            guard string(operand) != nil else {
                throw invalid("\(operation) match pattern must be a string", at: afterName(operand))
            }
            return .anythingBut([try match(operation, operand)])
        case .scalar:
            guard let plain = literal(argument), !plain.isNull, !plain.isBoolean else {
                throw invalid(
                    "anything-but must be a string, a number, a list, or a prefix", at: afterName(argument))
            }
            return .anythingBut([plain])
        }
    }

    /// `["=", 5]`, `["<", 5]`, `[">", 1]` or the range `[">", 1, "<=", 5]`, checked term by term in
    /// AWS's order and words. The compiler reads one token ahead of what it checks: where it stands
    /// is past the next term's first token, or past the closing bracket.
    private static func numeric(_ argument: LocatedJSON) throws -> [(comparison: String, value: Double)] {
        guard case .array(let list) = argument.value else {
            throw invalid("Value of numeric must be an array.", at: afterName(argument))
        }
        func next(_ index: Int) -> Int { index < list.count ? list[index].tokenEnd : argument.end }
        guard let first = list.first else { throw invalid("Invalid member in numeric match: ]", at: argument.end) }
        guard let operation = string(first) else {
            throw invalid("Invalid member in numeric match: \(text(first))", at: first.tokenEnd)
        }
        func operand(_ index: Int, _ name: String) throws -> Double {
            guard index < list.count, let value = number(list[index]) else {
                throw invalid("Value of \(name) must be numeric", at: next(index))
            }
            try checkNumber(value, at: next(index))
            return value
        }
        switch operation {
        case "=", "<", "<=":
            let value = try operand(1, operation == "=" ? "equals" : operation)
            guard list.count == 2 else { throw invalid("Too many elements in numeric expression", at: next(2)) }
            return [(operation, value)]
        case ">", ">=":
            let bottom = try operand(1, operation)
            guard list.count > 2 else { return [(operation, bottom)] }
            guard let upper = string(list[2]) else {
                throw invalid("Bad value in numeric range: \(text(list[2]))", at: next(2))
            }
            guard upper == "<" || upper == "<=" else {
                throw invalid("Bad numeric range operator: \(upper)", at: list[2].end)
            }
            let top = try operand(3, upper)
            guard list.count == 4 else { throw invalid("Too many terms in numeric range expression", at: next(4)) }
            guard bottom < top else { throw invalid("Bottom must be less than top", at: argument.end) }
            return [(operation, bottom), (upper, top)]
        default:
            throw invalid("Unrecognized numeric range operator: \(operation)", at: next(1))
        }
    }

    private static func cidr(_ argument: LocatedJSON) throws -> Condition {
        guard let text = string(argument) else {
            throw invalid("prefix match pattern must be a string", at: afterName(argument))
        }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw invalid("Malformed CIDR, one '/' required") }
        guard let length = Int(parts[1]) else { throw invalid("Malformed CIDR, mask bits must be an integer") }
        guard let address = CIDR.address(String(parts[0])) else {
            throw invalid("Nonstandard IP address: \(parts[0])")
        }
        guard (0...(address.count * 8)).contains(length) else {
            throw invalid("Malformed CIDR, mask bits must be between 0 and \(address.count * 8)")
        }
        return .cidr(network: address, prefixLength: length)
    }

    private static func checkNumber(_ number: Double, at offset: Int) throws {
        guard abs(number) <= 1_000_000_000 else {
            throw invalid("Numeric values must be within -1.0E9 and 1.0E9", at: offset)
        }
    }

    private static func keyCount(_ group: Group) -> Int {
        group.fields.count + group.alternatives.reduce(0) { $0 + ($1.map(keyCount).max() ?? 0) }
    }

    /// The number of value combinations the policy describes, as SNS counts them: each key weighs its
    /// number of values times its nesting depth, keys multiply, `$or` alternatives add up; SNS refuses
    /// policies above 150.
    private static func combinations(_ group: Group) -> Int {
        // Saturating: a policy of many long lists must count as too complex, not overflow.
        func times(_ a: Int, _ b: Int) -> Int {
            let (result, overflow) = a.multipliedReportingOverflow(by: b)
            return overflow ? Int.max : result
        }
        var product = 1
        for field in group.fields { product = times(product, times(field.depth, max(1, field.conditions.count))) }
        for alternatives in group.alternatives {
            let sum = alternatives.map(combinations).reduce(0) { $0 > Int.max - $1 ? Int.max : $0 + $1 }
            product = times(product, sum)
        }
        return product
    }

    // MARK: Matching

    /// Whether a message with these attributes (and this body, for the MessageBody scope) passes.
    func matches(attributes: [String: NotificationAttribute], body: String) -> Bool {
        switch scope {
        case .messageAttributes:
            return Self.matches(root) { key in Self.leaves(of: attributes[key]) }
        case .messageBody:
            guard case .object(let object)? = try? JSONValue.parse(Array(body.utf8)) else { return false }
            var flat: [String: [Leaf]] = [:]
            Self.flatten(.object(object), path: "", into: &flat)
            return Self.matches(root) { path in flat[path] }
        }
    }

    /// Every leaf of a JSON body under its dotted path; arrays, nested or not, add their elements to
    /// the path they are at, so that each key of a policy is matched on its own.
    static func flatten(_ value: JSONValue, path: String, into flat: inout [String: [Leaf]]) {
        switch value {
        case .object(let members):
            for (key, member) in members {
                flatten(member, path: path.isEmpty ? key : "\(path).\(key)", into: &flat)
            }
        case .array(let items):
            for item in items { flatten(item, path: path, into: &flat) }
        default:
            if let leaf = leaf(ofJSON: value) { flat[path, default: []].append(leaf) }
        }
    }

    private static func matches(_ group: Group, lookup: (String) -> [Leaf]?) -> Bool {
        for field in group.fields where !matches(field.conditions, lookup(field.path)) { return false }
        for alternatives in group.alternatives where !alternatives.contains(where: { matches($0, lookup: lookup) }) {
            return false
        }
        return true
    }

    /// One key's conditions (ORed) against its values; nil when the key is absent.
    private static func matches(_ conditions: [Condition], _ leaves: [Leaf]?) -> Bool {
        conditions.contains { condition in
            if case .exists(let wanted) = condition { return (leaves != nil) == wanted }
            guard let leaves else { return false }
            if case .anythingBut(let excluded) = condition {
                return !leaves.isEmpty && leaves.allSatisfy { leaf in !excluded.contains { matches($0, leaf) } }
            }
            return leaves.contains { matches(condition, $0) }
        }
    }

    private static func matches(_ condition: Condition, _ leaf: Leaf) -> Bool {
        switch (condition, leaf) {
        case (.exact(let wanted), .string(let text)): return text == wanted
        case (.number(let wanted), .number(let number)): return number == wanted
        case (.boolean(let wanted), .boolean(let flag)): return flag == wanted
        case (.null, .null): return true
        case (.prefix(let prefix), .string(let text)): return text.hasPrefix(prefix)
        case (.suffix(let suffix), .string(let text)): return text.hasSuffix(suffix)
        case (.equalsIgnoreCase(let wanted), .string(let text)): return text.lowercased() == wanted.lowercased()
        case (.wildcard(let pattern), .string(let text)): return AsteriskWildcard.matches(text, pattern: pattern)
        case (.numeric(let comparisons), .number(let number)):
            return comparisons.allSatisfy { comparison in
                switch comparison.comparison {
                case "<": return number < comparison.value
                case "<=": return number <= comparison.value
                case "=": return number == comparison.value
                case ">": return number > comparison.value
                default: return number >= comparison.value
                }
            }
        case (.cidr(let network, let length), .string(let text)):
            guard let address = CIDR.address(text), address.count == network.count else { return false }
            return CIDR.contains(network: network, prefixLength: length, address: address)
        default:
            return false
        }
    }

    /// An attribute's values: a String.Array gives each element; a Number gives a number; Binary
    /// attributes are not matched.
    static func leaves(of attribute: NotificationAttribute?) -> [Leaf]? {
        guard let attribute else { return nil }
        guard let value = attribute.stringValue else { return [] }
        if attribute.dataType.hasPrefix("Number") { return Double(value).map { [.number($0)] } ?? [] }
        if attribute.dataType == "String.Array" {
            guard case .array(let list)? = try? JSONValue.parse(Array(value.utf8)) else { return [] }
            return list.compactMap(leaf(ofJSON:))
        }
        return [.string(value)]
    }

    static func leaves(ofJSON value: JSONValue) -> [Leaf] {
        if case .array(let list) = value { return list.compactMap(leaf(ofJSON:)) }
        return leaf(ofJSON: value).map { [$0] } ?? []
    }

    static func leaf(ofJSON value: JSONValue) -> Leaf? {
        switch value {
        case .null: return .null
        case .bool(let flag): return .boolean(flag)
        case .integer(let number): return .number(Double(number))
        case .number(let number): return .number(number)
        case .string(let text): return .string(text)
        case .array, .object: return nil
        }
    }
}

extension FilterPolicy.Condition {
    var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    var isBoolean: Bool {
        if case .boolean = self { return true }
        return false
    }
}
