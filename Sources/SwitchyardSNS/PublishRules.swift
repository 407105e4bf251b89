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
        for (name, attribute) in draft.attributes.sorted(by: { $0.key < $1.key }) {
            try validateAttribute(name: name, attribute)
        }
        let size = Self.size(message: draft.message, attributes: draft.attributes)
        guard size <= maximumSize else { throw SNSErrors.invalidParameter("Message too long") }
        guard let structure = draft.messageStructure else { return (draft.message, [:]) }
        guard structure == "json" else {
            throw SNSErrors.invalidParameter("MessageStructure Reason: Unsupported value: \(structure)")
        }
        guard let object = StrictJSON.object(draft.message) else {
            throw SNSErrors.invalidParameter("Message Structure - JSON message body failed to parse")
        }
        guard let fallback = object["default"] as? String else {
            throw SNSErrors.invalidParameter("Message Structure - No default entry in JSON message body")
        }
        var perProtocol: [String: String] = [:]
        // A protocol whose value is not text gets the default message, as AWS delivers it.
        for (key, value) in object where key != "default" {
            if let text = value as? String { perProtocol[key] = text }
        }
        return (fallback, perProtocol)
    }

    /// AWS's answer to a message attribute it will not take: ParameterValueInvalid, worded without
    /// SNS's usual "Invalid parameter:" prefix.
    static func invalidAttribute(_ message: String) -> AWSError {
        AWSError("InvalidParameterValueException", message)
    }

    static func validateAttribute(name: String, _ attribute: NotificationAttribute) throws {
        try validateAttributeName(name)
        let dataType = attribute.dataType
        let parts = dataType.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let base = String(parts[0])
        let custom = parts.count > 1 ? String(parts[1]) : nil
        guard ["String", "Number", "Binary"].contains(base), custom.map({ !$0.isEmpty }) ?? true else {
            throw invalidAttribute(
                "The message attribute '\(name)' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String."
            )
        }
        let field = base == "Binary" ? "Binary" : "String"
        let value = base == "Binary" ? attribute.binaryValue : attribute.stringValue
        let other = base == "Binary" ? attribute.stringValue : attribute.binaryValue
        guard let value else {
            if other != nil {
                throw invalidAttribute("The message attribute '\(name)' with type '\(base)' must use field '\(field)'.")
            }
            throw invalidAttribute(
                "The message attribute '\(name)' must contain non-empty message attribute value for message attribute type '\(base)'."
            )
        }
        guard !value.isEmpty else {
            throw invalidAttribute(
                "The message attribute '\(name)' must contain non-empty message attribute value for message attribute type '\(base)'."
            )
        }
        if base == "Number", Double(value) == nil {
            throw SNSErrors.invalidParameter("Could not cast message attribute '\(name)' value to number.")
        }
        if dataType == "String.Array" {
            guard StrictJSON.foundationObject(value) is [Any] else {
                throw SNSErrors.invalidParameter(
                    "The message attribute '\(name)' has an invalid message attribute value for message attribute type 'String.Array'."
                )
            }
        }
    }

    /// Attribute names: at most 256 bytes of letters, digits, hyphens, underscores and dots, no dot
    /// first, last or twice in a row, and none of AWS's reserved prefixes.
    static func validateAttributeName(_ name: String) throws {
        guard name.utf8.count < 256 else {
            throw invalidAttribute("Length of message attribute name must be less than 256 bytes.")
        }
        for scalar in name.unicodeScalars
        where
            !(scalar.isASCII
            && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "-_.".unicodeScalars.contains(scalar)))
        {
            let code = String(scalar.value, radix: 16, uppercase: true)
            throw invalidAttribute(
                "Invalid non-alphanumeric character '#x\(code)' was found in the message attribute name. Can only include alphanumeric characters, hyphens, underscores, or dots."
            )
        }
        if name.hasPrefix(".") {
            throw invalidAttribute("Invalid message attribute name starting with character '.' was found.")
        }
        if name.hasSuffix(".") {
            throw invalidAttribute("Invalid message attribute name ending with character '.' was found.")
        }
        if name.contains("..") {
            throw invalidAttribute("Message attribute name can not have successive '.' character.")
        }
        guard !name.isEmpty, !name.hasPrefix("AWS."), !name.hasPrefix("Amazon.") else {
            throw SNSErrors.invalidParameter("MessageAttributes Reason: Invalid attribute name: \(name)")
        }
    }

    /// Bytes a message counts against the 256 KB limit: its text and its attributes' names, types and values.
    static func size(message: String, attributes: [String: NotificationAttribute]) -> Int {
        attributes.reduce(message.utf8.count) { total, entry in
            total + entry.key.utf8.count + entry.value.dataType.utf8.count
                + (entry.value.stringValue?.utf8.count ?? 0) + (entry.value.binaryValue?.utf8.count ?? 0)
        }
    }
}
