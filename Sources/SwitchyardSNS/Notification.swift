import Foundation
import SwitchyardDelivery
import SwitchyardWire

/// A message attribute as Publish carries it.
public struct NotificationAttribute: Sendable, Equatable {
    public var dataType: String
    public var stringValue: String?
    /// Base64 of the bytes of a Binary attribute.
    public var binaryValue: String?
}

/// One published message, validated, as SNS hands it to each subscription.
struct Notification: Sendable {
    var messageId: String
    var topic: TopicKey
    var subject: String?
    /// The default message, and with MessageStructure=json the per-protocol ones.
    var message: String
    var perProtocol: [String: String]
    var attributes: [String: NotificationAttribute]
    var timestamp: Date
    var messageGroupId: String?
    var messageDeduplicationId: String?
    var sequenceNumber: String?

    /// The message a subscription of this protocol receives.
    func message(for protocol: String) -> String { perProtocol[`protocol`] ?? message }

    /// The ISO 8601 time with milliseconds, as SNS writes it.
    var timestampText: String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: timestamp)
    }

    /// The text SNS signs for a notification: name and value lines of the signed fields, in order.
    func canonicalText(message: String, timestamp: String) -> String {
        var text = "Message\n\(message)\nMessageId\n\(messageId)\n"
        if let subject { text += "Subject\n\(subject)\n" }
        text += "Timestamp\n\(timestamp)\nTopicArn\n\(topic.arn)\nType\nNotification\n"
        return text
    }

    /// The signature of the envelope a subscription of this protocol receives; it does not depend on
    /// the subscription, so one publish signs once per distinct message.
    func signature(for protocol: String, version: String, signer: NotificationSigner) throws -> String {
        try signer.sign(canonicalText(message: message(for: `protocol`), timestamp: timestampText), version: version)
    }

    /// The JSON document a non-raw subscription receives, laid out as SNS writes it.
    func envelope(
        for protocol: String, subscriptionArn: String, signatureVersion: String, signature: String, baseURL: String
    ) -> String {
        let body = message(for: `protocol`)
        let time = timestampText
        var fields: [(String, String)] = [("Type", "Notification"), ("MessageId", messageId)]
        if let sequenceNumber { fields.append(("SequenceNumber", sequenceNumber)) }
        fields.append(("TopicArn", topic.arn))
        if let subject { fields.append(("Subject", subject)) }
        fields += [
            ("Message", body), ("Timestamp", time), ("SignatureVersion", signatureVersion), ("Signature", signature),
            ("SigningCertURL", "\(baseURL)/_switchyard/sns/SimpleNotificationService.pem"),
            ("UnsubscribeURL", "\(baseURL)/?Action=Unsubscribe&SubscriptionArn=\(subscriptionArn)"),
        ]
        var writer = JSONWriter()
        writer.raw("{\n")
        for (index, (name, value)) in fields.enumerated() {
            if index > 0 { writer.raw(",\n") }
            writer.raw("  ")
            writer.string(name)
            writer.raw(" : ")
            writer.string(value)
        }
        if !attributes.isEmpty {
            writer.raw(",\n  \"MessageAttributes\" : {")
            for (index, name) in attributes.keys.sorted().enumerated() {
                guard let attribute = attributes[name] else { continue }
                writer.raw(index > 0 ? ",\n    " : "\n    ")
                writer.string(name)
                writer.raw(" : {\"Type\":")
                writer.string(attribute.dataType)
                writer.raw(",\"Value\":")
                writer.string(attribute.stringValue ?? attribute.binaryValue ?? "")
                writer.raw("}")
            }
            writer.raw("\n  }")
        }
        writer.raw("\n}")
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// Attributes for a raw delivery to a queue: SNS types map onto SQS ones (String.Array stays a
    /// custom String type).
    var deliveryAttributes: [String: DeliveryAttribute] {
        attributes.mapValues {
            DeliveryAttribute(dataType: $0.dataType, stringValue: $0.stringValue, binaryValue: $0.binaryValue)
        }
    }
}

/// A message as a publisher hands it over.
public struct PublishDraft: Sendable {
    public var message: String
    public var subject: String?
    public var messageStructure: String?
    public var attributes: [String: NotificationAttribute]
    public var messageGroupId: String?
    public var messageDeduplicationId: String?

    public init(
        message: String, subject: String?, messageStructure: String?, attributes: [String: NotificationAttribute],
        messageGroupId: String?, messageDeduplicationId: String?
    ) {
        self.message = message
        self.subject = subject
        self.messageStructure = messageStructure
        self.attributes = attributes
        self.messageGroupId = messageGroupId
        self.messageDeduplicationId = messageDeduplicationId
    }
}
