/// A parsed JSON document whose objects keep their members in document order, for the few places
/// where AWS's answer depends on that order (the first offending key of a filter policy).
public indirect enum OrderedJSON: Sendable, Equatable {
    case scalar(JSONValue)
    case array([OrderedJSON])
    case object([(key: String, value: OrderedJSON)])

    public static func == (lhs: OrderedJSON, rhs: OrderedJSON) -> Bool {
        switch (lhs, rhs) {
        case (.scalar(let a), .scalar(let b)): return a == b
        case (.array(let a), .array(let b)): return a == b
        case (.object(let a), .object(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }

    /// Parses UTF-8 JSON bytes with the same rules as `JSONValue.parse`.
    public static func parse(_ bytes: [UInt8]) throws -> OrderedJSON {
        try bytes.withUnsafeBufferPointer { buffer in
            var reader = JSONReader(bytes: buffer)
            let value = try reader.orderedValue(depth: 0)
            reader.skipWhitespace()
            guard reader.position == buffer.count else { throw JSONReader.Failure() }
            return value
        }
    }
}

extension JSONReader {
    mutating func orderedValue(depth: Int) throws -> OrderedJSON {
        guard depth < 256 else { throw Failure() }
        skipWhitespace()
        guard position < bytes.count else { throw Failure() }
        switch bytes[position] {
        case UInt8(ascii: "{"):
            var members: [(key: String, value: OrderedJSON)] = []
            try readObject { reader, key in members.append((key, try reader.orderedValue(depth: depth + 1))) }
            return .object(members)
        case UInt8(ascii: "["):
            var items: [OrderedJSON] = []
            try readArray { reader in items.append(try reader.orderedValue(depth: depth + 1)) }
            return .array(items)
        default:
            return .scalar(try value(depth: depth))
        }
    }
}
