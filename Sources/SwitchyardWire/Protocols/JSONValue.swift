import Foundation

/// A parsed JSON document, before the model gives it meaning.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case integer(Int)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Parses UTF-8 JSON bytes (RFC 8259), rejecting trailing content and nesting deeper than 256 levels.
    ///
    /// A reader written for the request path: it builds `JSONValue` directly from the bytes, which
    /// measured several times cheaper per request than decoding the same tree through `JSONDecoder`.
    public static func parse(_ bytes: [UInt8]) throws -> JSONValue {
        try JSONReader.readWhole(bytes) { reader in try reader.value(depth: 0) }
    }
}

/// Recursive-descent JSON reader over a byte buffer.
struct JSONReader {
    struct Failure: Error {}

    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// Reads one document with `read`, refusing anything but whitespace after it.
    static func readWhole<Document>(
        _ bytes: [UInt8], with read: (inout JSONReader) throws -> Document
    ) throws -> Document {
        try bytes.withUnsafeBufferPointer { buffer in
            var reader = JSONReader(bytes: buffer)
            let document = try read(&reader)
            reader.skipWhitespace()
            guard reader.position == buffer.count else { throw Failure() }
            return document
        }
    }

    mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    mutating func value(depth: Int) throws -> JSONValue {
        guard depth < 256 else { throw Failure() }
        skipWhitespace()
        guard position < bytes.count else { throw Failure() }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        default: return try number()
        }
    }

    mutating func literal(_ word: StaticString) throws {
        let count = word.utf8CodeUnitCount
        guard position + count <= bytes.count else { throw Failure() }
        for offset in 0..<count where bytes[position + offset] != word.utf8Start[offset] { throw Failure() }
        position += count
    }

    mutating func expect(_ byte: UInt8) throws {
        skipWhitespace()
        guard position < bytes.count, bytes[position] == byte else { throw Failure() }
        position += 1
    }

    private mutating func object(depth: Int) throws -> JSONValue {
        var fields: [String: JSONValue] = [:]
        try readObject { reader, key in fields[key] = try reader.value(depth: depth + 1) }
        return .object(fields)
    }

    private mutating func array(depth: Int) throws -> JSONValue {
        var items: [JSONValue] = []
        try readArray { reader in items.append(try reader.value(depth: depth + 1)) }
        return .array(items)
    }

    /// Reads `{ "key": value, ... }` from its opening brace, handing each key to `member`, which
    /// must read the value that follows.
    mutating func readObject(member: (inout JSONReader, String) throws -> Void) throws {
        position += 1
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
            position += 1
            return
        }
        while true {
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw Failure() }
            let key = try string()
            try expect(UInt8(ascii: ":"))
            try member(&self, key)
            guard try endOfItem(closing: UInt8(ascii: "}")) else { continue }
            return
        }
    }

    /// Reads `[ value, ... ]` from its opening bracket, calling `element` to read each value.
    mutating func readArray(element: (inout JSONReader) throws -> Void) throws {
        position += 1
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
            position += 1
            return
        }
        while true {
            try element(&self)
            guard try endOfItem(closing: UInt8(ascii: "]")) else { continue }
            return
        }
    }

    /// After an item: true at the closing bracket (consumed), false after a comma (consumed).
    private mutating func endOfItem(closing: UInt8) throws -> Bool {
        skipWhitespace()
        guard position < bytes.count else { throw Failure() }
        if bytes[position] == UInt8(ascii: ",") {
            position += 1
            return false
        }
        guard bytes[position] == closing else { throw Failure() }
        position += 1
        return true
    }

    mutating func string() throws -> String {
        position += 1
        let start = position
        // Fast path: no escapes.
        var allBits: UInt8 = 0
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                let text = try validatedUTF8(start..<position, isASCII: allBits < 0x80)
                position += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw Failure() }
            allBits |= byte
            position += 1
        }
        var out = Array(bytes[start..<position])
        while position < bytes.count {
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                guard let text = String(validating: out, as: UTF8.self) else { throw Failure() }
                return text
            case UInt8(ascii: "\\"):
                position += 1
                guard position < bytes.count else { throw Failure() }
                let escaped = bytes[position]
                position += 1
                switch escaped {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escaped)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800...0xDBFF).contains(scalar) {
                        guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"),
                            bytes[position + 1] == UInt8(ascii: "u")
                        else { throw Failure() }
                        position += 2
                        let low = try hex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw Failure() }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(scalar) {
                        throw Failure()
                    }
                    guard let unicode = Unicode.Scalar(scalar) else { throw Failure() }
                    out.append(contentsOf: String(Character(unicode)).utf8)
                default: throw Failure()
                }
            default:
                if byte < 0x20 { throw Failure() }
                out.append(byte)
                position += 1
            }
        }
        throw Failure()
    }

    private func validatedUTF8(_ range: Range<Int>, isASCII: Bool) throws -> String {
        let slice = UnsafeBufferPointer(rebasing: bytes[range])
        // ASCII is valid UTF-8 as it stands; `String(validating:)` is generic and unspecialized, so it
        // is kept for text that has other bytes.
        if isASCII { return String(decoding: slice, as: UTF8.self) }
        guard let text = String(validating: slice, as: UTF8.self) else { throw Failure() }
        return text
    }

    private mutating func hex4() throws -> UInt32 {
        guard position + 4 <= bytes.count else { throw Failure() }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw Failure()
            }
            value = value << 4 | digit
            position += 1
        }
        return value
    }

    mutating func number() throws -> JSONValue {
        let start = position
        var isInteger = true
        if position < bytes.count, bytes[position] == UInt8(ascii: "-") { position += 1 }
        let digitsStart = position
        while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) {
            position += 1
        }
        guard position > digitsStart else { throw Failure() }
        if bytes[digitsStart] == UInt8(ascii: "0"), position - digitsStart > 1 { throw Failure() }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            isInteger = false
            position += 1
            let fraction = position
            while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) {
                position += 1
            }
            guard position > fraction else { throw Failure() }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            isInteger = false
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                position += 1
            }
            let exponent = position
            while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) {
                position += 1
            }
            guard position > exponent else { throw Failure() }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        if isInteger, let integer = Int(text) { return .integer(integer) }
        guard let double = Double(text) else { throw Failure() }
        return .number(double)
    }
}
