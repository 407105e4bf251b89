import Foundation
import SwitchyardWire

/// Fills a partner's policy template with a request's parameters (IAM User Guide, "Policy
/// templates"): `@{name}` placeholders take a `string` parameter's value; an entry holding a
/// `stringList` parameter becomes one entry per value (several such parameters: every
/// combination); a statement's `"@Enabled": "P"` keeps it only while P is `True` (`"!P"`: only
/// while it is not).
struct DelegationTemplate {
    /// Why a template cannot be filled, in words a partner can act on.
    struct Failure: Error, Equatable {
        var message: String
    }

    /// AWS's limit on the filled policy.
    static let maximumLength = 2048

    let document: OrderedJSON
    let parameters: [String: DelegationParameter]

    init(document text: String, parameters: [DelegationParameter]) throws {
        guard let parsed = try? OrderedJSON.parse(Array(text.utf8)), case .object = parsed else {
            throw Failure(message: "The policy template is not a JSON policy document.")
        }
        document = parsed
        var byName: [String: DelegationParameter] = [:]
        for parameter in parameters {
            guard byName.updateValue(parameter, forKey: parameter.name) == nil else {
                throw Failure(message: "The policy parameter \(parameter.name) is given more than once.")
            }
            guard parameter.type == "stringList" || parameter.values.count == 1 else {
                throw Failure(message: "The policy parameter \(parameter.name) of type string takes exactly one value.")
            }
        }
        self.parameters = byName
    }

    /// The filled policy, as compact JSON.
    func render() throws -> String {
        guard case .object(var members) = document else { return document.text }
        if let index = members.firstIndex(where: { $0.key == "Statement" }) {
            switch members[index].value {
            case .array(let statements):
                members[index].value = .array(try statements.compactMap(statement))
            case let single:
                members[index].value = try statement(single) ?? .array([])
            }
        }
        let text = try OrderedJSON.object(members).mapStrings(expand).text
        guard text.count <= Self.maximumLength else {
            throw Failure(
                message:
                    "The filled policy template is \(text.count) characters long; at most \(Self.maximumLength) are allowed."
            )
        }
        return text
    }

    /// A statement without its switch, or nil when the switch turns it off.
    private func statement(_ statement: OrderedJSON) throws -> OrderedJSON? {
        guard case .object(let members) = statement,
            let switchValue = members.first(where: { $0.key == "@Enabled" })?.value
        else { return statement }
        guard case .scalar(.string(let expression)) = switchValue else {
            throw Failure(message: "@Enabled takes the name of a policy parameter.")
        }
        let negated = expression.hasPrefix("!")
        let name = negated ? String(expression.dropFirst()) : expression
        guard let parameter = parameters[name], let value = parameter.values.first else {
            throw Failure(message: "The policy template needs the policy parameter \(name).")
        }
        guard (value.lowercased() == "true") != negated else { return nil }
        return .object(members.filter { $0.key != "@Enabled" })
    }

    /// Every string the placeholders in `text` make: one, or one per combination of list values.
    private func expand(_ text: String) throws -> [String] {
        var results = [""]
        var rest = Substring(text)
        while let start = rest.range(of: "@{") {
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else { break }
            let name = String(rest[start.upperBound..<end])
            guard let parameter = parameters[name] else {
                throw Failure(message: "The policy template needs the policy parameter \(name).")
            }
            let prefix = rest[..<start.lowerBound]
            results = results.flatMap { partial in parameter.values.map { partial + prefix + $0 } }
            rest = rest[rest.index(after: end)...]
        }
        return results.map { $0 + rest }
    }
}

extension OrderedJSON {
    /// The document with every string replaced by what `transform` makes of it: one string stays a
    /// string; several, inside an array, take its place side by side, and alone become an array.
    fileprivate func mapStrings(_ transform: (String) throws -> [String]) throws -> OrderedJSON {
        switch self {
        case .scalar(.string(let text)):
            let strings = try transform(text)
            return strings.count == 1 ? .string(strings[0]) : .array(strings.map(OrderedJSON.string))
        case .scalar:
            return self
        case .array(let items):
            return .array(
                try items.flatMap { item -> [OrderedJSON] in
                    if case .scalar(.string(let text)) = item { return try transform(text).map(OrderedJSON.string) }
                    return [try item.mapStrings(transform)]
                })
        case .object(let members):
            return .object(try members.map { (key: $0.key, value: try $0.value.mapStrings(transform)) })
        }
    }
}
