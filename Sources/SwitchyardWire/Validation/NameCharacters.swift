/// The character rules of AWS names, ids and labels, checked on UTF-8 bytes: these run for every entry
/// of every batch, where Foundation's `CharacterSet` lookups cost more than the rest of the check.
public enum NameCharacters {
    /// ASCII letters and digits.
    @inlinable
    public static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
    }

    /// 1 to `maxLength` characters, each an ASCII letter, digit, hyphen or underscore (queue and topic
    /// names, batch entry ids, permission labels).
    @inlinable
    public static func isWord(_ text: some StringProtocol, maxLength: Int) -> Bool {
        let utf8 = text.utf8
        // Only ASCII passes, so the byte count is the character count.
        return !utf8.isEmpty && utf8.count <= maxLength
            && utf8.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") }
    }

    /// ASCII letters, digits, underscores, hyphens and periods (message attribute names, platform
    /// application names).
    @inlinable
    public static func isAttributeNameCharacters(_ text: String) -> Bool {
        text.utf8.allSatisfy {
            isAlphanumeric($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".")
        }
    }
}
