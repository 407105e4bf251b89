import Foundation

// Parsing of raw RFC 5322 / MIME messages as SES receives them in SendRawEmail / SendEmail (Raw content).
// Everything works on byte buffers and ranges into them so large attachments are copied only once, when their
// transfer encoding is undone.

/// Why a raw message could not be parsed. `message` is the text reported back to the API caller.
enum MIMEError: Error, Equatable, Sendable {
    /// The message is empty or starts with a blank line.
    case missingHeaderSection
    /// A top-level header line (1-based line number) is neither `Name: value` nor a folded continuation.
    case malformedHeaderLine(Int)
    /// A multipart entity has no boundary parameter, or its boundary never appears in the body.
    case missingStartBoundary
    /// Multiparts nest deeper than `MIMEPart.maximumDepth`; refused so hostile input cannot exhaust the stack.
    case nestingTooDeep

    var message: String {
        switch self {
        case .missingHeaderSection: "Missing header section"
        case .malformedHeaderLine(let line): "Header line \(line) is missing a colon"
        case .missingStartBoundary: "Missing start boundary"
        case .nestingTooDeep: "Multipart nesting too deep"
        }
    }
}

// MARK: - Headers

/// An ordered list of header fields. Names keep their original case; lookups ignore case.
struct MIMEHeaders: Sendable, Equatable {
    /// One header field.
    struct Field: Sendable, Equatable {
        /// The field name as written.
        var name: String
        /// The value with folding removed and surrounding whitespace trimmed; encoded words are left as is.
        var value: String
        /// The value as written after the colon, folding line breaks kept and leading whitespace dropped.
        var rawValue: String
    }

    var fields: [Field]

    init(fields: [Field] = []) {
        self.fields = fields
    }

    var isEmpty: Bool { fields.isEmpty }

    /// The first value of the named field.
    subscript(name: String) -> String? {
        let key = name.lowercased()
        return fields.first { $0.name.lowercased() == key }?.value
    }

    /// Every value of the named field, in message order.
    func values(_ name: String) -> [String] {
        let key = name.lowercased()
        return fields.filter { $0.name.lowercased() == key }.map(\.value)
    }

    /// The first value of the named field with RFC 2047 encoded words decoded (for Subject and the like).
    func decoded(_ name: String) -> String? {
        self[name].map(EncodedWord.decode)
    }
}

/// A header field as located in a byte buffer, before interpretation.
private struct RawHeaderField {
    var name: String
    /// Text after the colon up to the end of the field, folding kept, line ending excluded.
    var afterColon: String
    /// The whole field including its final line ending (if any).
    var range: Range<Int>
}

/// The result of scanning a header block.
private struct HeaderScan {
    var fields: [RawHeaderField] = []
    /// Where the body starts: after the blank line, or at the malformed line, or at the end.
    var bodyStart: Int
    /// The blank line separating headers and body, when there is one.
    var separator: Range<Int>?
    /// 1-based number of the first line that is not a header, when the block ended on one.
    var malformedLine: Int?
}

private let cr = UInt8(ascii: "\r")
private let lf = UInt8(ascii: "\n")

private func isWSP(_ byte: UInt8) -> Bool {
    byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
}

/// Finds the end of the line starting at `start`: the index of its LF (or `end`) and the index after it.
private func lineBounds(_ bytes: [UInt8], from start: Int, to end: Int) -> (contentEnd: Int, next: Int) {
    var index = start
    while index < end, bytes[index] != lf { index += 1 }
    let next = index < end ? index + 1 : end
    // A CR right before the LF (or the end) is part of the line ending; bare-LF input simply has none.
    let contentEnd = index > start && bytes[index - 1] == cr ? index - 1 : index
    return (contentEnd, next)
}

/// Scans `Name: value` lines until a blank line, a line that is not a header, or the end of `range`.
private func scanHeaderBlock(_ bytes: [UInt8], in range: Range<Int>) -> HeaderScan {
    var scan = HeaderScan(bodyStart: range.upperBound)
    var current: (start: Int, colon: Int, name: String)?
    var position = range.lowerBound
    var lineNumber = 0

    func finishField(at end: Int) {
        guard let field = current else { return }
        var valueEnd = end
        if valueEnd > field.colon + 1, bytes[valueEnd - 1] == lf { valueEnd -= 1 }
        if valueEnd > field.colon + 1, bytes[valueEnd - 1] == cr { valueEnd -= 1 }
        let text = MIMECharset.decode(bytes[(field.colon + 1)..<valueEnd], charset: nil)
        scan.fields.append(RawHeaderField(name: field.name, afterColon: text, range: field.start..<end))
        current = nil
    }

    while position < range.upperBound {
        lineNumber += 1
        let (contentEnd, next) = lineBounds(bytes, from: position, to: range.upperBound)
        if contentEnd == position {
            finishField(at: position)
            scan.separator = position..<next
            scan.bodyStart = next
            return scan
        }
        if isWSP(bytes[position]), current != nil {
            position = next  // folded continuation of the current field
            continue
        }
        guard let colon = bytes[position..<contentEnd].firstIndex(of: UInt8(ascii: ":")),
            let name = fieldName(bytes[position..<colon])
        else {
            finishField(at: position)
            scan.malformedLine = lineNumber
            scan.bodyStart = position
            return scan
        }
        finishField(at: position)
        current = (position, colon, name)
        position = next
    }
    finishField(at: range.upperBound)
    return scan
}

/// A field name is printable ASCII without spaces; whitespace before the colon (obsolete syntax) is tolerated.
private func fieldName(_ bytes: ArraySlice<UInt8>) -> String? {
    var slice = bytes
    while let last = slice.last, isWSP(last) { slice = slice.dropLast() }
    guard !slice.isEmpty, slice.allSatisfy({ $0 > 32 && $0 < 127 }) else { return nil }
    return String(decoding: slice, as: UTF8.self)
}

private func makeHeaders(_ scan: HeaderScan) -> MIMEHeaders {
    MIMEHeaders(
        fields: scan.fields.map { raw in
            let rawValue = String(raw.afterColon.drop { $0 == " " || $0 == "\t" })
            // Unfolding removes the line breaks only; the whitespace that followed them stays.
            let unfolded = rawValue.filter { $0 != "\r" && $0 != "\n" && $0 != "\r\n" }
            let value = unfolded.trimmedWhitespace
            return MIMEHeaders.Field(name: raw.name, value: value, rawValue: rawValue)
        })
}

// MARK: - Parts

/// One MIME entity: its headers, its decoded body and, for multipart/*, its children.
struct MIMEPart: Sendable {
    /// Deeper nesting than this is refused (real mail rarely goes past 5 levels).
    static let maximumDepth = 32

    var headers: MIMEHeaders
    /// The body with its Content-Transfer-Encoding undone. Empty for multipart/* (the content is in `children`);
    /// message/rfc822 bodies are kept here unparsed.
    var body: [UInt8]
    /// Lowercased `type/subtype`; text/plain when absent or malformed (message/rfc822 inside multipart/digest).
    var contentType: String
    /// Content-Type parameters with lowercased names, RFC 2231 continuations and charsets resolved.
    var parameters: [String: String]
    /// Lowercased disposition type (`attachment`, `inline`), nil without a Content-Disposition header.
    var contentDisposition: String?
    /// The disposition's filename, falling back to the Content-Type `name` parameter.
    var filename: String?
    /// Sub-parts of a multipart entity, in order; empty otherwise.
    var children: [MIMEPart]

    var isMultipart: Bool { contentType.hasPrefix("multipart/") }
    var charset: String? { parameters["charset"] }

    /// Content-ID without its angle brackets.
    var contentID: String? {
        guard let raw = headers["Content-ID"] else { return nil }
        let trimmed = raw.trimmingCharacters(in: CharacterSet(charactersIn: "<> \t"))
        return trimmed.isEmpty ? nil : trimmed
    }

    /// The body decoded to text by its charset; never fails (unknown or invalid data falls back to Latin-1).
    var text: String { MIMECharset.decode(body, charset: charset) }

    /// Explicitly an attachment, or a named file.
    var isAttachment: Bool { contentDisposition == "attachment" || filename != nil }

    /// Leaf parts in depth-first order.
    var leaves: [MIMEPart] {
        isMultipart ? children.flatMap(\.leaves) : [self]
    }

    /// Builds a part from parsed headers and the byte range of its (still encoded) body.
    fileprivate static func make(
        _ bytes: [UInt8], headers: MIMEHeaders, body: Range<Int>, depth: Int, defaultType: String
    ) throws(MIMEError) -> MIMEPart {
        let (typeValue, parameters) = parseParameterized(headers["Content-Type"] ?? "")
        let contentType = validMediaType(typeValue) ?? defaultType
        var disposition: String?
        var dispositionParameters: [String: String] = [:]
        if let value = headers["Content-Disposition"] {
            let parsed = parseParameterized(value)
            disposition = parsed.value.isEmpty ? nil : parsed.value.lowercased()
            dispositionParameters = parsed.parameters
        }
        var part = MIMEPart(
            headers: headers, body: [], contentType: contentType, parameters: parameters,
            contentDisposition: disposition,
            filename: cleanFilename(dispositionParameters["filename"] ?? parameters["name"]), children: [])

        guard part.isMultipart else {
            part.body = decodeTransferEncoding(bytes[body], encoding: headers["Content-Transfer-Encoding"])
            return part
        }
        guard depth < maximumDepth else { throw .nestingTooDeep }
        guard let boundary = parameters["boundary"], !boundary.isEmpty,
            let ranges = splitMultipart(bytes, range: body, boundary: boundary)
        else { throw .missingStartBoundary }
        let childDefault = contentType == "multipart/digest" ? "message/rfc822" : "text/plain"
        for range in ranges {
            // Part headers are read leniently: a part starting with a non-header line is all body.
            let scan = scanHeaderBlock(bytes, in: range)
            let child = try make(
                bytes, headers: makeHeaders(scan), body: scan.bodyStart..<range.upperBound, depth: depth + 1,
                defaultType: childDefault)
            part.children.append(child)
        }
        return part
    }

    private static func validMediaType(_ value: String) -> String? {
        let lowered = value.lowercased()
        let pieces = lowered.split(separator: "/", omittingEmptySubsequences: false)
        guard pieces.count == 2, pieces.allSatisfy({ !$0.isEmpty }),
            !lowered.contains(where: { $0.isWhitespace })
        else { return nil }
        return lowered
    }

    private static func cleanFilename(_ value: String?) -> String? {
        guard var name = value else { return nil }
        // Many mailers put RFC 2047 words inside the quoted filename instead of using RFC 2231.
        if name.contains("=?") { name = EncodedWord.decode(name) }
        name = name.trimmedWhitespace
        return name.isEmpty ? nil : name
    }

    private static func decodeTransferEncoding(_ body: ArraySlice<UInt8>, encoding: String?) -> [UInt8] {
        switch encoding?.trimmedWhitespace.lowercased() {
        case "base64": MIMEBase64.decode(body)
        case "quoted-printable": QuotedPrintable.decode(Array(body))
        default: Array(body)  // 7bit, 8bit, binary and unknown encodings are taken verbatim
        }
    }

    /// Splits a multipart body into the ranges of its parts, excluding preamble, epilogue and the line break
    /// before each delimiter (it belongs to the delimiter). Nil when no delimiter line exists at all.
    private static func splitMultipart(_ bytes: [UInt8], range: Range<Int>, boundary: String) -> [Range<Int>]? {
        let delimiter = Array("--\(boundary)".utf8)
        var parts: [Range<Int>] = []
        var partStart: Int?
        var lineStart = range.lowerBound
        while lineStart < range.upperBound {
            let (contentEnd, next) = lineBounds(bytes, from: lineStart, to: range.upperBound)
            if let isClose = delimiterKind(bytes[lineStart..<contentEnd], delimiter: delimiter) {
                if let start = partStart {
                    var end = lineStart
                    if end > start, bytes[end - 1] == lf { end -= 1 }
                    if end > start, bytes[end - 1] == cr { end -= 1 }
                    parts.append(start..<end)
                }
                if isClose { return parts }
                partStart = next
            }
            lineStart = next
        }
        guard let start = partStart else { return nil }
        parts.append(start..<range.upperBound)  // the close delimiter is missing: the last part runs to the end
        return parts
    }

    /// Nil if the line is not a delimiter, otherwise whether it is the close delimiter (`--boundary--`).
    private static func delimiterKind(_ line: ArraySlice<UInt8>, delimiter: [UInt8]) -> Bool? {
        guard line.count >= delimiter.count, line.prefix(delimiter.count).elementsEqual(delimiter) else { return nil }
        var rest = line.dropFirst(delimiter.count)
        var isClose = false
        if rest.starts(with: [UInt8(ascii: "-"), UInt8(ascii: "-")]) {
            isClose = true
            rest = rest.dropFirst(2)
        }
        // Only transport padding may follow; "--boundaryX" is a different (longer) boundary.
        guard rest.allSatisfy({ isWSP($0) || $0 == cr }) else { return nil }
        return isClose
    }
}

// MARK: - Parameters

extension MIMEPart {
    /// Splits `value; name=param; ...` into the leading value and its parameters (names lowercased, quotes removed,
    /// RFC 2231 extended values and continuations such as `filename*0*=UTF-8''...` joined and decoded).
    static func parseParameterized(_ text: String) -> (value: String, parameters: [String: String]) {
        var pieces: [String] = []
        var current = String.UnicodeScalarView()
        var inQuote = false
        var escaped = false
        for scalar in text.unicodeScalars {
            if escaped {
                escaped = false
            } else if inQuote, scalar == "\\" {
                escaped = true
            } else if scalar == "\"" {
                inQuote.toggle()
            } else if scalar == ";", !inQuote {
                pieces.append(String(current))
                current = String.UnicodeScalarView()
                continue
            }
            current.append(scalar)
        }
        pieces.append(String(current))

        var plain: [String: String] = [:]
        var sections: [String: [(index: Int, encoded: Bool, value: String)]] = [:]
        for piece in pieces.dropFirst() {
            guard let equals = piece.firstIndex(of: "=") else { continue }
            let key = piece[..<equals].trimmedWhitespace.lowercased()
            let value = unquote(piece[piece.index(after: equals)...].trimmedWhitespace)
            guard !key.isEmpty else { continue }
            guard let star = key.firstIndex(of: "*") else {
                plain[key] = value
                continue
            }
            // name* (extended), name*N (continuation), name*N* (extended continuation)
            let marker = key[key.index(after: star)...]
            let encoded = key.hasSuffix("*")
            let digits = encoded && !marker.isEmpty ? marker.dropLast() : marker
            guard let index = digits.isEmpty ? 0 : Int(digits) else { continue }
            sections[String(key[..<star]), default: []].append((index, encoded, value))
        }
        // RFC 2231 values win over plain ones of the same name (senders add both for old readers).
        for (name, parts) in sections {
            plain[name] = decodeRFC2231(parts.sorted { $0.index < $1.index })
        }
        let value = pieces.first?.trimmedWhitespace ?? ""
        return (value, plain)
    }
}

private func unquote(_ text: String) -> String {
    guard text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") else { return text }
    var result = ""
    var escaped = false
    for character in text.dropFirst().dropLast() {
        if !escaped, character == "\\" {
            escaped = true
            continue
        }
        escaped = false
        result.append(character)
    }
    return result
}

private func decodeRFC2231(_ sections: [(index: Int, encoded: Bool, value: String)]) -> String {
    var charset: String?
    var bytes: [UInt8] = []
    for (position, section) in sections.enumerated() {
        guard section.encoded else {
            bytes += Array(section.value.utf8)
            continue
        }
        var value = Substring(section.value)
        if position == 0 {
            // charset'language'percent-encoded-text
            let pieces = value.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
            if pieces.count == 3 {
                charset = pieces[0].isEmpty ? nil : String(pieces[0])
                value = pieces[2]
            }
        }
        bytes += percentDecode(value)
    }
    return MIMECharset.decode(bytes, charset: charset)
}

private func percentDecode(_ text: Substring) -> [UInt8] {
    let input = Array(text.utf8)
    var output: [UInt8] = []
    var index = 0
    while index < input.count {
        if input[index] == UInt8(ascii: "%"), index + 2 < input.count,
            let high = hexValue(input[index + 1]), let low = hexValue(input[index + 2])
        {
            output.append(high << 4 | low)
            index += 3
        } else {
            output.append(input[index])
            index += 1
        }
    }
    return output
}

/// The value of an ASCII hex digit (either case).
private func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
    case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
    default: nil
    }
}

// MARK: - Message

/// A parsed raw message. The original bytes are kept so headers can be rewritten without touching the body.
struct MIMEMessage: Sendable {
    /// A non-body leaf part: a file, an inline image, an attached message.
    struct Attachment: Sendable, Equatable {
        var filename: String?
        /// Lowercased `type/subtype`.
        var contentType: String
        /// Decoded content.
        var bytes: [UInt8]
        /// Content-ID without angle brackets.
        var contentID: String?
        /// Lowercased disposition type, nil when the part has no Content-Disposition.
        var disposition: String?
    }

    let root: MIMEPart
    let raw: [UInt8]

    /// The top-level header fields.
    var headers: MIMEHeaders { root.headers }

    /// Parses a whole message. Only a broken top-level header block or multipart structure throws; everything
    /// else degrades (unknown encodings kept verbatim, undecodable text read as Latin-1).
    static func parse(_ bytes: [UInt8]) throws(MIMEError) -> MIMEMessage {
        let scan = scanHeaderBlock(bytes, in: 0..<bytes.count)
        if let line = scan.malformedLine { throw .malformedHeaderLine(line) }
        guard !scan.fields.isEmpty else { throw .missingHeaderSection }
        let root = try MIMEPart.make(
            bytes, headers: makeHeaders(scan), body: scan.bodyStart..<bytes.count, depth: 0,
            defaultType: "text/plain")
        return MIMEMessage(root: root, raw: bytes)
    }

    static func parse(_ data: Data) throws(MIMEError) -> MIMEMessage {
        try parse([UInt8](data))
    }

    /// The top-level header block alone, without parsing the body (what event records need).
    static func headers(of bytes: [UInt8]) -> MIMEHeaders? {
        let scan = scanHeaderBlock(bytes, in: 0..<bytes.count)
        guard scan.malformedLine == nil, !scan.fields.isEmpty else { return nil }
        return makeHeaders(scan)
    }

    /// The Subject with encoded words decoded.
    var subject: String? { headers.decoded("Subject") }
    var from: [EmailAddress] { addresses("From") }
    var replyTo: [EmailAddress] { addresses("Reply-To") }
    var to: [EmailAddress] { addresses("To") }
    var cc: [EmailAddress] { addresses("Cc") }
    var bcc: [EmailAddress] { addresses("Bcc") }
    /// The Message-ID as written, angle brackets included.
    var messageID: String? { headers["Message-ID"] }

    /// To, Cc and Bcc together, in that order.
    func allRecipients() -> [EmailAddress] {
        to + cc + bcc
    }

    /// Mailboxes from every instance of the header; unparseable entries are skipped rather than failing the lot.
    private func addresses(_ name: String) -> [EmailAddress] {
        headers.values(name).flatMap(EmailAddress.parseListLeniently)
    }

    /// The first text/plain leaf that is not an attachment, decoded by its charset.
    var textBody: String? { bodyText("text/plain") }
    /// The first text/html leaf that is not an attachment, decoded by its charset.
    var htmlBody: String? { bodyText("text/html") }

    private func bodyText(_ type: String) -> String? {
        root.leaves.first { $0.contentType == type && !$0.isAttachment }?.text
    }

    /// Every leaf that is not body text: named or attachment-disposed parts and all non-text parts.
    var attachments: [Attachment] {
        root.leaves.compactMap { part in
            let isBodyText = part.contentType == "text/plain" || part.contentType == "text/html"
            guard part.isAttachment || !isBodyText else { return nil }
            return Attachment(
                filename: part.filename, contentType: part.contentType, bytes: part.body, contentID: part.contentID,
                disposition: part.contentDisposition)
        }
    }

    /// Re-serializes the message with a rewritten top-level header block; the body bytes are copied untouched.
    ///
    /// `transform` sees each field as `(name, value)`, where `value` is the raw text after the colon with folding
    /// kept. Fields left unchanged are written back byte for byte; new or changed ones are written as
    /// `Name: value` with the message's own line ending, and embedded line breaks are re-folded so a value can
    /// never end the header block early.
    func rewritingHeaders(_ transform: (inout [(name: String, value: String)]) -> Void) -> [UInt8] {
        Self.rewritingHeaders(of: raw, transform)
    }

    /// `rewritingHeaders` on raw bytes that need not parse as MIME beyond their header block.
    static func rewritingHeaders(
        of raw: [UInt8], _ transform: (inout [(name: String, value: String)]) -> Void
    ) -> [UInt8] {
        let scan = scanHeaderBlock(raw, in: 0..<raw.count)
        let eol = lineEnding(raw, scan)
        let original = makeHeaders(scan).fields.map { (name: $0.name, value: $0.rawValue) }
        var fields = original
        transform(&fields)

        var used = [Bool](repeating: false, count: original.count)
        var output: [UInt8] = []
        output.reserveCapacity(raw.count + 256)
        for field in fields {
            let match = original.indices.first { !used[$0] && original[$0] == field }
            if let index = match, index < scan.fields.count {
                used[index] = true
                let bytes = raw[scan.fields[index].range]
                output += bytes
                if bytes.last != lf { output += eol }  // the last header had no line ending (no body)
            } else {
                output += serializeField(name: field.name, value: field.value, eol: eol)
            }
        }
        if let separator = scan.separator {
            output += raw[separator]
        } else {
            output += eol
        }
        output += raw[scan.bodyStart...]
        return output
    }

    /// What SES does to a message it accepts: its own Message-ID replaces any given one, and the Date becomes
    /// the acceptance time (both per the SES header-fields documentation). Fields keep their position; missing
    /// ones are added at the top. Bcc is left alone (see `removingBcc`).
    static func stamped(_ raw: [UInt8], messageId: String, date: Date = Date()) -> [UInt8] {
        let stamps = [("Message-ID", messageId), ("Date", MIMEBuilder.formatDate(date))]
        return rewritingHeaders(of: raw) { fields in
            for (name, value) in stamps {
                let key = name.lowercased()
                let positions = fields.indices.filter { fields[$0].name.lowercased() == key }
                guard let first = positions.first else {
                    fields.insert((name: name, value: value), at: 0)  // Date ends up first, then Message-ID
                    continue
                }
                fields[first].value = value
                for index in positions.dropFirst().reversed() { fields.remove(at: index) }
            }
        }
    }

    /// The message without its Bcc header(s), as relayed to recipients.
    static func removingBcc(_ raw: [UInt8]) -> [UInt8] {
        rewritingHeaders(of: raw) { fields in fields.removeAll { $0.name.lowercased() == "bcc" } }
    }

    /// The line ending the header block uses, so added fields match it (CRLF when unknown).
    private static func lineEnding(_ raw: [UInt8], _ scan: HeaderScan) -> [UInt8] {
        guard let first = scan.fields.first, first.range.upperBound > 0, raw[first.range.upperBound - 1] == lf else {
            return [cr, lf]
        }
        let end = first.range.upperBound
        return end >= 2 && raw[end - 2] == cr ? [cr, lf] : [lf]
    }

    private static func serializeField(name: String, value: String, eol: [UInt8]) -> [UInt8] {
        let cleanName = name.unicodeScalars.filter { $0.value > 32 && $0.value < 127 && $0 != ":" }
        guard !cleanName.isEmpty else { return [] }
        var output = Array(String(String.UnicodeScalarView(cleanName)).utf8) + Array(": ".utf8)
        var first = true
        for line in value.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            if first {
                output += Array(line.utf8)
                first = false
                continue
            }
            // An empty line would end the header block; a line without leading whitespace would start a field.
            guard !line.allSatisfy({ $0 == " " || $0 == "\t" }) else { continue }
            output += eol
            if !(line.hasPrefix(" ") || line.hasPrefix("\t")) { output.append(UInt8(ascii: " ")) }
            output += Array(line.utf8)
        }
        return output + eol
    }
}

// MARK: - Encodings

/// Text decoding and encoding for the charsets mail actually uses. Decoding never fails: data that is not valid
/// in its declared (or an unknown) charset is read as UTF-8 when valid and as Windows-1252 otherwise.
enum MIMECharset {
    /// Windows-1252 code points for bytes 0x80...0x9F; holes map to the C1 control of the same value.
    private static let windows1252High: [UInt32] = [
        0x20AC, 0x81, 0x201A, 0x192, 0x201E, 0x2026, 0x2020, 0x2021, 0x2C6, 0x2030, 0x160, 0x2039, 0x152, 0x8D,
        0x17D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x2DC, 0x2122, 0x161, 0x203A,
        0x153, 0x9D, 0x17E, 0x178,
    ]

    private static let utf8Names: Set = ["utf-8", "utf8", "unicode-1-1-utf-8"]
    private static let asciiNames: Set = ["us-ascii", "ascii", "ansi_x3.4-1968", "iso646-us"]
    private static let latin1Names: Set = ["iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "l1", "cp819"]
    private static let windows1252Names: Set = ["windows-1252", "cp1252", "x-cp1252"]

    /// Charsets Foundation can decode on every platform we run on, tried before the fallbacks.
    private static let foundationEncodings: [String: String.Encoding] = [
        "utf-16": .utf16, "utf-16be": .utf16BigEndian, "utf-16le": .utf16LittleEndian,
        "iso-8859-2": .isoLatin2, "windows-1250": .windowsCP1250, "windows-1251": .windowsCP1251,
        "windows-1253": .windowsCP1253, "windows-1254": .windowsCP1254, "shift_jis": .shiftJIS,
        "euc-jp": .japaneseEUC, "iso-2022-jp": .iso2022JP,
    ]

    /// Lowercased charset label without quotes or whitespace.
    static func normalizedName(_ charset: String) -> String {
        charset.trimmingCharacters(in: CharacterSet(charactersIn: "\"' \t")).lowercased()
    }

    static func decode(_ bytes: some Collection<UInt8>, charset: String?) -> String {
        let name = charset.map(normalizedName) ?? "utf-8"
        // ISO-8859-1 labels are read as Windows-1252, as browsers do: real Latin-1 mail never uses C1 controls.
        if latin1Names.contains(name) || windows1252Names.contains(name) {
            return windows1252(bytes)
        }
        if let encoding = foundationEncodings[name], let text = String(bytes: Array(bytes), encoding: encoding) {
            return text
        }
        if let text = String(validating: bytes, as: UTF8.self) {
            return text
        }
        return windows1252(bytes)
    }

    /// Encodes text in one of the charsets SES accepts for simple content; nil when the charset is not one of
    /// UTF-8, US-ASCII, ISO-8859-1, Windows-1252 or the text has characters it cannot represent.
    static func encode(_ text: String, charset: String) -> [UInt8]? {
        let name = normalizedName(charset)
        if utf8Names.contains(name) { return Array(text.utf8) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if value < 0x80 {
                bytes.append(UInt8(value))
            } else if asciiNames.contains(name) {
                return nil
            } else if latin1Names.contains(name), value <= 0xFF {
                bytes.append(UInt8(value))
            } else if windows1252Names.contains(name) {
                if value >= 0xA0 && value <= 0xFF {
                    bytes.append(UInt8(value))
                } else if let index = windows1252High.firstIndex(of: value) {
                    bytes.append(UInt8(0x80 + index))
                } else {
                    return nil
                }
            } else {
                return nil
            }
        }
        return bytes
    }

    private static func windows1252(_ bytes: some Collection<UInt8>) -> String {
        var scalars = String.UnicodeScalarView()
        for byte in bytes {
            let value = byte >= 0x80 && byte <= 0x9F ? windows1252High[Int(byte) - 0x80] : UInt32(byte)
            if let scalar = Unicode.Scalar(value) { scalars.append(scalar) }
        }
        return String(scalars)
    }
}

/// RFC 2047 encoded words (`=?charset?B|Q?text?=`) as found in Subject, display names and filenames.
enum EncodedWord {
    private enum Segment {
        case text(String)
        case word(charset: String, bytes: [UInt8])
    }

    /// Decodes every encoded word in `text`. Whitespace between adjacent encoded words is dropped, and adjacent
    /// words in the same charset are joined before decoding so a character split across two words survives.
    /// Anything that is not a well-formed encoded word is left as written.
    static func decode(_ text: String) -> String {
        guard text.contains("=?") else { return text }
        let bytes = Array(text.utf8)
        var segments: [Segment] = []
        var literalStart = 0
        var index = 0
        while index + 1 < bytes.count {
            if bytes[index] == UInt8(ascii: "="), bytes[index + 1] == UInt8(ascii: "?"),
                let word = parseWord(bytes, at: index)
            {
                if literalStart < index {
                    segments.append(.text(String(decoding: bytes[literalStart..<index], as: UTF8.self)))
                }
                segments.append(.word(charset: word.charset, bytes: word.bytes))
                index = word.end
                literalStart = word.end
            } else {
                index += 1
            }
        }
        if literalStart < bytes.count {
            segments.append(.text(String(decoding: bytes[literalStart...], as: UTF8.self)))
        }

        var output = ""
        var pending: (charset: String, bytes: [UInt8])?
        for (position, segment) in segments.enumerated() {
            switch segment {
            case .word(let charset, let bytes):
                if let run = pending, run.charset == charset {
                    pending?.bytes += bytes
                } else {
                    if let run = pending { output += MIMECharset.decode(run.bytes, charset: run.charset) }
                    pending = (charset, bytes)
                }
            case .text(let literal):
                if literal.allSatisfy(\.isWhitespace), isWord(segments, position - 1), isWord(segments, position + 1) {
                    continue
                }
                if let run = pending { output += MIMECharset.decode(run.bytes, charset: run.charset) }
                pending = nil
                output += literal
            }
        }
        if let run = pending { output += MIMECharset.decode(run.bytes, charset: run.charset) }
        return output
    }

    private static func isWord(_ segments: [Segment], _ index: Int) -> Bool {
        guard segments.indices.contains(index), case .word = segments[index] else { return false }
        return true
    }

    /// Parses the encoded word starting at `start` (which holds `=?`).
    private static func parseWord(_ bytes: [UInt8], at start: Int) -> (charset: String, bytes: [UInt8], end: Int)? {
        let question = UInt8(ascii: "?")
        var index = start + 2
        while index < bytes.count, bytes[index] != question {
            guard bytes[index] > 32, bytes[index] < 127 else { return nil }
            index += 1
        }
        let charsetEnd = index
        guard charsetEnd > start + 2, charsetEnd + 2 < bytes.count, bytes[charsetEnd + 2] == question else {
            return nil
        }
        let encoding = bytes[charsetEnd + 1] | 0x20  // ASCII lowercase
        guard encoding == UInt8(ascii: "b") || encoding == UInt8(ascii: "q") else { return nil }
        let textStart = charsetEnd + 3
        index = textStart
        while index + 1 < bytes.count, !(bytes[index] == question && bytes[index + 1] == UInt8(ascii: "=")) {
            guard bytes[index] > 32, bytes[index] < 127 else { return nil }
            index += 1
        }
        guard index + 1 < bytes.count else { return nil }
        let payload = bytes[textStart..<index]
        let decoded = encoding == UInt8(ascii: "b") ? MIMEBase64.decode(payload) : decodeQ(payload)
        // RFC 2231 lets a language ride along: =?UTF-8*en?Q?...?=
        var charset = String(decoding: bytes[(start + 2)..<charsetEnd], as: UTF8.self).lowercased()
        if let star = charset.firstIndex(of: "*") { charset = String(charset[..<star]) }
        return (charset, decoded, index + 2)
    }

    /// The Q encoding: quoted-printable where `_` stands for a space.
    private static func decodeQ(_ payload: ArraySlice<UInt8>) -> [UInt8] {
        let input = Array(payload)
        var output: [UInt8] = []
        var index = 0
        while index < input.count {
            let byte = input[index]
            if byte == UInt8(ascii: "_") {
                output.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "="), index + 2 < input.count,
                let high = hexValue(input[index + 1]), let low = hexValue(input[index + 2])
            {
                output.append(high << 4 | low)
                index += 2
            } else {
                output.append(byte)
            }
            index += 1
        }
        return output
    }
}

/// Base64 as used in MIME bodies and B encoded words.
enum MIMEBase64 {
    /// Lenient decoding: characters outside the alphabet (line breaks, stray spaces) are skipped, and padding
    /// resets the bit buffer so concatenated base64 chunks still decode.
    static func decode(_ input: some Sequence<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for byte in input {
            let value: UInt8
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = byte - UInt8(ascii: "A")
            case UInt8(ascii: "a")...UInt8(ascii: "z"): value = byte - UInt8(ascii: "a") + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = byte - UInt8(ascii: "0") + 52
            case UInt8(ascii: "+"): value = 62
            case UInt8(ascii: "/"): value = 63
            case UInt8(ascii: "="):
                buffer = 0
                bits = 0
                continue
            default: continue
            }
            buffer = (buffer << 6 | UInt32(value)) & 0xFFFF
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
            }
        }
        return output
    }
}

/// Quoted-printable (RFC 2045 §6.7).
enum QuotedPrintable {
    /// Decodes `=XX` escapes and soft line breaks; trailing whitespace on a line is transport padding and dropped.
    /// Malformed escapes are kept literally. Hard line breaks keep their original form (CRLF or LF).
    static func decode(_ input: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(input.count)
        var lineStart = 0
        while lineStart < input.count {
            let (contentEnd, next) = lineBounds(input, from: lineStart, to: input.count)
            var end = contentEnd
            while end > lineStart, isWSP(input[end - 1]) { end -= 1 }
            let soft = end > lineStart && input[end - 1] == UInt8(ascii: "=")
            if soft { end -= 1 }
            var index = lineStart
            while index < end {
                if input[index] == UInt8(ascii: "="), index + 2 < end, let high = hexValue(input[index + 1]),
                    let low = hexValue(input[index + 2])
                {
                    output.append(high << 4 | low)
                    index += 3
                } else {
                    output.append(input[index])
                    index += 1
                }
            }
            if !soft { output += input[contentEnd..<next] }  // the hard line break as written
            lineStart = next
        }
        return output
    }
}
