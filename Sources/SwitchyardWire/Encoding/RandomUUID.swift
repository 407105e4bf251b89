import Synchronization

/// Random (version 4) UUIDs in lower-case text, for request and message ids.
///
/// Foundation's `UUID()` on Linux opens /dev/urandom on every call, and the system generator is a
/// getrandom call per 64 bits; ids need uniqueness, not secrecy, so they come from a xoshiro256**
/// generator seeded once from the system generator.
public enum RandomUUID {
    private static let generator = Mutex(Xoshiro256StarStar())

    public static func make() -> String {
        let (high, low) = makeBits()
        return format(high: high, low: low)
    }

    /// The 128 bits of a random version 4 UUID, for callers that keep ids packed and format them later.
    public static func makeBits() -> (high: UInt64, low: UInt64) {
        let (first, second) = generator.withLock { ($0.next(), $0.next()) }
        return (
            first & 0xFFFF_FFFF_FFFF_0FFF | 0x0000_0000_0000_4000,
            second & 0x3FFF_FFFF_FFFF_FFFF | 0x8000_0000_0000_0000
        )
    }

    /// The 8-4-4-4-12 lower-case text of 128 bits.
    public static func format(high: UInt64, low: UInt64) -> String {
        String(unsafeUninitializedCapacity: 36) { out in
            var position = 0
            func put(_ bits: UInt64, nibbles: Int) {
                for nibble in stride(from: nibbles - 1, through: 0, by: -1) {
                    out[position] = hexDigit(UInt8(truncatingIfNeeded: bits >> UInt64(nibble * 4)) & 0xF)
                    position += 1
                }
            }
            func dash() {
                out[position] = UInt8(ascii: "-")
                position += 1
            }
            put(high >> 32, nibbles: 8)
            dash()
            put(high >> 16, nibbles: 4)
            dash()
            put(high, nibbles: 4)
            dash()
            put(low >> 48, nibbles: 4)
            dash()
            put(low, nibbles: 12)
            return position
        }
    }

    @inline(__always)
    private static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10
    }
}

/// The xoshiro256** generator (Blackman and Vigna), seeded from the system generator.
struct Xoshiro256StarStar: RandomNumberGenerator {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    init() {
        var system = SystemRandomNumberGenerator()
        state = (system.next(), system.next(), system.next(), system.next())
        if state == (0, 0, 0, 0) { state.0 = 1 }
    }

    mutating func next() -> UInt64 {
        let result = rotate(state.1 &* 5, 7) &* 9
        let shifted = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= shifted
        state.3 = rotate(state.3, 45)
        return result
    }

    private func rotate(_ value: UInt64, _ count: UInt64) -> UInt64 {
        (value << count) | (value >> (64 - count))
    }
}
