/// A string-typed attribute carried with a delivery (SQS message attributes, HTTP headers).
public struct DeliveryAttribute: Sendable, Codable, Equatable {
    public var dataType: String
    public var stringValue: String?
    /// Base64 of binary values.
    public var binaryValue: String?

    public init(dataType: String, stringValue: String? = nil, binaryValue: String? = nil) {
        self.dataType = dataType
        self.stringValue = stringValue
        self.binaryValue = binaryValue
    }
}

/// What a producer hands over: one payload for one target, with how to retry it and where it goes
/// when retries run out.
public struct DeliveryRequest: Sendable, Codable, Equatable {
    public var target: DeliveryTarget
    public var body: String
    public var attributes: [String: DeliveryAttribute]
    /// HTTP headers for HTTP targets (SNS's x-amz-sns-* headers).
    public var headers: [String: String]?
    /// FIFO targets: the group and deduplication id to deliver with.
    public var messageGroupId: String?
    public var messageDeduplicationId: String?
    /// Deliveries with the same lane key are made one at a time, in the order they were requested
    /// (FIFO topics to FIFO queues); nil lets deliveries to a target run side by side.
    public var orderedLane: String?
    public var retry: RetryPolicy
    /// Where the payload goes after the last failed attempt (an SQS dead-letter queue), if anywhere.
    public var deadLetter: DeliveryTarget?
    /// Who asked, for delivery records (a subscription ARN, a rule ARN).
    public var origin: String

    public init(
        target: DeliveryTarget, body: String, attributes: [String: DeliveryAttribute] = [:],
        headers: [String: String]? = nil, messageGroupId: String? = nil, messageDeduplicationId: String? = nil,
        orderedLane: String? = nil,
        retry: RetryPolicy, deadLetter: DeliveryTarget? = nil, origin: String
    ) {
        self.target = target
        self.body = body
        self.attributes = attributes
        self.headers = headers
        self.messageGroupId = messageGroupId
        self.messageDeduplicationId = messageDeduplicationId
        self.orderedLane = orderedLane
        self.retry = retry
        self.deadLetter = deadLetter
        self.origin = origin
    }
}

/// A stored delivery: the request, its id and how many attempts it has had.
public struct DeliveryJob: Sendable, Codable, Equatable {
    public var id: Int64
    public var request: DeliveryRequest
    public var attempts: Int
    /// The attempt that is allowed first after a restart, epoch millis.
    public var notBefore: Int64

    public init(id: Int64, request: DeliveryRequest, attempts: Int = 0, notBefore: Int64 = 0) {
        self.id = id
        self.request = request
        self.attempts = attempts
        self.notBefore = notBefore
    }
}

/// What a transport reports for one attempt.
public enum DeliveryOutcome: Sendable, Equatable {
    case delivered
    /// Worth trying again (an endpoint down, a queue briefly missing).
    case retry(reason: String)
    /// No attempt can succeed (the target kind is not available): straight to the dead-letter queue.
    case failed(reason: String)
}
