import SwitchyardWire

/// Reading and editing JSON objects of configurations, which Firehose keeps as the JSON of their
/// model shapes.
extension OrderedJSON {
    /// The members of an object, or none.
    var members: [(key: String, value: OrderedJSON)] {
        if case .object(let members) = self { return members }
        return []
    }

    var stringValue: String? {
        if case .scalar(.string(let text)) = self { return text }
        return nil
    }

    var intValue: Int? {
        switch self {
        case .scalar(.integer(let number)): return number
        case .scalar(.number(let number)): return Int(exactly: number.rounded(.towardZero))
        default: return nil
        }
    }

    var boolValue: Bool? {
        if case .scalar(.bool(let flag)) = self { return flag }
        return nil
    }

    var arrayValue: [OrderedJSON] {
        if case .array(let items) = self { return items }
        return []
    }

    /// This object with `key` set to `value` (replacing it where it is, appending it otherwise).
    func setting(_ key: String, _ value: OrderedJSON) -> OrderedJSON {
        var members = self.members
        if let index = members.firstIndex(where: { $0.key == key }) {
            members[index].value = value
        } else {
            members.append((key, value))
        }
        return .object(members)
    }

    /// This object with `key` set to `value` unless it has the key already.
    func defaulting(_ key: String, _ value: OrderedJSON) -> OrderedJSON {
        self[key] == nil ? setting(key, value) : self
    }

    /// This object without the members named.
    func removing(_ keys: Set<String>) -> OrderedJSON {
        .object(members.filter { !keys.contains($0.key) })
    }

    /// `update` merged into this object: objects member by member, anything else replaced.
    func merging(_ update: OrderedJSON) -> OrderedJSON {
        guard case .object = self, case .object(let changes) = update else { return update }
        var merged = self
        for (key, value) in changes {
            if let current = merged[key], case .object = current, case .object = value {
                merged = merged.setting(key, current.merging(value))
            } else {
                merged = merged.setting(key, value)
            }
        }
        return merged
    }
}
