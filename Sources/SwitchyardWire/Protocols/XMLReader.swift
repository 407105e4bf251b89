/// One element of a parsed XML document: its local name (namespace prefix dropped), attributes,
/// child elements and the text directly inside it.
public struct XMLElement: Sendable, Equatable {
    public var name: String
    public var attributes: [String: String] = [:]
    public var children: [XMLElement] = []
    public var text = ""

    /// The first child element named `name`.
    public func child(_ name: String) -> XMLElement? { children.first { $0.name == name } }

    /// Every child element named `name`, in document order.
    public func children(named name: String) -> [XMLElement] { children.filter { $0.name == name } }
}

/// A small XML parser for the bodies AWS clients send (REST XML inputs): elements, attributes, text,
/// character and the five predefined entity references, CDATA, comments and processing
/// instructions. Document type declarations are refused, so no entity can expand.
public struct XMLReader {
    public struct Failure: Error, Sendable {
        public let reason: String
    }

    private let bytes: [UInt8]
    private var position = 0
    private static let maximumDepth = 100

    /// Parses a whole document into its root element.
    public static func parse(_ bytes: [UInt8]) throws -> XMLElement {
        var reader = XMLReader(bytes: bytes)
        try reader.skipMisc()
        guard reader.peek == UInt8(ascii: "<") else { throw Failure(reason: "no root element") }
        let root = try reader.element(depth: 0)
        try reader.skipMisc()
        guard reader.position == bytes.count else { throw Failure(reason: "content after the root element") }
        return root
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private var peek: UInt8? { position < bytes.count ? bytes[position] : nil }

    private func starts(with text: String) -> Bool {
        let pattern = Array(text.utf8)
        return position + pattern.count <= bytes.count
            && bytes[position..<position + pattern.count].elementsEqual(pattern)
    }

    /// Skips whitespace, comments, processing instructions and the XML declaration.
    private mutating func skipMisc() throws {
        while let byte = peek {
            if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D {
                position += 1
            } else if starts(with: "<?") {
                try skip(past: "?>")
            } else if starts(with: "<!--") {
                try skip(past: "-->")
            } else if starts(with: "<!") {
                throw Failure(reason: "document type declarations are not accepted")
            } else {
                return
            }
        }
    }

    private mutating func skip(past end: String) throws {
        while position < bytes.count {
            if starts(with: end) {
                position += end.utf8.count
                return
            }
            position += 1
        }
        throw Failure(reason: "unterminated markup")
    }

    private mutating func name() throws -> String {
        let start = position
        while let byte = peek, !(byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D),
            byte != UInt8(ascii: ">"), byte != UInt8(ascii: "/"), byte != UInt8(ascii: "=")
        {
            position += 1
        }
        guard position > start else { throw Failure(reason: "a name was expected") }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    private mutating func skipSpace() {
        while let byte = peek, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { position += 1 }
    }

    private static func localName(_ name: String) -> String {
        guard let colon = name.lastIndex(of: ":") else { return name }
        return String(name[name.index(after: colon)...])
    }

    private mutating func element(depth: Int) throws -> XMLElement {
        guard depth < Self.maximumDepth else { throw Failure(reason: "elements nest too deeply") }
        position += 1  // "<"
        let qualified = try name()
        var element = XMLElement(name: Self.localName(qualified))
        while true {
            skipSpace()
            guard let byte = peek else { throw Failure(reason: "unterminated start tag") }
            if byte == UInt8(ascii: "/") {
                guard starts(with: "/>") else { throw Failure(reason: "malformed empty element") }
                position += 2
                return element
            }
            if byte == UInt8(ascii: ">") {
                position += 1
                break
            }
            let attribute = try name()
            skipSpace()
            guard peek == UInt8(ascii: "=") else { throw Failure(reason: "an attribute needs a value") }
            position += 1
            skipSpace()
            guard let quote = peek, quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else {
                throw Failure(reason: "attribute values are quoted")
            }
            position += 1
            let start = position
            while let byte = peek, byte != quote { position += 1 }
            guard peek == quote else { throw Failure(reason: "unterminated attribute value") }
            let raw = Array(bytes[start..<position])
            position += 1
            if !attribute.hasPrefix("xmlns") {
                element.attributes[Self.localName(attribute)] = try Self.unescaped(raw)
            }
        }
        var text: [UInt8] = []
        while position < bytes.count {
            if starts(with: "</") {
                position += 2
                let closing = try name()
                guard closing == qualified else { throw Failure(reason: "</\(closing)> closes <\(qualified)>") }
                skipSpace()
                guard peek == UInt8(ascii: ">") else { throw Failure(reason: "malformed end tag") }
                position += 1
                element.text = try Self.unescaped(text)
                return element
            } else if starts(with: "<![CDATA[") {
                position += 9
                let start = position
                try skip(past: "]]>")
                // CDATA is literal: escape its ampersands so that unescaping gives them back.
                for byte in bytes[start..<position - 3] {
                    if byte == UInt8(ascii: "&") { text += Array("&amp;".utf8) } else { text.append(byte) }
                }
            } else if starts(with: "<!--") {
                try skip(past: "-->")
            } else if starts(with: "<?") {
                try skip(past: "?>")
            } else if peek == UInt8(ascii: "<") {
                element.children.append(try self.element(depth: depth + 1))
            } else if let byte = peek {
                text.append(byte)
                position += 1
            }
        }
        throw Failure(reason: "<\(qualified)> is not closed")
    }

    /// Replaces entity and character references.
    static func unescaped(_ raw: [UInt8]) throws -> String {
        guard raw.contains(UInt8(ascii: "&")) else { return String(decoding: raw, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var index = 0
        while index < raw.count {
            guard raw[index] == UInt8(ascii: "&") else {
                out.append(raw[index])
                index += 1
                continue
            }
            guard let end = raw[index...].firstIndex(of: UInt8(ascii: ";")), end - index <= 12 else {
                throw Failure(reason: "malformed entity reference")
            }
            let entity = String(decoding: raw[(index + 1)..<end], as: UTF8.self)
            switch entity {
            case "amp": out.append(UInt8(ascii: "&"))
            case "lt": out.append(UInt8(ascii: "<"))
            case "gt": out.append(UInt8(ascii: ">"))
            case "quot": out.append(UInt8(ascii: "\""))
            case "apos": out.append(UInt8(ascii: "'"))
            default:
                let digits = entity.dropFirst()
                let code =
                    entity.hasPrefix("#x")
                    ? UInt32(digits.dropFirst(), radix: 16)
                    : entity.hasPrefix("#") ? UInt32(digits) : nil
                guard let code, let scalar = Unicode.Scalar(code) else {
                    throw Failure(reason: "unknown entity &\(entity);")
                }
                out += Array(String(Character(scalar)).utf8)
            }
            index = end + 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}
