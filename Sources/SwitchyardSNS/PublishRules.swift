import Foundation
import SwitchyardWire

/// What Publish and PublishBatch accept, in SNS's words.
enum PublishRules {
    static let maximumSize = 262_144

    /// A message as a publisher hands it over, before the topic's rules apply.
    struct Draft: Sendable {
        var message: String
        var subject: String?
        var messageStructure: String?
        var attributes: [String: NotificationAttribute]
        var messageGroupId: String?
        var messageDeduplicationId: String?
    }

    /// Checks a draft and splits a MessageStructure=json message into its per-protocol messages.
    static func validate(_ draft: Draft) throws -> (message: String, perProtocol: [String: String]) {
        guard !draft.message.isEmpty else { throw SNSErrors.invalidParameter("Empty message") }
        if let subject = draft.subject {
            guard !subject.isEmpty, subject.count <= 100,
                subject.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 0x20 && $0.value != 0x7F })
            else { throw SNSErrors.invalidParameter("Subject") }
        }
        var size = draft.message.utf8.count
        for (name, attribute) in draft.attributes {
            try validateAttribute(name: name, attribute)
            size +=
                name.utf8.count + attribute.dataType.utf8.count
                + (attribute.stringValue?.utf8.count ?? 0) + (attribute.binaryValue?.utf8.count ?? 0)
        }
        guard size <= maximumSize else { throw SNSErrors.invalidParameter("Message too long") }
        guard let structure = draft.messageStructure else { return (draft.message, [:]) }
        guard structure == "json" else {
            throw SNSErrors.invalidParameter("MessageStructure Reason: Unsupported value: \(structure)")
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(draft.message.utf8)) as? [String: Any] else {
            throw SNSErrors.invalidParameter("Message Structure - JSON message body failed to parse")
        }
        guard let fallback = object["default"] as? String else {
            throw SNSErrors.invalidParameter("Message Structure - No default entry in JSON message body")
        }
        var perProtocol: [String: String] = [:]
        for (key, value) in object where key != "default" {
            guard let text = value as? String else {
                throw SNSErrors.invalidParameter("Message Structure - JSON message body failed to parse")
            }
            perProtocol[key] = text
        }
        return (fallback, perProtocol)
    }

    static func validateAttribute(name: String, _ attribute: NotificationAttribute) throws {
        guard !name.isEmpty, name.utf8.count <= 256, !name.hasPrefix("AWS."), !name.hasPrefix("Amazon.") else {
            throw SNSErrors.invalidParameter("MessageAttributes Reason: Invalid attribute name: \(name)")
        }
        let base = attribute.dataType.split(separator: ".", maxSplits: 1).first.map(String.init) ?? ""
        switch base {
        case "String":
            guard let value = attribute.stringValue else {
                throw SNSErrors.invalidParameter(
                    "The message attribute '\(name)' must contain non-empty message attribute value for message attribute type '\(attribute.dataType)'."
                )
            }
            if attribute.dataType == "String.Array" {
                guard (try? JSONSerialization.jsonObject(with: Data(value.utf8))) is [Any] else {
                    throw SNSErrors.invalidParameter(
                        "The message attribute '\(name)' has an invalid message attribute value for message attribute type 'String.Array'."
                    )
                }
            }
        case "Number":
            guard let value = attribute.stringValue, Double(value) != nil else {
                throw SNSErrors.invalidParameter(
                    "Could not cast message attribute '\(name)' value to number.")
            }
        case "Binary":
            guard attribute.binaryValue != nil else {
                throw SNSErrors.invalidParameter(
                    "The message attribute '\(name)' must contain non-empty message attribute value for message attribute type 'Binary'."
                )
            }
        default:
            throw SNSErrors.invalidParameter(
                "The message attribute '\(name)' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String."
            )
        }
    }
}
