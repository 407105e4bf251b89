/// What is stored about a topic: the attributes its owner set, its tags, and when it was made.
public struct TopicRecord: Sendable, Codable, Equatable {
    public var key: TopicKey
    /// Attributes as set through CreateTopic and SetTopicAttributes; defaults are not stored.
    public var attributes: [String: String]
    public var tags: [String: String]
    /// Creation order, for ListTopics.
    public var createdSeq: Int64
    /// How many of the topic's subscriptions were deleted (the SubscriptionsDeleted attribute); nil in
    /// records stored before it was counted.
    public var deletedSubscriptions: Int?

    public init(key: TopicKey, attributes: [String: String], tags: [String: String], createdSeq: Int64) {
        self.key = key
        self.attributes = attributes
        self.tags = tags
        self.createdSeq = createdSeq
    }
}
