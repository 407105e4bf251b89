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

/// The AWS service and resource a delivery comes from, which the target's resource policy judges
/// (an SNS topic delivering into a queue of another account needs that queue's permission).
public struct DeliverySource: Sendable, Codable, Equatable {
    /// The service principal, such as `sns.amazonaws.com`.
    public var service: String
    /// The resource that sends, such as the topic's ARN.
    public var arn: String
    /// The account that owns that resource.
    public var account: String

    public init(service: String, arn: String, account: String) {
        self.service = service
        self.arn = arn
        self.account = account
    }
}

/// What a producer hands over: one payload for one target, with how to retry it and where it goes
/// when retries run out.
public struct DeliveryRequest: Sendable, Codable, Equatable {
    public var target: DeliveryTarget
    /// The payload: text for most targets, any bytes for those that take them.
    public var body: DeliveryPayload
    public var attributes: [String: DeliveryAttribute]
    /// HTTP headers for HTTP targets (SNS's x-amz-sns-* headers), and nothing else.
    public var headers: [String: String]?
    /// What the producer tells the target's transport beyond the payload (the subject and topic of a
    /// captured email), kept apart from HTTP headers.
    public var metadata: [String: String]?
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
    /// The service and resource the delivery comes from, for the target's resource policy.
    public var source: DeliverySource?
    /// An X-Ray trace header to pass on (SQS targets get it as the AWSTraceHeader system attribute).
    public var traceHeader: String?
    /// Whom to tell how the delivery ended, if anyone.
    public var report: OutcomeReport?

    public init(
        target: DeliveryTarget, body: DeliveryPayload, attributes: [String: DeliveryAttribute] = [:],
        headers: [String: String]? = nil, metadata: [String: String]? = nil, messageGroupId: String? = nil,
        messageDeduplicationId: String? = nil,
        orderedLane: String? = nil,
        retry: RetryPolicy, deadLetter: DeliveryTarget? = nil, origin: String, source: DeliverySource? = nil,
        traceHeader: String? = nil, report: OutcomeReport? = nil
    ) {
        self.target = target
        self.body = body
        self.attributes = attributes
        self.headers = headers
        self.metadata = metadata
        self.messageGroupId = messageGroupId
        self.messageDeduplicationId = messageDeduplicationId
        self.orderedLane = orderedLane
        self.retry = retry
        self.deadLetter = deadLetter
        self.origin = origin
        self.source = source
        self.traceHeader = traceHeader
        self.report = report
    }
}

extension DeliveryRequest {
    /// The metadata key under which a dead-letter delivery carries why the original one failed (the
    /// last attempt's reason), for targets that pass it on (Lambda's dead-letter queue attributes).
    public static let failureReasonKey = "DeliveryFailureReason"
    /// The metadata key under which a dead-letter delivery carries how many attempts the original
    /// one made.
    public static let failedAttemptsKey = "DeliveryFailedAttempts"
    /// The metadata key set ("true") on a dead-letter delivery whose original was given up because
    /// its next retry would have come after the maximum event age.
    public static let eventAgeExceededKey = "DeliveryEventAgeExceeded"

    /// True for a producer's asynchronous invocation of a function (SNS, EventBridge, S3 and log
    /// subscriptions invoke that way): Lambda accepts it into the function's own queue.
    public var isAsynchronousInvocation: Bool { metadata?["InvocationType"] == "Event" }

    /// This request, marked as an asynchronous invocation when it goes to a function.
    public func invokingAsynchronously() -> DeliveryRequest {
        guard target.kind == .lambda else { return self }
        var marked = self
        marked.metadata = (metadata ?? [:]).merging(["InvocationType": "Event"]) { $1 }
        return marked
    }
}

/// A stored delivery: the request, its id and how many attempts it has had.
public struct DeliveryJob: Sendable, Codable, Equatable {
    public var id: Int64
    public var request: DeliveryRequest
    public var attempts: Int
    /// The attempt that is allowed first after a restart, epoch millis.
    public var notBefore: Int64
    /// When the delivery was requested, epoch millis, for a policy's maximum event age (absent in
    /// jobs stored by earlier versions, which then have no age limit).
    public var createdAt: Int64?
    /// Attempts the target postponed, which set the next postponement's delay.
    public var postponements: Int?

    public init(id: Int64, request: DeliveryRequest, attempts: Int = 0, notBefore: Int64 = 0, createdAt: Int64? = nil) {
        self.id = id
        self.request = request
        self.attempts = attempts
        self.notBefore = notBefore
        self.createdAt = createdAt
    }
}

/// What a transport reports for one attempt.
public enum DeliveryOutcome: Sendable, Equatable {
    case delivered
    /// Worth trying again (an endpoint down, a queue briefly missing).
    case retry(reason: String)
    /// No attempt can succeed (the target kind is not available): straight to the dead-letter queue.
    case failed(reason: String)
    /// The target could not take it now (a throttled function): tried again after a delay that grows
    /// from 1 second to 5 minutes, without spending one of the policy's retries, for as long as the
    /// policy's maximum event age allows.
    case postpone(reason: String)
}
