import Foundation

/// A message SES is asked to send, from any of its ways in (v1, v2, SMTP), once its content is MIME.
struct OutgoingEmail: Sendable {
    /// The id chosen before the message was built (tracked links name it), else chosen at send.
    var id: String?
    var scope: SESScope
    /// The operation, as the `ses:operation` tag names it.
    var operation: String
    /// The envelope sender: an address without display name.
    var source: String
    /// The envelope recipients.
    var destinations: [String]
    var raw: [UInt8]
    var configurationSet: String?
    var tags: [SESTag]
    var sourceArn: String?
    var template: String?
    var templateData: String?
    /// Set when a template did not render: SES accepts the send and reports a Rendering Failure.
    var renderingFailure: String?
    /// Who called (the `ses:caller-identity` tag).
    var callerIdentity: String
    /// v1 takes 10 MB, v2 and SMTP 40 MB.
    var maximumBytes: Int = 10_485_760
    /// Whether SES built the MIME (simple and templated content) rather than the caller (raw, SMTP):
    /// event records then show the headers the caller gave, not the Date SES stamps.
    var builtBySES = false
    /// Where bounce and complaint feedback goes by email (v1's ReturnPath, v2's
    /// FeedbackForwardingEmailAddress); the source when not given.
    var feedbackAddress: String?
    /// Recipients who opted out of the contact list or topic the send names.
    var optedOut: Set<String> = []
}

/// The message's headers as SES's event records show them.
struct ParsedMail: Sendable {
    var headers: [(name: String, value: String)] = []
    var from: [String] = []
    var to: [String] = []
    var cc: [String] = []
    var bcc: [String] = []
    var replyTo: [String] = []
    var subject: String?
    var date: String?

    /// Reads the header block only: the body is not needed for event records.
    init(raw: [UInt8]) {
        self.init(raw.isEmpty ? nil : MIMEMessage.headers(of: raw))
    }

    init(_ fields: MIMEHeaders?) {
        guard let fields else { return }
        headers = fields.fields.map { (name: $0.name, value: $0.value) }
            .filter { $0.name.lowercased() != "message-id" && $0.name.lowercased() != "bcc" }
        func addresses(_ name: String) -> [String] {
            fields.values(name).flatMap(EmailAddress.parseListLeniently).map(\.displayText)
        }
        from = addresses("From")
        to = addresses("To")
        cc = addresses("Cc")
        bcc = addresses("Bcc")
        replyTo = addresses("Reply-To")
        subject = fields.decoded("Subject")
        date = fields["Date"]
    }

    /// Envelope recipients read from the headers, when a raw message names none otherwise.
    static func recipients(raw: [UInt8]) -> [String] {
        guard let message = try? MIMEMessage.parse(raw) else { return [] }
        return message.allRecipients().map(\.address)
    }

    /// The address of the From header, for raw messages that give no Source.
    static func fromAddress(raw: [UInt8]) -> String? {
        guard let message = try? MIMEMessage.parse(raw) else { return nil }
        return message.from.first?.address
    }
}
