import Foundation
import Testing

@testable import SwitchyardSES

@Suite struct SMTPSessionTests {
    func session(tlsAvailable: Bool = false, tlsActive: Bool = false, authRequired: Bool = true) -> SMTPSession {
        SMTPSession(
            hostname: "email-smtp.us-east-1.amazonaws.com", maxMessageBytes: 1_000, tlsAvailable: tlsAvailable,
            tlsActive: tlsActive, authRequired: authRequired)
    }

    func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }

    /// The reply of a line that must be answered with a plain reply.
    func reply(_ session: inout SMTPSession, _ line: String) -> SMTPReply? {
        if case .reply(let reply) = session.receive(line: line) { return reply }
        return nil
    }

    @Test func fullDialogueWithAuthPlainAndDotStuffing() {
        var smtp = session()
        #expect(smtp.greeting().code == 220)
        #expect(smtp.greeting().lines == ["email-smtp.us-east-1.amazonaws.com ESMTP SimpleEmailService"])
        let ehlo = reply(&smtp, "EHLO client.example.com")
        #expect(
            ehlo?.lines == ["email-smtp.us-east-1.amazonaws.com", "8BITMIME", "SIZE 1000", "AUTH PLAIN LOGIN", "Ok"])

        let credentials = base64("\0AKIDEXAMPLE\0secret")
        let plain = smtp.receive(line: "AUTH PLAIN \(credentials)")
        #expect(plain == .authenticate(username: "AKIDEXAMPLE", password: "secret"))
        #expect(smtp.authenticationResult(ok: true) == SMTPReply(235, "Authentication successful."))
        #expect(smtp.authenticatedUser == "AKIDEXAMPLE")

        #expect(reply(&smtp, "MAIL FROM:<sender@example.com> SIZE=200 BODY=8BITMIME") == .ok)
        #expect(reply(&smtp, "RCPT TO:<a@example.com>") == .ok)
        #expect(reply(&smtp, "rcpt to: b@example.com") == .ok)
        #expect(reply(&smtp, "DATA") == SMTPReply(354, "End data with <CR><LF>.<CR><LF>"))
        #expect(smtp.isReadingData)
        for line in ["Subject: hi", "", "..leading dot", ".", ""] where line != "." {
            #expect(smtp.receive(line: line) == .none)
        }
        #expect(smtp.receive(line: Array("8-bit: caf\u{E9}".utf8)) == .none)
        let action = smtp.receive(line: ".")
        let expectedData = Array("Subject: hi\r\n\r\n.leading dot\r\n\r\n8-bit: caf\u{E9}\r\n".utf8)
        let envelope = SMTPEnvelope(
            mailFrom: "sender@example.com", rcptTo: ["a@example.com", "b@example.com"], data: expectedData,
            username: "AKIDEXAMPLE")
        #expect(action == .message(envelope))
        let accepted = smtp.messageResult(.accepted(messageId: "0100018abc-000000"))
        #expect(accepted == SMTPReply(250, "Ok 0100018abc-000000"))
        #expect(String(decoding: accepted.encoded(), as: UTF8.self) == "250 Ok 0100018abc-000000\r\n")

        // The transaction is over: a new one starts from MAIL.
        #expect(reply(&smtp, "RCPT TO:<c@example.com>") == .badSequence)
        #expect(smtp.receive(line: "QUIT") == .replyAndClose(SMTPReply(221, "Bye")))
        #expect(smtp.isClosed)
        #expect(smtp.receive(line: "NOOP") == .none)
    }

    @Test func authPlainWithContinuationAndAuthLogin() {
        var smtp = session()
        _ = smtp.receive(line: "EHLO c")
        #expect(reply(&smtp, "AUTH PLAIN") == SMTPReply(334, ""))
        #expect(String(decoding: SMTPReply(334, "").encoded(), as: UTF8.self) == "334 \r\n")
        #expect(smtp.receive(line: base64("\0user\0wrong")) == .authenticate(username: "user", password: "wrong"))
        #expect(smtp.authenticationResult(ok: false) == SMTPReply(535, "Authentication Credentials Invalid"))
        #expect(smtp.authenticatedUser == nil)

        #expect(reply(&smtp, "AUTH LOGIN") == SMTPReply(334, "VXNlcm5hbWU6"))
        #expect(reply(&smtp, base64("AKIDEXAMPLE")) == SMTPReply(334, "UGFzc3dvcmQ6"))
        let login = smtp.receive(line: base64("pass word"))
        #expect(login == .authenticate(username: "AKIDEXAMPLE", password: "pass word"))
        #expect(smtp.authenticationResult(ok: true) == .authenticationSuccessful)
        #expect(reply(&smtp, "AUTH LOGIN")?.code == 503)

        var other = session()
        _ = other.receive(line: "EHLO c")
        #expect(reply(&other, "AUTH LOGIN \(base64("me"))") == SMTPReply(334, "UGFzc3dvcmQ6"))
        #expect(reply(&other, "*")?.code == 501)
        #expect(reply(&other, "AUTH PLAIN !!!notbase64")?.code == 501)
        #expect(reply(&other, "AUTH CRAM-MD5")?.code == 504)
    }

    @Test func commandsOutOfOrder() {
        var smtp = session()
        #expect(reply(&smtp, "MAIL FROM:<a@example.com>") == .badSequence)
        #expect(reply(&smtp, "AUTH PLAIN") == .badSequence)
        #expect(reply(&smtp, "HELO client") == SMTPReply(250, "email-smtp.us-east-1.amazonaws.com"))
        #expect(reply(&smtp, "MAIL FROM:<a@example.com>") == SMTPReply(530, "Authentication required"))
        #expect(reply(&smtp, "DATA") == SMTPReply(530, "Authentication required"))
        #expect(reply(&smtp, "FROB") == SMTPReply(500, "Syntax error, command unrecognized"))
        #expect(reply(&smtp, "NOOP") == .ok)
        #expect(reply(&smtp, "VRFY someone")?.code == 252)
        // Reporting a result nobody asked for is refused without disturbing the session.
        #expect(smtp.authenticationResult(ok: true) == .badSequence)
        #expect(smtp.messageResult(.accepted(messageId: "x")) == .badSequence)

        var open = session(authRequired: false)
        _ = open.receive(line: "EHLO c")
        #expect(reply(&open, "RCPT TO:<a@example.com>") == .badSequence)
        #expect(reply(&open, "MAIL FROM:<>") == .ok)
        #expect(reply(&open, "MAIL FROM:<b@example.com>") == .badSequence)
        #expect(reply(&open, "DATA") == .badSequence)
        #expect(reply(&open, "RCPT TO:<not-an-address>") == SMTPReply(553, "<not-an-address> address unknown"))
        #expect(reply(&open, "RCPT TO:<a@example.com> NOTIFY=NEVER")?.code == 555)
        #expect(reply(&open, "RSET") == .ok)
        #expect(reply(&open, "MAIL FROM:<bad address@x>")?.code == 553)
        #expect(reply(&open, "MAIL TO:<a@example.com>")?.code == 501)
    }

    @Test func enforcesTheSizeAndRecipientLimits() {
        var smtp = session(authRequired: false)
        _ = smtp.receive(line: "EHLO c")
        #expect(reply(&smtp, "MAIL FROM:<a@example.com> SIZE=5000") == SMTPReply(552, "Message is too long."))
        #expect(reply(&smtp, "MAIL FROM:<a@example.com>") == .ok)
        for index in 0..<SMTPSession.maxRecipients {
            #expect(reply(&smtp, "RCPT TO:<r\(index)@example.com>") == .ok)
        }
        #expect(reply(&smtp, "RCPT TO:<one-too-many@example.com>") == SMTPReply(452, "Too many recipients"))
        #expect(reply(&smtp, "DATA")?.code == 354)
        let line = String(repeating: "x", count: 300)
        for _ in 0..<5 { #expect(smtp.receive(line: line) == .none) }
        // The whole message is read before the refusal, so the dialogue stays in step.
        #expect(smtp.receive(line: ".") == .reply(.messageTooLong))
        #expect(!smtp.isReadingData)
        #expect(reply(&smtp, "MAIL FROM:<a@example.com>") == .ok)
    }

    @Test func startTLSIsAdvertisedThenResetsTheSession() {
        var smtp = session(tlsAvailable: true)
        let before = reply(&smtp, "EHLO c")
        #expect(before?.lines.contains("STARTTLS") == true)
        #expect(before?.lines.contains("AUTH PLAIN LOGIN") == true)
        #expect(smtp.receive(line: "STARTTLS") == .startTLS(SMTPReply(220, "Ready to start TLS")))
        #expect(smtp.tlsActive)
        #expect(smtp.clientName == nil)
        // RFC 3207: the client must say EHLO again; STARTTLS is no longer offered.
        #expect(reply(&smtp, "AUTH PLAIN \(base64("\0u\0p"))") == .badSequence)
        let after = reply(&smtp, "EHLO c")
        #expect(
            after?.lines == ["email-smtp.us-east-1.amazonaws.com", "8BITMIME", "SIZE 1000", "AUTH PLAIN LOGIN", "Ok"])
        #expect(reply(&smtp, "STARTTLS")?.code == 503)

        var plain = session(tlsAvailable: false)
        _ = plain.receive(line: "EHLO c")
        #expect(reply(&plain, "STARTTLS")?.code == 454)
    }

    @Test func encodesMultilineRepliesAndNeutralisesLineBreaks() {
        let reply = SMTPReply(code: 250, lines: ["host", "8BITMIME", "Ok"])
        #expect(String(decoding: reply.encoded(), as: UTF8.self) == "250-host\r\n250-8BITMIME\r\n250 Ok\r\n")
        let hostile = SMTPReply(554, "Message rejected: bad\r\n250 Ok")
        #expect(String(decoding: hostile.encoded(), as: UTF8.self) == "554 Message rejected: bad  250 Ok\r\n")
    }

    @Test func toleratesMalformedBytes() {
        var smtp = session(authRequired: false)
        #expect(smtp.receive(line: [0xFF, 0xFE, 0x00]).isReply(code: 500))
        #expect(smtp.receive(line: Array("EHLO c\r".utf8)).isReply(code: 250))
        let long = [UInt8](repeating: 0x41, count: SMTPSession.maxCommandLineBytes + 1)
        #expect(smtp.receive(line: long).isReply(code: 500))
    }

    @Test func smtpPasswordMatchesSESAlgorithm() {
        // Computed with SES's published Python algorithm (hmac/hashlib, version byte 0x04).
        let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
        #expect(
            SMTPCredentials.password(secretAccessKey: secret, region: "us-east-1")
                == "BLBM/9hSUELfq8Gw+rU1YcBjkOxGbhT2XG763xVLGWL9")
        #expect(
            SMTPCredentials.password(secretAccessKey: secret, region: "eu-west-1")
                == "BMW5RDrXmmVs0lV7GpI4oLkHXpZ4stDsk6q91z1g38Pk")
        #expect(
            SMTPCredentials.matches(
                password: "BLBM/9hSUELfq8Gw+rU1YcBjkOxGbhT2XG763xVLGWL9", secretAccessKey: secret, region: "us-east-1"))
        #expect(
            !SMTPCredentials.matches(
                password: "BLBM/9hSUELfq8Gw+rU1YcBjkOxGbhT2XG763xVLGWL9", secretAccessKey: secret, region: "eu-west-1"))
        #expect(!SMTPCredentials.matches(password: "", secretAccessKey: secret, region: "us-east-1"))
    }
}

extension SMTPAction {
    fileprivate func isReply(code: Int) -> Bool {
        if case .reply(let reply) = self { return reply.code == code }
        return false
    }
}
