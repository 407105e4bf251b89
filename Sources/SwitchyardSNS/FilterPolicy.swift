import Foundation
import SwitchyardWire

/// A subscription filter policy, compiled: which messages a subscription receives, judged on the
/// message attributes (FilterPolicyScope MessageAttributes, the default) or on the JSON message
/// body (MessageBody). Keys are ANDed, the values listed for a key are ORed, `$or` offers
/// alternatives, and each value is a literal or an operator object.
struct FilterPolicy: Sendable {
    enum Scope: String, Sendable { case messageAttributes = "MessageAttributes", messageBody = "MessageBody" }

    /// Keys that must all match, and `$or` lists of which one alternative must match each.
    struct Group: Sendable {
        var fields: [(key: String, field: Field)]
        var alternatives: [[Group]]
    }

    indirect enum Field: Sendable {
        case conditions([Condition])
        /// A nested object of the message body.
        case nested(Group)
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

    /// Parses and checks a policy, throwing SNS's InvalidParameter with the reason.
    init(json: String, scope: Scope) throws {
        self.scope = scope
        guard json.utf8.count <= 256 * 1024 else { throw Self.invalid("Filter policy is too large") }
        guard let parsed = try? JSONValue.parse(Array(json.utf8)) else { throw Self.invalid("failed to parse JSON.") }
        guard case .object(let object) = parsed else { throw Self.invalid("Filter policy must be a JSON object") }
        root = try Self.group(object, scope: scope, depth: 1)
        if Self.keyCount(root) > Self.maximumKeys {
            throw Self.invalid("Filter policy can not have more than \(Self.maximumKeys) keys")
        }
        if Self.combinations(root) > Self.maximumCombinations { throw Self.invalid("Filter policy is too complex") }
    }

    /// What is wrong with a filter policy; the caller words it for Subscribe or SetSubscriptionAttributes.
    struct Invalid: Error {
        let reason: String
    }

    static func invalid(_ reason: String) -> Error {
        Invalid(reason: reason)
    }

    private static func group(_ object: [String: JSONValue], scope: Scope, depth: Int) throws -> Group {
        guard depth <= 5 else { throw invalid("Filter policy nesting is too deep") }
        guard !object.isEmpty else { throw invalid("Filter policy can not be empty") }
        var fields: [(String, Field)] = []
        var alternatives: [[Group]] = []
        for key in object.keys.sorted() {
            guard let value = object[key] else { continue }
            switch value {
            case .array(let list) where key == "$or":
                guard list.count >= 2 else { throw invalid("$or must be an array of at least two policies") }
                alternatives.append(
                    try list.map { item in
                        guard case .object(let branch) = item else {
                            throw invalid("$or must be an array of at least two policies")
                        }
                        return try group(branch, scope: scope, depth: depth)
                    })
            case .array(let list):
                guard !list.isEmpty else { throw invalid("Empty arrays are not allowed") }
                fields.append((key, .conditions(try list.map(condition))))
            case .object(let nested) where scope == .messageBody:
                fields.append((key, .nested(try group(nested, scope: scope, depth: depth + 1))))
            default:
                throw invalid("\"\(key)\" must be an array")
            }
        }
        return Group(fields: fields, alternatives: alternatives)
    }

    private static func literal(_ value: JSONValue) -> Condition? {
        switch value {
        case .null: return .null
        case .bool(let flag): return .boolean(flag)
        case .integer(let number): return .number(Double(number))
        case .number(let number): return .number(number)
        case .string(let text): return .exact(text)
        case .array, .object: return nil
        }
    }

    private static func number(_ value: JSONValue) -> Double? {
        switch value {
        case .integer(let number): return Double(number)
        case .number(let number): return number
        default: return nil
        }
    }

    private static func condition(_ value: JSONValue) throws -> Condition {
        if let plain = literal(value) {
            if case .number(let number) = plain { try checkNumber(number) }
            return plain
        }
        guard case .object(let object) = value, object.count == 1, let (name, argument) = object.first else {
            throw invalid("Match value must be String, number, true, false, or null")
        }
        switch name {
        case "prefix", "suffix", "equals-ignore-case", "wildcard":
            guard case .string(let text) = argument else { throw invalid("\(name) match pattern must be a string") }
            switch name {
            case "prefix": return .prefix(text)
            case "suffix": return .suffix(text)
            case "equals-ignore-case": return .equalsIgnoreCase(text)
            default:
                guard !text.contains("**") else { throw invalid("Consecutive wildcard characters are not allowed") }
                return .wildcard(text)
            }
        case "anything-but":
            switch argument {
            case .array(let list):
                guard !list.isEmpty else { throw invalid("Empty arrays are not allowed") }
                return .anythingBut(
                    try list.map { item in
                        guard let plain = literal(item), !plain.isNull, !plain.isBoolean else {
                            throw invalid("Inside anything but list, start|null|boolean is not supported.")
                        }
                        return plain
                    })
            case .object(let nested):
                guard nested.count == 1, let (operation, operand) = nested.first,
                    ["prefix", "suffix", "equals-ignore-case"].contains(operation), case .string = operand
                else {
                    throw invalid("Unsupported anything-but pattern: \(nested.keys.sorted().joined(separator: ", "))")
                }
                return .anythingBut([try condition(.object([operation: operand]))])
            default:
                guard let plain = literal(argument), !plain.isNull, !plain.isBoolean else {
                    throw invalid(
                        "anything-but must be a string, a number, a list, or a prefix, suffix or equals-ignore-case")
                }
                return .anythingBut([plain])
            }
        case "numeric":
            guard case .array(let list) = argument, !list.isEmpty, list.count % 2 == 0, list.count <= 4 else {
                throw invalid("Value of numeric must be an array.")
            }
            var comparisons: [(comparison: String, value: Double)] = []
            for index in stride(from: 0, to: list.count, by: 2) {
                guard case .string(let operation) = list[index], ["<", "<=", "=", ">", ">="].contains(operation) else {
                    throw invalid("Unrecognized numeric range operator: \(list[index])")
                }
                guard let operand = number(list[index + 1]) else {
                    throw invalid("Value of \(operation) must be numeric")
                }
                try checkNumber(operand)
                comparisons.append((operation, operand))
            }
            if comparisons.count == 2 {
                guard [">", ">="].contains(comparisons[0].comparison), ["<", "<="].contains(comparisons[1].comparison),
                    comparisons[0].value < comparisons[1].value
                else { throw invalid("Bottom must be less than top") }
            }
            return .numeric(comparisons)
        case "exists":
            guard case .bool(let flag) = argument else {
                throw invalid("exists match pattern must be either true or false.")
            }
            return .exists(flag)
        case "cidr":
            guard case .string(let text) = argument, let (network, length) = CIDR.parse(text) else {
                throw invalid("Malformed CIDR, one '/' required")
            }
            return .cidr(network: network, prefixLength: length)
        default:
            throw invalid("Unrecognized match type \(name)")
        }
    }

    private static func checkNumber(_ number: Double) throws {
        guard abs(number) <= 1_000_000_000 else {
            throw invalid("Numeric values must be within -1.0E9 and 1.0E9")
        }
    }

    private static func keyCount(_ group: Group) -> Int {
        var count = 0
        for (_, field) in group.fields {
            switch field {
            case .conditions: count += 1
            case .nested(let inner): count += keyCount(inner)
            }
        }
        for alternatives in group.alternatives { count += alternatives.map(keyCount).max() ?? 0 }
        return count
    }

    /// The number of value combinations the policy describes (values multiply across keys, `$or`
    /// alternatives add up); SNS refuses policies above 150.
    private static func combinations(_ group: Group) -> Int {
        var product = 1
        for (_, field) in group.fields {
            switch field {
            case .conditions(let conditions): product *= max(1, conditions.count)
            case .nested(let inner): product *= combinations(inner)
            }
        }
        for alternatives in group.alternatives { product *= alternatives.map(combinations).reduce(0, +) }
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
            return Self.matches(root, object: object)
        }
    }

    private static func matches(_ group: Group, lookup: (String) -> [Leaf]?) -> Bool {
        for (key, field) in group.fields {
            guard case .conditions(let conditions) = field else { return false }
            guard matches(conditions, lookup(key)) else { return false }
        }
        for alternatives in group.alternatives where !alternatives.contains(where: { matches($0, lookup: lookup) }) {
            return false
        }
        return true
    }

    private static func matches(_ group: Group, object: [String: JSONValue]) -> Bool {
        for (key, field) in group.fields {
            let value = object[key]
            switch field {
            case .conditions(let conditions):
                guard matches(conditions, value.map(leaves(ofJSON:))) else { return false }
            case .nested(let inner):
                switch value {
                case .object(let nested)?:
                    guard matches(inner, object: nested) else { return false }
                case .array(let list)?:
                    let any = list.contains { item in
                        if case .object(let nested) = item { return matches(inner, object: nested) }
                        return false
                    }
                    guard any else { return false }
                default:
                    return false
                }
            }
        }
        for alternatives in group.alternatives
        where !alternatives.contains(where: { matches($0, object: object) }) {
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
        case (.wildcard(let pattern), .string(let text)): return Wildcard.matches(text, pattern: pattern)
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

/// `*` matches any run of characters, everything else itself.
enum Wildcard {
    static func matches(_ text: String, pattern: String) -> Bool {
        let text = Array(text.unicodeScalars)
        let pattern = Array(pattern.unicodeScalars)
        var t = 0
        var p = 0
        var star = -1
        var mark = 0
        while t < text.count {
            if p < pattern.count, pattern[p] != "*", pattern[p] == text[t] {
                t += 1
                p += 1
            } else if p < pattern.count, pattern[p] == "*" {
                star = p
                mark = t
                p += 1
            } else if star >= 0 {
                p = star + 1
                mark += 1
                t = mark
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == "*" { p += 1 }
        return p == pattern.count
    }
}

/// IPv4 and IPv6 networks in CIDR notation.
enum CIDR {
    static func parse(_ text: String) -> ([UInt8], Int)? {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let address = address(String(parts[0])), let length = Int(parts[1]),
            length >= 0, length <= address.count * 8
        else { return nil }
        return (address, length)
    }

    static func address(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }

    static func contains(network: [UInt8], prefixLength: Int, address: [UInt8]) -> Bool {
        var remaining = prefixLength
        for index in network.indices where remaining > 0 {
            let bits = min(8, remaining)
            let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
            if network[index] & mask != address[index] & mask { return false }
            remaining -= bits
        }
        return true
    }
}
