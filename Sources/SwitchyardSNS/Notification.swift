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
    /// The publisher's X-Ray trace header, passed on to queues as AWSTraceHeader.
    var traceHeader: String?

    /// The message a subscription of this protocol receives.
    func message(for protocol: String) -> String { perProtocol[`protocol`] ?? message }

    /// The ISO 8601 time with milliseconds, as SNS writes it.
    var timestampText: String { Timestamps.iso8601(timestamp) }

    /// The text SNS signs for a notification: name and value lines of the signed fields, in order.
    func canonicalText(message: String, timestamp: String) -> String {
        var fields = [("Message", message), ("MessageId", messageId)]
        if let subject { fields.append(("Subject", subject)) }
        fields += [("Timestamp", timestamp), ("TopicArn", topic.arn), ("Type", "Notification")]
        return SNSDocument.canonicalText(fields)
    }

    /// The signature of the envelope a subscription of this protocol receives; it does not depend on
    /// the subscription, so one publish signs once per distinct message.
    func signature(for protocol: String, version: String, signer: NotificationSigner) throws -> String {
        try signer.sign(canonicalText(message: message(for: `protocol`), timestamp: timestampText), version: version)
    }

    /// The JSON document a non-raw subscription receives, laid out as SNS writes it. A FIFO topic's
    /// notifications are not signed (`signature` nil): they carry no signature fields at all.
    func envelope(
        for protocol: String, subscriptionArn: String, signatureVersion: String, signature: String?, baseURL: String
    ) -> String {
        let body = message(for: `protocol`)
        let time = timestampText
        var fields: [(String, String)] = [("Type", "Notification"), ("MessageId", messageId)]
        if let sequenceNumber { fields.append(("SequenceNumber", sequenceNumber)) }
        fields.append(("TopicArn", topic.arn))
        if let subject { fields.append(("Subject", subject)) }
        fields += [("Message", body), ("Timestamp", time)]
        if let signature {
            fields += [
                ("SignatureVersion", signatureVersion), ("Signature", signature),
                ("SigningCertURL", SNSDocument.signingCertURL(baseURL: baseURL)),
            ]
        }
        fields.append(("UnsubscribeURL", "\(baseURL)/?Action=Unsubscribe&SubscriptionArn=\(subscriptionArn)"))
        return SNSDocument.write(fields, attributes: attributes)
    }

    /// The record a non-raw Firehose subscription puts into its stream: the notification's fields
    /// without signature, as one line of compact JSON ended by a newline, so that the objects a
    /// stream writes hold one notification per line.
    func firehoseRecord(subscriptionArn: String, baseURL: String) -> String {
        var fields: [(String, String)] = [("Type", "Notification"), ("MessageId", messageId)]
        if let sequenceNumber { fields.append(("SequenceNumber", sequenceNumber)) }
        fields.append(("TopicArn", topic.arn))
        if let subject { fields.append(("Subject", subject)) }
        fields += [
            ("Message", message(for: "firehose")), ("Timestamp", timestampText),
            ("UnsubscribeURL", "\(baseURL)/?Action=Unsubscribe&SubscriptionArn=\(subscriptionArn)"),
        ]
        return SNSDocument.write(fields, attributes: attributes, compact: true) + "\n"
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
    /// The account of the caller, for the principals of inbound data protection statements.
    public var publisherAccount: String
    /// The publish request's X-Ray trace header (`X-Amzn-Trace-Id`).
    public var traceHeader: String?

    public init(
        message: String, subject: String?, messageStructure: String?, attributes: [String: NotificationAttribute],
        messageGroupId: String?, messageDeduplicationId: String?, publisherAccount: String = "",
        traceHeader: String? = nil
    ) {
        self.publisherAccount = publisherAccount
        self.traceHeader = traceHeader
        self.message = message
        self.subject = subject
        self.messageStructure = messageStructure
        self.attributes = attributes
        self.messageGroupId = messageGroupId
        self.messageDeduplicationId = messageDeduplicationId
    }
}
