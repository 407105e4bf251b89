import Foundation

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
            guard PhoneNumbers.isValid(endpoint) else { throw SNSErrors.invalidParameter("SMS endpoint") }
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
        if fifoTopic, `protocol` != "sqs" {
            throw SNSErrors.invalidParameter("Invalid protocol type: \(`protocol`)")
        }
    }

    /// Checks a subscription's attributes as they would be after a change, and compiles its filter
    /// policy (nil when it has none).
    @discardableResult
    static func validate(_ attributes: [String: String], protocol: String) throws -> FilterPolicy? {
        for (name, value) in attributes { try validate(name: name, value: value, protocol: `protocol`) }
        return try filterPolicy(attributes)
    }

    /// The compiled filter policy of a subscription's attributes; an empty policy (`{}`) filters nothing.
    static func filterPolicy(_ attributes: [String: String]) throws -> FilterPolicy? {
        let scopeName = attributes["FilterPolicyScope"] ?? "MessageAttributes"
        guard let scope = FilterPolicy.Scope(rawValue: scopeName) else {
            throw SNSErrors.invalidParameter(
                "FilterPolicyScope: Invalid value [\(scopeName)]. Please use either MessageBody or MessageAttributes")
        }
        guard let text = attributes["FilterPolicy"], !text.isEmpty,
            text.filter({ !$0.isWhitespace }) != "{}"
        else { return nil }
        return try FilterPolicy(json: text, scope: scope)
    }

    /// Checks one attribute on its own.
    static func validate(name: String, value: String, protocol: String) throws {
        guard settable.contains(name) else { throw SNSErrors.invalidParameter("AttributeName") }
        switch name {
        case "RawMessageDelivery":
            guard ["true", "false"].contains(value.lowercased()) else {
                throw SNSErrors.invalidParameter(
                    "Attributes Reason: RawMessageDelivery: Invalid value [\(value)]. Must be true or false.")
            }
            guard ["sqs", "http", "https", "firehose"].contains(`protocol`) || value.lowercased() == "false" else {
                throw SNSErrors.invalidParameter(
                    "Attributes Reason: Delivery protocol [\(`protocol`)] does not support raw message delivery.")
            }
        case "RedrivePolicy":
            guard deadLetterTargetArn(value) != nil else {
                throw SNSErrors.invalidParameter(
                    "RedrivePolicy: deadLetterTargetArn is missing or not an SQS queue ARN")
            }
        case "DeliveryPolicy":
            guard !value.isEmpty else { break }
            do throws(DeliveryPolicyRules.PolicyProblem) {
                try DeliveryPolicyRules.validateSubscriptionPolicy(value)
            } catch {
                throw SNSErrors.invalidParameter("DeliveryPolicy: \(error.message)")
            }
        case "ReplayPolicy":
            guard TopicAttributes.isJSONObject(value) else {
                throw SNSErrors.invalidParameter("\(name): Invalid JSON")
            }
        default:
            break
        }
    }

    static func deadLetterTargetArn(_ policy: String) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(policy.utf8)) as? [String: Any],
            let arn = object["deadLetterTargetArn"] as? String, arn.hasPrefix("arn:"), arn.contains(":sqs:")
        else { return nil }
        return arn
    }

    /// What GetSubscriptionAttributes answers.
    static func effective(_ record: SubscriptionRecord) -> [String: String] {
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
        for (name, value) in record.attributes { result[name] = value }
        return result
    }
}
