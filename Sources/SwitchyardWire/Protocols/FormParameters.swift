/// Decodes `application/x-www-form-urlencoded` text (and URL query strings) into name/value pairs.
public enum FormParameters {
    /// Pairs in the order they appear; '+' means a space, `%XX` a byte.
    public static func decode(_ bytes: some Collection<UInt8>) -> [(String, String)] {
        var pairs: [(String, String)] = []
        for part in bytes.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            if let equals = part.firstIndex(of: UInt8(ascii: "=")) {
                pairs.append(
                    (percentDecode(part[part.startIndex..<equals]), percentDecode(part[part.index(after: equals)...])))
            } else {
                pairs.append((percentDecode(part), ""))
            }
        }
        return pairs
    }

    /// Decodes `%XX` escapes; '+' is a space in forms and query strings but itself in URL paths.
    public static func percentDecode(_ bytes: some Collection<UInt8>, plusIsSpace: Bool = true) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var iterator = bytes.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+") where plusIsSpace: out.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = iterator.next() else { out.append(byte); break }
                guard let low = iterator.next() else { out.append(byte); out.append(high); break }
                if let h = hexValue(high), let l = hexValue(low) {
                    out.append(h << 4 | l)
                } else {
                    out.append(contentsOf: [byte, high, low])
                }
            default: out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
