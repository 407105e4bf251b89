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

extension RFC2047 {
    /// A metadata value as S3 answers it in a header: as it is when it is plain ASCII, otherwise as
    /// UTF-8 encoded words, "Q" when most of its characters are ASCII and "B" when they are not, each
    /// word short enough for a header line. S3 chooses as JavaMail's `MimeUtility.encodeText` does,
    /// counting UTF-16 units (AWS's recorded answers fit it, control characters included).
    static func encodeForHeader(_ value: String) -> String {
        let units = Array(value.utf16)
        let nonASCII = units.filter(isNonASCII).count
        guard nonASCII > 0 else { return value }
        let base64 = units.count - nonASCII <= nonASCII
        var words: [String] = []
        appendWords(units, base64: base64, to: &words)
        return words.joined(separator: " ")
    }

    private static func isNonASCII(_ unit: UInt16) -> Bool {
        unit >= 0x7F || (unit < 0x20 && unit != 0x0D && unit != 0x0A && unit != 0x09)
    }

    /// The room for an encoded word's text (JavaMail's 68 less the charset name's length).
    private static let wordRoom = 68 - "UTF-8".count

    /// Appends the words of `units`, halving the text until each word fits.
    private static func appendWords(_ units: [UInt16], base64: Bool, to words: inout [String]) {
        let bytes = Array(String(decoding: units, as: UTF16.self).utf8)
        let encoded = base64 ? Data(bytes).base64EncodedString() : qEncoded(bytes)
        var split = units.count / 2
        if encoded.utf8.count > wordRoom, units.count > 1 {
            if UTF16.isLeadSurrogate(units[split - 1]) { split -= 1 }
            if split > 0 {
                appendWords(Array(units[..<split]), base64: base64, to: &words)
                appendWords(Array(units[split...]), base64: base64, to: &words)
                return
            }
        }
        words.append("=?UTF-8?\(base64 ? "B" : "Q")?\(encoded)?=")
    }

    private static func qEncoded(_ bytes: [UInt8]) -> String {
        var text = ""
        for byte in bytes {
            if byte == UInt8(ascii: " ") {
                text += "_"
            } else if byte < 0x20 || byte >= 0x7F || byte == UInt8(ascii: "=") || byte == UInt8(ascii: "_")
                || byte == UInt8(ascii: "?")
            {
                text += "=" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            } else {
                text.unicodeScalars.append(Unicode.Scalar(byte))
            }
        }
        return text
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
