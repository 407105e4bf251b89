/// A JSON document in document order whose every value knows where it stands in the text, for
/// services that name the place of a problem the way a streaming parser reports it (SNS quotes
/// Jackson's locations in filter-policy errors).
public struct LocatedJSON: Sendable {
    public enum Value: Sendable {
        case scalar(JSONValue)
        case array([LocatedJSON])
        case object([(key: String, value: LocatedJSON)])
    }

    public let value: Value
    /// Byte offset of the value's first character.
    public let start: Int
    /// Byte offset just past the value's last character.
    public let end: Int

    /// Parses UTF-8 JSON bytes with the same rules as `JSONValue.parse`.
    public static func parse(_ bytes: [UInt8]) throws -> LocatedJSON {
        try JSONReader.readWhole(bytes) { reader in try reader.locatedValue(depth: 0) }
    }

    /// Where a streaming parser stands once it has handed out this value's first token: past the
    /// opening quote of a string (whose text it reads only when asked), past the bracket of an array
    /// or object, past the whole of any other literal.
    public var tokenEnd: Int {
        switch value {
        case .scalar(.string), .array, .object: return start + 1
        case .scalar: return end
        }
    }

    /// The same document without locations.
    public var ordered: OrderedJSON {
        switch value {
        case .scalar(let scalar): return .scalar(scalar)
        case .array(let items): return .array(items.map(\.ordered))
        case .object(let members): return .object(members.map { ($0.key, $0.value.ordered) })
        }
    }
}

extension JSONReader {
    mutating func locatedValue(depth: Int) throws -> LocatedJSON {
        guard depth < 256 else { throw Failure() }
        skipWhitespace()
        guard position < bytes.count else { throw Failure() }
        let start = position
        let value: LocatedJSON.Value
        switch bytes[position] {
        case UInt8(ascii: "{"):
            var members: [(key: String, value: LocatedJSON)] = []
            try readObject { reader, key in members.append((key, try reader.locatedValue(depth: depth + 1))) }
            value = .object(members)
        case UInt8(ascii: "["):
            var items: [LocatedJSON] = []
            try readArray { reader in items.append(try reader.locatedValue(depth: depth + 1)) }
            value = .array(items)
        default:
            value = .scalar(try self.value(depth: depth))
        }
        return LocatedJSON(value: value, start: start, end: position)
    }
}
