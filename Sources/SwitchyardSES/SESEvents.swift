import Foundation
import SwitchyardDelivery
import SwitchyardWire

/// The `mail` object of SES's event records and notifications: the message as SES saw it at send.
struct MailSummary: Sendable {
    var timestampMillis: Int64
    var source: String
    var sourceArn: String?
    var sendingAccountId: String
    var messageId: String
    var destination: [String]
    /// The message's top-level headers in order (SES leaves out the Message-ID and Date it adds).
    var headers: [(name: String, value: String)]
    var from: [String]
    var to: [String]
    var cc: [String]
    var bcc: [String]
    var replyTo: [String]
    var subject: String?
    var date: String?
    var tags: [(name: String, values: [String])]
    var callerIdentity: String

    /// The mail object of a configuration set's event record.
    func eventJSON(includeSourceArn: Bool = true, outgoingIP: Bool, withHeaders: Bool = true) -> OrderedJSON {
        var members: [(key: String, value: OrderedJSON)] = [
            ("timestamp", .string(SESEvents.time(timestampMillis))), ("source", .string(source)),
        ]
        if includeSourceArn, let sourceArn { members.append(("sourceArn", .string(sourceArn))) }
        members += [
            ("sendingAccountId", .string(sendingAccountId)), ("messageId", .string(messageId)),
            ("destination", .array(destination.map(OrderedJSON.string))), ("headersTruncated", .bool(false)),
        ]
        if withHeaders { members += [("headers", headersJSON), ("commonHeaders", commonHeadersJSON)] }
        var tagMembers = tags.map { (key: $0.name, value: OrderedJSON.array($0.values.map(OrderedJSON.string))) }
        if outgoingIP { tagMembers.append(("ses:outgoing-ip", .array([.string("127.0.0.1")]))) }
        members.append(("tags", .object(tagMembers)))
        return .object(members)
    }

    /// The mail object of an identity notification (bounce, complaint, delivery topics).
    func notificationJSON(withHeaders: Bool) -> OrderedJSON {
        var members: [(key: String, value: OrderedJSON)] = [
            ("timestamp", .string(SESEvents.time(timestampMillis))), ("source", .string(source)),
        ]
        if let sourceArn { members.append(("sourceArn", .string(sourceArn))) }
        members += [
            ("sourceIp", .string("127.0.0.1")), ("callerIdentity", .string(callerIdentity)),
            ("sendingAccountId", .string(sendingAccountId)), ("messageId", .string(messageId)),
            ("destination", .array(destination.map(OrderedJSON.string))),
        ]
        if withHeaders {
            members += [
                ("headersTruncated", .bool(false)), ("headers", headersJSON), ("commonHeaders", commonHeadersJSON),
            ]
        }
        return .object(members)
    }

    var headersJSON: OrderedJSON {
        .array(headers.map { .object([("name", .string($0.name)), ("value", .string($0.value))]) })
    }

    var commonHeadersJSON: OrderedJSON {
        var members: [(key: String, value: OrderedJSON)] = []
        if !from.isEmpty { members.append(("from", .array(from.map(OrderedJSON.string)))) }
        if !replyTo.isEmpty { members.append(("replyTo", .array(replyTo.map(OrderedJSON.string)))) }
        if let date { members.append(("date", .string(date))) }
        if !to.isEmpty { members.append(("to", .array(to.map(OrderedJSON.string)))) }
        if !cc.isEmpty { members.append(("cc", .array(cc.map(OrderedJSON.string)))) }
        if !bcc.isEmpty { members.append(("bcc", .array(bcc.map(OrderedJSON.string)))) }
        members.append(("messageId", .string(messageId)))
        if let subject { members.append(("subject", .string(subject))) }
        return .object(members)
    }
}

/// What happened to a message, as SES reports it: the type-specific object of an event record.
enum MailEvent: Sendable {
    case send
    case reject(reason: String)
    case delivery(recipients: [String], smtpResponse: String, processingMillis: Int64)
    case bounce(BounceDetails)
    case complaint(recipients: [String], feedbackType: String?)
    case renderingFailure(template: String, message: String)
    case open(link: String?)
    case click(link: String, tags: [String: [String]])
    case deliveryDelay(recipients: [String], delayType: String, status: String, diagnosticCode: String)

    var type: SESEventType {
        switch self {
        case .send: .send
        case .reject: .reject
        case .delivery: .delivery
        case .bounce: .bounce
        case .complaint: .complaint
        case .renderingFailure: .renderingFailure
        case .open: .open
        case .click: .click
        case .deliveryDelay: .deliveryDelay
        }
    }
}

/// A bounce: its type and the recipients it names.
struct BounceDetails: Sendable {
    var bounceType: String
    var bounceSubType: String
    var recipients: [(address: String, action: String, status: String, diagnosticCode: String?)]
    var reportingMTA: String = "dns; amazonses.com"
}

/// Builds SES's event records and identity notifications and their deliveries.
enum SESEvents {
    static func time(_ millis: Int64) -> String {
        Timestamps.iso8601(Date(timeIntervalSince1970: Double(millis) / 1000))
    }

    static let reportingMTA = "a8-77.smtp-out.amazonses.com"

    /// The type-specific member of a record: its key and value.
    static func detail(_ event: MailEvent, at millis: Int64) -> (key: String, value: OrderedJSON) {
        let timestamp = OrderedJSON.string(time(millis))
        switch event {
        case .send:
            return ("send", .object([]))
        case .reject(let reason):
            return ("reject", .object([("reason", .string(reason))]))
        case .delivery(let recipients, let smtpResponse, let processingMillis):
            return (
                "delivery",
                .object([
                    ("timestamp", timestamp), ("processingTimeMillis", .integer(processingMillis)),
                    ("recipients", .array(recipients.map(OrderedJSON.string))),
                    ("smtpResponse", .string(smtpResponse)), ("reportingMTA", .string(reportingMTA)),
                ])
            )
        case .bounce(let details):
            let recipients = details.recipients.map { recipient -> OrderedJSON in
                var members: [(key: String, value: OrderedJSON)] = [
                    ("emailAddress", .string(recipient.address)), ("action", .string(recipient.action)),
                    ("status", .string(recipient.status)),
                ]
                if let code = recipient.diagnosticCode { members.append(("diagnosticCode", .string(code))) }
                return .object(members)
            }
            return (
                "bounce",
                .object([
                    ("feedbackId", .string(feedbackId(millis))), ("bounceType", .string(details.bounceType)),
                    ("bounceSubType", .string(details.bounceSubType)), ("bouncedRecipients", .array(recipients)),
                    ("timestamp", timestamp), ("reportingMTA", .string(details.reportingMTA)),
                ])
            )
        case .complaint(let recipients, let feedbackType):
            var members: [(key: String, value: OrderedJSON)] = [
                ("feedbackId", .string(feedbackId(millis))), ("complaintSubType", .null),
                (
                    "complainedRecipients",
                    .array(recipients.map { .object([("emailAddress", .string($0))]) })
                ),
                ("timestamp", timestamp), ("userAgent", .string("Amazon SES Mailbox Simulator")),
            ]
            if let feedbackType { members.append(("complaintFeedbackType", .string(feedbackType))) }
            members.append(("arrivalDate", timestamp))
            return ("complaint", .object(members))
        case .renderingFailure(let template, let message):
            return ("failure", .object([("errorMessage", .string(message)), ("templateName", .string(template))]))
        case .open(let link):
            var members: [(key: String, value: OrderedJSON)] = [
                ("timestamp", timestamp), ("userAgent", .string("Mozilla/5.0")), ("ipAddress", .string("127.0.0.1")),
            ]
            if let link { members.append(("link", .string(link))) }
            return ("open", .object(members))
        case .click(let link, let tags):
            return (
                "click",
                .object([
                    ("timestamp", timestamp), ("ipAddress", .string("127.0.0.1")),
                    ("userAgent", .string("Mozilla/5.0")), ("link", .string(link)),
                    (
                        "linkTags",
                        .object(
                            tags.sorted { $0.key < $1.key }.map {
                                (key: $0.key, value: .array($0.value.map(OrderedJSON.string)))
                            })
                    ),
                ])
            )
        case .deliveryDelay(let recipients, let delayType, let status, let diagnosticCode):
            return (
                "deliveryDelay",
                .object([
                    ("timestamp", timestamp), ("delayType", .string(delayType)),
                    ("expirationTime", .string(time(millis + 86_400_000))),
                    (
                        "delayedRecipients",
                        .array(
                            recipients.map {
                                .object([
                                    ("emailAddress", .string($0)), ("status", .string(status)),
                                    ("diagnosticCode", .string(diagnosticCode)),
                                ])
                            })
                    ),
                ])
            )
        }
    }

    /// Feedback ids have the form of message ids.
    static func feedbackId(_ millis: Int64) -> String { SESEngine.messageId(millis) }

    /// The record a configuration set's destinations receive.
    static func record(_ event: MailEvent, mail: MailSummary, at millis: Int64) -> OrderedJSON {
        // AWS leaves the source ARN out of a templated send's Send record (recorded), not elsewhere.
        let includeSourceArn =
            !(mail.tags.contains { $0.name == "ses:operation" && $0.values == ["SendTemplatedEmail"] }
            && event.type == .send)
        let outgoing = [.delivery, .bounce, .complaint, .open, .click, .deliveryDelay].contains(event.type)
        let detail = detail(event, at: millis)
        // Rendering Failure and DeliveryDelay records carry no headers (AWS's examples).
        let withHeaders = event.type != .renderingFailure && event.type != .deliveryDelay
        return .object([
            ("eventType", .string(event.type.recordName)),
            (
                "mail",
                mail.eventJSON(includeSourceArn: includeSourceArn, outgoingIP: outgoing, withHeaders: withHeaders)
            ), detail,
        ])
    }

    /// The notification an identity's Bounce, Complaint or Delivery topic receives.
    static func notification(_ event: MailEvent, mail: MailSummary, withHeaders: Bool, at millis: Int64) -> OrderedJSON
    {
        let detail = detail(event, at: millis)
        let kind = event.type == .bounce ? "Bounce" : event.type == .complaint ? "Complaint" : "Delivery"
        return .object([
            ("notificationType", .string(kind)), ("mail", mail.notificationJSON(withHeaders: withHeaders)), detail,
        ])
    }

    /// The EventBridge event of a record.
    static func busEvent(_ record: OrderedJSON, type: SESEventType, scope: SESScope, configurationSetArn: String)
        -> String
    {
        OrderedJSON.object([
            ("version", .string("0")), ("id", .string(UUID().uuidString.lowercased())),
            ("detail-type", .string(type.detailType)), ("source", .string("aws.ses")),
            ("account", .string(scope.account)),
            (
                "time",
                .string(
                    Timestamps.iso8601(Date()).replacingOccurrences(
                        of: #"\.\d{3}Z$"#, with: "Z", options: .regularExpression))
            ),
            ("region", .string(scope.region)), ("resources", .array([.string(configurationSetArn)])),
            ("detail", record),
        ]).text
    }

    /// The deliveries of an event to a configuration set's matching, enabled destinations.
    static func requests(
        _ event: MailEvent, mail: MailSummary, set: ConfigurationSetRecord, at millis: Int64
    ) -> [DeliveryRequest] {
        let matching = set.eventDestinations.filter { $0.enabled && $0.types.contains(event.type) }
        guard !matching.isEmpty else { return [] }
        let record = record(event, mail: mail, at: millis)
        let source = DeliverySource(service: "ses.amazonaws.com", arn: set.arn, account: set.scope.account)
        var requests: [DeliveryRequest] = []
        for destination in matching {
            if let topic = destination.snsTopicArn {
                requests.append(
                    DeliveryRequest(
                        target: DeliveryTarget(kind: .snsTopic, resource: topic), body: DeliveryPayload(record.text),
                        metadata: ["Subject": "Amazon SES Email Event Notification"], retry: .eventBridge(),
                        origin: set.arn, source: source))
            }
            if let bus = destination.eventBusArn {
                requests.append(
                    DeliveryRequest(
                        target: DeliveryTarget(kind: .eventBus, resource: bus),
                        body: DeliveryPayload(
                            busEvent(record, type: event.type, scope: set.scope, configurationSetArn: set.arn)),
                        retry: .eventBridge(), origin: set.arn, source: source))
            }
            if let stream = destination.firehoseStreamArn {
                requests.append(
                    DeliveryRequest(
                        target: .firehose(arn: stream), body: DeliveryPayload(record.text + "\n"),
                        retry: .eventBridge(),
                        origin: set.arn, source: source))
            }
        }
        return requests
    }
}
