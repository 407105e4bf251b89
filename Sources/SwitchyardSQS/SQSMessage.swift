import Foundation

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
public struct SQSMessage: Sendable, Equatable {
    /// Global, monotonically increasing; orders messages and keys them in storage.
    public var seq: Int64
    public var messageId: String
    public var body: String
    public var attributes: [String: MessageAttribute]
    /// AWSTraceHeader, the one system attribute senders may set.
    public var systemAttributes: [String: MessageAttribute]
    public var md5OfBody: String
    public var md5OfMessageAttributes: String?
    public var md5OfMessageSystemAttributes: String?
    public var sentAt: Int64
    public var senderId: String
    public var messageGroupId: String?
    public var messageDeduplicationId: String?
    /// FIFO sequence number (20 digits).
    public var sequenceNumber: String?
    public var deadLetterQueueSourceArn: String?
    /// When the message is next receivable (delays and visibility timeouts), epoch millis.
    public var visibleAt: Int64
    public var receiveCount: Int
    public var firstReceiveAt: Int64?
    /// Changes on every receive; receipt handles carry it.
    public var receiptToken: String?
    /// When the latest receive happened, for the 12-hour cap on visibility extensions. Kept in memory
    /// only: after a restart the first receive stands in for it.
    public var lastReceivedAt: Int64? = nil

    /// In flight: received and its visibility timeout has not run out.
    func isInFlight(now: Int64) -> Bool { receiptToken != nil && visibleAt > now }

    /// Counted against MaximumMessageSize: body and attributes.
    var size: Int {
        body.utf8.count + attributes.reduce(0) { $0 + $1.value.size(name: $1.key) }
    }
}
