/// A subscription as SNS keeps it.
public struct SubscriptionRecord: Sendable, Codable, Equatable {
    public var arn: String
    public var topic: TopicKey
    public var `protocol`: String
    public var endpoint: String
    /// Attributes the owner set (RawMessageDelivery, RedrivePolicy, ...); defaults are not stored.
    public var attributes: [String: String]
    public var confirmed: Bool
    /// The token of the confirmation request that an HTTP, HTTPS or email endpoint must answer.
    public var token: String?
    /// Creation order, for listings.
    public var createdSeq: Int64

    public init(
        arn: String, topic: TopicKey, protocol: String, endpoint: String, attributes: [String: String],
        confirmed: Bool, token: String? = nil, createdSeq: Int64
    ) {
        self.arn = arn
        self.topic = topic
        self.protocol = `protocol`
        self.endpoint = endpoint
        self.attributes = attributes
        self.confirmed = confirmed
        self.token = token
        self.createdSeq = createdSeq
    }

    public var rawMessageDelivery: Bool { attributes["RawMessageDelivery"]?.lowercased() == "true" }

    /// The dead-letter queue of the RedrivePolicy attribute, if any.
    public var deadLetterTargetArn: String? {
        guard let policy = attributes["RedrivePolicy"] else { return nil }
        return SubscriptionAttributes.deadLetterTargetArn(policy)
    }
}
