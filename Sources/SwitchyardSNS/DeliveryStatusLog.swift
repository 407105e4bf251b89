import Crypto
import Foundation
import SwitchyardDelivery
import SwitchyardPlatform
import SwitchyardWire

/// SNS's delivery status logging: with a topic's `<Protocol>SuccessFeedbackRoleArn` (and a sample
/// rate) or `<Protocol>FailureFeedbackRoleArn` set, the outcome of each delivery to a subscription of
/// that protocol is written to CloudWatch Logs, in `sns/<region>/<account>/<topic>` for successes and
/// `.../Failure` for failures, one JSON line per delivery as AWS writes it.
///
/// Which deliveries are logged is decided when the message is published (the sample is drawn then),
/// and travels with the stored delivery, so that a delivery made after a restart is logged too.
struct DeliveryStatusLog: DeliveryObserver {
    /// The name the delivery engine knows this observer by.
    static let observerName = "sns-delivery-status"
    let logs: LogWriters

    /// The prefixes of the topic attributes that configure logging, one per kind of subscription.
    static let attributePrefixes = ["Application", "HTTP", "Lambda", "SQS", "Firehose"]

    /// The attribute prefix of a subscription protocol whose deliveries can be logged.
    static func attributePrefix(of subscriptionProtocol: String) -> String? {
        switch subscriptionProtocol {
        case "http", "https": return "HTTP"
        case "sqs": return "SQS"
        case "lambda": return "Lambda"
        case "firehose": return "Firehose"
        case "application": return "Application"
        default: return nil
        }
    }

    /// What a delivery to `subscription` must report, or nil when neither the topic nor (for a device
    /// endpoint) its platform application logs its outcomes. A success is logged for the sampled share
    /// (`SuccessFeedbackSampleRate`, 0 when not set).
    static func report(
        for subscription: SubscriptionRecord, of notification: Notification, topicAttributes: [String: String],
        endpoint: (application: PlatformApplicationRecord, token: String)? = nil
    ) -> OutcomeReport? {
        let application = endpoint?.application
        guard let prefix = attributePrefix(of: subscription.protocol) else { return nil }
        let successRole = topicAttributes[prefix + "SuccessFeedbackRoleArn"] ?? ""
        let failureRole = topicAttributes[prefix + "FailureFeedbackRoleArn"] ?? ""
        let sampleRate = Double(topicAttributes[prefix + "SuccessFeedbackSampleRate"] ?? "") ?? 0
        let logSuccess = !successRole.isEmpty && Double.random(in: 0..<100) < sampleRate
        let logFailure = !failureRole.isEmpty
        let applicationSuccess = EndpointStatusLog.logsSuccess(
            role: application?.attributes["SuccessFeedbackRoleArn"],
            sampleRate: application?.attributes["SuccessFeedbackSampleRate"])
        let applicationFailure = !(application?.attributes["FailureFeedbackRoleArn"] ?? "").isEmpty
        guard logSuccess || logFailure || applicationSuccess || applicationFailure else { return nil }
        var context = [
            "topicArn": notification.topic.arn, "messageId": notification.messageId,
            "messageMD5Sum": Hex.encode(Insecure.MD5.hash(data: Data(notification.message.utf8))),
            "timestamp": UTCDateFormats.string(notification.timestamp, "yyyy-MM-dd HH:mm:ss.SSS"),
            "publishedMillis": String(Int64(notification.timestamp.timeIntervalSince1970 * 1000)),
            "protocol": subscription.protocol, "destination": subscription.endpoint,
            "logSuccess": String(logSuccess), "logFailure": String(logFailure),
        ]
        if let application, applicationSuccess || applicationFailure {
            context["applicationArn"] = application.arn
            context["token"] = endpoint?.token ?? ""
            context["applicationLogSuccess"] = String(applicationSuccess)
            context["applicationLogFailure"] = String(applicationFailure)
        }
        return OutcomeReport(observer: observerName, context: context)
    }

    func observe(_ delivery: ObservedDelivery) async {
        guard let context = delivery.request.report?.context, let topicArn = context["topicArn"],
            let topic = TopicKey(arn: topicArn)
        else { return }
        let succeeded = delivery.status == .delivered
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        if context[succeeded ? "logSuccess" : "logFailure"] == "true" {
            let entry = Self.entry(delivery, context: context, succeeded: succeeded)
            await logs.write(
                account: topic.account, region: topic.region,
                group: "sns/\(topic.region)/\(topic.account)/\(topic.name)" + (succeeded ? "" : "/Failure"),
                stream: Self.streamName(topicArn), lines: [LogLine(timestamp: now, message: entry)])
        }
        // The device endpoint's platform application logs the same delivery in its own group.
        if context[succeeded ? "applicationLogSuccess" : "applicationLogFailure"] == "true",
            let applicationArn = context["applicationArn"],
            let log = EndpointStatusLog.applicationGroup(applicationArn, succeeded: succeeded),
            let published = Int64(context["publishedMillis"] ?? "")
        {
            let (_, providerResponse) = Self.answer(delivery, protocol: "application", succeeded: succeeded)
            let entry = EndpointStatusLog.pushEntry(
                messageId: context["messageId"] ?? "", publishedMillis: published,
                token: context["token"] ?? "", endpointArn: context["destination"] ?? "",
                dwellMillis: Int64(delivery.dwellMillis), attempts: delivery.attempts, succeeded: succeeded,
                providerResponse: providerResponse)
            await logs.write(
                account: log.account, region: log.region, group: log.group, stream: Self.streamName(applicationArn),
                lines: [LogLine(timestamp: now, message: entry)])
        }
    }

    /// One log line: the notification, the delivery (with the endpoint's answer as AWS quotes it) and
    /// the status.
    static func entry(_ delivery: ObservedDelivery, context: [String: String], succeeded: Bool) -> String {
        let (statusCode, providerResponse) = answer(delivery, protocol: context["protocol"] ?? "", succeeded: succeeded)
        var deliveryFields: [(key: String, value: OrderedJSON)] = [
            ("deliveryId", .string(RandomUUID.make())),
            ("destination", .string(context["destination"] ?? "")),
            ("providerResponse", .string(providerResponse)),
            ("dwellTimeMs", .integer(Int(delivery.dwellMillis))),
        ]
        // Lambda's entries carry no attempt count: its deliveries are one accepted invocation.
        if context["protocol"] != "lambda" { deliveryFields.append(("attempts", .integer(max(1, delivery.attempts)))) }
        deliveryFields.append(("statusCode", .integer(statusCode)))
        return OrderedJSON.object([
            (
                "notification",
                .object([
                    ("messageMD5Sum", .string(context["messageMD5Sum"] ?? "")),
                    ("messageId", .string(context["messageId"] ?? "")),
                    ("topicArn", .string(context["topicArn"] ?? "")),
                    ("timestamp", .string(context["timestamp"] ?? "")),
                ])
            ),
            ("delivery", .object(deliveryFields)),
            ("status", .string(succeeded ? "SUCCESS" : "FAILURE")),
        ]).text
    }

    /// The status code and provider response a delivery's entry shows, by protocol.
    static func answer(_ delivery: ObservedDelivery, protocol subscriptionProtocol: String, succeeded: Bool)
        -> (Int, String)
    {
        let response = delivery.response.map { String(decoding: $0, as: UTF8.self) }
        let reason = delivery.reason ?? ""
        func object(_ members: [(String, String)]) -> String {
            OrderedJSON.object(members.map { ($0.0, OrderedJSON.string($0.1)) }).text
        }
        let requestId = RandomUUID.make()
        switch subscriptionProtocol {
        case "lambda":
            // Lambda accepted the invocation (202) and named its request id.
            if succeeded { return (202, object([("lambdaRequestId", response ?? requestId)])) }
            let missing = reason.contains("not found")
            return (
                missing ? 404 : 500,
                object([
                    ("ErrorCode", missing ? "ResourceNotFoundException" : "ServiceException"),
                    ("ErrorMessage", reason), ("lambdaRequestId", requestId),
                ])
            )
        case "sqs":
            if succeeded { return (200, object([("sqsRequestId", requestId), ("sqsMessageId", response ?? "")])) }
            let code = reason.split(separator: ":").first.map(String.init) ?? "InternalError"
            return (400, object([("ErrorCode", code), ("ErrorMessage", reason), ("sqsRequestId", requestId)]))
        case "http", "https":
            // The endpoint's own status and body; a failure without an answer is a connection error.
            let status = reason.hasPrefix("HTTP ") ? Int(reason.dropFirst(5).prefix(3)) ?? 0 : (succeeded ? 200 : 0)
            return (status, response ?? (succeeded ? "" : reason))
        case "firehose":
            if succeeded { return (200, object([("firehoseRequestId", requestId)])) }
            return (400, object([("ErrorMessage", reason), ("firehoseRequestId", requestId)]))
        default:
            return (succeeded ? 200 : 400, succeeded ? (response ?? "") : reason)
        }
    }

    /// The log stream a topic's entries go to: one per topic, named like AWS's (a UUID), the same
    /// after a restart.
    static func streamName(_ topicArn: String) -> String {
        let bits = SHA256.hash(data: Data(topicArn.utf8)).prefix(16).reduce((high: UInt64(0), low: UInt64(0))) {
            ($0.high << 8 | $0.low >> 56, $0.low << 8 | UInt64($1))
        }
        return RandomUUID.format(high: bits.high, low: bits.low)
    }
}
