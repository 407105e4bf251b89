import Foundation
import SwitchyardMatching
import SwitchyardWire

/// Subscription protocols, endpoints and attributes: what may be set and what is shown.
enum SubscriptionAttributes {
    static let protocols: Set<String> = [
        "http", "https", "email", "email-json", "sms", "sqs", "application", "lambda", "firehose",
    ]

    static let settable: Set<String> = [
        "DeliveryPolicy", "FilterPolicy", "FilterPolicyScope", "RawMessageDelivery", "RedrivePolicy",
        "SubscriptionRoleArn", "ReplayPolicy",
    ]

    /// Checks a protocol and endpoint pair for a topic.
    static func validateEndpoint(protocol: String, endpoint: String?, fifoTopic: Bool) throws {
        guard protocols.contains(`protocol`) else {
            throw SNSErrors.invalidParameter("Amazon SNS does not support this protocol string: \(`protocol`)")
        }
        let endpoint = endpoint ?? ""
        switch `protocol` {
        case "sqs":
            guard endpoint.hasPrefix("arn:"), endpoint.split(separator: ":").count == 6,
                endpoint.split(separator: ":")[2] == "sqs"
            else { throw SNSErrors.invalidParameter("SQS endpoint ARN") }
        case "lambda":
            guard endpoint.hasPrefix("arn:"), endpoint.contains(":lambda:") else {
                throw SNSErrors.invalidParameter("Lambda endpoint ARN")
            }
        case "email", "email-json":
            guard endpoint.contains("@"), !endpoint.hasPrefix("@"), !endpoint.hasSuffix("@") else {
                throw SNSErrors.invalidParameter("Email address")
            }
        case "sms":
            guard PhoneNumbers.isValidSubscriptionEndpoint(endpoint) else {
                throw AWSError("InvalidParameter", "Invalid SMS endpoint: \(endpoint)")
            }
        case "application":
            guard endpoint.hasPrefix("arn:"), endpoint.contains(":endpoint/") else {
                throw SNSErrors.invalidParameter("Endpoint Reason: not a platform endpoint ARN")
            }
        case "http", "https":
            guard endpoint.lowercased().hasPrefix("\(`protocol`)://"), URL(string: endpoint)?.host != nil else {
                throw SNSErrors.invalidParameter("Endpoint must match the specified protocol")
            }
        case "firehose":
            guard endpoint.hasPrefix("arn:"), endpoint.contains(":firehose:") else {
                throw SNSErrors.invalidParameter("Firehose endpoint ARN")
            }
        default:
            break
        }
        if !fifoTopic, `protocol` == "sqs", endpoint.hasSuffix(".fifo") {
            throw SNSErrors.invalidParameter(
                "Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics")
        }
        if fifoTopic, `protocol` != "sqs" {
            throw SNSErrors.invalidParameter("Invalid protocol type: \(`protocol`)")
        }
    }

    /// Where attributes are being set, which decides how SNS words its complaints: Subscribe's
    /// Attributes map prefixes them with "Attributes Reason: ", SetSubscriptionAttributes does not.
    struct Context {
        var subscribing: Bool
        var `protocol`: String
        var endpoint: String
        var fifoTopic: Bool

        func invalid(_ reason: String) -> AWSError {
            SNSErrors.invalidParameter((subscribing ? "Attributes Reason: " : "") + reason)
        }
    }

    /// Checks a subscription's attributes as they would be after a change, and compiles its filter
    /// policy (nil when it has none).
    @discardableResult
    static func validate(_ attributes: [String: String], context: Context) throws -> FilterPolicy? {
        for name in attributes.keys.sorted() {
            try validate(name: name, value: attributes[name] ?? "", context: context)
        }
        return try filterPolicy(attributes, context: context)
    }

    /// The compiled filter policy of a subscription's attributes; an empty policy (`{}`) filters nothing.
    static func filterPolicy(_ attributes: [String: String], context: Context? = nil) throws -> FilterPolicy? {
        let scopeName = attributes["FilterPolicyScope"] ?? "MessageAttributes"
        guard let scope = FilterPolicy.Scope(rawValue: scopeName) else {
            throw SNSErrors.invalidParameter(
                "FilterPolicyScope: Invalid value [\(scopeName)]. Please use either MessageBody or MessageAttributes")
        }
        guard let text = attributes["FilterPolicy"], !text.isEmpty,
            text.filter({ !$0.isWhitespace }) != "{}"
        else { return nil }
        do {
            return try FilterPolicy(json: text, scope: scope)
        } catch let problem as FilterPolicy.Invalid {
            if problem.reason.hasPrefix("Filter policy scope ") { throw SNSErrors.invalidParameter(problem.reason) }
            throw (context ?? Context(subscribing: false, protocol: "", endpoint: "", fifoTopic: false))
                .invalid("FilterPolicy: \(problem.reason)")
        }
    }

    /// Checks one attribute on its own.
    static func validate(name: String, value: String, context: Context) throws {
        guard settable.contains(name) else { throw SNSErrors.invalidParameter("AttributeName") }
        switch name {
        case "RawMessageDelivery":
            guard ["true", "false"].contains(value.lowercased()) else {
                throw context.invalid("RawMessageDelivery: Invalid value [\(value)]. Must be true or false.")
            }
            guard ["sqs", "http", "https", "firehose"].contains(context.protocol) || value.lowercased() == "false"
            else {
                throw context.invalid("Delivery protocol [\(context.protocol)] does not support raw message delivery.")
            }
        case "RedrivePolicy":
            guard let object = StrictJSON.object(value) else {
                throw context.invalid(
                    "RedrivePolicy: failed to parse JSON." + (JacksonSyntaxError.describe(value) ?? ""))
            }
            guard let arn = object["deadLetterTargetArn"] as? String, ARN.namedResource(arn, service: "sqs") != nil
            else {
                throw context.invalid("RedrivePolicy: deadLetterTargetArn is an invalid arn")
            }
            if context.fifoTopic, context.endpoint.hasSuffix(".fifo"), !arn.hasSuffix(".fifo") {
                throw context.invalid(
                    "RedrivePolicy: must use a FIFO queue as DLQ for a FIFO Subscription to a FIFO Topic.")
            }
        case "DeliveryPolicy":
            guard !value.isEmpty else { break }
            do throws(DeliveryPolicyRules.PolicyProblem) {
                try DeliveryPolicyRules.validateSubscriptionPolicy(value)
            } catch {
                throw context.invalid("DeliveryPolicy: \(error.message)")
            }
        case "ReplayPolicy":
            guard TopicAttributes.isJSONObject(value) else { throw context.invalid("\(name): Invalid JSON") }
        default:
            break
        }
    }

    /// Attributes as SNS keeps them: RawMessageDelivery in lower case, an empty FilterPolicy not at all,
    /// a DeliveryPolicy in AWS's stored form.
    static func normalized(_ attributes: [String: String]) -> [String: String] {
        var result = attributes
        if let raw = result["RawMessageDelivery"] { result["RawMessageDelivery"] = raw.lowercased() }
        if result["FilterPolicy"]?.isEmpty == true { result["FilterPolicy"] = nil }
        if let delivery = result["DeliveryPolicy"], !delivery.isEmpty {
            result["DeliveryPolicy"] = DeliveryPolicyForms.storedSubscriptionPolicy(delivery)
        }
        return result
    }

    static func deadLetterTargetArn(_ policy: String) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(policy.utf8)) as? [String: Any],
            let arn = object["deadLetterTargetArn"] as? String, arn.hasPrefix("arn:"), arn.contains(":sqs:")
        else { return nil }
        return arn
    }

    /// What GetSubscriptionAttributes answers; a subscription with a DeliveryPolicy also shows the
    /// effective one, completed from its topic's (`topicDeliveryPolicy`).
    static func effective(_ record: SubscriptionRecord, topicDeliveryPolicy: String? = nil) -> [String: String] {
        var result: [String: String] = [
            "SubscriptionArn": record.arn,
            "TopicArn": record.topic.arn,
            "Owner": record.topic.account,
            "Protocol": record.protocol,
            "Endpoint": record.endpoint,
            "ConfirmationWasAuthenticated": "true",
            "PendingConfirmation": record.confirmed ? "false" : "true",
            "RawMessageDelivery": "false",
            "SubscriptionPrincipal": "arn:aws:iam::\(record.topic.account):user/switchyard",
        ]
        for (name, value) in record.attributes where name != "FilterPolicyScope" { result[name] = value }
        if let delivery = record.attributes["DeliveryPolicy"], !delivery.isEmpty {
            result["EffectiveDeliveryPolicy"] = DeliveryPolicyForms.effectiveSubscriptionPolicy(
                delivery, topicPolicy: topicDeliveryPolicy)
        }
        // The scope shows only with a policy it applies to.
        if record.attributes["FilterPolicy"] != nil {
            result["FilterPolicyScope"] = record.attributes["FilterPolicyScope"] ?? "MessageAttributes"
        }
        return result
    }
}
