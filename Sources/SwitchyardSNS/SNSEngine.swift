import SwitchyardCore
import SwitchyardDelivery

/// SNS state: topics by account, region and name. Only this actor touches it; every change is
/// submitted to the store, and callers wait for its ticket before answering.
public actor SNSEngine {
    let store: any SNSStore
    nonisolated let deliveries: DeliveryEngine
    nonisolated let signer: NotificationSigner
    let clock: any ServiceClock
    /// FIFO topics: deduplication records for 5 minutes (stored, so a restart keeps them) and the
    /// last sequence number.
    var deduplication: [TopicKey: [String: TopicDeduplication]] = [:]
    var lastDeduplicationPrune: Int64 = 0
    var lastSequenceNumber: [TopicKey: Int64] = [:]
    var topics: [TopicKey: TopicRecord] = [:]
    var subscriptions: [String: SubscriptionRecord] = [:]
    var smsSettings: [String: SMSSettings] = [:]
    var applications: [String: PlatformApplicationRecord] = [:]
    var endpoints: [String: PlatformEndpointRecord] = [:]
    /// Messages captured for email, SMS and mobile push, oldest first.
    var outbox: [OutboxEntry] = []
    /// Compiled filter policies by subscription ARN.
    var filters: [String: FilterPolicy] = [:]
    /// Parsed data protection policies by their text (topics that share a policy share the entry).
    var protectionPolicies: [String: DataProtectionPolicy] = [:]
    var nextSeq: Int64 = 1

    /// How many captured messages the outbox keeps unless told otherwise.
    public static let defaultOutboxLimit = 10_000
    /// How many captured messages the outbox keeps (the newest).
    let outboxLimit: Int

    /// - Parameter outboxLimit: how many captured messages the outbox keeps (the newest).
    public init(
        store: any SNSStore, deliveries: DeliveryEngine, signer: NotificationSigner,
        clock: any ServiceClock = SystemClock(), outboxLimit: Int = SNSEngine.defaultOutboxLimit
    ) throws {
        self.store = store
        self.deliveries = deliveries
        self.signer = signer
        self.clock = clock
        self.outboxLimit = max(1, outboxLimit)
        let loaded = try Self.load(store, now: clock.nowMillis())
        topics = loaded.topics
        subscriptions = loaded.subscriptions
        filters = loaded.filters
        outbox = Self.kept(loaded.outbox, limit: outboxLimit)
        deduplication = loaded.deduplication
        smsSettings = loaded.smsSettings
        applications = loaded.applications
        endpoints = loaded.endpoints
        nextSeq = loaded.nextSeq
        store.lineage?.onBroken { [weak self] in try await self?.reloadAfterFailedWrite() }
    }

    /// Everything SNS keeps, as storage holds it.
    struct Loaded {
        var topics: [TopicKey: TopicRecord] = [:]
        var subscriptions: [String: SubscriptionRecord] = [:]
        var filters: [String: FilterPolicy] = [:]
        var outbox: [OutboxEntry] = []
        var deduplication: [TopicKey: [String: TopicDeduplication]] = [:]
        var smsSettings: [String: SMSSettings] = [:]
        var applications: [String: PlatformApplicationRecord] = [:]
        var endpoints: [String: PlatformEndpointRecord] = [:]
        var nextSeq: Int64 = 1
    }

    static func load(_ store: any SNSStore, now: Int64) throws -> Loaded {
        var loaded = Loaded()
        for record in try store.loadTopics() {
            loaded.topics[record.key] = record
            loaded.nextSeq = max(loaded.nextSeq, record.createdSeq + 1)
        }
        loaded.outbox = try store.loadOutbox()
        for (topicArn, key, record) in try store.loadTopicDeduplication(after: now) {
            guard let topic = TopicKey(arn: topicArn) else { continue }
            loaded.deduplication[topic, default: [:]][key] = record
        }
        loaded.smsSettings = try store.loadSMSSettings()
        let (applications, endpoints) = try store.loadPlatforms()
        for record in applications {
            loaded.applications[record.arn] = record
            loaded.nextSeq = max(loaded.nextSeq, record.createdSeq + 1)
        }
        for record in endpoints {
            loaded.endpoints[record.arn] = record
            loaded.nextSeq = max(loaded.nextSeq, record.createdSeq + 1)
        }
        loaded.nextSeq = max(loaded.nextSeq, (loaded.outbox.last?.id ?? 0) + 1)
        for record in try store.loadSubscriptions() {
            loaded.subscriptions[record.arn] = record
            loaded.filters[record.arn] = try? SubscriptionAttributes.filterPolicy(record.attributes)
            loaded.nextSeq = max(loaded.nextSeq, record.createdSeq + 1)
        }
        return loaded
    }

    /// A write failed to commit, so memory is ahead of storage: replaces topics, subscriptions,
    /// platforms, settings and the outbox with what storage holds.
    func reloadAfterFailedWrite() throws {
        guard let lineage = store.lineage, lineage.isBroken else { return }
        let loaded = try Self.load(store, now: clock.nowMillis())
        topics = loaded.topics
        subscriptions = loaded.subscriptions
        filters = loaded.filters
        outbox = Self.kept(loaded.outbox, limit: outboxLimit)
        deduplication = loaded.deduplication
        smsSettings = loaded.smsSettings
        applications = loaded.applications
        endpoints = loaded.endpoints
        nextSeq = max(nextSeq, loaded.nextSeq)
        lineage.recovered()
    }

    /// Creates a topic, or returns the existing one when its attributes and tags are the same.
    public func createTopic(_ key: TopicKey, attributes: [String: String], tags: [String: String]) throws
        -> CommitTicket
    {
        try TopicNames.validate(key.name, fifoAttribute: attributes["FifoTopic"])
        for (name, value) in attributes {
            try TopicAttributes.validate(name: name, value: value, fifo: key.isFIFO, creating: true)
        }
        try TopicTags.validate(tags)
        var attributes = attributes
        for (name, value) in attributes { attributes[name] = TopicAttributes.stored(name: name, value: value) }
        if let existing = topics[key] {
            let requested = attributes.filter { $0.key != "FifoTopic" }
            for (name, value) in requested where existing.attributes[name] != value {
                throw SNSErrors.invalidParameter("Attributes Reason: Topic already exists with different attributes")
            }
            // Tags already on the topic may be named again, or left out; new or changed ones may not.
            for (name, value) in tags where existing.tags[name] != value {
                throw SNSErrors.invalidParameter("Tags Reason: Topic already exists with different tags")
            }
            return .alreadyCommitted
        }
        let record = TopicRecord(
            key: key, attributes: attributes.filter { $0.key != "FifoTopic" }, tags: tags, createdSeq: nextSeq)
        nextSeq += 1
        topics[key] = record
        return store.submit([.putTopic(record)])
    }

    /// Deletes a topic and its subscriptions; deleting one that does not exist succeeds, as in AWS.
    public func deleteTopic(_ key: TopicKey) -> CommitTicket {
        guard topics.removeValue(forKey: key) != nil else { return .alreadyCommitted }
        lastSequenceNumber[key] = nil
        var changes: [SNSChange] = [.deleteTopic(key)]
        for (arn, subscription) in subscriptions where subscription.topic == key {
            subscriptions[arn] = nil
            filters[arn] = nil
            changes.append(.deleteSubscription(arn: arn))
        }
        return store.submit(changes)
    }

    /// The account's topics in the region, in creation order.
    public func topicKeys(account: String, region: String) -> [TopicKey] {
        topics.values.filter { $0.key.account == account && $0.key.region == region }
            .sorted { $0.createdSeq < $1.createdSeq }.map { $0.key }
    }

    public func attributes(of key: TopicKey) throws -> [String: String] {
        guard let record = topics[key] else { throw SNSErrors.topicNotFound() }
        var attributes = TopicAttributes.effective(record)
        let ofTopic = subscriptions.values.filter { $0.topic == key }
        attributes["SubscriptionsConfirmed"] = String(ofTopic.filter { $0.confirmed }.count)
        attributes["SubscriptionsPending"] = String(ofTopic.filter { !$0.confirmed }.count)
        attributes["SubscriptionsDeleted"] = String(record.deletedSubscriptions ?? 0)
        return attributes
    }

    /// The topic's record, for publishing.
    public func topic(_ key: TopicKey) throws -> TopicRecord {
        guard let record = topics[key] else { throw SNSErrors.topicNotFound() }
        return record
    }

    public func setAttribute(_ key: TopicKey, name: String, value: String?) throws -> CommitTicket {
        guard var record = topics[key] else { throw SNSErrors.topicNotFound() }
        try TopicAttributes.validate(name: name, value: value ?? "", fifo: key.isFIFO, creating: false)
        record.attributes[name] = value.flatMap { TopicAttributes.stored(name: name, value: $0) }
        topics[key] = record
        return store.submit([.putTopic(record)])
    }

    /// Rewrites the topic's Policy (AddPermission, RemovePermission).
    public func updatePolicy(_ key: TopicKey, _ change: (String) throws -> String) throws -> CommitTicket {
        guard var record = topics[key] else { throw SNSErrors.topicNotFound() }
        let current = record.attributes["Policy"] ?? TopicAttributes.defaultPolicy(key)
        record.attributes["Policy"] = try change(current)
        topics[key] = record
        return store.submit([.putTopic(record)])
    }

    public func tags(of key: TopicKey) throws -> [String: String] {
        guard let record = topics[key] else { throw SNSErrors.resourceNotFound() }
        return record.tags
    }

    public func tag(_ key: TopicKey, adding tags: [String: String]) throws -> CommitTicket {
        guard var record = topics[key] else { throw SNSErrors.resourceNotFound() }
        record.tags.merge(tags) { _, new in new }
        try TopicTags.validate(record.tags)
        topics[key] = record
        return store.submit([.putTopic(record)])
    }

    public func untag(_ key: TopicKey, removing names: [String]) throws -> CommitTicket {
        guard var record = topics[key] else { throw SNSErrors.resourceNotFound() }
        for name in names { record.tags[name] = nil }
        topics[key] = record
        return store.submit([.putTopic(record)])
    }

    /// Forgets everything (the reset endpoint).
    public func reset() -> CommitTicket {
        topics.removeAll()
        subscriptions.removeAll()
        outbox.removeAll()
        smsSettings.removeAll()
        applications.removeAll()
        endpoints.removeAll()
        filters.removeAll()
        deduplication.removeAll()
        lastSequenceNumber.removeAll()
        return store.wipe()
    }

    public var topicCount: Int { topics.count }
}
