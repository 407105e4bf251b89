import SwitchyardWire

/// The context keys policies depend on, as GetContextKeysFor*Policy lists them: the keys their
/// conditions test and the policy variables (`${aws:username}`) their elements use, in the order
/// they appear, each once (compared without regard to case, as IAM compares keys).
enum PolicyContextKeys {
    static func names(in documents: [String]) -> [String] {
        var names: [String] = []
        var seen = Set<String>()
        func add(_ name: String) {
            if seen.insert(name.lowercased()).inserted { names.append(name) }
        }
        for document in documents {
            guard let parsed = try? OrderedJSON.parse(Array(document.utf8)), let statement = parsed["Statement"]
            else { continue }
            let statements: [OrderedJSON]
            if case .array(let items) = statement { statements = items } else { statements = [statement] }
            for case .object(let members) in statements {
                for (key, value) in members {
                    if key == "Condition", case .object(let blocks) = value {
                        for case .object(let pairs) in blocks.map(\.value) {
                            for (conditionKey, values) in pairs {
                                variables(in: .string(conditionKey)).forEach(add)
                                add(conditionKey)
                                variables(in: values).forEach(add)
                            }
                        }
                    } else if key != "Sid", key != "Effect" {
                        variables(in: value).forEach(add)
                    }
                }
            }
        }
        return names
    }

    /// The names of the `${...}` variables in a value's strings; `${*}`, `${?}` and `${$}` stand
    /// for characters, not keys.
    static func variables(in value: OrderedJSON) -> [String] {
        switch value {
        case .scalar(.string(let text)):
            var found: [String] = []
            var rest = Substring(text)
            while let open = rest.range(of: "${") {
                guard let close = rest[open.upperBound...].firstIndex(of: "}") else { break }
                var name = String(rest[open.upperBound..<close])
                // A default value (`${aws:username, 'none'}`) is not part of the key.
                if let comma = name.firstIndex(of: ",") { name = String(name[..<comma]) }
                name = name.trimmingCharacters(in: .whitespaces)
                if !["*", "?", "$"].contains(name), !name.isEmpty { found.append(name) }
                rest = rest[rest.index(after: close)...]
            }
            return found
        case .array(let items): return items.flatMap(variables)
        case .object(let members): return members.flatMap { variables(in: $0.value) }
        case .scalar: return []
        }
    }
}
