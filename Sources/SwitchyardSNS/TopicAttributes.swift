import Foundation
import SwitchyardWire

/// Which topic attributes an owner may set, how they are checked, and what GetTopicAttributes shows.
enum TopicAttributes {
    /// Attributes CreateTopic and SetTopicAttributes accept; FifoTopic only at creation.
    static let settable: Set<String> = Set([
        "DeliveryPolicy", "DisplayName", "Policy", "SignatureVersion", "TracingConfig", "KmsMasterKeyId",
        "ContentBasedDeduplication", "ArchivePolicy", "FifoThroughputScope", "DataProtectionPolicy",
    ]).union(deliveryStatusAttributes)

    /// Delivery status logging settings (to CloudWatch Logs on AWS): kept and answered back.
    static let deliveryStatusAttributes: Set<String> = Set(
        DeliveryStatusLog.attributePrefixes.flatMap { prefix in
            ["SuccessFeedbackRoleArn", "FailureFeedbackRoleArn", "SuccessFeedbackSampleRate"].map { prefix + $0 }
        })

    /// Checks one attribute for a topic (FIFO or not); throws SNS's InvalidParameter.
    static func validate(name: String, value: String, fifo: Bool, creating: Bool) throws {
        guard settable.contains(name) || (creating && name == "FifoTopic") else {
            throw SNSErrors.invalidParameter("AttributeName")
        }
        switch name {
        case "FifoTopic":
            guard value == "true" || value == "false" else {
                throw SNSErrors.invalidParameter("Attributes Reason: FifoTopic must be true or false")
            }
        case "DisplayName":
            guard value.count <= 100 else { throw SNSErrors.invalidParameter("DisplayName") }
        case "SignatureVersion":
            guard value == "1" || value == "2" else {
                throw SNSErrors.invalidParameter("Attributes Reason: SignatureVersion must be 1 or 2")
            }
        case "TracingConfig":
            guard value == "PassThrough" || value == "Active" else {
                throw SNSErrors.invalidParameter("Attributes Reason: TracingConfig must be PassThrough or Active")
            }
        case "ContentBasedDeduplication":
            guard fifo else {
                throw SNSErrors.invalidParameter(
                    "Attributes Reason: Content-based deduplication can only be set for FIFO topics")
            }
            guard value == "true" || value == "false" else {
                throw SNSErrors.invalidParameter("Attributes Reason: ContentBasedDeduplication must be true or false")
            }
        case "ArchivePolicy", "FifoThroughputScope":
            guard fifo else {
                throw SNSErrors.invalidParameter("Attributes Reason: \(name) can only be set for FIFO topics")
            }
            if name == "FifoThroughputScope", value != "Topic", value != "MessageGroup" {
                throw SNSErrors.invalidParameter("Attributes Reason: FifoThroughputScope must be Topic or MessageGroup")
            }
            if name == "ArchivePolicy", !isJSONObject(value) {
                throw SNSErrors.invalidParameter("Attributes Reason: ArchivePolicy must be a JSON object")
            }
        case "DataProtectionPolicy":
            // An empty value removes the policy.
            if !value.isEmpty { _ = try DataProtectionPolicy.parse(value) }
        case "Policy":
            guard isJSONObject(value) else {
                throw SNSErrors.invalidParameter("Attributes Reason: \(name): Invalid JSON")
            }
        case "DeliveryPolicy":
            // An empty value removes the policy.
            guard !value.isEmpty else { break }
            do throws(DeliveryPolicyRules.PolicyProblem) {
                try DeliveryPolicyRules.validateTopicPolicy(value)
            } catch {
                throw SNSErrors.invalidParameter(
                    "\(creating ? "Attributes Reason: " : "")DeliveryPolicy: \(error.message)")
            }
        default:
            break
        }
    }

    /// What GetTopicAttributes answers: the defaults every topic has, overlaid by what was set.
    static func effective(_ record: TopicRecord) -> [String: String] {
        let key = record.key
        var result: [String: String] = [
            "TopicArn": key.arn,
            "Owner": key.account,
            "DisplayName": "",
            "Policy": defaultPolicy(key),
            "SubscriptionsPending": "0",
            "SubscriptionsConfirmed": "0",
            "SubscriptionsDeleted": "0",
            "EffectiveDeliveryPolicy": DeliveryPolicyForms.effectiveTopicPolicy(record.attributes["DeliveryPolicy"]),
        ]
        if key.isFIFO {
            result["FifoTopic"] = "true"
            result["ContentBasedDeduplication"] = "false"
        }
        // The data protection policy is read with GetDataProtectionPolicy, not listed among attributes.
        for (name, value) in record.attributes where name != "FifoTopic" && name != "DataProtectionPolicy" {
            result[name] = value
        }
        return result
    }

    /// The policy AWS gives a new topic: its owner's account may use every topic action.
    static func defaultPolicy(_ key: TopicKey) -> String {
        let actions = [
            "SNS:GetTopicAttributes", "SNS:SetTopicAttributes", "SNS:AddPermission", "SNS:RemovePermission",
            "SNS:DeleteTopic", "SNS:Subscribe", "SNS:ListSubscriptionsByTopic", "SNS:Publish",
        ]
        let actionList = actions.map { "\"\($0)\"" }.joined(separator: ",")
        return
            #"{"Version":"2008-10-17","Id":"__default_policy_ID","Statement":[{"Sid":"__default_statement_ID","Effect":"Allow","Principal":{"AWS":"*"},"Action":[\#(actionList)],"Resource":"\#(key.arn)","Condition":{"StringEquals":{"AWS:SourceOwner":"\#(key.account)"}}}]}"#
    }

    /// An attribute's value as SNS keeps it: a DeliveryPolicy in AWS's stored form, or none at all
    /// once set to the empty string.
    static func stored(name: String, value: String) -> String? {
        guard name == "DeliveryPolicy" else { return value }
        return value.isEmpty ? nil : DeliveryPolicyForms.storedTopicPolicy(value)
    }

    static func isJSONObject(_ text: String) -> Bool {
        StrictJSON.object(text) != nil
    }
}
