import SwitchyardWire

/// Reads an event pattern into conditions, checking each part in document order with the words of
/// the pattern compiler behind EventBridge. Where a problem is reported is where that compiler's
/// streaming parser stood: past the first token of the value it was reading.
enum PatternCompiler {
    struct Problem: Error {
        let reason: String
        var offset: Int?
        /// Problems inside the lists of an anything-but come back through a second parser frame,
        /// which names the same place again.
        var repeatsLocation = false
    }

    typealias Condition = EventPattern.Condition

    static func problem(_ reason: String, at offset: Int? = nil) -> Problem { Problem(reason: reason, offset: offset) }

    static func group(_ members: [(key: String, value: LocatedJSON)], prefix: String) throws -> EventPattern.Group {
        var result = EventPattern.Group(fields: [], alternatives: [])
        for (key, value) in members {
            if key == "$or" {
                guard case .array(let list) = value.value else {
                    throw problem("Or relationship must be an array of objects", at: value.tokenEnd)
                }
                guard list.count >= 2 else {
                    throw problem("Or relationship must have at least 2 items", at: value.end)
                }
                result.alternatives.append(
                    try list.map { item in
                        guard case .object(let branch) = item.value else {
                            throw problem("Or relationship must be an array of objects", at: item.tokenEnd)
                        }
                        return try group(branch, prefix: prefix)
                    })
                continue
            }
            let path = prefix.isEmpty ? key : "\(prefix).\(key)"
            switch value.value {
            case .array(let list):
                guard !list.isEmpty else { throw problem("Empty arrays are not allowed", at: value.end) }
                let conditions = try list.map(condition)
                // A key given twice: the later one is the pattern's (as AWS parses duplicate keys).
                result.fields.removeAll { $0.path == path }
                result.fields.append((path, conditions))
            case .object(let inner):
                guard !inner.isEmpty else { throw problem("Empty objects are not allowed", at: value.end) }
                let child = try group(inner, prefix: path)
                result.fields += child.fields
                result.alternatives += child.alternatives
            case .scalar:
                throw problem("\"\(key)\" must be an object or an array", at: value.tokenEnd)
            }
        }
        return result
    }

    static func literal(_ value: LocatedJSON) -> Condition? {
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

    static func number(_ value: LocatedJSON) -> Double? {
        switch value.value {
        case .scalar(.integer(let number)): return Double(number)
        case .scalar(.number(let number)): return number
        default: return nil
        }
    }

    static func string(_ value: LocatedJSON) -> String? {
        guard case .scalar(.string(let text)) = value.value else { return nil }
        return text
    }

    /// A value as the compiler quotes it in a message.
    static func text(_ value: LocatedJSON) -> String {
        switch value.value {
        case .scalar(.integer(let number)): return String(number)
        case .scalar(.number(let number)): return OrderedJSON.scalar(.number(number)).text
        case .scalar(.string(let text)): return text
        case .scalar(.bool(let flag)): return flag ? "true" : "false"
        case .scalar(.null): return "null"
        case .array: return "["
        case .object: return "{"
        case .scalar: return ""
        }
    }

    static func condition(_ value: LocatedJSON) throws -> Condition {
        if let plain = literal(value) {
            if case .number(let number) = plain { try checkNumber(number, at: value.tokenEnd) }
            return plain
        }
        guard case .object(let members) = value.value else {
            throw problem("Match value must be String, number, true, false, or null", at: value.tokenEnd)
        }
        guard let (name, argument) = members.first else {
            throw problem("Empty objects are not allowed", at: value.end)
        }
        let first = try match(name, argument)
        if members.count > 1 {
            throw problem("Only one key allowed in match expression", at: members[1].value.tokenEnd)
        }
        return first
    }

    static func match(_ name: String, _ argument: LocatedJSON) throws -> Condition {
        switch name {
        case "prefix", "suffix":
            if case .object(let members) = argument.value {
                guard members.count == 1, members[0].key == "equals-ignore-case" else {
                    throw problem(
                        "Unsupported \(name) pattern: \(members.first?.key ?? "")",
                        at: members.first?.value.tokenEnd ?? argument.end)
                }
                guard let text = string(members[0].value) else {
                    throw problem("equals-ignore-case match pattern must be a string", at: members[0].value.tokenEnd)
                }
                return name == "prefix" ? .prefix(text, ignoringCase: true) : .suffix(text, ignoringCase: true)
            }
            guard let text = string(argument) else {
                throw problem("\(name) match pattern must be a string", at: argument.tokenEnd)
            }
            return name == "prefix" ? .prefix(text, ignoringCase: false) : .suffix(text, ignoringCase: false)
        case "equals-ignore-case":
            guard let text = string(argument) else {
                throw problem("equals-ignore-case match pattern must be a string", at: argument.tokenEnd)
            }
            return .equalsIgnoreCase(text)
        case "wildcard":
            guard let text = string(argument) else {
                throw problem("wildcard match pattern must be a string", at: argument.tokenEnd)
            }
            return .wildcard(try wildcard(text, at: argument.end))
        case "anything-but":
            return try anythingBut(argument)
        case "numeric":
            return .numeric(try numeric(argument))
        case "exists":
            guard case .scalar(.bool(let flag)) = argument.value else {
                throw problem("exists match pattern must be either true or false.", at: argument.tokenEnd)
            }
            return .exists(flag)
        case "cidr":
            return try cidr(argument)
        default:
            throw problem("Unrecognized match type \(name)", at: argument.tokenEnd)
        }
    }

    /// More stars than this make a wildcard pattern too complex to match in bounded time.
    static let maximumWildcards = 5

    /// A wildcard pattern, refused when two stars meet, an escape escapes nothing it may, or it has
    /// too many stars.
    static func wildcard(_ text: String, at offset: Int) throws -> String {
        let checked = try wildcardSyntax(text, at: offset)
        var stars = 0
        var escaping = false
        for character in text {
            if escaping {
                escaping = false
            } else if character == "\\" {
                escaping = true
            } else if character == "*" {
                stars += 1
            }
        }
        if stars > maximumWildcards {
            throw problem(
                "Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character"
            )
        }
        return checked
    }

    static func wildcardSyntax(_ text: String, at offset: Int) throws -> String {
        var previousStar = false
        var escaping = false
        for (position, character) in text.enumerated() {
            if escaping {
                guard character == "*" || character == "\\" else {
                    throw problem("Invalid escape character at pos \(position)", at: offset)
                }
                escaping = false
                previousStar = false
                continue
            }
            if character == "\\" {
                escaping = true
            } else if character == "*" {
                if previousStar { throw problem("Consecutive wildcard characters at pos \(position)", at: offset) }
                previousStar = true
                continue
            }
            previousStar = false
        }
        return text
    }

    static func anythingBut(_ argument: LocatedJSON) throws -> Condition {
        switch argument.value {
        case .array(let list):
            guard !list.isEmpty else { throw problem("Empty arrays are not allowed", at: argument.end) }
            return .anythingBut(
                try list.map { item in
                    guard let plain = literal(item), !plain.isNull, !plain.isBoolean else {
                        throw Problem(
                            reason: "Inside anything but list, start|null|boolean is not supported.",
                            offset: item.tokenEnd, repeatsLocation: true)
                    }
                    if case .number(let number) = plain { try checkNumber(number, at: item.tokenEnd) }
                    return plain
                })
        case .object(let members):
            guard let (operation, operand) = members.first else {
                throw problem("Empty objects are not allowed", at: argument.end)
            }
            guard members.count == 1 else {
                throw problem("Only one key allowed in match expression", at: members[1].value.tokenEnd)
            }
            return .anythingBut(try anythingButOperation(operation, operand))
        case .scalar:
            guard let plain = literal(argument), !plain.isNull, !plain.isBoolean else {
                throw problem(
                    "Value of anything-but must be an array or single string/number value.", at: argument.tokenEnd)
            }
            if case .number(let number) = plain { try checkNumber(number, at: argument.tokenEnd) }
            return .anythingBut([plain])
        }
    }

    /// `anything-but: {prefix|suffix|wildcard|equals-ignore-case: text or [texts]}`: what none of the
    /// texts may match, in the words AWS recorded for each mistake.
    static func anythingButOperation(_ operation: String, _ operand: LocatedJSON) throws -> [Condition] {
        let typeMessage: String
        switch operation {
        case "prefix", "suffix": typeMessage = "prefix/suffix match pattern must be a string"
        case "wildcard": typeMessage = "wildcard match pattern must be a string"
        case "equals-ignore-case":
            typeMessage = "Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported."
        default:
            throw problem("Unsupported anything-but pattern: \(operation)", at: operand.tokenEnd)
        }
        func condition(_ text: String, at offset: Int) throws -> Condition {
            switch operation {
            case "prefix", "suffix":
                guard !text.isEmpty else { throw problem("Null prefix/suffix not allowed", at: offset) }
                return operation == "prefix" ? .prefix(text, ignoringCase: false) : .suffix(text, ignoringCase: false)
            case "wildcard": return .wildcard(try wildcard(text, at: offset))
            default: return .equalsIgnoreCase(text)
            }
        }
        switch operand.value {
        case .scalar(.string(let text)):
            return [try condition(text, at: operand.end)]
        case .array(let list):
            guard !list.isEmpty else { throw problem("Empty arrays are not allowed", at: operand.end) }
            return try list.map { item in
                guard let text = string(item) else {
                    throw Problem(reason: typeMessage, offset: item.tokenEnd, repeatsLocation: true)
                }
                return try condition(text, at: item.end)
            }
        case .object where operation != "equals-ignore-case":
            throw problem("Value of anything-but must be an array or single string/number value.", at: operand.tokenEnd)
        default:
            throw problem(typeMessage, at: operand.tokenEnd)
        }
    }

    /// `["=", 5]`, `["<", 5]`, `[">", 1]` or the range `[">", 1, "<=", 5]`, checked term by term.
    static func numeric(_ argument: LocatedJSON) throws -> [(comparison: String, value: Double)] {
        guard case .array(let list) = argument.value else {
            throw problem("Value of numeric must be an array.", at: argument.tokenEnd)
        }
        func next(_ index: Int) -> Int { index < list.count ? list[index].tokenEnd : argument.end }
        guard let first = list.first else { throw problem("Empty arrays are not allowed", at: argument.end) }
        guard let operation = string(first) else {
            throw problem("Invalid member in numeric match: \(text(first))", at: first.tokenEnd)
        }
        func operand(_ index: Int, _ name: String) throws -> Double {
            guard index < list.count, let value = number(list[index]) else {
                throw problem("Value of \(name) must be numeric", at: next(index))
            }
            try checkNumber(value, at: next(index))
            return value
        }
        switch operation {
        case "=", "<", "<=":
            let value = try operand(1, operation == "=" ? "equals" : operation)
            guard list.count == 2 else { throw problem("Too many elements in numeric expression", at: next(2)) }
            return [(operation, value)]
        case ">", ">=":
            let bottom = try operand(1, operation)
            guard list.count > 2 else { return [(operation, bottom)] }
            guard let upper = string(list[2]) else {
                throw problem("Bad value in numeric range: \(text(list[2]))", at: next(2))
            }
            guard upper == "<" || upper == "<=" else {
                throw problem("Bad numeric range operator: \(upper)", at: list[2].end)
            }
            let top = try operand(3, upper)
            guard list.count == 4 else { throw problem("Too many terms in numeric range expression", at: next(4)) }
            guard bottom < top else { throw problem("Bottom must be less than top", at: argument.end) }
            return [(operation, bottom), (upper, top)]
        default:
            throw problem("Unrecognized numeric range operator: \(operation)", at: next(1))
        }
    }

    static func cidr(_ argument: LocatedJSON) throws -> Condition {
        guard let text = string(argument) else {
            throw problem("prefix match pattern must be a string", at: argument.tokenEnd)
        }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        // The address checker reports without a place in the pattern.
        guard parts.count == 2 else { throw problem("Malformed CIDR, one '/' required") }
        guard let length = Int(parts[1]) else { throw problem("Malformed CIDR, mask bits must be an integer") }
        guard let address = CIDR.address(String(parts[0])) else {
            throw problem("Nonstandard IP address: \(parts[0])")
        }
        guard (0...(address.count * 8)).contains(length) else {
            throw problem("Malformed CIDR, mask bits must be between 0 and \(address.count * 8)")
        }
        return .cidr(network: address, prefixLength: length)
    }

    static func checkNumber(_ number: Double, at offset: Int) throws {
        guard abs(number) <= 5_000_000_000 else {
            throw problem("Value of number must be between -5.0E9 and 5.0E9 inclusive", at: offset)
        }
    }
}

extension EventPattern.Condition {
    var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    var isBoolean: Bool {
        if case .boolean = self { return true }
        return false
    }
}
