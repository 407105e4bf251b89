import Foundation
import SwitchyardWire

/// An EventBridge event pattern, compiled: which events a rule (or a pipe's filter, or
/// TestEventPattern) selects. Keys are ANDed, the values listed for a key are ORed, nested objects
/// name nested fields, `$or` offers alternatives, and each value is a literal or a match expression
/// (prefix, suffix, equals-ignore-case, wildcard, anything-but, numeric, exists, cidr).
///
/// Compiled once, matched many times: an event is flattened once (`MatchableEvent`) and every
/// candidate pattern reads its fields from that.
public struct EventPattern: Sendable {
    /// Fields that must all match, and `$or` lists of which one alternative must match each.
    struct Group: Sendable {
        var fields: [(path: String, conditions: [Condition])]
        var alternatives: [[Group]]
    }

    enum Condition: Sendable {
        case exact(String)
        case number(Double)
        case boolean(Bool)
        case null
        case prefix(String, ignoringCase: Bool)
        case suffix(String, ignoringCase: Bool)
        case equalsIgnoreCase(String)
        case wildcard(String)
        /// Matches a present value that none of the conditions matches.
        case anythingBut([Condition])
        case numeric([(comparison: String, value: Double)])
        case exists(Bool)
        case cidr(network: [UInt8], prefixLength: Int)
    }

    /// Why a pattern is refused: AWS's words, with the place in the pattern where its parser stood.
    public struct Invalid: Error, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    let root: Group

    /// Compiles a pattern, checking it as EventBridge does: the first problem in document order is
    /// the one reported.
    public init(json: String) throws {
        guard let parsed = try? LocatedJSON.parse(Array(json.utf8)) else {
            throw Invalid(message: "Event pattern is not valid. Reason: " + (Self.syntaxProblem(json)))
        }
        guard case .object(let members) = parsed.value else {
            throw Self.failure("Filter is not an object", in: json, at: parsed.tokenEnd)
        }
        do {
            root = try PatternCompiler.group(members, prefix: "")
        } catch let problem as PatternCompiler.Problem {
            var failure = Self.failure(problem.reason, in: json, at: problem.offset)
            if problem.repeatsLocation, let offset = problem.offset {
                failure = Invalid(message: failure.message + JacksonLocation.quoting(json, offset: offset))
            }
            throw failure
        }
    }

    static func failure(_ reason: String, in source: String, at offset: Int?) -> Invalid {
        let location = offset.map { JacksonLocation.quoting(source, offset: $0) } ?? ""
        return Invalid(message: "Event pattern is not valid. Reason: \(reason)\(location)")
    }

    static func syntaxProblem(_ json: String) -> String {
        if let detail = JacksonSyntaxError.describe(json) {
            return String(detail.drop { $0 == " " })
        }
        return "Filter is not valid JSON"
    }

    /// The values a top-level field must have exactly, when the pattern requires one of a few
    /// literal strings there (`"source": ["shop"]`): what rule indexes key on. Nil when the field
    /// may have other values.
    public func requiredValues(of field: String) -> [String]? {
        guard root.alternatives.isEmpty, let conditions = root.fields.first(where: { $0.path == field })?.conditions
        else { return nil }
        var values: [String] = []
        for condition in conditions {
            guard case .exact(let text) = condition else { return nil }
            values.append(text)
        }
        return values
    }

    // MARK: Matching

    /// Whether the event matches the pattern.
    public func matches(_ event: MatchableEvent) -> Bool { Self.matches(root, event) }

    private static func matches(_ group: Group, _ event: MatchableEvent) -> Bool {
        for field in group.fields where !matches(field.conditions, event.values(at: field.path)) { return false }
        for alternatives in group.alternatives where !alternatives.contains(where: { matches($0, event) }) {
            return false
        }
        return true
    }

    /// One field's conditions (ORed) against its values; nil when the field is absent.
    private static func matches(_ conditions: [Condition], _ leaves: [MatchableEvent.Leaf]?) -> Bool {
        conditions.contains { condition in
            if case .exists(let wanted) = condition { return (leaves != nil) == wanted }
            guard let leaves, !leaves.isEmpty else { return false }
            if case .anythingBut(let excluded) = condition {
                return leaves.contains { leaf in !excluded.contains { matches($0, leaf) } }
            }
            return leaves.contains { matches(condition, $0) }
        }
    }

    private static func matches(_ condition: Condition, _ leaf: MatchableEvent.Leaf) -> Bool {
        switch (condition, leaf) {
        case (.exact(let wanted), .string(let text)): return text == wanted
        case (.number(let wanted), .number(let number)): return number == wanted
        case (.boolean(let wanted), .boolean(let flag)): return flag == wanted
        case (.null, .null): return true
        case (.prefix(let prefix, let ignoringCase), .string(let text)):
            return ignoringCase ? text.lowercased().hasPrefix(prefix.lowercased()) : text.hasPrefix(prefix)
        case (.suffix(let suffix, let ignoringCase), .string(let text)):
            return ignoringCase ? text.lowercased().hasSuffix(suffix.lowercased()) : text.hasSuffix(suffix)
        case (.equalsIgnoreCase(let wanted), .string(let text)): return text.lowercased() == wanted.lowercased()
        case (.wildcard(let pattern), .string(let text)): return EscapedWildcard.matches(text, pattern: pattern)
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
}

/// An event flattened once for matching: every leaf value under its dotted path. Arrays, nested or
/// not, add their elements to the path they are at, so a pattern value matches any element.
public struct MatchableEvent: Sendable {
    public enum Leaf: Sendable, Equatable {
        case string(String)
        case number(Double)
        case boolean(Bool)
        case null
    }

    private var leaves: [String: [Leaf]] = [:]

    public init(_ event: OrderedJSON) { Self.flatten(event, path: "", into: &leaves) }

    public init(_ event: JSONValue) { Self.flatten(event, path: "", into: &leaves) }

    /// The values at a dotted path, or nil when the event has none there.
    public func values(at path: String) -> [Leaf]? { leaves[path] }

    private static func flatten(_ value: OrderedJSON, path: String, into leaves: inout [String: [Leaf]]) {
        switch value {
        case .object(let members):
            for (key, member) in members { flatten(member, path: path.isEmpty ? key : "\(path).\(key)", into: &leaves) }
        case .array(let items):
            for item in items { flatten(item, path: path, into: &leaves) }
        case .scalar(let scalar):
            if let leaf = leaf(scalar) { leaves[path, default: []].append(leaf) }
        }
    }

    private static func flatten(_ value: JSONValue, path: String, into leaves: inout [String: [Leaf]]) {
        switch value {
        case .object(let members):
            for (key, member) in members { flatten(member, path: path.isEmpty ? key : "\(path).\(key)", into: &leaves) }
        case .array(let items):
            for item in items { flatten(item, path: path, into: &leaves) }
        default:
            if let leaf = leaf(value) { leaves[path, default: []].append(leaf) }
        }
    }

    static func leaf(_ value: JSONValue) -> Leaf? {
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
