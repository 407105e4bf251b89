/// How the Jackson JSON parser behind SNS words where in a document a problem is: AWS's filter-policy
/// errors end with it, so ours do too.
public enum JacksonLocation {
    /// Jackson quotes at most this many characters of the document.
    public static let maximumSnippet = 500

    /// "\n at [Source: (String)"<document>"; line: L, column: C]" for a byte offset into `source`,
    /// as the older Jackson of the filter-policy compiler writes it.
    public static func quoting(_ source: String, offset: Int) -> String {
        let characters = Array(source.utf16)
        var snippet = String(decoding: characters.prefix(maximumSnippet), as: UTF16.self)
        snippet = "\"\(snippet)\""
        if characters.count > maximumSnippet { snippet += "[truncated \(characters.count - maximumSnippet) chars]" }
        let (line, column) = lineAndColumn(source, offset: offset)
        return "\n at [Source: (String)\(snippet); line: \(line), column: \(column)]"
    }

    /// The form of the newer Jackson that first parses attribute values, which leaves the document out.
    public static func redacted(_ source: String, offset: Int) -> String {
        let (line, column) = lineAndColumn(source, offset: offset)
        return
            "\n at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: \(line), column: \(column)]"
    }

    /// Jackson's 1-based line, and its column: characters from the line's start to the offset, plus one.
    public static func lineAndColumn(_ source: String, offset: Int) -> (line: Int, column: Int) {
        let bytes = Array(source.utf8)
        let prefix = bytes.prefix(max(0, min(offset, bytes.count)))
        var line = 1
        var lineStart = 0
        for (index, byte) in prefix.enumerated() where byte == UInt8(ascii: "\n") {
            line += 1
            lineStart = index + 1
        }
        let column = String(decoding: prefix[lineStart...], as: UTF8.self).utf16.count + 1
        return (line, column)
    }
}
