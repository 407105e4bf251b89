import Foundation

/// The identifiers IAM and STS hand out, in AWS's forms: unique ids of 21 characters with a prefix per
/// kind (`AIDA` users, `AROA` roles, `AGPA` groups, `ANPA` policies, `AIPA` instance profiles),
/// access key ids of 20 (`AKIA` long-term, `ASIA` temporary) that encode their account the way AWS's
/// do, 40-character secrets and opaque session tokens.
enum IdentityIdentifiers {
    private static let base32 = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)
    private static let upperAlphanumeric = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".utf8)
    private static let secretAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// A unique id: the prefix and 17 upper-case letters and digits.
    static func uniqueId(_ prefix: String) -> String {
        prefix + upperAlphanumerics(17)
    }

    /// `count` random upper-case letters and digits.
    static func upperAlphanumerics(_ count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return String(
            decoding: (0..<count).map { _ in upperAlphanumeric.randomElement(using: &generator) ?? 65 }, as: UTF8.self)
    }

    /// An access key id (`AKIA` or `ASIA` and 16 characters) whose characters encode `account`, as
    /// AWS's have since 2019: base32 of ten bytes whose first six hold the account id shifted left by 7.
    static func accessKeyId(prefix: String, account: String) -> String {
        var bytes = [UInt8](repeating: 0, count: 10)
        var generator = SystemRandomNumberGenerator()
        for index in bytes.indices { bytes[index] = UInt8.random(in: 0...255, using: &generator) }
        let number = UInt64(account) ?? 0
        let packed = (number << 7) | UInt64(bytes[5] & 0x7F)
        for index in 0..<6 { bytes[index] = UInt8((packed >> UInt64(8 * (5 - index))) & 0xFF) }
        bytes[0] &= 0x7F
        return prefix + base32Encode(bytes)
    }

    /// The account an access key id of AWS's format encodes, if it has that format.
    static func account(ofAccessKeyId id: String) -> String? {
        let characters = Array(id.utf8)
        guard characters.count == 20, let bytes = base32Decode(Array(characters[4...])), bytes.count >= 6 else {
            return nil
        }
        var packed: UInt64 = 0
        for index in 0..<6 { packed = packed << 8 | UInt64(bytes[index]) }
        let account = (packed & 0x7FFF_FFFF_FF80) >> 7
        let text = String(account)
        return String(repeating: "0", count: max(0, 12 - text.count)) + text
    }

    static func secret() -> String {
        var generator = SystemRandomNumberGenerator()
        return String(
            decoding: (0..<40).map { _ in secretAlphabet.randomElement(using: &generator) ?? 65 }, as: UTF8.self)
    }

    /// An opaque session token, as long as AWS's usually are.
    static func sessionToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<264).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return "IQoJb3JpZ2luX2VjE" + Data(bytes).base64EncodedString()
    }

    private static func base32Encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            buffer = buffer << 8 | UInt32(byte)
            bits += 8
            while bits >= 5 {
                output.append(base32[Int((buffer >> UInt32(bits - 5)) & 31)])
                bits -= 5
            }
        }
        if bits > 0 { output.append(base32[Int((buffer << UInt32(5 - bits)) & 31)]) }
        return String(decoding: output, as: UTF8.self)
    }

    private static func base32Decode(_ characters: [UInt8]) -> [UInt8]? {
        var output: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for character in characters {
            guard let value = base32.firstIndex(of: character) else { return nil }
            buffer = buffer << 5 | UInt32(value)
            bits += 5
            if bits >= 8 {
                output.append(UInt8((buffer >> UInt32(bits - 8)) & 0xFF))
                bits -= 8
            }
        }
        return output
    }
}
