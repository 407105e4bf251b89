import Crypto
import Foundation

/// An MFA device of an account: a virtual device IAM created (with its TOTP seed), assigned to a
/// user once enabled, or a hardware token, which exists here only while it is enabled for a user.
public struct MFADeviceRecord: Codable, Sendable, Equatable {
    public var account: String
    /// The virtual device's ARN (`arn:aws:iam::<account>:mfa<path><name>`), or the token's serial.
    public var serialNumber: String
    /// The virtual device's name and path; nil for a hardware token.
    public var name: String?
    public var path: String?
    /// The virtual device's secret, in base32; nil for a hardware token, whose codes IAM cannot know.
    public var seed: String?
    public var createdAt: Date
    public var userName: String?
    public var enabledAt: Date?
    public var tags: [TagPair]

    public var isVirtual: Bool { seed != nil }
    var storageKey: String { "\(account)/\(serialNumber)" }
}

/// Time-based one-time passwords (RFC 6238 over RFC 4226): HMAC-SHA1, six digits, 30-second steps,
/// as virtual MFA applications compute them from the seed.
enum TOTP {
    static let step: TimeInterval = 30

    /// A new seed: 40 random bytes, 64 base32 characters without padding, as AWS issues them.
    static func newSeed() -> String {
        var generator = SystemRandomNumberGenerator()
        return Base32.encode((0..<40).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    /// The code of time step `counter`.
    static func code(seed: [UInt8], counter: UInt64) -> String {
        let message = withUnsafeBytes(of: counter.bigEndian) { Array($0) }
        let mac = Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: SymmetricKey(data: seed)))
        let offset = Int(mac[mac.count - 1] & 0x0f)
        let value =
            (UInt32(mac[offset] & 0x7f) << 24) | (UInt32(mac[offset + 1]) << 16) | (UInt32(mac[offset + 2]) << 8)
            | UInt32(mac[offset + 3])
        let digits = String(value % 1_000_000)
        return String(repeating: "0", count: 6 - digits.count) + digits
    }

    /// Whether the two codes are those of consecutive steps near `now`. Clocks of phones drift, so
    /// steps from `drift` before to `drift` after now are accepted as the first code's.
    static func consecutive(_ first: String, _ second: String, seed: String, now: Date, drift: Int) -> Bool {
        guard let key = Base32.decode(seed) else { return false }
        let current = Int64(now.timeIntervalSince1970 / step)
        for counter in (current - Int64(drift) - 1)...(current + Int64(drift)) where counter >= 0 {
            if code(seed: key, counter: UInt64(counter)) == first
                && code(seed: key, counter: UInt64(counter + 1)) == second
            {
                return true
            }
        }
        return false
    }
}

/// RFC 4648 base32 (A-Z, 2-7) without padding.
enum Base32 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | UInt32(byte)
            bits += 8
            while bits >= 5 {
                bits -= 5
                output.append(alphabet[Int((buffer >> UInt32(bits)) & 31)])
            }
        }
        if bits > 0 { output.append(alphabet[Int((buffer << UInt32(5 - bits)) & 31)]) }
        return String(decoding: output, as: UTF8.self)
    }

    static func decode(_ text: String) -> [UInt8]? {
        var output: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for character in text.utf8 where character != UInt8(ascii: "=") {
            guard let value = alphabet.firstIndex(of: character) else { return nil }
            buffer = (buffer << 5) | UInt32(value)
            bits += 5
            if bits >= 8 {
                bits -= 8
                output.append(UInt8((buffer >> UInt32(bits)) & 0xff))
            }
        }
        return output
    }
}
