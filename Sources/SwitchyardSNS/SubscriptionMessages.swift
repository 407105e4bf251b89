import Foundation
import SwitchyardDelivery
import SwitchyardWire

/// The messages SNS sends to an HTTP or HTTPS endpoint about the subscription itself: the
/// SubscriptionConfirmation it must answer, and the UnsubscribeConfirmation after Unsubscribe.
enum SubscriptionMessages {
    /// A confirmation token: 288 hex digits, like AWS's.
    static func makeToken() -> String {
        (0..<9).map { _ in RandomUUID.make().replacingOccurrences(of: "-", with: "") }.joined()
    }

    /// Whether a string could be a confirmation token (hex digits); anything else is "Invalid token".
    static func isTokenShaped(_ token: String) -> Bool {
        !token.isEmpty && token.allSatisfy(\.isHexDigit)
    }

    static func confirmation(
        _ subscription: SubscriptionRecord, type: String, signer: NotificationSigner, baseURL: String,
        signatureVersion: String, now: Date
    ) throws -> DeliveryRequest {
        let topicArn = subscription.topic.arn
        let token = subscription.token ?? ""
        let messageId = RandomUUID.make()
        let message =
            type == "SubscriptionConfirmation"
            ? "You have chosen to subscribe to the topic \(topicArn).\nTo confirm the subscription, visit the SubscribeURL included in this message."
            : "You have chosen to deactivate subscription \(subscription.arn).\nTo cancel this operation and restore the subscription, visit the SubscribeURL included in this message."
        let subscribeURL =
            "\(baseURL)/?Action=ConfirmSubscription&TopicArn=\(topicArn)&Token=\(token)"
        let timestamp = Timestamps.iso8601(now)
        let canonical = SNSDocument.canonicalText([
            ("Message", message), ("MessageId", messageId), ("SubscribeURL", subscribeURL), ("Timestamp", timestamp),
            ("Token", token), ("TopicArn", topicArn), ("Type", type),
        ])
        let fields: [(String, String)] = [
            ("Type", type), ("MessageId", messageId), ("Token", token), ("TopicArn", topicArn), ("Message", message),
            ("SubscribeURL", subscribeURL), ("Timestamp", timestamp), ("SignatureVersion", signatureVersion),
            ("Signature", try signer.sign(canonical, version: signatureVersion)),
            ("SigningCertURL", SNSDocument.signingCertURL(baseURL: baseURL)),
        ]
        let source = DeliverySource(service: "sns.amazonaws.com", arn: topicArn, account: subscription.topic.account)
        if subscription.protocol == "sqs" {
            // A queue of another account is asked to confirm with a message of its own.
            let fifo = subscription.endpoint.hasSuffix(".fifo")
            return DeliveryRequest(
                target: .sqs(arn: subscription.endpoint), body: DeliveryPayload(SNSDocument.write(fields)),
                messageGroupId: fifo ? type : nil, messageDeduplicationId: fifo ? messageId : nil,
                retry: .managedEndpoint, origin: subscription.arn, source: source)
        }
        return DeliveryRequest(
            target: .http(url: subscription.endpoint), body: DeliveryPayload(SNSDocument.write(fields)),
            headers: [
                "x-amz-sns-message-type": type, "x-amz-sns-message-id": messageId, "x-amz-sns-topic-arn": topicArn,
            ],
            retry: HTTPRetry.policy(subscription: nil, topic: nil), origin: subscription.arn, source: source)
    }
}

/// The retry policy of HTTP and HTTPS deliveries: the subscription's DeliveryPolicy, else the
/// topic's, else SNS's default (3 retries, 20 seconds apart).
enum HTTPRetry {
    static func policy(subscription: String?, topic: String?) -> RetryPolicy {
        if let subscription, let policy = parse(subscription, path: ["healthyRetryPolicy"]) { return policy }
        if let topic, let policy = parse(topic, path: ["http", "defaultHealthyRetryPolicy"]) { return policy }
        return RetryPolicy(
            numNoDelayRetries: 0, numMinDelayRetries: 0, numBackoffRetries: 3, numMaxDelayRetries: 0, minDelay: 20,
            maxDelay: 20, backoff: .linear)
    }

    private static func parse(_ json: String, path: [String]) -> RetryPolicy? {
        guard var value = try? JSONValue.parse(Array(json.utf8)) else { return nil }
        for key in path {
            guard case .object(let object) = value, let next = object[key] else { return nil }
            value = next
        }
        guard case .object(let fields) = value else { return nil }
        // Policies are validated when set, but one stored before that (or by an older version)
        // may hold anything: every number is clamped into AWS's ranges before any arithmetic.
        func int(_ name: String, _ fallback: Int, _ range: ClosedRange<Int>) -> Int {
            let value: Int
            switch fields[name] {
            case .integer(let number)?: value = number
            case .number(let number)? where number.isFinite:
                value =
                    number >= Double(range.upperBound) ? range.upperBound : Int(max(number, Double(range.lowerBound)))
            default: value = fallback
            }
            return min(max(value, range.lowerBound), range.upperBound)
        }
        let delays = 1...DeliveryPolicyRules.maxDelaySeconds
        let counts = 0...DeliveryPolicyRules.maxRetries
        let minDelay = int("minDelayTarget", 20, delays)
        let maxDelay = max(minDelay, int("maxDelayTarget", 20, delays))
        let total = int("numRetries", 3, counts)
        let noDelay = min(total, int("numNoDelayRetries", 0, counts))
        let minDelayed = min(total - noDelay, int("numMinDelayRetries", 0, counts))
        let maxDelayed = min(total - noDelay - minDelayed, int("numMaxDelayRetries", 0, counts))
        var backoff = RetryPolicy.Backoff.linear
        if case .string(let name)? = fields["backoffFunction"], let parsed = RetryPolicy.Backoff(rawValue: name) {
            backoff = parsed
        }
        return RetryPolicy(
            numNoDelayRetries: noDelay, numMinDelayRetries: minDelayed,
            numBackoffRetries: total - noDelay - minDelayed - maxDelayed, numMaxDelayRetries: maxDelayed,
            minDelay: minDelay, maxDelay: maxDelay, backoff: backoff)
    }
}
