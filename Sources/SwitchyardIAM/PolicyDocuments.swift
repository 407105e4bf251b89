import Foundation
import SwitchyardPlatform
import SwitchyardWire

/// Checks of policy documents as IAM makes them when one is stored: JSON with a Version IAM knows and
/// statements of Allow or Deny with actions; identity policies (inline and managed) name resources
/// and no principal; trust policies name principals. What fails is MalformedPolicyDocument.
enum PolicyDocuments {
    enum Kind {
        /// Inline: what an identity may do.
        case identity
        /// Managed: the same, and written in the 2012-10-17 version of the language.
        case managed
        /// A role's trust policy: who may assume it.
        case trust
        /// A resource's policy given to the simulator: checked only as a document.
        case resource
    }

    static let maxIdentityPolicySize = 6_144
    static let maxManagedPolicySize = 6_144
    static let maxTrustPolicySize = 2_048

    static func validate(_ text: String, kind: Kind) throws {
        // Strict RFC 8259: IAM refuses what lenient readers take, such as a trailing comma.
        guard case .object(let object)? = try? JSONValue.parse(Array(text.utf8)) else {
            throw IAMErrors.malformedPolicy(
                kind == .trust ? "This policy contains invalid Json" : "Syntax errors in policy.")
        }
        if kind == .identity || kind == .managed {
            return try IdentityPolicyGrammar.check(object, requireVersion: kind == .managed)
        }
        if let version = object["Version"] {
            guard case .string(let version) = version, version == "2012-10-17" || version == "2008-10-17" else {
                throw IAMErrors.malformedPolicy("The policy must contain a valid version string")
            }
        }
        let statements: [JSONValue]
        switch object["Statement"] {
        case .array(let list)?: statements = list
        case .object?: statements = [object["Statement"] ?? .null]
        default: throw IAMErrors.malformedPolicy("Syntax errors in policy.")
        }
        for item in statements {
            guard case .object(let statement) = item else {
                throw IAMErrors.malformedPolicy("Syntax errors in policy.")
            }
            guard case .string(let effect)? = statement["Effect"], effect == "Allow" || effect == "Deny" else {
                throw IAMErrors.malformedPolicy("Invalid effect: \(statement["Effect"].map(Self.plain) ?? "")")
            }
            guard statement["Action"] != nil || statement["NotAction"] != nil else {
                throw IAMErrors.malformedPolicy("Policy statement must contain actions.")
            }
            switch kind {
            case .identity, .managed:
                if statement["Principal"] != nil || statement["NotPrincipal"] != nil {
                    throw IAMErrors.malformedPolicy("Policy document should not specify a principal.")
                }
                guard statement["Resource"] != nil || statement["NotResource"] != nil else {
                    throw IAMErrors.malformedPolicy("Policy statement must contain resources.")
                }
            case .trust:
                let actions: [String]
                switch statement["Action"] {
                case .array(let list)?: actions = list.map(Self.plain)
                case .string(let action)?: actions = [action]
                default: actions = ["sts:AssumeRole"]
                }
                guard actions.allSatisfy(Self.isTrustAction) else {
                    throw IAMErrors.malformedPolicy("AssumeRole policy may only specify STS AssumeRole actions.")
                }
                guard statement["Principal"] != nil || statement["NotPrincipal"] != nil else {
                    throw IAMErrors.malformedPolicy("AssumeRolepolicy contained an invalid principal element.")
                }
                if statement["Resource"] != nil || statement["NotResource"] != nil {
                    throw IAMErrors.malformedPolicy("Has prohibited field Resource")
                }
            case .resource:
                break
            }
        }
    }

    /// The actions a trust policy may name: STS's ways of taking up a role, and wildcards over STS.
    static func isTrustAction(_ action: String) -> Bool {
        let lowered = action.lowercased()
        if lowered == "*" || (lowered.hasPrefix("sts:") && lowered.contains("*")) { return true }
        return trustActions.contains(lowered)
    }

    static let trustActions: Set<String> = [
        "sts:assumerole", "sts:assumerolewithsaml", "sts:assumerolewithwebidentity", "sts:tagsession",
        "sts:setsourceidentity", "sts:setcontext",
    ]

    /// A scalar as its text, for error messages.
    private static func plain(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): return text
        case .integer(let number): return String(number)
        case .number(let number): return String(number)
        case .bool(let flag): return String(flag)
        default: return ""
        }
    }
}

/// IAM's tag rules: at most 50 per resource, keys 1-128 characters unique without regard to case,
/// values up to 256. Managed policies alone tell keys apart by case (as AWS recorded).
enum IAMTags {
    static func merge(_ existing: [TagPair], _ added: [TagPair], caseSensitive: Bool = false) throws -> [TagPair] {
        func folded(_ key: String) -> String { caseSensitive ? key : key.lowercased() }
        var seen = Set<String>()
        for tag in added {
            guard seen.insert(folded(tag.key)).inserted else {
                throw IAMErrors.invalidInput(
                    caseSensitive
                        ? "Duplicate tag keys found."
                        : "Duplicate tag keys found. Please note that Tag keys are case insensitive.")
            }
        }
        var result = existing
        for tag in added {
            if let index = result.firstIndex(where: { folded($0.key) == folded(tag.key) }) {
                result[index] = tag
            } else {
                result.append(tag)
            }
        }
        if result.count > 50 {
            throw IAMErrors.limitExceeded("The number of tags has reached the maximum limit.")
        }
        return result
    }

    static func removing(_ keys: [String], from tags: [TagPair], caseSensitive: Bool = false) -> [TagPair] {
        func folded(_ key: String) -> String { caseSensitive ? key : key.lowercased() }
        let removed = Set(keys.map(folded))
        return tags.filter { !removed.contains(folded($0.key)) }
    }
}

/// IAM list pagination: `Marker` is the opaque position of the next item, `MaxItems` 1-1000 (default 100).
struct IAMPage<Item> {
    var items: [Item]
    var marker: String?
    var isTruncated: Bool { marker != nil }

    init(_ all: [Item], marker: String?, maxItems: Int?) throws {
        let page = try OffsetPage(
            all, token: marker, size: maxItems ?? 100, invalidToken: IAMErrors.validation("Invalid Marker."))
        items = page.items
        self.marker = page.next
    }
}
