/// A parsed JSON document whose objects keep their members in document order, for the few places
/// where AWS keeps a document in the order it was given (delivery policies).
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

    /// A string value.
    public static func string(_ text: String) -> OrderedJSON { .scalar(.string(text)) }
    /// A whole-number value.
    public static func integer(_ number: Int) -> OrderedJSON { .scalar(.integer(number)) }
    public static func integer(_ number: Int64) -> OrderedJSON { .scalar(.integer(Int(number))) }
    public static func bool(_ value: Bool) -> OrderedJSON { .scalar(.bool(value)) }
    public static let null = OrderedJSON.scalar(.null)

    /// Parses UTF-8 JSON bytes with the same rules as `JSONValue.parse`.
    public static func parse(_ bytes: [UInt8]) throws -> OrderedJSON {
        try LocatedJSON.parse(bytes).ordered
    }

    /// Compact JSON text, members in their order, numbers as Jackson (the JSON library behind AWS's
    /// services) writes them: whole numbers as given, others as Java prints a double ("100.0", "1.0E9").
    public var text: String {
        var writer = JSONWriter()
        write(into: &writer)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// A string as its characters, anything else as its JSON text (a partition key or a message
    /// attribute taken from a document).
    public var plainText: String {
        if case .scalar(.string(let string)) = self { return string }
        return text
    }

    /// The member named `key`, if this is an object that has it.
    public subscript(key: String) -> OrderedJSON? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    private func write(into writer: inout JSONWriter) {
        switch self {
        case .object(let members):
            writer.raw("{")
            for (position, member) in members.enumerated() {
                if position > 0 { writer.raw(",") }
                writer.string(member.key)
                writer.raw(":")
                member.value.write(into: &writer)
            }
            writer.raw("}")
        case .array(let items):
            writer.raw("[")
            for (position, item) in items.enumerated() {
                if position > 0 { writer.raw(",") }
                item.write(into: &writer)
            }
            writer.raw("]")
        case .scalar(let value):
            switch value {
            case .null: writer.raw("null")
            case .bool(let flag): writer.raw(flag ? "true" : "false")
            case .integer(let number): writer.integer(number)
            case .number(let number): writer.verbatim(Self.javaDouble(number))
            case .string(let text): writer.string(text)
            case .array, .object: writer.raw("null")  // parsed containers are never scalars
            }
        }
    }

    /// Java's `Double.toString`: plain decimals from 10^-3 up to 10^7, scientific notation beyond,
    /// always with a fractional digit.
    static func javaDouble(_ value: Double) -> String {
        guard value.isFinite else { return value.isNaN ? "NaN" : (value < 0 ? "-Infinity" : "Infinity") }
        if value == 0 { return value.sign == .minus ? "-0.0" : "0.0" }
        let magnitude = abs(value)
        let sign = value < 0 ? "-" : ""
        if magnitude >= 1e-3, magnitude < 1e7 {
            let plain = "\(magnitude)"  // Swift prints this range as a shortest plain decimal
            return sign + (plain.contains(".") ? plain : plain + ".0")
        }
        // Shortest digits and decimal exponent, from Swift's shortest representation.
        let shortest = "\(magnitude)".lowercased()
        let parts = shortest.split(separator: "e")
        var exponent = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
        let mantissa = parts[0].split(separator: ".", omittingEmptySubsequences: false)
        var digits = String(mantissa[0]) + (mantissa.count > 1 ? String(mantissa[1]) : "")
        exponent += mantissa[0].count - 1
        while digits.hasPrefix("0"), digits.count > 1 {
            digits.removeFirst()
            exponent -= 1
        }
        while digits.hasSuffix("0"), digits.count > 1 { digits.removeLast() }
        let fraction = digits.count > 1 ? String(digits.dropFirst()) : "0"
        return "\(sign)\(digits.prefix(1)).\(fraction)E\(exponent)"
    }
}
