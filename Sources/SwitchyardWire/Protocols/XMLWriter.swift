import Foundation

/// Writes XML text into a byte buffer; used by awsQuery responses and (later) restXml.
public struct XMLWriter {
    public private(set) var bytes: [UInt8] = []

    public init(capacity: Int = 512) { bytes.reserveCapacity(capacity) }

    public mutating func raw(_ text: String) { bytes.append(contentsOf: text.utf8) }

    public mutating func open(_ name: String, namespace: String? = nil) {
        bytes.append(UInt8(ascii: "<"))
        raw(name)
        if let namespace {
            raw(" xmlns=\"")
            escaped(namespace)
            bytes.append(UInt8(ascii: "\""))
        }
        bytes.append(UInt8(ascii: ">"))
    }

    /// `<name a="v" ...>`: an opening tag with attributes.
    public mutating func open(_ name: String, attributes: [(name: String, value: String)]) {
        bytes.append(UInt8(ascii: "<"))
        raw(name)
        for attribute in attributes {
            bytes.append(UInt8(ascii: " "))
            raw(attribute.name)
            raw("=\"")
            escaped(attribute.value)
            bytes.append(UInt8(ascii: "\""))
        }
        bytes.append(UInt8(ascii: ">"))
    }

    /// `<name/>`: an element without content.
    public mutating func empty(_ name: String) {
        bytes.append(UInt8(ascii: "<"))
        raw(name)
        raw("/>")
    }

    public mutating func close(_ name: String) {
        raw("</")
        raw(name)
        bytes.append(UInt8(ascii: ">"))
    }

    public mutating func element(_ name: String, _ text: String) {
        open(name)
        escaped(text)
        close(name)
    }

    /// Appends text with the characters XML requires escaped; carriage returns are kept as references
    /// so that clients read back exactly what was sent. Characters XML 1.0 does not admit at all (the
    /// control characters but tab and line feed, U+FFFE and U+FFFF) are written as character
    /// references too, as S3 writes them in object keys: AWS's answer, though strict parsers refuse it.
    public mutating func escaped(_ text: String) {
        var previous: (UInt8, UInt8) = (0, 0)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "&"): raw("&amp;")
            case UInt8(ascii: "<"): raw("&lt;")
            case UInt8(ascii: ">"): raw("&gt;")
            case UInt8(ascii: "\""): raw("&quot;")
            case UInt8(ascii: "'"): raw("&apos;")
            case 0x0D: raw("&#xD;")
            case 0x09, 0x0A: bytes.append(byte)
            case 0x00..<0x20: raw("&#x\(String(byte, radix: 16, uppercase: true));")
            case 0xBE where previous == (0xEF, 0xBF), 0xBF where previous == (0xEF, 0xBF):
                // U+FFFE or U+FFFF: its first two bytes are already out; take them back.
                bytes.removeLast(2)
                raw(byte == 0xBE ? "&#xFFFE;" : "&#xFFFF;")
            default: bytes.append(byte)
            }
            previous = (previous.1, byte)
        }
    }
}
