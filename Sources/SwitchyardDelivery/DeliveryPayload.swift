import Foundation

/// The bytes a delivery carries. Most targets take text (an SQS message body, an SNS envelope, an
/// HTTP POST of JSON), but some take anything (a Lambda invocation payload, a Firehose record, a
/// Kinesis record), so the payload is bytes and text is a view of it.
///
/// Stored jobs keep a UTF-8 payload as a plain JSON string, which is also how jobs stored before
/// payloads were bytes read back; other bytes are stored as `{"base64": "..."}`.
public struct DeliveryPayload: Sendable, Equatable, Hashable {
    public var bytes: [UInt8]

    public init(bytes: [UInt8]) { self.bytes = bytes }

    public init(_ text: String) { self.bytes = Array(text.utf8) }

    /// The payload as text, or nil when it is not UTF-8 (a target that takes only text refuses it).
    public var text: String? {
        var iterator = bytes.makeIterator()
        var decoded = ""
        var decoder = UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): decoded.unicodeScalars.append(scalar)
            case .emptyInput: return decoded
            case .error: return nil
            }
        }
    }

    public var count: Int { bytes.count }
}

extension DeliveryPayload: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self.init(value) }
}

extension DeliveryPayload: CustomStringConvertible {
    /// The text, or a short note of the size for bytes that are not text (for logs and records).
    public var description: String { text ?? "<\(bytes.count) bytes>" }
}

extension DeliveryPayload: Codable {
    private enum Keys: String, CodingKey { case base64 }

    public init(from decoder: any Decoder) throws {
        if let single = try? decoder.singleValueContainer(), let text = try? single.decode(String.self) {
            self.init(text)
            return
        }
        let keyed = try decoder.container(keyedBy: Keys.self)
        let encoded = try keyed.decode(String.self, forKey: .base64)
        guard let data = Data(base64Encoded: encoded) else {
            throw DecodingError.dataCorruptedError(
                forKey: .base64, in: keyed, debugDescription: "The stored payload is not base64.")
        }
        self.init(bytes: Array(data))
    }

    public func encode(to encoder: any Encoder) throws {
        if let text {
            var single = encoder.singleValueContainer()
            try single.encode(text)
        } else {
            var keyed = encoder.container(keyedBy: Keys.self)
            try keyed.encode(Data(bytes).base64EncodedString(), forKey: .base64)
        }
    }
}
