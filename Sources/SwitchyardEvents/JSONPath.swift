import SwitchyardWire

/// The JSON paths EventBridge takes in InputPath and InputPathsMap: `$`, then members by `.name` or
/// `['name']` and array elements by `[n]`.
public struct JSONPath: Sendable, Equatable {
    enum Step: Sendable, Equatable {
        case member(String)
        case element(Int)
    }

    let steps: [Step]

    /// Parses a path, or nil when it is not one of the forms EventBridge takes.
    public init?(_ text: String) {
        var characters = Array(text)
        guard characters.first == "$" else { return nil }
        characters.removeFirst()
        var steps: [Step] = []
        var index = 0
        while index < characters.count {
            switch characters[index] {
            case ".":
                var name = ""
                index += 1
                while index < characters.count, characters[index] != ".", characters[index] != "[" {
                    name.append(characters[index])
                    index += 1
                }
                guard !name.isEmpty else { return nil }
                steps.append(.member(name))
            case "[":
                guard let close = characters[index...].firstIndex(of: "]") else { return nil }
                let inside = String(characters[(index + 1)..<close])
                if let number = Int(inside), number >= 0 {
                    steps.append(.element(number))
                } else if inside.count >= 2, let quote = inside.first, quote == "'" || quote == "\"",
                    inside.last == quote
                {
                    steps.append(.member(String(inside.dropFirst().dropLast())))
                } else {
                    return nil
                }
                index = close + 1
            default:
                return nil
            }
        }
        self.steps = steps
    }

    /// The value the path leads to in a document, if there is one.
    public func value(in document: OrderedJSON) -> OrderedJSON? {
        var current = document
        for step in steps {
            switch (step, current) {
            case (.member(let name), .object(let members)):
                guard let next = members.first(where: { $0.key == name })?.value else { return nil }
                current = next
            case (.element(let position), .array(let items)):
                guard position < items.count else { return nil }
                current = items[position]
            default:
                return nil
            }
        }
        return current
    }
}
