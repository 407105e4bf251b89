import Foundation
import SwitchyardWire

/// Checks on what senders put into messages, with SQS's error messages.
enum MessageValidation {
    /// Only XML 1.0 characters may appear in a body: #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF.
    static func validateBody(_ body: String) throws {
        guard !body.isEmpty else { throw AWSError.missingParameter("MessageBody") }
        // Bodies are mostly printable ASCII: a byte scan settles those without decoding scalars.
        var text = body
        let printableASCII = text.withUTF8 { bytes in
            bytes.allSatisfy { ($0 >= 0x20 && $0 < 0x80) || $0 == 0x9 || $0 == 0xA || $0 == 0xD }
        }
        if printableASCII { return }
        for scalar in body.unicodeScalars where !isAllowed(scalar) {
            throw AWSError(
                "InvalidMessageContents",
                "Invalid binary character '#x\(String(scalar.value, radix: 16, uppercase: true))' was found in the message body, the set of allowed characters is #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF"
            )
        }
    }

    static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x9, 0xA, 0xD, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: return true
        default: return false
        }
    }

    /// Validates user message attributes: at most 10, valid names, known type prefixes, values present.
    static func validateAttributes(_ attributes: [String: MessageAttribute]) throws {
        if attributes.count > 10 {
            throw AWSError.invalidParameterValue(
                "Number of message attributes [\(attributes.count)] exceeds the allowed maximum [10].")
        }
        for name in attributes.keys.sorted() {
            guard let attribute = attributes[name] else { continue }
            try validateName(name)
            try validateValue(attribute, name: name, kind: "message")
        }
    }

    /// Validates MessageSystemAttributes: only AWSTraceHeader, as a String.
    static func validateSystemAttributes(_ attributes: [String: MessageAttribute]) throws {
        for name in attributes.keys.sorted() {
            guard let attribute = attributes[name] else { continue }
            guard name == "AWSTraceHeader" else {
                throw AWSError.invalidParameterValue("Message system attribute name '\(name)' is invalid.")
            }
            guard attribute.dataType == "String" else {
                throw AWSError.invalidParameterValue(
                    "The type of message system attribute '\(name)' is invalid. You must use only the following supported type prefixes: String."
                )
            }
            try validateValue(attribute, name: name, kind: "message system")
        }
    }

    static func validateName(_ name: String) throws {
        // AWS also takes letters beyond ASCII (e.g. "attr.1øßä"), not other symbols ("§").
        let allowed = name.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII
                ? NameCharacters.isAttributeNameCharacters(String(scalar))
                : scalar.properties.isAlphabetic || scalar.properties.numericType != nil
        }
        let lower = name.lowercased()
        guard !name.isEmpty, name.count <= 256, allowed, !name.hasPrefix("."), !name.hasSuffix("."),
            !name.contains(".."), !lower.hasPrefix("aws."), !lower.hasPrefix("amazon.")
        else {
            throw AWSError.invalidParameterValue(
                "Message (user) attribute name '\(name)' is invalid. The attribute name can contain A-Z, a-z, 0-9, underscore (_), hyphen (-), and period (.) characters."
            )
        }
    }

    /// An attribute without a value: user attributes in AWS's "Message (user)" words.
    static func emptyValue(name: String, kind: String, base: String) -> AWSError {
        if kind == "message" {
            return AWSError.invalidParameterValue(
                "Message (user) attribute '\(name)' must contain a non-empty value of type '\(base)'.")
        }
        return AWSError.invalidParameterValue(
            "The \(kind) attribute '\(name)' must contain non-empty message attribute value for message attribute type '\(base)'."
        )
    }

    static func validateValue(_ attribute: MessageAttribute, name: String, kind: String) throws {
        let type = attribute.dataType
        let base =
            type.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        guard ["String", "Number", "Binary"].contains(base), type.count <= 256,
            !type.hasSuffix(".")
        else {
            if type.isEmpty {
                throw AWSError.invalidParameterValue(
                    "The message attribute '\(name)' must contain non-empty message attribute type.")
            }
            throw AWSError.invalidParameterValue(
                "The type of message (user) attribute '\(name)' is invalid. You must use only the following supported type prefixes: Binary, Number, String."
            )
        }
        if base == "Binary" {
            guard let binary = attribute.binaryValue, !binary.isEmpty else {
                throw emptyValue(name: name, kind: kind, base: base)
            }
            if attribute.stringValue != nil {
                throw AWSError.invalidParameterValue(
                    "The \(kind) attribute '\(name)' with type 'Binary' must use field 'Binary'.")
            }
        } else {
            guard let text = attribute.stringValue, !text.isEmpty else {
                throw emptyValue(name: name, kind: kind, base: base)
            }
            if attribute.binaryValue != nil {
                throw AWSError.invalidParameterValue(
                    "The \(kind) attribute '\(name)' with type '\(base)' must use field 'String'.")
            }
            if base == "Number" {
                guard Decimal(string: text) != nil, Double(text) != nil else {
                    throw AWSError.invalidParameterValue(
                        "Can't cast the value of message (user) attribute '\(name)' to a number.")
                }
            }
            for scalar in text.unicodeScalars where !isAllowed(scalar) {
                throw AWSError.invalidParameterValue(
                    "Invalid binary character '#x\(String(scalar.value, radix: 16, uppercase: true))' was found in the message attribute '\(name)'."
                )
            }
        }
    }

    /// Batch entry ids: alphanumerics, hyphens and underscores, at most 80.
    static func isValidBatchEntryId(_ id: String) -> Bool {
        NameCharacters.isWord(id, maxLength: 80)
    }

    /// FIFO MessageGroupId and MessageDeduplicationId: 1 to 128 printable ASCII characters.
    static func validateFIFOToken(_ value: String, parameter: String) throws {
        guard !value.isEmpty, value.count <= 128, value.unicodeScalars.allSatisfy({ (0x21...0x7E).contains($0.value) })
        else {
            throw SQSErrors.invalidParameter(
                parameter, value: value,
                reason: "\(parameter) can only include alphanumeric and punctuation characters. 1 to 128 in length.")
        }
    }
}
