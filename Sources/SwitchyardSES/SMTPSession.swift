import Foundation

// The SMTP submission side of SES: RFC 5321 with SIZE (RFC 1870), 8BITMIME, AUTH PLAIN / LOGIN (RFC 4954) and
// STARTTLS (RFC 3207), as a state machine without I/O. The NIO side frames lines, feeds them in, and carries out the
// returned actions.
//
// Texts are Amazon SES's where known. Sources: the SES developer guide's "SMTP response codes returned by Amazon
// SES" table (smtp-response-codes / troubleshoot-smtp) for 235, 250 Ok <MessageID>, 421, 451, 454, 530, 535, 552,
// 553 and 554; its openssl walkthrough (send-email-smtp-client-command-line) for the 220 greeting shape and
// "250 Ok <MessageID>"; and published transcripts of real sessions with email-smtp.*.amazonaws.com for the EHLO
// answer (host, 8BITMIME, SIZE, STARTTLS before TLS, AUTH PLAIN LOGIN, "Ok"), "220 Ready to start TLS",
// "334 VXNlcm5hbWU6" / "334 UGFzc3dvcmQ6", "235 Authentication successful.", "354 End data with <CR><LF>.<CR><LF>"
// and "221 Bye". Those transcripts show SES advertising AUTH before STARTTLS too, so this session does the same.
// Where SES's text is unknown (syntax errors, bad sequence, unknown commands, too many recipients), the reply is the
// RFC 5321 wording.

/// One SMTP reply: a code and one or more lines of text.
struct SMTPReply: Sendable, Equatable {
    let code: Int
    let lines: [String]

    init(code: Int, lines: [String]) {
        self.code = code
        self.lines = lines
    }

    init(_ code: Int, _ text: String) {
        self.init(code: code, lines: [text])
    }

    /// The wire form: `250-first` … `250 last`, each line ending in CRLF. A CR or LF inside a text becomes a space,
    /// so that text handed in by the server (a rejection reason, say) cannot forge a second reply.
    func encoded() -> [UInt8] {
        let texts = lines.isEmpty ? [""] : lines
        let code = Array(String(self.code).utf8)
        var bytes: [UInt8] = []
        for (index, text) in texts.enumerated() {
            bytes.append(contentsOf: code)
            bytes.append(index == texts.count - 1 ? UInt8(ascii: " ") : UInt8(ascii: "-"))
            for byte in text.utf8 {
                bytes.append(byte == 0x0D || byte == 0x0A ? UInt8(ascii: " ") : byte)
            }
            bytes.append(contentsOf: [0x0D, 0x0A])
        }
        return bytes
    }
}

extension SMTPReply {
    // Amazon SES's own texts (see the sources at the top of this file).
    static let ok = SMTPReply(250, "Ok")
    static let authenticationSuccessful = SMTPReply(235, "Authentication successful.")
    static let authenticationCredentialsInvalid = SMTPReply(535, "Authentication Credentials Invalid")
    static let authenticationRequired = SMTPReply(530, "Authentication required")
    static let temporaryAuthenticationFailure = SMTPReply(454, "Temporary authentication failure")
    static let messageTooLong = SMTPReply(552, "Message is too long.")
    static let startMailInput = SMTPReply(354, "End data with <CR><LF>.<CR><LF>")
    static let readyToStartTLS = SMTPReply(220, "Ready to start TLS")
    static let bye = SMTPReply(221, "Bye")
    static let tooManyConnections = SMTPReply(421, "Too many concurrent SMTP connections")
    static let temporaryServiceFailure = SMTPReply(451, "Temporary service failure")
    /// What SES sends before closing an idle connection.
    static let timeout = SMTPReply(451, "4.4.2 Timeout waiting for data from client.")
    static let dailyQuotaExceeded = SMTPReply(454, "Throttling failure: Daily message quota exceeded")
    static let sendingRateExceeded = SMTPReply(454, "Throttling failure: Maximum sending rate exceeded")

    /// `554 Message rejected: <reason>`, e.g. "Email address is not verified. The following identities failed the
    /// check in region US-EAST-1: sender@example.com".
    static func messageRejected(_ reason: String) -> SMTPReply {
        SMTPReply(554, "Message rejected: \(reason)")
    }

    /// `250 Ok <MessageID>`, SES's answer to an accepted message.
    static func accepted(messageId: String) -> SMTPReply {
        SMTPReply(250, "Ok \(messageId)")
    }

    // RFC 5321 / 4954 / 3207 wording, for situations whose SES text is unknown.
    static let commandUnrecognized = SMTPReply(500, "Syntax error, command unrecognized")
    static let lineTooLong = SMTPReply(500, "Line too long")
    static let parameterSyntaxError = SMTPReply(501, "Syntax error in parameters or arguments")
    static let commandNotImplemented = SMTPReply(502, "Command not implemented")
    static let badSequence = SMTPReply(503, "Bad sequence of commands")
    static let tooManyRecipients = SMTPReply(452, "Too many recipients")
    static let parametersNotRecognized = SMTPReply(
        555, "MAIL FROM/RCPT TO parameters not recognized or not implemented")
}

/// A complete message received with DATA, for the server to send (or refuse).
struct SMTPEnvelope: Sendable, Equatable {
    /// The reverse path; empty for the null sender `<>`.
    let mailFrom: String
    let rcptTo: [String]
    /// The message as received: dot-stuffing undone, every line ending in CRLF, the final "." line excluded.
    let data: [UInt8]
    /// Who authenticated on this connection (the SMTP user name, i.e. an access key id), if anyone.
    let username: String?
}

/// What the connection should do after a line.
enum SMTPAction: Sendable, Equatable {
    /// Send the reply.
    case reply(SMTPReply)
    /// Send the reply, then close the connection.
    case replyAndClose(SMTPReply)
    /// Send the reply (220), then start the TLS handshake. The session has already reset to its fresh state with
    /// TLS active; lines the client sent before the handshake must be discarded, not fed in (RFC 3207 §4.2).
    case startTLS(SMTPReply)
    /// Check the credentials, then pass the verdict to `authenticationResult(ok:)` and send the reply it returns.
    case authenticate(username: String, password: String)
    /// Process the message, then pass the outcome to `messageResult(_:)` and send the reply it returns.
    case message(SMTPEnvelope)
    /// Nothing to send (a line of message data).
    case none
}

/// The server's verdict on a message handed out by `SMTPAction.message`.
enum SMTPMessageResult: Sendable, Equatable {
    case accepted(messageId: String)
    case rejected(code: Int, text: String)
}

/// The protocol state of one SMTP connection. Feed it every line the client sends (without the CRLF), act on the
/// returned `SMTPAction`, and report the outcome of `authenticate` and `message` actions back before feeding the
/// next line: PIPELINING is not advertised, so a client waits for each reply.
struct SMTPSession: Sendable {
    /// SES accepts at most 50 recipients per message (SES developer guide, "Service quotas").
    static let maxRecipients = 50
    /// RFC 4954 §4 lets an AUTH line reach 12,288 octets; a longer command line is refused.
    static let maxCommandLineBytes = 12_288

    private enum Mode: Sendable, Equatable {
        case command
        case authPlainResponse
        case authLoginUsername
        case authLoginPassword(username: String)
        case awaitingAuthentication(username: String)
        case data
        case awaitingMessageResult
        case closed
    }

    let hostname: String
    /// The SIZE limit; 0 or less means no limit.
    let maxMessageBytes: Int
    let tlsAvailable: Bool
    let authRequired: Bool
    private(set) var tlsActive: Bool
    /// The name the client gave in HELO / EHLO; nil until then, and again after STARTTLS.
    private(set) var clientName: String?
    /// The user name that authenticated, if any.
    private(set) var authenticatedUser: String?

    private var mode = Mode.command
    private var mailFrom: String?
    private var recipients: [String] = []
    private var messageData: [UInt8] = []
    private var messageTooLong = false

    init(hostname: String, maxMessageBytes: Int, tlsAvailable: Bool, tlsActive: Bool, authRequired: Bool) {
        self.hostname = hostname
        self.maxMessageBytes = maxMessageBytes
        self.tlsAvailable = tlsAvailable
        self.tlsActive = tlsActive
        self.authRequired = authRequired
    }

    /// True between DATA's 354 and the final "." line: lines are message content, not commands.
    var isReadingData: Bool { mode == .data }

    /// True once QUIT was answered.
    var isClosed: Bool { mode == .closed }

    /// The banner to send when the client connects (SES: `220 email-smtp.amazonaws.com ESMTP SimpleEmailService-…`).
    func greeting() -> SMTPReply {
        SMTPReply(220, "\(hostname) ESMTP SimpleEmailService")
    }

    /// Handles one line from the client, without its CRLF. A lone trailing CR is dropped too, for framers that
    /// split at LF.
    mutating func receive(line: [UInt8]) -> SMTPAction {
        var line = line[...]
        if line.last == 0x0D { line = line.dropLast() }
        switch mode {
        case .closed:
            return .none
        case .data:
            return receiveData(line)
        case .awaitingAuthentication, .awaitingMessageResult:
            // The driver broke the contract of reporting back first; refuse without losing the pending state.
            return .reply(.badSequence)
        default:
            break
        }
        guard line.count <= Self.maxCommandLineBytes else {
            if mode != .command { mode = .command }
            return .reply(.lineTooLong)
        }
        let text = Self.decode(line)
        switch mode {
        case .authPlainResponse:
            mode = .command
            return text == "*" ? .reply(Self.authenticationCanceled) : finishPlain(text)
        case .authLoginUsername:
            guard text != "*" else {
                mode = .command
                return .reply(Self.authenticationCanceled)
            }
            guard let username = Self.decodeBase64Text(text) else {
                mode = .command
                return .reply(Self.cannotDecode)
            }
            mode = .authLoginPassword(username: username)
            return .reply(Self.passwordPrompt)
        case .authLoginPassword(let username):
            mode = .command
            guard text != "*" else { return .reply(Self.authenticationCanceled) }
            guard let password = Self.decodeBase64Text(text) else { return .reply(Self.cannotDecode) }
            mode = .awaitingAuthentication(username: username)
            return .authenticate(username: username, password: password)
        default:
            return command(text)
        }
    }

    /// Handles one line given as text (encoded as UTF-8).
    mutating func receive(line: String) -> SMTPAction {
        receive(line: Array(line.utf8))
    }

    /// The reply to send for the credentials of the last `authenticate` action.
    mutating func authenticationResult(ok: Bool) -> SMTPReply {
        guard case .awaitingAuthentication(let username) = mode else { return .badSequence }
        mode = .command
        guard ok else { return .authenticationCredentialsInvalid }
        authenticatedUser = username
        return .authenticationSuccessful
    }

    /// The reply to send for the last `message` action; the session is then ready for the next MAIL.
    mutating func messageResult(_ result: SMTPMessageResult) -> SMTPReply {
        guard mode == .awaitingMessageResult else { return .badSequence }
        mode = .command
        resetTransaction()
        switch result {
        case .accepted(let messageId): return .accepted(messageId: messageId)
        case .rejected(let code, let text): return SMTPReply(code, text)
        }
    }

    // MARK: Commands

    private static let authenticationCanceled = SMTPReply(501, "Authentication canceled")
    private static let cannotDecode = SMTPReply(501, "Cannot decode response")
    private static let usernamePrompt = SMTPReply(334, "VXNlcm5hbWU6")
    private static let passwordPrompt = SMTPReply(334, "UGFzc3dvcmQ6")

    private mutating func command(_ text: String) -> SMTPAction {
        let verb: String
        let argument: String
        if let space = text.firstIndex(of: " ") {
            verb = text[..<space].uppercased()
            argument = Self.trimmed(text[text.index(after: space)...])
        } else {
            verb = text.uppercased()
            argument = ""
        }
        switch verb {
        case "EHLO", "HELO":
            return .reply(hello(argument, extended: verb == "EHLO"))
        case "STARTTLS":
            return startTLS(argument)
        case "AUTH":
            return auth(argument)
        case "MAIL":
            return .reply(mail(argument))
        case "RCPT":
            return .reply(recipient(argument))
        case "DATA":
            return .reply(data(argument))
        case "RSET":
            guard argument.isEmpty else { return .reply(.parameterSyntaxError) }
            resetTransaction()
            return .reply(.ok)
        case "NOOP":
            return .reply(.ok)
        case "QUIT":
            mode = .closed
            return .replyAndClose(.bye)
        case "VRFY":
            return .reply(SMTPReply(252, "Cannot VRFY user, but will accept message and attempt delivery"))
        case "HELP":
            return .reply(SMTPReply(214, "Commands: EHLO HELO STARTTLS AUTH MAIL RCPT DATA RSET NOOP QUIT VRFY HELP"))
        case "EXPN", "TURN", "ETRN", "BDAT":
            return .reply(.commandNotImplemented)
        default:
            return .reply(.commandUnrecognized)
        }
    }

    private mutating func hello(_ name: String, extended: Bool) -> SMTPReply {
        guard !name.isEmpty else { return .parameterSyntaxError }
        // HELO / EHLO start over (RFC 5321 §4.1.4) but keep the authentication.
        resetTransaction()
        clientName = name
        guard extended else { return SMTPReply(250, hostname) }
        var lines = [hostname, "8BITMIME", "SIZE \(max(maxMessageBytes, 0))"]
        if tlsAvailable && !tlsActive { lines.append("STARTTLS") }
        lines.append("AUTH PLAIN LOGIN")
        lines.append("Ok")
        return SMTPReply(code: 250, lines: lines)
    }

    private mutating func startTLS(_ argument: String) -> SMTPAction {
        guard argument.isEmpty else { return .reply(.parameterSyntaxError) }
        guard !tlsActive else { return .reply(SMTPReply(503, "TLS already active")) }
        guard tlsAvailable else { return .reply(SMTPReply(454, "TLS not available due to temporary reason")) }
        // RFC 3207 §4.2: forget everything learnt in plaintext; the client starts again with EHLO.
        resetTransaction()
        clientName = nil
        authenticatedUser = nil
        tlsActive = true
        mode = .command
        return .startTLS(.readyToStartTLS)
    }

    private mutating func auth(_ argument: String) -> SMTPAction {
        guard clientName != nil, mailFrom == nil else { return .reply(.badSequence) }
        guard authenticatedUser == nil else { return .reply(SMTPReply(503, "Already authenticated")) }
        let words = argument.split(separator: " ", maxSplits: 1).map { Self.trimmed($0) }
        guard let mechanism = words.first?.uppercased() else { return .reply(.parameterSyntaxError) }
        let initialResponse = words.count > 1 ? words[1] : nil
        switch mechanism {
        case "PLAIN":
            guard let initialResponse else {
                mode = .authPlainResponse
                return .reply(SMTPReply(334, ""))
            }
            return finishPlain(initialResponse)
        case "LOGIN":
            guard let initialResponse else {
                mode = .authLoginUsername
                return .reply(Self.usernamePrompt)
            }
            guard let username = Self.decodeBase64Text(initialResponse) else { return .reply(Self.cannotDecode) }
            mode = .authLoginPassword(username: username)
            return .reply(Self.passwordPrompt)
        default:
            return .reply(SMTPReply(504, "Unrecognized authentication type"))
        }
    }

    /// PLAIN's response is base64 of `authzid NUL authcid NUL password` (RFC 4616); "=" stands for empty.
    private mutating func finishPlain(_ response: String) -> SMTPAction {
        guard let bytes = response == "=" ? [] : Self.decodeBase64(response) else { return .reply(Self.cannotDecode) }
        let fields = bytes.split(separator: 0, omittingEmptySubsequences: false)
        guard fields.count == 3 else { return .reply(Self.cannotDecode) }
        let username = Self.decode(fields[1].isEmpty ? fields[0] : fields[1])
        let password = Self.decode(fields[2])
        mode = .awaitingAuthentication(username: username)
        return .authenticate(username: username, password: password)
    }

    private mutating func mail(_ argument: String) -> SMTPReply {
        guard clientName != nil else { return .badSequence }
        if authRequired && authenticatedUser == nil { return .authenticationRequired }
        guard mailFrom == nil else { return .badSequence }
        guard let (address, parameters) = Self.path(argument, keyword: "FROM") else { return .parameterSyntaxError }
        guard address.isEmpty || Self.isValidAddress(address) else {
            return SMTPReply(553, "<\(address)> Invalid email address")
        }
        for parameter in parameters {
            let pair = parameter.split(separator: "=", maxSplits: 1)
            let key = pair.first.map { $0.uppercased() } ?? ""
            let value = pair.count > 1 ? String(pair[1]) : ""
            switch key {
            case "SIZE":
                guard !value.isEmpty, value.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
                    return .parameterSyntaxError
                }
                // A declared size past the limit is refused up front (RFC 1870 §6.2); digits beyond Int are too.
                if maxMessageBytes > 0, Int(value).map({ $0 > maxMessageBytes }) ?? true { return .messageTooLong }
            case "BODY":
                guard ["7BIT", "8BITMIME"].contains(value.uppercased()) else { return .parameterSyntaxError }
            case "AUTH":
                // RFC 4954 §5: a relay's AUTH= parameter, which a submission server may ignore.
                break
            default:
                return .parametersNotRecognized
            }
        }
        mailFrom = address
        return .ok
    }

    private mutating func recipient(_ argument: String) -> SMTPReply {
        if authRequired && authenticatedUser == nil { return .authenticationRequired }
        guard mailFrom != nil else { return .badSequence }
        guard let (address, parameters) = Self.path(argument, keyword: "TO") else { return .parameterSyntaxError }
        guard Self.isValidAddress(address) else { return SMTPReply(553, "<\(address)> address unknown") }
        guard parameters.isEmpty else { return .parametersNotRecognized }
        guard recipients.count < Self.maxRecipients else { return .tooManyRecipients }
        recipients.append(address)
        return .ok
    }

    private mutating func data(_ argument: String) -> SMTPReply {
        guard argument.isEmpty else { return .parameterSyntaxError }
        if authRequired && authenticatedUser == nil { return .authenticationRequired }
        guard mailFrom != nil, !recipients.isEmpty else { return .badSequence }
        mode = .data
        messageData = []
        messageTooLong = false
        return .startMailInput
    }

    /// A line of message content: "." ends the message, a leading "." is dot-stuffing (RFC 5321 §4.5.2).
    private mutating func receiveData(_ line: ArraySlice<UInt8>) -> SMTPAction {
        let dot = UInt8(ascii: ".")
        if line.count == 1, line.first == dot {
            if messageTooLong {
                mode = .command
                resetTransaction()
                return .reply(.messageTooLong)
            }
            let envelope = SMTPEnvelope(
                mailFrom: mailFrom ?? "", rcptTo: recipients, data: messageData, username: authenticatedUser)
            messageData = []
            mode = .awaitingMessageResult
            return .message(envelope)
        }
        guard !messageTooLong else { return .none }
        let content = line.first == dot ? line.dropFirst() : line
        if maxMessageBytes > 0, messageData.count + content.count + 2 > maxMessageBytes {
            // Keep reading to the final "." so the reply lands in step, but stop holding the bytes.
            messageTooLong = true
            messageData = []
            return .none
        }
        messageData.append(contentsOf: content)
        messageData.append(contentsOf: [0x0D, 0x0A])
        return .none
    }

    private mutating func resetTransaction() {
        mailFrom = nil
        recipients = []
        messageData = []
        messageTooLong = false
    }

    // MARK: Parsing

    /// Splits `FROM:<address> PARAM=value …` (or `TO:…`) into the address and its parameters. Lenient about a
    /// space after the colon and a missing pair of angle brackets, as SES's own examples write `MAIL FROM: a@b`.
    private static func path(_ argument: String, keyword: String) -> (String, [String])? {
        let prefix = Array((keyword + ":").utf8)
        let bytes = Array(argument.utf8)
        guard bytes.count >= prefix.count,
            zip(bytes, prefix).allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0) == $1 })
        else { return nil }
        var rest = Substring(trimmed(String(decoding: bytes[prefix.count...], as: UTF8.self)))
        var address: Substring
        if rest.first == "<" {
            guard let close = rest.firstIndex(of: ">") else { return nil }
            address = rest[rest.index(after: rest.startIndex)..<close]
            rest = rest[rest.index(after: close)...]
        } else {
            let end = rest.firstIndex(of: " ") ?? rest.endIndex
            address = rest[..<end]
            rest = rest[end...]
        }
        // An RFC 5321 source route (`<@relay:user@host>`) is obsolete and ignored.
        if address.first == "@", let colon = address.firstIndex(of: ":") {
            address = address[address.index(after: colon)...]
        }
        if !rest.isEmpty, rest.first != " " { return nil }
        return (String(address), rest.split(separator: " ").map(String.init))
    }

    private static func isValidAddress(_ address: String) -> Bool {
        guard address.utf8.count <= 256, let at = address.lastIndex(of: "@") else { return false }
        let local = address[..<at]
        let domain = address[address.index(after: at)...]
        guard !local.isEmpty, !domain.isEmpty else { return false }
        return address.unicodeScalars.allSatisfy { scalar in
            scalar.value > 0x20 && scalar.value != 0x7F && scalar != "<" && scalar != ">"
        }
    }

    /// Command text: UTF-8 when it is valid, otherwise each byte as Latin-1, so that no input is unreadable.
    private static func decode(_ bytes: ArraySlice<UInt8>) -> String {
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        return String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
    }

    private static func decodeBase64(_ text: String) -> [UInt8]? {
        Data(base64Encoded: trimmed(text[...])).map { [UInt8]($0) }
    }

    private static func decodeBase64Text(_ text: String) -> String? {
        decodeBase64(text).map { decode($0[...]) }
    }

    private static func trimmed(_ text: Substring) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { $0 != " " && $0 != "\t" }),
            let last = scalars.lastIndex(where: { $0 != " " && $0 != "\t" })
        else { return "" }
        return String(scalars[first...last])
    }

    private static func trimmed(_ text: String) -> String {
        trimmed(text[...])
    }
}
