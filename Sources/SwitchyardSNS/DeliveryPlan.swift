import SwitchyardCore
import SwitchyardDelivery

/// What a publish answers: its ids, and either the ticket of its stored deliveries or the plan of
/// deliveries still to make.
public struct PublishOutcome: Sendable {
    public var messageId: String
    public var sequenceNumber: String?
    public var ticket: CommitTicket?
    public var plan: DeliveryPlan?
}

/// One published message and the subscriptions it reaches, ready to become deliveries.
public struct DeliveryPlan: Sendable {
    let notification: Notification
    let subscriptions: [SubscriptionRecord]
    /// Messages that outbound data protection de-identified, by subscription ARN.
    var protectedMessages: [String: String] = [:]
    let signatureVersion: String
    let topicDeliveryPolicy: String?
    let baseURL: String
    /// The topic's attributes, where its delivery status logging settings are
    /// (`<Protocol>SuccessFeedbackRoleArn`, ...).
    var topicAttributes: [String: String] = [:]
    /// The platform application and device token of each device endpoint subscribed, by endpoint ARN,
    /// for the applications' own delivery status logs.
    var endpoints: [String: (application: PlatformApplicationRecord, token: String)] = [:]

    /// The signature version a subscription's messages say they carry: functions are always told 1,
    /// as AWS tells them, whatever version (the topic's) signed the message.
    func deliveredVersion(_ subscription: SubscriptionRecord) -> String {
        subscription.protocol == "lambda" ? "1" : signatureVersion
    }

    /// One delivery per subscription; subscriptions that get the same message share a signature.
    func requests(signer: NotificationSigner) throws -> [DeliveryRequest] {
        var signatures: [String: String] = [:]
        return try subscriptions.map { subscription in
            var notification = notification
            if let protected = protectedMessages[subscription.arn] {
                notification.message = protected
                notification.perProtocol = [:]
            }
            return try request(to: subscription, of: notification, signer: signer, signatures: &signatures)
        }
    }

    private func request(
        to subscription: SubscriptionRecord, of notification: Notification, signer: NotificationSigner,
        signatures: inout [String: String]
    ) throws -> DeliveryRequest {
        let raw = subscription.rawMessageDelivery
        let body: String
        if subscription.protocol == "email" {
            // A plain-text email: the message, then the footer with the unsubscribe link.
            body =
                notification.message(for: "email")
                + "\n\n--\nIf you wish to stop receiving notifications from this topic, please click or visit the link below to unsubscribe:\n\(baseURL)/?Action=Unsubscribe&SubscriptionArn=\(subscription.arn)\n\nPlease do not reply directly to this email. If you have any questions or comments regarding this email, please contact us at https://aws.amazon.com/support"
        } else if subscription.protocol == "application" {
            // The push payload for the endpoint's platform (arn:...:endpoint/GCM/app/id), else the default.
            let platform = subscription.endpoint.split(separator: "/").dropFirst().first.map(String.init) ?? ""
            body = notification.perProtocol[platform] ?? notification.message
        } else if raw || subscription.protocol == "sms" {
            body = notification.message(for: subscription.protocol)
        } else if subscription.protocol == "firehose" {
            body = notification.firehoseRecord(subscriptionArn: subscription.arn, baseURL: baseURL)
        } else if notification.topic.isFIFO {
            body = notification.envelope(
                for: subscription.protocol, subscriptionArn: subscription.arn, signatureVersion: signatureVersion,
                signature: nil, baseURL: baseURL)
        } else {
            // Subscriptions whose protocol gets the same message share one signature.
            let text = notification.message(for: subscription.protocol)
            let signature: String
            if let known = signatures[text] {
                signature = known
            } else {
                signature = try notification.signature(
                    for: subscription.protocol, version: signatureVersion, signer: signer)
                signatures[text] = signature
            }
            body = notification.envelope(
                for: subscription.protocol, subscriptionArn: subscription.arn,
                signatureVersion: deliveredVersion(subscription), signature: signature, baseURL: baseURL)
        }
        let target: DeliveryTarget
        var headers: [String: String]?
        var metadata: [String: String]?
        var retry = RetryPolicy.managedEndpoint
        switch subscription.protocol {
        case "http", "https":
            target = .http(url: subscription.endpoint)
            headers = [
                "x-amz-sns-message-type": "Notification", "x-amz-sns-message-id": notification.messageId,
                "x-amz-sns-topic-arn": notification.topic.arn, "x-amz-sns-subscription-arn": subscription.arn,
            ]
            if raw { headers?["x-amz-sns-rawdelivery"] = "true" }
            retry = HTTPRetry.policy(
                subscription: subscription.attributes["DeliveryPolicy"], topic: topicDeliveryPolicy)
        case "sqs": target = .sqs(arn: subscription.endpoint)
        case "lambda": target = .lambda(arn: subscription.endpoint)
        case "firehose": target = .firehose(arn: subscription.endpoint)
        default:
            target = .outbox(kind: subscription.protocol, address: subscription.endpoint)
            metadata = [
                "Subject": notification.subject ?? "AWS Notification Message", "TopicArn": notification.topic.arn,
            ]
        }
        let fifoQueue = subscription.protocol == "sqs" && subscription.endpoint.hasSuffix(".fifo")
        return DeliveryRequest(
            target: target, body: DeliveryPayload(body), attributes: raw ? notification.deliveryAttributes : [:],
            headers: headers,
            metadata: metadata,
            // A standard topic passes its publisher's group id on to standard queues too; a FIFO topic
            // only to FIFO queues.
            messageGroupId: fifoQueue || !notification.topic.isFIFO ? notification.messageGroupId : nil,
            messageDeduplicationId: fifoQueue ? notification.messageDeduplicationId : nil,
            orderedLane: notification.topic.isFIFO
                ? "\(subscription.arn)#\(notification.messageGroupId ?? "")" : nil,
            retry: retry, deadLetter: subscription.deadLetterTargetArn.map { .sqs(arn: $0) },
            origin: subscription.arn,
            source: DeliverySource(
                service: "sns.amazonaws.com", arn: notification.topic.arn, account: notification.topic.account),
            traceHeader: notification.traceHeader,
            report: DeliveryStatusLog.report(
                for: subscription, of: notification, topicAttributes: topicAttributes,
                endpoint: subscription.protocol == "application" ? endpoints[subscription.endpoint] : nil)
        )
        // SNS invokes functions asynchronously: Lambda accepts the event, then retries it itself.
        .invokingAsynchronously()
    }
}
