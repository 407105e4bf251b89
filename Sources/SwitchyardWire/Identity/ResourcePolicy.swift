import Foundation

/// Who makes a request, as resource policies see it.
public struct PolicyPrincipal: Sendable, Equatable {
    /// The account the principal belongs to (nil for a service principal).
    public var account: String?
    /// `arn:aws:iam::<account>:root` for an account's callers, or a service name such as
    /// `sns.amazonaws.com` for a service acting on a resource owner's behalf.
    public var identifier: String
    public var isService: Bool
    /// Other ARNs the principal answers to: an assumed-role session answers to its role's ARN.
    public var aliases: [String]

    public init(account: String?, identifier: String, isService: Bool, aliases: [String] = []) {
        self.account = account
        self.identifier = identifier
        self.isService = isService
        self.aliases = aliases
    }

    /// The caller a request's context names: its ARN (root, user, assumed role) in its account.
    public static func caller(_ context: RequestContext) -> PolicyPrincipal {
        PolicyPrincipal(
            account: context.account, identifier: context.principalArn, isService: false,
            aliases: context.roleArn.map { [$0] } ?? [])
    }

    /// A federated identity provider (web identity or SAML): trust policies name it under
    /// `Federated`, by name (`accounts.google.com`) or by its provider ARN in the role's `account`
    /// (`arn:aws:iam::<account>:oidc-provider/<name>`, `...:saml-provider/<name>`).
    public static func federated(_ provider: String, account: String?) -> PolicyPrincipal {
        var aliases = ["federated:" + provider]
        if let account, !provider.hasPrefix("arn:") {
            aliases.append("federated:arn:aws:iam::\(account):oidc-provider/\(provider)")
        }
        return PolicyPrincipal(account: nil, identifier: provider, isService: true, aliases: aliases)
    }

    /// The root of an account.
    public static func account(_ account: String) -> PolicyPrincipal {
        PolicyPrincipal(account: account, identifier: "arn:aws:iam::\(account):root", isService: false)
    }

    /// An AWS service principal, such as `sns.amazonaws.com`.
    public static func service(_ name: String) -> PolicyPrincipal {
        PolicyPrincipal(account: nil, identifier: name, isService: true)
    }
}

/// One request to be decided: who, doing what, to which resource, with which context keys.
public struct AccessRequest: Sendable {
    public var principal: PolicyPrincipal
    /// `service:Action`, such as `sqs:SendMessage`.
    public var action: String
    public var resource: String
    /// Condition keys (`aws:SourceArn`, `aws:SourceAccount`, ...); names are matched without case.
    public var context: [String: String]

    public init(principal: PolicyPrincipal, action: String, resource: String, context: [String: String] = [:]) {
        self.principal = principal
        self.action = action
        self.resource = resource
        var lowered: [String: String] = [:]
        for (key, value) in context { lowered[key.lowercased()] = value }
        if let account = principal.account, !principal.isService {
            lowered["aws:principalaccount"] = lowered["aws:principalaccount"] ?? account
            lowered["aws:principalarn"] = lowered["aws:principalarn"] ?? principal.identifier
        }
        // Switchyard's plain-HTTP endpoint stands in for AWS's HTTPS one: policies that deny
        // insecure transport would otherwise deny everything.
        lowered["aws:securetransport"] = lowered["aws:securetransport"] ?? "true"
        self.context = lowered
    }
}

/// What a resource policy says about a request.
public enum PolicyDecision: Sendable, Equatable {
    /// A statement allows it and none denies it.
    case allowed
    /// A statement denies it.
    case explicitlyDenied
    /// No statement allows it.
    case notAllowed
}

/// A resource-based policy (an SQS queue's `Policy`, an SNS topic's `Policy`), parsed once and
/// evaluated per request the way AWS evaluates one on its own: an explicit Deny wins, else an Allow
/// is needed. Principals as account ids, account and user ARNs, service names and `*`; actions and
/// resources with `*` and `?` wildcards (and their Not forms); the condition operators for strings,
/// ARNs, numbers, booleans and nulls, with `IfExists` and the `ForAnyValue`/`ForAllValues` prefixes.
public struct ResourcePolicy: Sendable {
    struct Statement: Sendable {
        var allow: Bool
        var principals: PrincipalMatch
        var actions: PatternList
        var resources: PatternList?
        var conditions: [Condition]
    }

    enum PrincipalMatch: Sendable {
        case anyone
        case some(aws: [String], services: [String])
        case allExcept(aws: [String], services: [String])
        /// No Principal element (identity-style statement): it names nobody for a resource policy.
        case nobody
    }

    struct PatternList: Sendable {
        var patterns: [String]
        var negated: Bool

        func matches(_ value: String, ignoringCase: Bool) -> Bool {
            let found = patterns.contains { Wildcard.matches($0, value, ignoringCase: ignoringCase) }
            return negated ? !found : found
        }
    }

    struct Condition: Sendable {
        var operation: String
        /// The condition key in lower case, as context keys are matched.
        var key: String
        /// The key as the policy spells it.
        var name: String
        var values: [String]
        var ifExists: Bool
        var quantifier: Quantifier?

        enum Quantifier: Sendable { case anyValue, allValues }
    }

    let statements: [Statement]

    /// The policy could not be read as a policy document.
    public struct Malformed: Error, CustomStringConvertible {
        public let description: String
    }

    /// Parses a policy document.
    public init(json: String) throws {
        guard let object = StrictJSON.object(json) else {
            throw Malformed(description: "the policy is not a JSON object")
        }
        let raw: [Any]
        if let list = object["Statement"] as? [Any] {
            raw = list
        } else if let single = object["Statement"] as? [String: Any] {
            raw = [single]
        } else {
            throw Malformed(description: "the policy has no Statement")
        }
        statements = try raw.map { item in
            guard let statement = item as? [String: Any] else {
                throw Malformed(description: "a statement is not a JSON object")
            }
            return try Self.statement(statement)
        }
    }

    /// Decides a request.
    public func evaluate(_ request: AccessRequest) -> PolicyDecision {
        var allowed = false
        for statement in statements where applies(statement, to: request) {
            if !statement.allow { return .explicitlyDenied }
            allowed = true
        }
        return allowed ? .allowed : .notAllowed
    }

    /// The statements that decide a request, in document order, with whether each allows or denies.
    /// Identity policies (inline and managed) name no principal: `ignoringPrincipal` evaluates them
    /// for whoever holds them.
    public func deciding(_ request: AccessRequest, ignoringPrincipal: Bool = false) -> [(index: Int, allows: Bool)] {
        statements.indices.compactMap { index in
            let statement = statements[index]
            guard applies(statement, to: request, ignoringPrincipal: ignoringPrincipal) else { return nil }
            return (index, statement.allow)
        }
    }

    /// Condition keys, as the policy spells them, that statements naming the request's action and
    /// resource test and its context lacks: what a simulation reports as missing context values.
    public func missingConditionKeys(_ request: AccessRequest) -> Set<String> {
        var missing = Set<String>()
        for statement in statements
        where statement.actions.matches(request.action, ignoringCase: true)
            && statement.resources?.matches(request.resource, ignoringCase: false) ?? true
        {
            for condition in statement.conditions where request.context[condition.key] == nil {
                missing.insert(condition.name)
            }
        }
        return missing
    }

    private func applies(_ statement: Statement, to request: AccessRequest, ignoringPrincipal: Bool = false) -> Bool {
        guard ignoringPrincipal || principal(statement.principals, matches: request.principal),
            statement.actions.matches(request.action, ignoringCase: true),
            statement.resources?.matches(request.resource, ignoringCase: false) ?? true
        else { return false }
        return statement.conditions.allSatisfy { Self.holds($0, in: request.context) }
    }

    private func principal(_ match: PrincipalMatch, matches principal: PolicyPrincipal) -> Bool {
        func named(aws: [String], services: [String]) -> Bool {
            if principal.isService {
                return services.contains(principal.identifier) || aws.contains("*")
                    || principal.aliases.contains { services.contains($0) }
            }
            guard let account = principal.account else { return false }
            return aws.contains { name in
                name == "*" || name == account || name == principal.identifier
                    || name == "arn:aws:iam::\(account):root" || principal.aliases.contains(name)
            }
        }
        switch match {
        case .anyone: return true
        case .nobody: return false
        case .some(let aws, let services): return named(aws: aws, services: services)
        case .allExcept(let aws, let services): return !named(aws: aws, services: services)
        }
    }

    // MARK: Parsing

    private static func statement(_ object: [String: Any]) throws -> Statement {
        guard let effect = object["Effect"] as? String, effect == "Allow" || effect == "Deny" else {
            throw Malformed(description: "a statement's Effect must be Allow or Deny")
        }
        let principals: PrincipalMatch
        if let principal = object["Principal"] {
            principals = try principalMatch(principal, negated: false)
        } else if let principal = object["NotPrincipal"] {
            principals = try principalMatch(principal, negated: true)
        } else {
            principals = .nobody
        }
        guard let actions = patterns(object["Action"], negated: false) ?? patterns(object["NotAction"], negated: true)
        else {
            throw Malformed(description: "a statement needs an Action or NotAction")
        }
        let resources = patterns(object["Resource"], negated: false) ?? patterns(object["NotResource"], negated: true)
        return Statement(
            allow: effect == "Allow", principals: principals, actions: actions, resources: resources,
            conditions: try conditions(object["Condition"]))
    }

    private static func strings(_ value: Any?) -> [String]? {
        if let text = value as? String { return [text] }
        if let list = value as? [Any] { return list.compactMap { $0 as? String ?? ($0 as? NSNumber)?.stringValue } }
        if let number = value as? NSNumber { return [number.stringValue] }
        return nil
    }

    private static func patterns(_ value: Any?, negated: Bool) -> PatternList? {
        strings(value).map { PatternList(patterns: $0, negated: negated) }
    }

    private static func principalMatch(_ value: Any, negated: Bool) throws -> PrincipalMatch {
        if let text = value as? String {
            guard text == "*" else { throw Malformed(description: "a Principal string must be \"*\"") }
            return negated ? .nobody : .anyone
        }
        guard let object = value as? [String: Any] else {
            throw Malformed(description: "a Principal must be \"*\" or an object")
        }
        let aws = strings(object["AWS"]) ?? []
        // Federated providers are matched like services, by name (or the provider's ARN).
        let services =
            (strings(object["Service"]) ?? []) + (strings(object["Federated"]) ?? []).map { "federated:" + $0 }
        return negated ? .allExcept(aws: aws, services: services) : .some(aws: aws, services: services)
    }

    private static func conditions(_ value: Any?) throws -> [Condition] {
        guard let value else { return [] }
        guard let blocks = value as? [String: Any] else {
            throw Malformed(description: "a Condition must be an object")
        }
        var result: [Condition] = []
        for (rawOperation, block) in blocks {
            guard let pairs = block as? [String: Any] else {
                throw Malformed(description: "the condition \(rawOperation) must be an object")
            }
            var operation = rawOperation
            var quantifier: Condition.Quantifier?
            if operation.hasPrefix("ForAnyValue:") {
                quantifier = .anyValue
                operation.removeFirst("ForAnyValue:".count)
            } else if operation.hasPrefix("ForAllValues:") {
                quantifier = .allValues
                operation.removeFirst("ForAllValues:".count)
            }
            var ifExists = false
            if operation.hasSuffix("IfExists") {
                ifExists = true
                operation.removeLast("IfExists".count)
            }
            for (key, values) in pairs {
                result.append(
                    Condition(
                        operation: operation, key: key.lowercased(), name: key, values: strings(values) ?? [],
                        ifExists: ifExists,
                        quantifier: quantifier))
            }
        }
        return result
    }

    // MARK: Conditions

    static func holds(_ condition: Condition, in context: [String: String]) -> Bool {
        let negated = negatedOperators.contains(condition.operation)
        guard let actual = context[condition.key] else {
            if condition.operation == "Null" {
                return condition.values.contains { $0.lowercased() == "true" }
            }
            // As in IAM: a missing key fails a condition, except with IfExists, ForAllValues, or a
            // negated operator (nothing to be equal to).
            return condition.ifExists || condition.quantifier == .allValues || negated
        }
        if condition.operation == "Null" { return condition.values.contains { $0.lowercased() == "false" } }
        if negated {
            // Negated operators hold when the value matches none of the listed ones.
            return !condition.values.contains { compare(positive(of: condition.operation), actual, $0) == true }
        }
        return condition.values.contains { compare(condition.operation, actual, $0) == true }
    }

    private static let negatedOperators: Set<String> = [
        "StringNotEquals", "StringNotEqualsIgnoreCase", "StringNotLike", "ArnNotEquals", "ArnNotLike",
        "NumericNotEquals", "DateNotEquals", "NotIpAddress",
    ]

    private static func positive(of operation: String) -> String {
        operation == "NotIpAddress" ? "IpAddress" : operation.replacingOccurrences(of: "Not", with: "")
    }

    /// One comparison; nil for an operator this evaluator does not know (which never matches).
    private static func compare(_ operation: String, _ actual: String, _ expected: String) -> Bool? {
        switch operation {
        case "StringEquals": return actual == expected
        case "StringEqualsIgnoreCase": return actual.lowercased() == expected.lowercased()
        case "StringLike": return Wildcard.matches(expected, actual, ignoringCase: false)
        case "ArnEquals", "ArnLike": return Wildcard.matches(expected, actual, ignoringCase: false)
        case "Bool": return actual.lowercased() == expected.lowercased()
        case "NumericEquals", "NumericLessThan", "NumericLessThanEquals", "NumericGreaterThan",
            "NumericGreaterThanEquals":
            return ordered(operation.dropFirst("Numeric".count), Double(actual), Double(expected))
        case "DateEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals":
            return ordered(
                operation.dropFirst("Date".count), PolicyDates.seconds(actual), PolicyDates.seconds(expected))
        case "IpAddress": return CIDR.covers(expected, actual)
        case "BinaryEquals": return actual == expected
        default:
            return nil
        }
    }

    /// A numeric or date comparison (`Equals`, `LessThan`, ...); a value that is not a number or date
    /// fails it.
    private static func ordered(_ relation: Substring, _ left: Double?, _ right: Double?) -> Bool {
        guard let left, let right else { return false }
        switch relation {
        case "Equals": return left == right
        case "LessThan": return left < right
        case "LessThanEquals": return left <= right
        case "GreaterThan": return left > right
        default: return left >= right
        }
    }
}

/// IAM-style wildcards: `*` any run of characters, `?` any one character.
enum Wildcard {
    static func matches(_ pattern: String, _ text: String, ignoringCase: Bool) -> Bool {
        let pattern = Array((ignoringCase ? pattern.lowercased() : pattern).unicodeScalars)
        let text = Array((ignoringCase ? text.lowercased() : text).unicodeScalars)
        // Iterative matching with one backtrack point for the last `*` seen.
        var p = 0
        var t = 0
        var star = -1
        var resume = 0
        while t < text.count {
            if p < pattern.count, pattern[p] == "?" || pattern[p] == text[t] {
                p += 1
                t += 1
            } else if p < pattern.count, pattern[p] == "*" {
                star = p
                resume = t
                p += 1
            } else if star >= 0 {
                p = star + 1
                resume += 1
                t = resume
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == "*" { p += 1 }
        return p == pattern.count
    }
}
