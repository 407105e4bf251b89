import Synchronization

/// Random (version 4) UUIDs in lower-case text, for request and message ids.
///
/// Foundation's `UUID()` on Linux opens /dev/urandom on every call, and the system generator is a
/// getrandom call per 64 bits; ids need uniqueness, not secrecy, so they come from a xoshiro256**
/// generator seeded once from the system generator.
public enum RandomUUID {
    private static let digits = Array("0123456789abcdef".utf8)
    private static let generator = Mutex(Xoshiro256StarStar())

    public static func make() -> String {
        let (first, second) = generator.withLock { ($0.next(), $0.next()) }
        let high = first & 0xFFFF_FFFF_FFFF_0FFF | 0x0000_0000_0000_4000
        let low = second & 0x3FFF_FFFF_FFFF_FFFF | 0x8000_0000_0000_0000
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
