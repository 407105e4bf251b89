import Foundation
import Testing

@testable import SwitchyardSES

@Suite struct MIMETests {
    /// Joins lines with CRLF, as mail on the wire is written.
    func crlf(_ lines: [String]) -> [UInt8] {
        Array(lines.joined(separator: "\r\n").utf8)
    }

    /// The header block of a built or raw message, as text.
    func headerBlock(_ bytes: [UInt8]) -> String {
        let text = String(decoding: bytes, as: UTF8.self)
        return text.components(separatedBy: "\r\n\r\n").first ?? ""
    }

    // MARK: Building

    @Test func buildThenParseGivesBackSubjectBodiesAndRecipients() throws {
        let content = MIMEBuilder.Content(
            from: "Sender <sender@example.com>", to: ["a@example.com", "\"Doe, Jane\" <jane@example.com>"],
            cc: ["Zoë Ünal <zoe@example.com>"], bcc: ["hidden@example.com"], replyTo: ["replies@example.com"],
            subject: "Grüße aus Köln ☕", text: "Hello\nWorld", html: "<p>Héllo</p>",
            extraHeaders: [("X-Campaign", "spring"), ("Bcc", "sneaky@example.com")],
            messageID: "<0100018c-abc@email.amazonses.com>", date: Date(timeIntervalSince1970: 1_795_709_109))
        let raw = MIMEBuilder.build(content)
        let headers = headerBlock(raw)
        // No Bcc header, from the content or the extra headers. (Looking for "bcc" anywhere in the
        // block also hit random boundaries such as "...-23bcce5...".)
        #expect(!headers.contains("hidden@example.com") && !headers.contains("sneaky@example.com"))
        #expect(headers.contains("Date: Thu, 26 Nov 2026 16:05:09 +0000"))
        let names = headers.components(separatedBy: "\r\n").filter { !$0.hasPrefix(" ") }.map {
            String($0.prefix { $0 != ":" })
        }
        #expect(
            names == [
                "Date", "From", "Reply-To", "To", "Cc", "Message-ID", "Subject", "X-Campaign", "MIME-Version",
                "Content-Type",
            ])
        #expect(!names.contains { $0.lowercased() == "bcc" })

        let message = try MIMEMessage.parse(raw)
        #expect(message.subject == "Grüße aus Köln ☕")
        #expect(message.textBody == "Hello\r\nWorld")  // text is written in canonical CRLF form
        #expect(message.htmlBody == "<p>Héllo</p>")
        #expect(message.root.contentType == "multipart/alternative")
        #expect(message.to.map(\.address) == ["a@example.com", "jane@example.com"])
        #expect(message.to.last?.displayName == "Doe, Jane")
        #expect(message.cc.first?.displayName == "Zoë Ünal")
        #expect(message.bcc.isEmpty)
        #expect(message.allRecipients().count == 3)
        #expect(message.messageID == "<0100018c-abc@email.amazonses.com>")
        #expect(message.headers["x-campaign"] == "spring")
        #expect(raw.allSatisfy { $0 < 0x80 })
    }

    @Test func attachmentsRoundTripByteForByte() throws {
        let binary = (0..<1000).map { UInt8(truncatingIfNeeded: $0 * 7) }
        let content = MIMEBuilder.Content(
            from: "sender@example.com", to: ["to@example.com"], subject: "Files", text: "See attached.",
            html: "<img src=\"cid:logo\">",
            attachments: [
                MIMEBuilder.Attachment(filename: "data.bin", contentType: "application/octet-stream", bytes: binary),
                MIMEBuilder.Attachment(
                    filename: "logo.png", contentType: "image/png", bytes: [0x89, 0x50, 0x4E, 0x47],
                    disposition: .inline, contentID: "logo", contentDescription: "Company logo"),
                MIMEBuilder.Attachment(
                    filename: "Résumé — très long nom de fichier pour les continuations RFC 2231.txt",
                    contentType: "text/plain", bytes: Array("line one = two\r\nlast line  ".utf8),
                    transferEncoding: .quotedPrintable),
            ], messageID: "<id@example.com>", date: Date())
        let raw = MIMEBuilder.build(content)
        let message = try MIMEMessage.parse(raw)
        #expect(message.root.contentType == "multipart/mixed")
        #expect(message.root.children.first?.contentType == "multipart/alternative")
        #expect(message.textBody == "See attached.")
        #expect(message.htmlBody == "<img src=\"cid:logo\">")

        let attachments = message.attachments
        #expect(attachments.count == 3)
        #expect(attachments.first?.bytes == binary)
        #expect(attachments.first?.disposition == "attachment")
        #expect(attachments[1].contentID == "logo")
        #expect(attachments[1].disposition == "inline")
        #expect(attachments[1].filename == "logo.png")
        #expect(attachments[2].filename == "Résumé — très long nom de fichier pour les continuations RFC 2231.txt")
        #expect(attachments[2].bytes == Array("line one = two\r\nlast line  ".utf8))
        // Every line stays within the limits: 76 for base64, 78 for folded headers with long parameters.
        let lines = String(decoding: raw, as: UTF8.self).components(separatedBy: "\r\n")
        #expect(lines.allSatisfy { $0.utf8.count <= 998 })
        #expect(lines.filter { !$0.contains(" ") && !$0.hasPrefix("--") }.allSatisfy { $0.utf8.count <= 76 })
    }

    @Test func longNonASCIISubjectIsEncodedAndFolded() throws {
        let subject = String(repeating: "Ünïcödé subject words ", count: 8) + "🎉"
        let raw = MIMEBuilder.build(
            MIMEBuilder.Content(from: "a@example.com", to: ["b@example.com"], subject: subject, text: "x"))
        let headers = headerBlock(raw)
        #expect(headers.contains("Subject: =?UTF-8?B?"))
        #expect(headers.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 78 })
        #expect(try MIMEMessage.parse(raw).subject == subject)
    }

    @Test func textBodiesPick7bitOrQuotedPrintable() throws {
        let ascii = MIMEBuilder.build(MIMEBuilder.Content(from: "a@example.com", text: "plain\nascii"))
        #expect(headerBlock(ascii).contains("Content-Type: text/plain; charset=UTF-8"))
        #expect(headerBlock(ascii).contains("Content-Transfer-Encoding: 7bit"))
        #expect(String(decoding: ascii, as: UTF8.self).hasSuffix("\r\n\r\nplain\r\nascii"))

        let longLine = String(repeating: "a", count: 1200)
        for text in ["café = ok", longLine] {
            let raw = MIMEBuilder.build(MIMEBuilder.Content(from: "a@example.com", html: text))
            #expect(headerBlock(raw).contains("Content-Type: text/html; charset=UTF-8"))
            #expect(headerBlock(raw).contains("Content-Transfer-Encoding: quoted-printable"))
            #expect(try MIMEMessage.parse(raw).htmlBody == text)
        }

        let latin = MIMEBuilder.build(
            MIMEBuilder.Content(from: "a@example.com", text: "café", textCharset: "ISO-8859-1"))
        #expect(String(decoding: latin, as: UTF8.self).contains("caf=E9"))
        #expect(try MIMEMessage.parse(latin).textBody == "café")
    }

    @Test func quotedPrintableAndBase64Codecs() {
        let text = Array((String(repeating: "word ", count: 40) + "a=b \r\ntrailing \t\r\nend ").utf8)
        let encoded = QuotedPrintable.encode(text)
        let lines = String(decoding: encoded, as: UTF8.self).components(separatedBy: "\r\n")
        #expect(lines.allSatisfy { $0.utf8.count <= 76 })
        #expect(lines.contains { $0.hasSuffix("=") })  // soft breaks
        #expect(lines.allSatisfy { !$0.hasSuffix(" ") && !$0.hasSuffix("\t") })
        #expect(String(decoding: encoded, as: UTF8.self).contains("a=3Db"))
        #expect(QuotedPrintable.decode(encoded) == text)

        let binary = (0...255).map { UInt8($0) }
        #expect(QuotedPrintable.decode(QuotedPrintable.encode(binary, textMode: false)) == binary)
        // Lenient decoding: lowercase hex, stray "=", transport padding before a line break.
        #expect(QuotedPrintable.decode(Array("caf=c3=a9 =\nok =ZZ  \nx".utf8)) == Array("café ok =ZZ\nx".utf8))

        let wrapped = MIMEBase64.encodeLines(binary)
        let base64Lines = String(decoding: wrapped, as: UTF8.self).components(separatedBy: "\r\n")
        #expect(base64Lines.dropLast().allSatisfy { $0.utf8.count == 76 })
        #expect(MIMEBase64.decode(wrapped) == binary)
        #expect(MIMEBase64.encode(Array("ab".utf8)) == "YWI=")
    }

    // MARK: Parsing

    @Test func parsesAHandWrittenMultipartMixedMessage() throws {
        let raw = crlf([
            "From: =?utf-8?Q?Andr=C3=A9?= <andre@example.com>",
            "To: team@example.com",
            "Subject: Report",
            "MIME-Version: 1.0",
            "Content-Type: multipart/mixed;",
            "\tboundary=\"outer\"",
            "",
            "This is the preamble.",
            "--outer",
            "Content-Type: multipart/alternative; boundary=inner",
            "",
            "--inner",
            "Content-Type: text/plain; charset=us-ascii",
            "",
            "Plain text.",
            "--inner",
            "Content-Type: text/html; charset=\"iso-8859-1\"",
            "Content-Transfer-Encoding: quoted-printable",
            "",
            "<p>Caf=E9 au lait, a long line that is broken here=",
            " and continues.</p>",
            "--inner--",
            "--outer",
            "Content-Type: application/pdf",
            "Content-Disposition: attachment; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf",
            "Content-Transfer-Encoding: base64",
            "",
            "JVBERi0x",
            "LjQK",
            "--outer",
            "Content-Type: image/png; name=\"=?UTF-8?B?w6lzdA==?=.png\"",
            "Content-ID: <img1@example.com>",
            "Content-Transfer-Encoding: base64",
            "",
            "iVBORw==",
            "--outer--",
            "This is the epilogue.",
        ])
        let message = try MIMEMessage.parse(raw)
        #expect(message.from.first == EmailAddress(displayName: "André", address: "andre@example.com"))
        #expect(message.root.parameters["boundary"] == "outer")
        #expect(message.root.children.count == 3)
        #expect(message.textBody == "Plain text.")
        #expect(message.htmlBody == "<p>Café au lait, a long line that is broken here and continues.</p>")
        let attachments = message.attachments
        #expect(attachments.map(\.filename) == ["résumé.pdf", "ést.png"])
        #expect(attachments.first?.bytes == Array("%PDF-1.4\n".utf8))
        #expect(attachments.first?.contentType == "application/pdf")
        #expect(attachments.last?.contentID == "img1@example.com")
        #expect(attachments.last?.disposition == nil)
        #expect(attachments.last?.bytes == [0x89, 0x50, 0x4E, 0x47])
    }

    @Test func decodesEncodedWordSubjects() throws {
        let cases: [(String, String)] = [
            ("=?UTF-8?B?SGVsbG8gV29ybGQ=?=", "Hello World"),
            ("=?utf-8?Q?Caf=C3=A9_cr=C3=A8me?=", "Café crème"),
            ("=?ISO-8859-1?Q?Caf=E9?= =?iso-8859-1?q?_au_lait?=", "Café au lait"),
            ("=?windows-1252?Q?=93quoted=94?=", "\u{201C}quoted\u{201D}"),
            ("Re: =?UTF-8?B?w6k=?= and =?UTF-8?B?w6g=?= done", "Re: é and è done"),
            // A multibyte character split across two adjacent words still decodes.
            ("=?UTF-8?B?4pg=?=\r\n =?UTF-8?B?lQ==?=", "☕"),
            ("=?UTF-8*en?Q?hi?=", "hi"),
            ("not =?encoded", "not =?encoded"),
            ("=?UTF-8?X?bad?=", "=?UTF-8?X?bad?="),
        ]
        for (encoded, decoded) in cases {
            #expect(EncodedWord.decode(encoded) == decoded)
        }
        let raw = crlf(["Subject: =?UTF-8?B?R3LDvMOfZQ==?=", "  =?UTF-8?Q?_aus_K=C3=B6ln?=", "", "body"])
        #expect(try MIMEMessage.parse(raw).subject == "Grüße aus Köln")
    }

    @Test func acceptsBareLFMessages() throws {
        let text = """
            From: a@example.com
            Subject: folded
              subject
            Content-Type: multipart/alternative; boundary=b

            --b
            Content-Type: text/plain

            line one
            line two
            --b
            Content-Type: text/html

            <b>hi</b>
            --b--
            """
        let message = try MIMEMessage.parse(Array(text.utf8))
        #expect(message.subject == "folded  subject")
        #expect(message.textBody == "line one\nline two")
        #expect(message.htmlBody == "<b>hi</b>")
        let rewritten = message.rewritingHeaders { $0.append((name: "X-Added", value: "yes")) }
        #expect(String(decoding: rewritten, as: UTF8.self).contains("X-Added: yes\n\n--b"))
        #expect(!rewritten.contains(13))
    }

    @Test func degradesOrThrowsOnMalformedInput() throws {
        #expect(throws: MIMEError.missingHeaderSection) { try MIMEMessage.parse([]) }
        #expect(throws: MIMEError.missingHeaderSection) { try MIMEMessage.parse(crlf(["", "body"])) }
        #expect(throws: MIMEError.malformedHeaderLine(2)) {
            try MIMEMessage.parse(crlf(["Subject: x", "no colon here", "", "body"]))
        }
        #expect(throws: MIMEError.missingStartBoundary) {
            try MIMEMessage.parse(crlf(["Content-Type: multipart/mixed", "", "--x", "", "a", "--x--"]))
        }
        #expect(throws: MIMEError.missingStartBoundary) {
            try MIMEMessage.parse(crlf(["Content-Type: multipart/mixed; boundary=x", "", "no parts at all"]))
        }
        #expect(MIMEError.missingStartBoundary.message == "Missing start boundary")

        // Headers only, no blank line: accepted with an empty body.
        let headersOnly = try MIMEMessage.parse(Array("Subject: only headers".utf8))
        #expect(headersOnly.subject == "only headers")
        #expect(headersOnly.root.body.isEmpty)

        // Missing close delimiter, a headerless part and an unknown transfer encoding are all tolerated.
        let lenient = try MIMEMessage.parse(
            crlf([
                "Content-Type: multipart/mixed; boundary=x", "", "--x", "Content-Transfer-Encoding: x-unknown", "",
                "first", "--x", "just text, no headers", "--xy not a delimiter",
            ]))
        #expect(lenient.root.children.map(\.text) == ["first", "just text, no headers\r\n--xy not a delimiter"])

        // Arbitrary bytes never crash the parser.
        let alphabet = Array("ab:=?\r\n -;\"<>@Q_B".utf8)
        var seed: UInt64 = 42
        for _ in 0..<200 {
            let bytes = (0..<200).map { _ -> UInt8 in
                seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return alphabet[Int(seed >> 40) % alphabet.count]
            }
            _ = try? MIMEMessage.parse(Array("Content-Type: multipart/mixed; boundary=-\r\n\r\n--\r\n".utf8) + bytes)
            _ = try? EmailAddress.parseList(String(decoding: bytes, as: UTF8.self))
        }
    }

    @Test func rewritingHeadersKeepsTheBodyBytesIdentical() throws {
        let body: [UInt8] = Array("Body line\r\nwith = signs and trailing space \r\n\r\n".utf8) + [0xC3, 0xA9, 0xFF]
        let head = crlf([
            "From: a@example.com", "Bcc: secret@example.com", "Subject: a long", "  folded subject",
            "Message-ID: <theirs@example.com>", "Date: Mon, 1 Jan 2024 00:00:00 +0000", "",
        ])
        let raw = head + Array("\r\n".utf8) + body
        let message = try MIMEMessage.parse(raw)
        #expect(message.bcc.map(\.address) == ["secret@example.com"])

        let unchanged = message.rewritingHeaders { _ in }
        #expect(unchanged == raw)

        let relayed = MIMEMessage.removingBcc(raw)
        #expect(Array(relayed.suffix(body.count)) == body)
        #expect(!String(decoding: relayed, as: UTF8.self).contains("Bcc"))
        #expect(String(decoding: relayed, as: UTF8.self).contains("Subject: a long\r\n  folded subject\r\n"))

        let stamped = MIMEMessage.stamped(
            raw, messageId: "<ses@email.amazonses.com>", date: Date(timeIntervalSince1970: 1_795_709_109))
        let reparsed = try MIMEMessage.parse(stamped)
        #expect(reparsed.messageID == "<ses@email.amazonses.com>")
        #expect(reparsed.headers["Date"] == "Thu, 26 Nov 2026 16:05:09 +0000")
        #expect(reparsed.headers.values("Message-ID").count == 1)
        #expect(Array(stamped.suffix(body.count)) == body)

        // Injected line breaks are re-folded instead of starting new fields or ending the header block.
        let injected = message.rewritingHeaders { $0.append((name: "X-Note", value: "one\r\n\r\nEvil: yes")) }
        let injectedMessage = try MIMEMessage.parse(injected)
        #expect(injectedMessage.headers["Evil"] == nil)
        #expect(injectedMessage.headers["X-Note"] == "one Evil: yes")
        #expect(Array(injected.suffix(body.count)) == body)
    }

    // MARK: Addresses

    @Test func parsesAddressListsWithQuotesGroupsAndComments() throws {
        let list = try EmailAddress.parseList(
            "\"Smith, John\" <john@example.com>, plain@example.com (a comment), Team: x@example.com, "
                + "\"Y \\\"Q\\\" Z\" <y@example.com>;, undisclosed-recipients:;, <@relay.example:z@example.com>")
        #expect(
            list.map(\.address) == [
                "john@example.com", "plain@example.com", "x@example.com", "y@example.com", "z@example.com",
            ])
        #expect(list.map(\.displayName) == ["Smith, John", nil, nil, "Y \"Q\" Z", nil])
        #expect(try EmailAddress.parseList("undisclosed-recipients:;").isEmpty)

        let encoded = try EmailAddress.parse("=?UTF-8?B?Wm/DqyDDnG5hbA==?= <zoe@Example.COM>")
        #expect(encoded.displayName == "Zoë Ünal")
        #expect(encoded.domain == "example.com")
        #expect(encoded.localPart == "zoe")
        #expect(encoded.headerValue == "=?UTF-8?B?Wm/DqyDDnG5hbA==?= <zoe@Example.COM>")

        #expect(
            EmailAddress(displayName: "Jane Doe", address: "j@example.com").headerValue == "Jane Doe <j@example.com>")
        #expect(
            EmailAddress(displayName: "Doe, \"J\"", address: "j@example.com").headerValue
                == "\"Doe, \\\"J\\\"\" <j@example.com>")
        #expect(EmailAddress(address: "j@example.com").headerValue == "j@example.com")
        let roundTrip = EmailAddress(displayName: "Doe, \"J\" ✓", address: "j@example.com")
        #expect(try EmailAddress.parse(roundTrip.headerValue) == roundTrip)
    }

    @Test func rejectsAddressesWithSESMessages() throws {
        #expect(throws: AddressError.missingDomain) { try EmailAddress.parse("nobody") }
        #expect(AddressError.missingDomain.message == "Missing final '@domain'")
        #expect(throws: AddressError.illegalAddress) { try EmailAddress.parse("a@@b") }
        #expect(AddressError.illegalAddress.message == "Illegal address")
        #expect(throws: AddressError.localPartControlOrWhitespace) { try EmailAddress.parse("dån@example.com") }
        #expect(throws: AddressError.localPartControlOrWhitespace) { try EmailAddress.parse("<a b@example.com>") }
        #expect(AddressError.localPartControlOrWhitespace.message == "Local address contains control or whitespace")
        let bad = ["", "a@", "@b.com", ".a@b.com", "a..b@c.com", "a@b..com", "a@b.com.", "Name <a@b.com", "a@b_c.com"]
        for bad in bad {
            #expect(throws: AddressError.illegalAddress) { try EmailAddress.parse(bad) }
        }
        #expect(throws: AddressError.illegalAddress) { try EmailAddress.parse("a@b.com, c@d.com") }

        for good in [
            "a@b", "first.last+tag@sub.example.com", "\"quoted name\"@example.com", "x@[192.0.2.1]",
            "user@bücher.example", "user@xn--bcher-kva.example",
        ] {
            #expect(try EmailAddress.parse(good).address == good)
        }
    }
}
