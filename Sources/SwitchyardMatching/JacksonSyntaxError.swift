/// Jackson's words for the commonest ways a JSON attribute value fails to parse, as SNS appends them
/// to "failed to parse JSON." (recorded from AWS): a member name that does not start with a quote,
/// and a bare word where a value belongs. Other malformations get no detail.
public enum JacksonSyntaxError {
    /// The detail for a document that does not parse, or nil where Jackson's words are not known.
    public static func describe(_ text: String) -> String? {
        var scanner = Scanner(bytes: Array(text.utf8))
        guard let (message, offset) = scanner.firstProblem() else { return nil }
        return " " + message + JacksonLocation.redacted(text, offset: offset)
    }

    private struct Scanner {
        let bytes: [UInt8]
        var position = 0

        mutating func firstProblem() -> (String, Int)? {
            value(depth: 0)
        }

        private mutating func skipWhitespace() {
            while position < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) { position += 1 }
        }

        /// Scans one value; returns the first known problem, or nil (no problem, or one without words).
        private mutating func value(depth: Int) -> (String, Int)? {
            guard depth < 256 else { return nil }
            skipWhitespace()
            guard position < bytes.count else { return nil }
            switch bytes[position] {
            case UInt8(ascii: "{"): return object(depth: depth)
            case UInt8(ascii: "["): return array(depth: depth)
            case UInt8(ascii: "\""):
                _ = skipString()
                return nil
            default: return bareWord()
            }
        }

        private mutating func object(depth: Int) -> (String, Int)? {
            position += 1
            skipWhitespace()
            if position < bytes.count, bytes[position] == UInt8(ascii: "}") { return nil }
            while position < bytes.count {
                skipWhitespace()
                guard position < bytes.count else { return nil }
                let byte = bytes[position]
                guard byte == UInt8(ascii: "\"") else {
                    return (
                        "Unexpected character (\(quoted(byte)) (code \(byte))): was expecting double-quote to start field name",
                        position
                    )
                }
                guard skipString() else { return nil }
                skipWhitespace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { return nil }
                position += 1
                if let problem = value(depth: depth + 1) { return problem }
                skipWhitespace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: ",") else { return nil }
                position += 1
            }
            return nil
        }

        private mutating func array(depth: Int) -> (String, Int)? {
            position += 1
            skipWhitespace()
            if position < bytes.count, bytes[position] == UInt8(ascii: "]") { return nil }
            while position < bytes.count {
                if let problem = value(depth: depth + 1) { return problem }
                skipWhitespace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: ",") else { return nil }
                position += 1
            }
            return nil
        }

        /// Past a string from its opening quote; false if it never closes.
        private mutating func skipString() -> Bool {
            position += 1
            while position < bytes.count {
                switch bytes[position] {
                case UInt8(ascii: "\\"): position += 2
                case UInt8(ascii: "\""):
                    position += 1
                    return true
                default: position += 1
                }
            }
            return false
        }

        /// A literal or number; a word that is neither is Jackson's "Unrecognized token", which runs
        /// as far as Java identifier characters go ("invalid-json" is the token 'invalid').
        private mutating func bareWord() -> (String, Int)? {
            let start = position
            while position < bytes.count, isWordByte(bytes[position]) { position += 1 }
            let word = String(decoding: bytes[start..<position], as: UTF8.self)
            guard let first = word.first, first.isLetter, !["true", "false", "null"].contains(word) else { return nil }
            return (
                "Unrecognized token '\(word)': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')",
                position
            )
        }

        private func isWordByte(_ byte: UInt8) -> Bool {
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "$") || byte >= 0x80
        }

        private func quoted(_ byte: UInt8) -> String {
            byte < 0x80 ? "'\(Character(Unicode.Scalar(byte)))'" : "'\\u\(String(byte, radix: 16))'"
        }
    }
}
