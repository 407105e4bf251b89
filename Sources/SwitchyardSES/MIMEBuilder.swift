import Foundation

/// Composes the MIME message SES sends for `SendEmail` with simple content (v1 Message, v2 Simple).
///
/// Header order follows SES: Date, From, Reply-To, To, Cc, Message-ID, Subject, custom headers, MIME-Version,
/// Content-Type. Bcc recipients are envelope-only and never written. Output uses CRLF line endings.
enum MIMEBuilder {
    /// One file attached to the message (SES v2 `Attachment`).
    struct Attachment: Sendable, Equatable {
        enum Disposition: String, Sendable {
            case attachment = "ATTACHMENT"
            case inline = "INLINE"
        }

        enum TransferEncoding: String, Sendable {
            case base64 = "BASE64"
            case quotedPrintable = "QUOTED_PRINTABLE"
            case sevenBit = "SEVEN_BIT"
        }

        var filename: String
        /// Media type, optionally with parameters; application/octet-stream when nil or malformed.
        var contentType: String?
        var bytes: [UInt8]
        var disposition: Disposition
        /// Written as `Content-ID: <id>`; angle brackets are added when missing.
        var contentID: String?
        var contentDescription: String?
        /// SEVEN_BIT falls back to base64 when the bytes are not 7-bit line-oriented data.
        var transferEncoding: TransferEncoding

        init(
            filename: String, contentType: String? = nil, bytes: [UInt8], disposition: Disposition = .attachment,
            contentID: String? = nil, contentDescription: String? = nil, transferEncoding: TransferEncoding = .base64
        ) {
            self.filename = filename
            self.contentType = contentType
            self.bytes = bytes
            self.disposition = disposition
            self.contentID = contentID
            self.contentDescription = contentDescription
            self.transferEncoding = transferEncoding
        }
    }

    /// What goes into the message.
    struct Content: Sendable {
        /// The From header value as given to the API (already validated by the caller).
        var from: String
        var to: [String]
        var cc: [String]
        /// Kept for the caller's envelope; never written to the message.
        var bcc: [String]
        var replyTo: [String]
        var subject: String
        /// Charset for the subject's encoded words; UTF-8 when nil or unsupported.
        var subjectCharset: String?
        var text: String?
        var textCharset: String?
        var html: String?
        var htmlCharset: String?
        /// Custom headers (SES v2 `Headers`). Headers the builder writes itself are skipped, so a caller can never
        /// produce a second Content-Type or a Bcc line.
        var extraHeaders: [(name: String, value: String)]
        var attachments: [Attachment]
        /// The Message-ID with angle brackets, e.g. `<0100018c...@email.amazonses.com>`; no header when nil.
        var messageID: String?
        var date: Date

        init(
            from: String, to: [String] = [], cc: [String] = [], bcc: [String] = [], replyTo: [String] = [],
            subject: String = "", subjectCharset: String? = nil, text: String? = nil, textCharset: String? = nil,
            html: String? = nil, htmlCharset: String? = nil, extraHeaders: [(name: String, value: String)] = [],
            attachments: [Attachment] = [], messageID: String? = nil, date: Date = Date()
        ) {
            self.from = from
            self.to = to
            self.cc = cc
            self.bcc = bcc
            self.replyTo = replyTo
            self.subject = subject
            self.subjectCharset = subjectCharset
            self.text = text
            self.textCharset = textCharset
            self.html = html
            self.htmlCharset = htmlCharset
            self.extraHeaders = extraHeaders
            self.attachments = attachments
            self.messageID = messageID
            self.date = date
        }
    }

    /// A MIME entity under construction: header lines (possibly folded) and the encoded body.
    private struct Entity {
        var headerLines: [String]
        var content: [UInt8]
    }

    private static let crlf: [UInt8] = [13, 10]
    private static let hexDigits = "0123456789ABCDEF".map(String.init)

    /// The complete message.
    static func build(_ content: Content) -> [UInt8] {
        var lines = ["Date: " + formatDate(content.date), fold("From", addressList([content.from]))]
        if !content.replyTo.isEmpty { lines.append(fold("Reply-To", addressList(content.replyTo))) }
        if !content.to.isEmpty { lines.append(fold("To", addressList(content.to))) }
        if !content.cc.isEmpty { lines.append(fold("Cc", addressList(content.cc))) }
        if let id = content.messageID { lines.append("Message-ID: " + singleLine(id)) }
        lines.append(fold("Subject", unstructured(content.subject, charset: content.subjectCharset, name: "Subject")))

        var reserved: Set = [
            "date", "from", "to", "cc", "bcc", "message-id", "subject", "mime-version", "content-type",
            "content-transfer-encoding",
        ]
        if !content.replyTo.isEmpty { reserved.insert("reply-to") }
        for header in content.extraHeaders {
            let name = header.name.trimmedWhitespace
            guard !name.isEmpty, name.unicodeScalars.allSatisfy({ $0.value > 32 && $0.value < 127 && $0 != ":" }),
                !reserved.contains(name.lowercased())
            else { continue }
            lines.append(fold(name, unstructured(header.value, charset: nil, name: name)))
        }
        lines.append("MIME-Version: 1.0")

        let body = bodyEntity(content)
        lines += body.headerLines
        return Array(lines.joined(separator: "\r\n").utf8) + crlf + crlf + body.content
    }

    /// text, html, or both as multipart/alternative; wrapped in multipart/mixed when there are attachments.
    private static func bodyEntity(_ content: Content) -> Entity {
        var alternatives: [Entity] = []
        if let text = content.text {
            alternatives.append(textEntity(text, subtype: "plain", charset: content.textCharset))
        }
        if let html = content.html {
            alternatives.append(textEntity(html, subtype: "html", charset: content.htmlCharset))
        }
        var main: Entity?
        if alternatives.count > 1 {
            main = multipart("alternative", alternatives)
        } else if let only = alternatives.first {
            main = only
        }
        guard !content.attachments.isEmpty else {
            return main ?? textEntity("", subtype: "plain", charset: nil)  // a message always has a body
        }
        return multipart("mixed", (main.map { [$0] } ?? []) + content.attachments.map(attachmentEntity))
    }

    private static func textEntity(_ text: String, subtype: String, charset: String?) -> Entity {
        var label = "UTF-8"
        var bytes = Array(text.utf8)
        if let charset, isToken(charset), let encoded = MIMECharset.encode(text, charset: charset) {
            label = charset
            bytes = encoded
        }
        let canonical = canonicalLineEndings(bytes)
        let type = "Content-Type: text/\(subtype); charset=\(label)"
        if isSevenBitSafe(canonical) {
            return Entity(headerLines: [type, "Content-Transfer-Encoding: 7bit"], content: canonical)
        }
        return Entity(
            headerLines: [type, "Content-Transfer-Encoding: quoted-printable"],
            content: QuotedPrintable.encode(canonical, textMode: true))
    }

    private static func attachmentEntity(_ attachment: Attachment) -> Entity {
        let type = mediaType(attachment.contentType)
        let filename = singleLine(attachment.filename)
        let disposition = attachment.disposition == .inline ? "inline" : "attachment"
        var lines: [String] = []
        if filename.isEmpty {
            lines.append(fold("Content-Type", type))
            lines.append("Content-Disposition: " + disposition)
        } else {
            lines.append(fold("Content-Type", "\(type); name=\(nameParameter(filename))"))
            lines.append(fold("Content-Disposition", "\(disposition); \(filenameParameter(filename))"))
        }
        if let id = attachment.contentID.map(singleLine), !id.isEmpty {
            lines.append("Content-ID: " + (id.hasPrefix("<") ? id : "<\(id)>"))
        }
        if let description = attachment.contentDescription {
            let name = "Content-Description"
            lines.append(fold(name, unstructured(description, charset: nil, name: name)))
        }

        let isText = type.lowercased().hasPrefix("text/")
        switch attachment.transferEncoding {
        case .quotedPrintable:
            lines.append("Content-Transfer-Encoding: quoted-printable")
            // Text keeps its line structure; binary data has every CR and LF escaped.
            let input = isText ? canonicalLineEndings(attachment.bytes) : attachment.bytes
            return Entity(headerLines: lines, content: QuotedPrintable.encode(input, textMode: isText))
        case .sevenBit:
            let input = isText ? canonicalLineEndings(attachment.bytes) : attachment.bytes
            if isSevenBitSafe(input) {
                lines.append("Content-Transfer-Encoding: 7bit")
                return Entity(headerLines: lines, content: input)
            }
        case .base64:
            break
        }
        lines.append("Content-Transfer-Encoding: base64")
        return Entity(headerLines: lines, content: MIMEBase64.encodeLines(attachment.bytes))
    }

    /// Joins children with a fresh boundary that occurs nowhere in their content.
    private static func multipart(_ subtype: String, _ children: [Entity]) -> Entity {
        var boundary = newBoundary()
        while children.contains(where: { child in
            contains(child.content, Array(boundary.utf8)) || child.headerLines.contains { $0.contains(boundary) }
        }) {
            boundary = newBoundary()
        }
        let delimiter = Array("--\(boundary)".utf8)
        var content: [UInt8] = []
        for child in children {
            content += delimiter + crlf
            content += Array(child.headerLines.joined(separator: "\r\n").utf8) + crlf + crlf
            content += child.content + crlf  // this CRLF belongs to the next delimiter
        }
        content += delimiter + Array("--".utf8) + crlf
        return Entity(
            headerLines: [fold("Content-Type", "multipart/\(subtype); boundary=\"\(boundary)\"")], content: content)
    }

    private static func newBoundary() -> String {
        "----=_Part_" + UUID().uuidString
    }

    // MARK: Header values

    /// RFC 5322 date in GMT as SES writes it, e.g. `Thu, 26 Nov 2026 16:05:09 +0000`.
    static func formatDate(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0) ?? calendar.timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .weekday, .hour, .minute, .second], from: date)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let weekday = days[((parts.weekday ?? 1) - 1 + 7) % 7]
        let month = months[((parts.month ?? 1) - 1 + 12) % 12]
        func pad(_ value: Int?) -> String {
            let number = value ?? 0
            return number < 10 ? "0\(number)" : "\(number)"
        }
        return "\(weekday), \(parts.day ?? 1) \(month) \(parts.year ?? 1970) "
            + "\(pad(parts.hour)):\(pad(parts.minute)):\(pad(parts.second)) +0000"
    }

    /// Folds `Name: value` at existing spaces so lines stay within 78 characters where possible. Folding only
    /// inserts CRLF before a space, so unfolding restores the value exactly.
    static func fold(_ name: String, _ value: String) -> String {
        var result = name + ":"
        var lineLength = result.utf8.count
        for word in value.split(separator: " ", omittingEmptySubsequences: false) {
            let piece = " " + word
            if lineLength + piece.utf8.count > 78, lineLength > name.utf8.count + 1, !word.isEmpty {
                result += "\r\n"
                lineLength = 0
            }
            result += piece
            lineLength += piece.utf8.count
        }
        return result
    }

    /// Address list for a header; entries with non-ASCII display names are re-encoded with RFC 2047.
    private static func addressList(_ entries: [String]) -> String {
        entries.map { entry in
            let clean = singleLine(entry)
            guard !clean.unicodeScalars.allSatisfy(\.isASCII), let parsed = try? EmailAddress.parse(clean) else {
                return clean
            }
            return parsed.headerValue
        }.joined(separator: ", ")
    }

    /// Unstructured text for header `name`: as is when plain ASCII, otherwise RFC 2047 encoded words short enough
    /// for the first one to fit on the header's first line.
    private static func unstructured(_ text: String, charset: String?, name: String) -> String {
        let clean = singleLine(text)
        // Literal "=?" would be misread as an encoded word, and a word longer than a line cannot be folded.
        let plain =
            clean.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F }
            && !clean.contains("=?") && !clean.split(separator: " ").contains { $0.utf8.count > 900 }
        guard !plain else { return clean }
        let maxLength = max(40, 78 - name.utf8.count - 2)
        return EncodedWord.encode(clean, charset: charset ?? "UTF-8", maxLength: maxLength).joined(separator: " ")
    }

    /// Replaces line breaks and other controls with spaces so a value stays on its header line.
    private static func singleLine(_ text: String) -> String {
        let scalars = text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : $0 }
        return String(String.UnicodeScalarView(scalars)).trimmedWhitespace
    }

    private static func isToken(_ text: String) -> Bool {
        let specials = Set("()<>@,;:\\\"/[]?=".unicodeScalars)
        return !text.isEmpty
            && text.unicodeScalars.allSatisfy { $0.value > 32 && $0.value < 127 && !specials.contains($0) }
    }

    /// `type/subtype[; params]` when well formed, application/octet-stream otherwise.
    private static func mediaType(_ value: String?) -> String {
        let clean = singleLine(value ?? "")
        let main = clean.split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
        let pieces = main.trimmedWhitespace.split(separator: "/", omittingEmptySubsequences: false)
        guard pieces.count == 2, pieces.allSatisfy({ isToken(String($0)) }) else { return "application/octet-stream" }
        return clean
    }

    private static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// Content-Type `name`: quoted ASCII, or RFC 2047 words inside the quotes as most mailers expect.
    private static func nameParameter(_ filename: String) -> String {
        filename.unicodeScalars.allSatisfy(\.isASCII)
            ? quoted(filename) : quoted(EncodedWord.encode(filename).joined(separator: " "))
    }

    /// Content-Disposition `filename`: quoted ASCII, or RFC 2231 percent-encoded UTF-8 split into continuations
    /// of at most 60 characters so no line gets too long.
    private static func filenameParameter(_ filename: String) -> String {
        guard !filename.unicodeScalars.allSatisfy(\.isASCII) else { return "filename=" + quoted(filename) }
        let unreserved = Set("!#$&+-.^_`|~".utf8)
        var pieces: [String] = []
        var current = "UTF-8''"
        for byte in filename.utf8 {
            let letter = byte | 0x20  // ASCII lowercase
            let isPlain =
                (byte >= 0x30 && byte <= 0x39) || (letter >= 0x61 && letter <= 0x7A)
                || unreserved.contains(byte)
            let encoded =
                isPlain
                ? String(UnicodeScalar(byte)) : "%" + hexDigits[Int(byte >> 4)] + hexDigits[Int(byte & 15)]
            if current.utf8.count + encoded.utf8.count > 60 {
                pieces.append(current)
                current = ""
            }
            current += encoded
        }
        pieces.append(current)
        if pieces.count == 1 { return "filename*=" + current }
        return pieces.enumerated().map { "filename*\($0.offset)*=\($0.element)" }.joined(separator: "; ")
    }

    // MARK: Bytes

    /// Converts bare CR and bare LF to CRLF, the canonical form of text in MIME.
    private static func canonicalLineEndings(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + bytes.count / 32)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 13 {
                output += crlf
                if index + 1 < bytes.count, bytes[index + 1] == 10 { index += 1 }
            } else if byte == 10 {
                output += crlf
            } else {
                output.append(byte)
            }
            index += 1
        }
        return output
    }

    /// 7bit data per RFC 2045: no NUL or 8-bit bytes, CR and LF only as CRLF, lines of at most 998 bytes.
    private static func isSevenBitSafe(_ bytes: [UInt8]) -> Bool {
        var lineLength = 0
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 13 {
                guard index + 1 < bytes.count, bytes[index + 1] == 10 else { return false }
                lineLength = 0
                index += 2
                continue
            }
            guard byte != 0, byte != 10, byte < 0x80 else { return false }
            lineLength += 1
            if lineLength > 998 { return false }
            index += 1
        }
        return true
    }

    private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard let first = needle.first, haystack.count >= needle.count else { return needle.isEmpty }
        var index = 0
        while index <= haystack.count - needle.count {
            if haystack[index] == first, haystack[index..<(index + needle.count)].elementsEqual(needle) { return true }
            index += 1
        }
        return false
    }
}

// MARK: - Encoders

extension EncodedWord {
    /// B-encodes `text` into encoded words of at most `maxLength` (≤ 75, RFC 2047) characters each, never
    /// splitting a character's bytes across words. Falls back to UTF-8 when `charset` is unsupported or cannot
    /// represent the text.
    static func encode(_ text: String, charset: String = "UTF-8", maxLength: Int = 75) -> [String] {
        // The label goes inside the word, so it must be a plain charset name.
        let labelCharacters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_:.".unicodeScalars)
        let supported =
            !charset.isEmpty && charset.unicodeScalars.allSatisfy(labelCharacters.contains)
            && MIMECharset.encode(text, charset: charset) != nil
        let label = supported ? charset : "UTF-8"
        let prefix = "=?\(label)?B?"
        // Each word holds whole base64 quanta: 4 characters per 3 bytes, within 75 characters in total.
        let maxBytes = max(3, (min(maxLength, 75) - prefix.utf8.count - 2) / 4 * 3)
        var words: [String] = []
        var chunk: [UInt8] = []
        for scalar in text.unicodeScalars {
            let bytes = MIMECharset.encode(String(scalar), charset: label) ?? Array(String(scalar).utf8)
            if !chunk.isEmpty, chunk.count + bytes.count > maxBytes {
                words.append(prefix + MIMEBase64.encode(chunk) + "?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty || words.isEmpty { words.append(prefix + MIMEBase64.encode(chunk) + "?=") }
        return words
    }
}

extension MIMEBase64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Standard padded base64 on one line.
    static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let remaining = bytes.count - index
            let b0 = UInt32(bytes[index])
            let b1 = remaining > 1 ? UInt32(bytes[index + 1]) : 0
            let b2 = remaining > 2 ? UInt32(bytes[index + 2]) : 0
            let group = b0 << 16 | b1 << 8 | b2
            output.append(alphabet[Int(group >> 18 & 63)])
            output.append(alphabet[Int(group >> 12 & 63)])
            output.append(remaining > 1 ? alphabet[Int(group >> 6 & 63)] : UInt8(ascii: "="))
            output.append(remaining > 2 ? alphabet[Int(group & 63)] : UInt8(ascii: "="))
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Base64 broken into CRLF-separated lines of `lineLength` characters, without a final line break.
    static func encodeLines(_ bytes: [UInt8], lineLength: Int = 76) -> [UInt8] {
        let encoded = Array(encode(bytes).utf8)
        let width = max(4, lineLength)
        var output: [UInt8] = []
        output.reserveCapacity(encoded.count + encoded.count / width * 2)
        var start = 0
        while start < encoded.count {
            if start > 0 { output += [13, 10] }
            let end = min(start + width, encoded.count)
            output += encoded[start..<end]
            start = end
        }
        return output
    }
}

extension QuotedPrintable {
    /// Encodes to quoted-printable with soft line breaks keeping lines within 76 characters. In text mode CRLF
    /// pairs are hard line breaks; otherwise (binary data) every CR and LF is escaped. Whitespace before a line
    /// break or at the end is escaped because transports may strip it.
    static func encode(_ input: [UInt8], textMode: Bool = true) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(input.count + input.count / 8)
        var lineLength = 0
        let hex = Array("0123456789ABCDEF".utf8)

        func isLineBreak(at index: Int) -> Bool {
            textMode && index + 1 < input.count && input[index] == 13 && input[index + 1] == 10
        }
        func emit(_ token: [UInt8]) {
            if lineLength + token.count > 75 {
                output += Array("=\r\n".utf8)
                lineLength = 0
            }
            output += token
            lineLength += token.count
        }

        var index = 0
        while index < input.count {
            if isLineBreak(at: index) {
                output += [13, 10]
                lineLength = 0
                index += 2
                continue
            }
            let byte = input[index]
            let atLineEnd = index + 1 == input.count || isLineBreak(at: index + 1)
            let isBlank = byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
            if (isBlank && !atLineEnd) || (byte >= 33 && byte <= 126 && byte != UInt8(ascii: "=")) {
                emit([byte])
            } else {
                emit([UInt8(ascii: "="), hex[Int(byte >> 4)], hex[Int(byte & 15)]])
            }
            index += 1
        }
        return output
    }
}
