import Foundation
import SwitchyardWire

/// IAM's checks of an identity policy (managed or inline), in the order AWS applies them, each
/// with AWS's words as AWS recorded them:
/// 1. the document's shape ("Syntax errors in policy."): known elements of the right types, an
///    effect of Allow or Deny in any case, known condition operators;
/// 2. managed policies only: a Version of 2012-10-17;
/// 3. what the older parser refused ("The policy failed legacy parsing"): an effect not spelled
///    exactly, a short `arn:` resource, a date condition that is not a date;
/// 4. no principal, unique statement ids, actions and resources present;
/// 5. each resource an ARN of a known partition (IAM and S3 resources without a region, IAM's of
///    a known kind), then each action `vendor:name`.
enum IdentityPolicyGrammar {
    static func check(_ document: [String: JSONValue], requireVersion: Bool) throws {
        let statements = try shape(document)
        if requireVersion, document["Version"] != .string("2012-10-17") {
            throw fail("Policy document must be version 2012-10-17 or greater.")
        }
        if statements.contains(where: { !passesLegacyParsing($0) }) { throw fail("The policy failed legacy parsing") }
        if statements.contains(where: { $0["Principal"] != nil || $0["NotPrincipal"] != nil }) {
            throw fail("Policy document should not specify a principal.")
        }
        var sids = Set<String>()
        for case .string(let sid)? in statements.map({ $0["Sid"] }) where !sid.isEmpty && !sids.insert(sid).inserted {
            throw fail("Statement IDs (SID) in a single policy must be unique.")
        }
        for statement in statements {
            guard !(strings(statement["Action"]) ?? strings(statement["NotAction"]) ?? []).isEmpty else {
                throw fail("Policy statement must contain actions.")
            }
            guard !(strings(statement["Resource"]) ?? strings(statement["NotResource"]) ?? []).isEmpty else {
                throw fail("Policy statement must contain resources.")
            }
        }
        for statement in statements {
            for resource in strings(statement["Resource"]) ?? strings(statement["NotResource"]) ?? [] {
                try checkResource(resource)
            }
            for action in strings(statement["Action"]) ?? strings(statement["NotAction"]) ?? [] {
                try checkAction(action)
            }
        }
    }

    static func fail(_ message: String) -> AWSError { IAMErrors.malformedPolicy(message) }

    // MARK: 1. Shape

    static let documentElements: Set<String> = ["Version", "Id", "Statement"]
    static let statementElements: Set<String> = [
        "Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition",
    ]
    static let conditionOperators: Set<String> = [
        "StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "StringLike",
        "StringNotLike", "NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals",
        "NumericGreaterThan", "NumericGreaterThanEquals", "DateEquals", "DateNotEquals", "DateLessThan",
        "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals", "Bool", "BinaryEquals", "IpAddress",
        "NotIpAddress", "ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike", "Null",
    ]

    /// The statements, once the document has IAM's shape.
    static func shape(_ document: [String: JSONValue]) throws -> [[String: JSONValue]] {
        let syntax = fail("Syntax errors in policy.")
        guard Set(document.keys).isSubset(of: documentElements) else { throw syntax }
        if let version = document["Version"] {
            guard version == .string("2012-10-17") || version == .string("2008-10-17") else { throw syntax }
        }
        if let id = document["Id"], case .string = id {} else if document["Id"] != nil { throw syntax }
        let items: [JSONValue]
        switch document["Statement"] {
        case .array(let list)? where !list.isEmpty: items = list
        case .object?: items = [document["Statement"] ?? .null]
        default: throw syntax
        }
        return try items.map { item in
            guard case .object(let statement) = item, Set(statement.keys).isSubset(of: statementElements) else {
                throw syntax
            }
            if let sid = statement["Sid"], case .string = sid {} else if statement["Sid"] != nil { throw syntax }
            guard case .string(let effect)? = statement["Effect"], ["allow", "deny"].contains(effect.lowercased())
            else { throw syntax }
            for element in ["Action", "NotAction", "Resource", "NotResource"] where statement[element] != nil {
                guard strings(statement[element]) != nil else { throw syntax }
            }
            if statement["Action"] != nil, statement["NotAction"] != nil { throw syntax }
            if statement["Resource"] != nil, statement["NotResource"] != nil { throw syntax }
            if let condition = statement["Condition"] { guard conditionShaped(condition) else { throw syntax } }
            return statement
        }
    }

    static func conditionShaped(_ condition: JSONValue) -> Bool {
        guard case .object(let blocks) = condition else { return false }
        return blocks.allSatisfy { operation, block in
            // An operator IAM does not know passes only with nothing to test.
            guard case .object(let pairs) = block else { return false }
            guard conditionOperators.contains(baseOperator(operation)) || pairs.isEmpty else { return false }
            return pairs.values.allSatisfy { value in
                switch value {
                case .string, .integer, .number, .bool: return true
                case .array(let items):
                    return items.allSatisfy {
                        switch $0 {
                        case .string, .integer, .number, .bool: return true
                        default: return false
                        }
                    }
                default: return false
                }
            }
        }
    }

    /// An operator without its set prefix and `IfExists` suffix.
    static func baseOperator(_ operation: String) -> String {
        var base = Substring(operation)
        for prefix in ["ForAnyValue:", "ForAllValues:"] where base.hasPrefix(prefix) {
            base = base.dropFirst(prefix.count)
        }
        if base.hasSuffix("IfExists") { base = base.dropLast("IfExists".count) }
        return String(base)
    }

    /// A string, or a list of strings; nil for anything else.
    static func strings(_ value: JSONValue?) -> [String]? {
        switch value {
        case .string(let text)?: return [text]
        case .array(let items)?:
            var result: [String] = []
            for case .string(let text) in items { result.append(text) }
            return result.count == items.count ? result : nil
        default: return nil
        }
    }

    // MARK: 3. Legacy parsing

    static func passesLegacyParsing(_ statement: [String: JSONValue]) -> Bool {
        guard case .string(let effect)? = statement["Effect"], effect == "Allow" || effect == "Deny" else {
            return false
        }
        // The older parser read only ARNs of a partition it knew, and refused those of four or five
        // parts, or with no service.
        for resource in strings(statement["Resource"]) ?? strings(statement["NotResource"]) ?? []
        where resource.hasPrefix("arn:") {
            let parts = resource.split(separator: ":", omittingEmptySubsequences: false)
            guard partitions.contains(String(parts[1])) else { continue }
            if (4...5).contains(parts.count) || (parts.count >= 6 && parts[2].isEmpty) { return false }
        }
        if case .object(let blocks)? = statement["Condition"] {
            for (operation, block) in blocks where baseOperator(operation).hasPrefix("Date") {
                guard case .object(let pairs) = block else { continue }
                for value in pairs.values {
                    let texts: [JSONValue]
                    if case .array(let items) = value { texts = items } else { texts = [value] }
                    for text in texts where !isDate(text) { return false }
                }
            }
        }
        return true
    }

    /// What the older parser took for a date: a whole number of 64 bits, or ISO 8601 read leniently
    /// (a year of any length, one- or two-digit fields in range, up to nine fractional digits, a
    /// `T` that may end the text, an offset of two-digit hours).
    static func isDate(_ value: JSONValue) -> Bool {
        let text: String
        switch value {
        case .string(let string): text = string
        case .integer(let number): text = String(number)
        default: return false
        }
        if Int64(text) != nil { return true }
        // A regex literal per use: `Regex` is not `Sendable`, and policies are checked on many tasks.
        guard
            let match = text.wholeMatch(
                of:
                    #/[+-]?\d{1,9}(-(?<month>\d{1,2})(-(?<day>\d{1,2}))?)?([Tt]((?<hour>\d{1,2})(:(?<minute>\d{1,2})(:(?<second>\d{1,2})([.,]\d{1,9})?)?)?)?([Zz]|[+-](?<offsetHour>\d{2})(:?(?<offsetMinute>\d{2}))?)?)?/#
            )
        else { return false }
        func within(_ field: Substring?, _ range: ClosedRange<Int>) -> Bool {
            guard let field else { return true }
            return Int(field).map(range.contains) ?? false
        }
        return within(match.output.month, 1...12) && within(match.output.day, 1...31)
            && within(match.output.hour, 0...23) && within(match.output.minute, 0...59)
            && within(match.output.second, 0...59) && within(match.output.offsetHour, 0...23)
            && within(match.output.offsetMinute, 0...59)
    }

    // MARK: 5. Resources and actions

    static let partitions: Set<String> = [
        "aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc",
    ]
    static let iamResourceKinds = [
        "user/", "federated-user/", "role/", "group/", "instance-profile/", "mfa/", "server-certificate/", "policy/",
        "sms-mfa/", "saml-provider/", "oidc-provider/", "report/", "access-report/",
    ]

    /// A resource is `*` or an ARN; what has colons but does not start with `arn` is read as one, its
    /// first part taken for `arn` and missing parts as `*`, the way AWS quotes it back.
    static func checkResource(_ resource: String) throws {
        guard resource != "*" else { return }
        guard resource.contains(":") else { throw fail("Resource \(resource) must be in ARN format or \"*\".") }
        var parts = resource.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        parts[0] = "arn"
        while parts.count < 6 { parts.append("*") }
        let arn = parts.joined(separator: ":")
        guard partitions.contains(parts[1]) else {
            throw fail("Partition \"\(parts[1])\" is not valid for resource \"\(arn)\".")
        }
        let vendor = parts[2]
        guard !vendor.isEmpty, vendor.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) else {
            throw fail("Resource vendor must be fully qualified and cannot contain regexes.")
        }
        let region = parts[3]
        let path = parts[5...].joined(separator: ":")
        if vendor == "iam" {
            guard region.isEmpty else { throw fail("IAM resource \(resource) cannot contain region information.") }
            guard path == "*" || path == "root" || iamResourceKinds.contains(where: { path.hasPrefix($0) }) else {
                throw fail(
                    "IAM resource path must either be \"*\", root, or start with "
                        + iamResourceKinds.joined(separator: ", ") + ".")
            }
        }
        // A bucket's ARN names no region; access points and other S3 resources of an account do.
        if vendor == "s3", !region.isEmpty, parts[4].isEmpty {
            throw fail("Resource \(resource) can not contain region information.")
        }
    }

    static func checkAction(_ action: String) throws {
        guard action != "*" else { return }
        let parts = action.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count > 1 else {
            throw fail("Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.")
        }
        guard parts.count == 2 else { throw fail("Actions/Condition can contain only one colon.") }
        let vendor = parts[0]
        guard !vendor.isEmpty, !vendor.contains(where: \.isWhitespace) else {
            throw fail("Vendor \(vendor) is not valid")
        }
    }
}
