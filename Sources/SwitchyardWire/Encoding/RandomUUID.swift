/// Random (version 4) UUIDs in lower-case text, for request and message ids.
///
/// Foundation's `UUID()` on Linux opens /dev/urandom on every call; this draws from the system
/// generator (getrandom) instead, which matters on the request path.
public enum RandomUUID {
    private static let digits = Array("0123456789abcdef".utf8)

    public static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        let high = generator.next() & 0xFFFF_FFFF_FFFF_0FFF | 0x0000_0000_0000_4000
        let low = generator.next() & 0x3FFF_FFFF_FFFF_FFFF | 0x8000_0000_0000_0000
        return format(high: high, low: low)
    }

    /// The 8-4-4-4-12 lower-case text of 128 bits.
    public static func format(high: UInt64, low: UInt64) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(36)
        for (index, shift) in stride(from: 60, through: 0, by: -4).enumerated() {
            if index == 8 || index == 12 { out.append(UInt8(ascii: "-")) }
            out.append(digits[Int((high >> UInt64(shift)) & 0xF)])
        }
        for (index, shift) in stride(from: 60, through: 0, by: -4).enumerated() {
            if index == 0 || index == 4 { out.append(UInt8(ascii: "-")) }
            out.append(digits[Int((low >> UInt64(shift)) & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
