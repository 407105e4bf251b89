/// Kinesis sequence numbers as Switchyard makes them: 56 decimal digits like AWS's, "49", then the
/// arrival time in epoch milliseconds (13 digits), a counter that increases across the stream (22
/// digits) and the ordinal of the shard the record is in (19 digits). Equal lengths make the text
/// order the numeric order, which is time order within a shard and across a shard's parents and
/// children.
struct SequenceNumber: Sendable, Hashable, Comparable {
    var millis: Int64
    var counter: UInt64
    var shard: Int

    static let length = 56

    var text: String {
        "49" + Self.padded(UInt64(max(0, millis)), 13) + Self.padded(counter, 22) + Self.padded(UInt64(shard), 19)
    }

    init(millis: Int64, counter: UInt64, shard: Int) {
        self.millis = millis
        self.counter = counter
        self.shard = shard
    }

    /// A sequence number this server issued, or nil for any other text.
    init?(_ text: String) {
        let digits = Array(text.utf8)
        guard digits.count == Self.length, digits.allSatisfy({ (48...57).contains($0) }), digits[0] == 52,
            digits[1] == 57
        else { return nil }
        func number(_ range: Range<Int>) -> UInt64? { UInt64(String(decoding: digits[range], as: UTF8.self)) }
        guard let millis = number(2..<15), let counter = number(15..<37), let shard = number(37..<56),
            shard <= UInt64(Int.max)
        else { return nil }
        self.init(millis: Int64(millis), counter: counter, shard: Int(shard))
    }

    static func < (lhs: SequenceNumber, rhs: SequenceNumber) -> Bool {
        (lhs.millis, lhs.counter, lhs.shard) < (rhs.millis, rhs.counter, rhs.shard)
    }

    private static func padded(_ value: UInt64, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
