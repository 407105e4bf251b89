import Foundation

/// RFC 2047 encoded words (`=?UTF-8?B?…?=`, `=?UTF-8?Q?…?=`), as clients send non-ASCII metadata.
enum RFC2047 {
    /// The decoded text of a value that is one encoded word, or nil when it is not one.
    static func decode(_ value: String) -> String? {
        guard value.hasPrefix("=?"), value.hasSuffix("?="), value.count > 4 else { return nil }
        let inner = value.dropFirst(2).dropLast(2)
        let parts = inner.split(separator: "?", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].lowercased() == "utf-8" else { return nil }
        switch parts[1].uppercased() {
        case "B":
            guard let data = Data(base64Encoded: String(parts[2])) else { return nil }
            return String(data: data, encoding: .utf8)
        case "Q":
            var bytes: [UInt8] = []
            var iterator = Array(parts[2].utf8).makeIterator()
            while let byte = iterator.next() {
                switch byte {
                case UInt8(ascii: "_"): bytes.append(UInt8(ascii: " "))
                case UInt8(ascii: "="):
                    guard let high = iterator.next(), let low = iterator.next(),
                        let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
                    else { return nil }
                    bytes.append(value)
                default: bytes.append(byte)
                }
            }
            return String(bytes: bytes, encoding: .utf8)
        default:
            return nil
        }
    }
}
