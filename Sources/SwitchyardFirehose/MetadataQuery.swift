import SwitchyardWire

/// The JQ subset of dynamic partitioning's metadata extraction: an object of keys and paths,
/// `{customer: .customer_id, region: .address.region}`, paths of `.name`, `."quoted name"`,
/// `["name"]` and `[index]` steps. Each key's value is the text of what its path finds.
struct MetadataQuery: Sendable {
    struct Failure: Error {}

    enum Step: Sendable, Equatable {
        case member(String)
        case index(Int)
    }

    var keys: [(name: String, path: [Step])]

    init(_ query: String) throws {
        var parser = Parser(Array(query.unicodeScalars))
        keys = try parser.object()
    }

    /// The partition keys of a JSON record; throws when the record is not JSON or a path finds nothing.
    func extract(from data: [UInt8]) throws -> [String: String] {
        let document = try OrderedJSON.parse(data)
        var values: [String: String] = [:]
        for (name, path) in keys {
            var current: OrderedJSON? = document
            for step in path {
                switch step {
                case .member(let member): current = current?[member]
                case .index(let index):
                    let items = current?.arrayValue ?? []
                    current = items.indices.contains(index) ? items[index] : nil
                }
            }
            guard let found = current, found != .scalar(.null) else { throw Failure() }
            values[name] = found.plainText
        }
        return values
    }

    private struct Parser {
        let scalars: [Unicode.Scalar]
        var position = 0

        init(_ scalars: [Unicode.Scalar]) { self.scalars = scalars }

        mutating func skipSpace() {
            while position < scalars.count, scalars[position].properties.isWhitespace { position += 1 }
        }

        mutating func expect(_ scalar: Unicode.Scalar) throws {
            skipSpace()
            guard position < scalars.count, scalars[position] == scalar else { throw Failure() }
            position += 1
        }

        mutating func object() throws -> [(name: String, path: [Step])] {
            try expect("{")
            var keys: [(name: String, path: [Step])] = []
            while true {
                skipSpace()
                let name = try identifierOrString()
                try expect(":")
                keys.append((name, try path()))
                skipSpace()
                guard position < scalars.count else { throw Failure() }
                if scalars[position] == "," {
                    position += 1
                    continue
                }
                try expect("}")
                skipSpace()
                guard position == scalars.count, !keys.isEmpty else { throw Failure() }
                return keys
            }
        }

        mutating func identifierOrString() throws -> String {
            skipSpace()
            guard position < scalars.count else { throw Failure() }
            if scalars[position] == "\"" { return try quoted() }
            var name = ""
            while position < scalars.count,
                scalars[position].properties.isAlphabetic || scalars[position] == "_"
                    || ("0"..."9").contains(scalars[position])
            {
                name.unicodeScalars.append(scalars[position])
                position += 1
            }
            guard !name.isEmpty else { throw Failure() }
            return name
        }

        mutating func quoted() throws -> String {
            try expect("\"")
            var text = ""
            while position < scalars.count, scalars[position] != "\"" {
                if scalars[position] == "\\", position + 1 < scalars.count { position += 1 }
                text.unicodeScalars.append(scalars[position])
                position += 1
            }
            try expect("\"")
            return text
        }

        mutating func path() throws -> [Step] {
            skipSpace()
            var steps: [Step] = []
            guard position < scalars.count, scalars[position] == "." else { throw Failure() }
            while position < scalars.count {
                let scalar = scalars[position]
                if scalar == "." {
                    position += 1
                    guard position < scalars.count else { break }
                    if scalars[position] == "[" { continue }
                    if scalars[position] == "\"" {
                        steps.append(.member(try quoted()))
                    } else {
                        steps.append(.member(try identifierOrString()))
                    }
                } else if scalar == "[" {
                    position += 1
                    skipSpace()
                    if position < scalars.count, scalars[position] == "\"" {
                        steps.append(.member(try quoted()))
                    } else {
                        var digits = ""
                        while position < scalars.count, ("0"..."9").contains(scalars[position]) {
                            digits.unicodeScalars.append(scalars[position])
                            position += 1
                        }
                        guard let index = Int(digits) else { throw Failure() }
                        steps.append(.index(index))
                    }
                    try expect("]")
                } else {
                    break
                }
            }
            return steps
        }
    }
}
