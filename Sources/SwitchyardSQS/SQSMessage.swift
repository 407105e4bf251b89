import Foundation
import SwitchyardWire

/// A message attribute as SQS stores it: a data type (String, Number, Binary, optionally `.custom`)
/// and the value in its transport form.
public struct MessageAttribute: Sendable, Codable, Equatable {
    public var dataType: String
    public var stringValue: String?
    public var binaryValue: Data?

    public init(dataType: String, stringValue: String? = nil, binaryValue: Data? = nil) {
        self.dataType = dataType
        self.stringValue = stringValue
        self.binaryValue = binaryValue
    }

    /// Bytes counted towards the message size limit: name, type and value.
    func size(name: String) -> Int {
        name.utf8.count + dataType.utf8.count + (stringValue?.utf8.count ?? 0) + (binaryValue?.count ?? 0)
    }
}

/// One message in a queue, with what the queue tracks about its deliveries.
///
/// Kept small because a queue may hold millions: the message id is stored as its 128 bits, the
/// body's MD5 is computed when asked for, and the fields most messages leave empty (attributes,
/// FIFO and dead-letter details) share one optional box.
public struct SQSMessage: Sendable, Equatable {
    /// Global, monotonically increasing; orders messages and keys them in storage.
    public var seq: Int64
    private var id: MessageID
    public var body: String
    public var sentAt: Int64
    public var senderId: String
    /// When the message is next receivable (delays and visibility timeouts), epoch millis.
    public var visibleAt: Int64
    public var receiveCount: Int
    public var firstReceiveAt: Int64?
    /// Changes on every receive; receipt handles carry it.
    public var receiptToken: String?
    /// When the latest receive happened, for the 12-hour cap on visibility extensions. Kept in memory
    /// only: after a restart the first receive stands in for it.
    public var lastReceivedAt: Int64?
    private var extras: Extras?

    public init(
        seq: Int64, messageId: String, body: String, attributes: [String: MessageAttribute] = [:],
        systemAttributes: [String: MessageAttribute] = [:], md5OfMessageAttributes: String? = nil,
        md5OfMessageSystemAttributes: String? = nil, sentAt: Int64, senderId: String, messageGroupId: String? = nil,
        messageDeduplicationId: String? = nil, sequenceNumber: String? = nil, deadLetterQueueSourceArn: String? = nil,
        visibleAt: Int64, receiveCount: Int = 0, firstReceiveAt: Int64? = nil, receiptToken: String? = nil
    ) {
        self.init(
            seq: seq, id: MessageID(messageId), body: body, attributes: attributes, systemAttributes: systemAttributes,
            md5OfMessageAttributes: md5OfMessageAttributes, md5OfMessageSystemAttributes: md5OfMessageSystemAttributes,
            sentAt: sentAt, senderId: senderId, messageGroupId: messageGroupId,
            messageDeduplicationId: messageDeduplicationId, sequenceNumber: sequenceNumber,
            deadLetterQueueSourceArn: deadLetterQueueSourceArn, visibleAt: visibleAt, receiveCount: receiveCount,
            firstReceiveAt: firstReceiveAt, receiptToken: receiptToken)
    }

    init(
        seq: Int64, id: MessageID, body: String, attributes: [String: MessageAttribute],
        systemAttributes: [String: MessageAttribute], md5OfMessageAttributes: String?,
        md5OfMessageSystemAttributes: String?, sentAt: Int64, senderId: String, messageGroupId: String?,
        messageDeduplicationId: String?, sequenceNumber: String?, deadLetterQueueSourceArn: String?,
        visibleAt: Int64, receiveCount: Int, firstReceiveAt: Int64?, receiptToken: String?
    ) {
        self.seq = seq
        self.id = id
        self.body = body
        self.sentAt = sentAt
        self.senderId = senderId
        self.visibleAt = visibleAt
        self.receiveCount = receiveCount
        self.firstReceiveAt = firstReceiveAt
        self.receiptToken = receiptToken
        let details = Extras(
            attributes: attributes, systemAttributes: systemAttributes, md5OfMessageAttributes: md5OfMessageAttributes,
            md5OfMessageSystemAttributes: md5OfMessageSystemAttributes, messageGroupId: messageGroupId,
            messageDeduplicationId: messageDeduplicationId, sequenceNumber: sequenceNumber,
            deadLetterQueueSourceArn: deadLetterQueueSourceArn)
        self.extras = details.isEmpty ? nil : details
    }

    public var messageId: String { id.text }
    public var md5OfBody: String { MessageDigest.md5OfBody(body) }
    public var attributes: [String: MessageAttribute] { extras?.attributes ?? [:] }
    /// AWSTraceHeader, the one system attribute senders may set.
    public var systemAttributes: [String: MessageAttribute] { extras?.systemAttributes ?? [:] }
    public var md5OfMessageAttributes: String? { extras?.md5OfMessageAttributes }
    public var md5OfMessageSystemAttributes: String? { extras?.md5OfMessageSystemAttributes }
    public var messageGroupId: String? { extras?.messageGroupId }
    public var messageDeduplicationId: String? { extras?.messageDeduplicationId }
    /// FIFO sequence number (20 digits).
    public var sequenceNumber: String? { extras?.sequenceNumber }

    public var deadLetterQueueSourceArn: String? {
        get { extras?.deadLetterQueueSourceArn }
        set {
            let current = extras ?? Extras()
            let updated = Extras(
                attributes: current.attributes, systemAttributes: current.systemAttributes,
                md5OfMessageAttributes: current.md5OfMessageAttributes,
                md5OfMessageSystemAttributes: current.md5OfMessageSystemAttributes,
                messageGroupId: current.messageGroupId, messageDeduplicationId: current.messageDeduplicationId,
                sequenceNumber: current.sequenceNumber, deadLetterQueueSourceArn: newValue)
            extras = updated.isEmpty ? nil : updated
        }
    }

    /// In flight: received and its visibility timeout has not run out.
    func isInFlight(now: Int64) -> Bool { receiptToken != nil && visibleAt > now }

    /// The fields most messages leave empty, shared by copies of a message.
    private final class Extras: Sendable, Equatable {
        let attributes: [String: MessageAttribute]
        let systemAttributes: [String: MessageAttribute]
        let md5OfMessageAttributes: String?
        let md5OfMessageSystemAttributes: String?
        let messageGroupId: String?
        let messageDeduplicationId: String?
        let sequenceNumber: String?
        let deadLetterQueueSourceArn: String?

        init(
            attributes: [String: MessageAttribute] = [:], systemAttributes: [String: MessageAttribute] = [:],
            md5OfMessageAttributes: String? = nil, md5OfMessageSystemAttributes: String? = nil,
            messageGroupId: String? = nil, messageDeduplicationId: String? = nil, sequenceNumber: String? = nil,
            deadLetterQueueSourceArn: String? = nil
        ) {
            self.attributes = attributes
            self.systemAttributes = systemAttributes
            self.md5OfMessageAttributes = md5OfMessageAttributes
            self.md5OfMessageSystemAttributes = md5OfMessageSystemAttributes
            self.messageGroupId = messageGroupId
            self.messageDeduplicationId = messageDeduplicationId
            self.sequenceNumber = sequenceNumber
            self.deadLetterQueueSourceArn = deadLetterQueueSourceArn
        }

        var isEmpty: Bool {
            attributes.isEmpty && systemAttributes.isEmpty && messageGroupId == nil && messageDeduplicationId == nil
                && sequenceNumber == nil && deadLetterQueueSourceArn == nil
        }

        static func == (lhs: Extras, rhs: Extras) -> Bool {
            lhs.attributes == rhs.attributes && lhs.systemAttributes == rhs.systemAttributes
                && lhs.md5OfMessageAttributes == rhs.md5OfMessageAttributes
                && lhs.md5OfMessageSystemAttributes == rhs.md5OfMessageSystemAttributes
                && lhs.messageGroupId == rhs.messageGroupId && lhs.messageDeduplicationId == rhs.messageDeduplicationId
                && lhs.sequenceNumber == rhs.sequenceNumber
                && lhs.deadLetterQueueSourceArn == rhs.deadLetterQueueSourceArn
        }
    }
}

/// A message id: the 128 bits of a UUID when it is one (every id Switchyard makes), else its text.
enum MessageID: Sendable, Equatable {
    case uuid(UInt64, UInt64)
    case text(String)

    /// A new random id.
    static func random() -> MessageID {
        let (high, low) = RandomUUID.makeBits()
        return .uuid(high, low)
    }

    init(_ text: String) {
        // Only the canonical lower-case 8-4-4-4-12 form is packed, so that `text` gives back the same string.
        var high: UInt64 = 0
        var low: UInt64 = 0
        var digits = 0
        var index = 0
        for byte in text.utf8 {
            defer { index += 1 }
            if index == 8 || index == 13 || index == 18 || index == 23 {
                guard byte == UInt8(ascii: "-") else { break }
                continue
            }
            let value: UInt64
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = UInt64(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = UInt64(byte - UInt8(ascii: "a") + 10)
            default: value = 16
            }
            guard value < 16, digits < 32 else {
                digits = -1
                break
            }
            if digits < 16 { high = high << 4 | value } else { low = low << 4 | value }
            digits += 1
        }
        self = digits == 32 && text.utf8.count == 36 ? .uuid(high, low) : .text(text)
    }

    var text: String {
        switch self {
        case .text(let text): return text
        case .uuid(let high, let low): return RandomUUID.format(high: high, low: low)
        }
    }
}
