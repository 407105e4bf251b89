import Crypto
import Foundation
import SwitchyardCore
import SwitchyardDelivery
import SwitchyardWire

/// SNS state: topics by account, region and name. Only this actor touches it; every change is
/// submitted to the store, and callers wait for its ticket before answering.
public actor SNSEngine {
    private let store: any SNSStore
    nonisolated let deliveries: DeliveryEngine
    nonisolated let signer: NotificationSigner
    private let clock: any ServiceClock
    /// FIFO topics: deduplication records for 5 minutes (stored, so a restart keeps them) and the
    /// last sequence number.
    private var deduplication: [TopicKey: [String: TopicDeduplication]] = [:]
    private var lastDeduplicationPrune: Int64 = 0
    private var lastSequenceNumber: [TopicKey: Int64] = [:]
    private var topics: [TopicKey: TopicRecord] = [:]
    private var subscriptions: [String: SubscriptionRecord] = [:]
    private var smsSettings: [String: SMSSettings] = [:]
    private var applications: [String: PlatformApplicationRecord] = [:]
    private var endpoints: [String: PlatformEndpointRecord] = [:]
    /// Messages captured for email, SMS and mobile push, oldest first.
    private var outbox: [OutboxEntry] = []
    /// Compiled filter policies by subscription ARN.
    private var filters: [String: FilterPolicy] = [:]
    /// Parsed data protection policies by their text (topics that share a policy share the entry).
    private var protectionPolicies: [String: DataProtectionPolicy] = [:]
    private var nextSeq: Int64 = 1

    public init(
        store: any SNSStore, deliveries: DeliveryEngine, signer: NotificationSigner,
        clock: any ServiceClock = SystemClock()
    ) throws {
        self.store = store
        self.deliveries = deliveries
        self.signer = signer
        self.clock = clock
        for record in try store.loadTopics() {
            topics[record.key] = record
            nextSeq = max(nextSeq, record.createdSeq + 1)
        }
        outbox = try store.loadOutbox()
        for (topicArn, key, record) in try store.loadTopicDeduplication(after: clock.nowMillis()) {
            guard let topic = TopicKey(arn: topicArn) else { continue }
            deduplication[topic, default: [:]][key] = record
        }
        smsSettings = try store.loadSMSSettings()
        let (loadedApplications, loadedEndpoints) = try store.loadPlatforms()
        for record in loadedApplications {
            applications[record.arn] = record
            nextSeq = max(nextSeq, record.createdSeq + 1)
        }
        for record in loadedEndpoints {
            endpoints[record.arn] = record
            nextSeq = max(nextSeq, record.createdSeq + 1)
        }
        nextSeq = max(nextSeq, (outbox.last?.id ?? 0) + 1)
        for record in try store.loadSubscriptions() {
            subscriptions[record.arn] = record
            filters[record.arn] = try? SubscriptionAttributes.filterPolicy(record.attributes)
            nextSeq = max(nextSeq, record.createdSeq + 1)
        }
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
        if let existing = topics[key] {
            let requested = attributes.filter { $0.key != "FifoTopic" }
            for (name, value) in requested where existing.attributes[name] != value {
                throw SNSErrors.invalidParameter("Attributes Reason: Topic already exists with different attributes")
            }
            if !tags.isEmpty, tags != existing.tags {
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

    // MARK: Subscriptions

    /// Subscribes an endpoint; the same topic, protocol and endpoint give back the same subscription.
    /// Queue, function and stream subscriptions are confirmed at once.
    public func subscribe(
        _ topic: TopicKey, protocol: String, endpoint: String, attributes: [String: String], newArn: String,
        baseURL: String
    ) async throws -> (SubscriptionRecord, CommitTicket) {
        guard topics[topic] != nil else { throw SNSErrors.topicNotFound() }
        try SubscriptionAttributes.validateEndpoint(protocol: `protocol`, endpoint: endpoint, fifoTopic: topic.isFIFO)
        let filter = try SubscriptionAttributes.validate(attributes, protocol: `protocol`)
        if let existing = subscriptions.values.first(where: {
            $0.topic == topic && $0.protocol == `protocol` && $0.endpoint == endpoint
        }) {
            for (name, value) in attributes where existing.attributes[name] != value {
                throw SNSErrors.invalidParameter(
                    "Attributes Reason: Subscription already exists with different attributes")
            }
            return (existing, .alreadyCommitted)
        }
        let confirmsByHTTP = `protocol` == "http" || `protocol` == "https"
        let confirmsByEmail = `protocol` == "email" || `protocol` == "email-json"
        if `protocol` == "application", endpoints[endpoint] == nil {
            throw SNSErrors.invalidParameter("Endpoint Reason: The endpoint \(endpoint) does not exist")
        }
        let record = SubscriptionRecord(
            arn: newArn, topic: topic, protocol: `protocol`, endpoint: endpoint, attributes: attributes,
            confirmed: !(confirmsByHTTP || confirmsByEmail),
            token: confirmsByHTTP || confirmsByEmail ? SubscriptionMessages.makeToken() : nil, createdSeq: nextSeq)
        nextSeq += 1
        subscriptions[record.arn] = record
        filters[record.arn] = filter
        let stored = store.submit([.putSubscription(record)])
        if confirmsByEmail {
            // The confirmation "email" lands in the outbox, with the link that confirms.
            let link =
                "\(baseURL)/?Action=ConfirmSubscription&TopicArn=\(topic.arn)&Token=\(record.token ?? "")"
            let body =
                "You have chosen to subscribe to the topic:\n\(topic.arn)\n\nTo confirm this subscription, click or visit the link below (If this was in error no action is necessary):\n\(link)"
            return (
                record,
                capture(
                    kind: `protocol`, address: endpoint, subject: "AWS Notification - Subscription Confirmation",
                    body: body, subscriptionArn: record.arn, topicArn: topic.arn)
            )
        }
        guard confirmsByHTTP else { return (record, stored) }
        // The endpoint is asked to confirm; the request is a delivery like any other, retried likewise.
        let request = try SubscriptionMessages.confirmation(
            record, type: "SubscriptionConfirmation", signer: signer, baseURL: baseURL,
            signatureVersion: topics[topic]?.attributes["SignatureVersion"] ?? "1",
            now: Date(timeIntervalSince1970: Double(clock.nowMillis()) / 1000))
        return (record, await deliveries.enqueue([request]))
    }

    /// Confirms a pending subscription with the token its endpoint was sent.
    public func confirmSubscription(_ topic: TopicKey, token: String) throws -> (SubscriptionRecord, CommitTicket) {
        guard topics[topic] != nil else { throw SNSErrors.topicNotFound() }
        guard var record = subscriptions.values.first(where: { $0.topic == topic && $0.token == token }) else {
            throw SNSErrors.invalidParameter("Token")
        }
        if record.confirmed { return (record, .alreadyCommitted) }
        record.confirmed = true
        subscriptions[record.arn] = record
        return (record, store.submit([.putSubscription(record)]))
    }

    /// Removes a subscription (one that does not exist is already gone); an HTTP endpoint is told
    /// with an UnsubscribeConfirmation.
    public func unsubscribe(_ arn: String, baseURL: String) async -> CommitTicket {
        guard let record = subscriptions.removeValue(forKey: arn) else { return .alreadyCommitted }
        filters[arn] = nil
        var changes: [SNSChange] = [.deleteSubscription(arn: arn)]
        if var topic = topics[record.topic] {
            topic.deletedSubscriptions = (topic.deletedSubscriptions ?? 0) + 1
            topics[record.topic] = topic
            changes.append(.putTopic(topic))
        }
        let ticket = store.submit(changes)
        guard record.protocol == "http" || record.protocol == "https",
            let request = try? SubscriptionMessages.confirmation(
                record, type: "UnsubscribeConfirmation", signer: signer, baseURL: baseURL,
                signatureVersion: topics[record.topic]?.attributes["SignatureVersion"] ?? "1",
                now: Date(timeIntervalSince1970: Double(clock.nowMillis()) / 1000))
        else { return ticket }
        return await deliveries.enqueue([request])
    }

    public func subscription(_ arn: String) throws -> SubscriptionRecord {
        guard let record = subscriptions[arn] else { throw SNSErrors.subscriptionNotFound() }
        return record
    }

    public func setSubscriptionAttribute(_ arn: String, name: String, value: String?) throws -> CommitTicket {
        guard var record = subscriptions[arn] else { throw SNSErrors.subscriptionNotFound() }
        try SubscriptionAttributes.validate(name: name, value: value ?? "", protocol: record.protocol)
        record.attributes[name] = value
        filters[arn] = try SubscriptionAttributes.filterPolicy(record.attributes)
        subscriptions[arn] = record
        return store.submit([.putSubscription(record)])
    }

    /// Subscriptions in creation order: of one topic, or of every topic of an account and region.
    public func subscriptions(topic: TopicKey? = nil, account: String, region: String) -> [SubscriptionRecord] {
        subscriptions.values.filter { record in
            topic.map { record.topic == $0 } ?? (record.topic.account == account && record.topic.region == region)
        }.sorted { $0.createdSeq < $1.createdSeq }
    }

    public func setAttribute(_ key: TopicKey, name: String, value: String?) throws -> CommitTicket {
        guard var record = topics[key] else { throw SNSErrors.topicNotFound() }
        try TopicAttributes.validate(name: name, value: value ?? "", fifo: key.isFIFO, creating: false)
        record.attributes[name] = value
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

    // MARK: Publishing

    /// Publishes a message: validates it against the topic and finds the subscriptions it reaches
    /// (after their filter policies). FIFO topics deduplicate within 5 minutes, number their messages
    /// and hand their deliveries to the delivery engine here, in sequence order; a standard topic's
    /// deliveries are returned as a plan that `deliver(_:)` makes outside this actor, so that
    /// signing envelopes runs in parallel. Either way the publisher is answered once every delivery
    /// is durable.
    public func publish(_ key: TopicKey, _ draft: PublishDraft, baseURL: String) async throws -> PublishOutcome {
        guard let topic = topics[key] else { throw SNSErrors.topicNotFound() }
        let rules = PublishRules.Draft(
            message: draft.message, subject: draft.subject, messageStructure: draft.messageStructure,
            attributes: draft.attributes, messageGroupId: draft.messageGroupId,
            messageDeduplicationId: draft.messageDeduplicationId)
        var (message, perProtocol) = try PublishRules.validate(rules)
        let protection = topic.attributes["DataProtectionPolicy"].flatMap(dataProtectionPolicy)
        if let protection, !protection.isEmpty(.inbound) {
            message = try Self.inbound(message, protection, account: draft.publisherAccount)
            perProtocol = try perProtocol.mapValues {
                try Self.inbound($0, protection, account: draft.publisherAccount)
            }
        }
        let now = clock.nowMillis()
        var deduplicationId: String?
        var sequenceNumber: String?
        if key.isFIFO {
            guard let group = draft.messageGroupId, !group.isEmpty else {
                throw SNSErrors.invalidParameter("The MessageGroupId parameter is required for FIFO topics")
            }
            if let explicit = draft.messageDeduplicationId {
                deduplicationId = explicit
            } else if topic.attributes["ContentBasedDeduplication"] == "true" {
                deduplicationId = Hex.encode(SHA256.hash(data: Data(draft.message.utf8)))
            } else {
                throw SNSErrors.invalidParameter(
                    "The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly"
                )
            }
            pruneDeduplication(now: now)
            if let deduplicationId, let previous = deduplication[key]?[deduplicationId], previous.expiresAt > now {
                return PublishOutcome(
                    messageId: previous.messageId, sequenceNumber: previous.sequenceNumber, ticket: .alreadyCommitted,
                    plan: nil)
            }
            let next = max((lastSequenceNumber[key] ?? 0) + 1, now * 1_000_000)
            lastSequenceNumber[key] = next
            let digits = String(next)
            sequenceNumber = String(repeating: "0", count: max(0, 20 - digits.count)) + digits
        } else if draft.messageDeduplicationId != nil {
            throw SNSErrors.invalidParameter(
                "MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for this topic type"
            )
        }
        let notification = Notification(
            messageId: RandomUUID.make(), topic: key, subject: draft.subject, message: message,
            perProtocol: perProtocol, attributes: draft.attributes,
            timestamp: Date(timeIntervalSince1970: Double(now) / 1000),
            messageGroupId: draft.messageGroupId, messageDeduplicationId: deduplicationId,
            sequenceNumber: sequenceNumber)
        var remembered: (String, TopicDeduplication)?
        if let deduplicationId, let sequenceNumber {
            let record = TopicDeduplication(
                messageId: notification.messageId, sequenceNumber: sequenceNumber, expiresAt: now + 300_000)
            deduplication[key, default: [:]][deduplicationId] = record
            remembered = (deduplicationId, record)
        }
        var reached = subscriptions(topic: key, account: key.account, region: key.region).filter { subscription in
            guard subscription.confirmed else { return false }
            guard let filter = filters[subscription.arn] else { return true }
            return filter.matches(
                attributes: notification.attributes, body: notification.message(for: subscription.protocol))
        }
        var protectedMessages: [String: String] = [:]
        if let protection, !protection.isEmpty(.outbound) {
            // Outbound statements act per subscription: a denied one gets nothing, a de-identified one
            // its own copy of the message.
            reached = reached.filter { subscription in
                let message = notification.message(for: subscription.protocol)
                switch protection.apply(.outbound, to: message, account: subscription.topic.account) {
                case .denied:
                    return false
                case .allowed(let text):
                    if text != message { protectedMessages[subscription.arn] = text }
                    return true
                }
            }
        }
        let plan = DeliveryPlan(
            notification: notification, subscriptions: reached, protectedMessages: protectedMessages,
            signatureVersion: topic.attributes["SignatureVersion"] ?? "1",
            topicDeliveryPolicy: topic.attributes["DeliveryPolicy"], baseURL: baseURL)
        guard key.isFIFO else {
            return PublishOutcome(messageId: notification.messageId, sequenceNumber: nil, ticket: nil, plan: plan)
        }
        var ticket = await deliveries.enqueue(try plan.requests(signer: signer))
        if let (deduplicationKey, record) = remembered {
            // Submitted after the deliveries, so its commit covers theirs: one ticket for both.
            ticket = store.submit([.putTopicDeduplication(topicArn: key.arn, key: deduplicationKey, record)])
        }
        return PublishOutcome(
            messageId: notification.messageId, sequenceNumber: sequenceNumber, ticket: ticket, plan: nil)
    }

    /// The parsed data protection policy of this text, if it is one.
    private func dataProtectionPolicy(_ text: String) -> DataProtectionPolicy? {
        if let known = protectionPolicies[text] { return known }
        guard let parsed = try? DataProtectionPolicy.parse(text) else { return nil }
        if protectionPolicies.count >= 64 { protectionPolicies.removeAll() }
        protectionPolicies[text] = parsed
        return parsed
    }

    /// A published message after the topic's inbound data protection statements.
    private static func inbound(_ message: String, _ policy: DataProtectionPolicy, account: String) throws -> String {
        switch policy.apply(.inbound, to: message, account: account) {
        case .allowed(let text): return text
        case .denied:
            throw AWSError(
                "AuthorizationError", "The message was denied by the topic's data protection policy", httpStatus: 403)
        }
    }

    /// Drops expired deduplication records, at most once a second, here and in storage.
    private func pruneDeduplication(now: Int64) {
        guard now - lastDeduplicationPrune >= 1000 else { return }
        lastDeduplicationPrune = now
        for (topic, records) in deduplication {
            let kept = records.filter { $0.value.expiresAt > now }
            deduplication[topic] = kept.isEmpty ? nil : kept
        }
        _ = store.submit([.pruneTopicDeduplication(before: now)])
    }

    /// Makes a standard topic's publish plan: builds (and signs) its deliveries on the caller's task
    /// and hands them to the delivery engine.
    public nonisolated func deliver(_ plan: DeliveryPlan) async throws -> CommitTicket {
        await deliveries.enqueue(try plan.requests(signer: signer))
    }

    // MARK: Mobile push

    public func createPlatformApplication(
        name: String, platform: String, attributes: [String: String], account: String, region: String
    ) throws -> (PlatformApplicationRecord, CommitTicket) {
        try Platforms.validateApplication(name: name, platform: platform, attributes: attributes)
        let arn = "arn:aws:sns:\(region):\(account):app/\(platform)/\(name)"
        if var existing = applications[arn] {
            existing.attributes.merge(attributes) { _, new in new }
            applications[arn] = existing
            return (existing, store.submit([.putPlatformApplication(existing)]))
        }
        let record = PlatformApplicationRecord(
            arn: arn, account: account, region: region, platform: platform, attributes: attributes,
            createdSeq: nextSeq)
        nextSeq += 1
        applications[arn] = record
        return (record, store.submit([.putPlatformApplication(record)]))
    }

    public func platformApplication(_ arn: String) throws -> PlatformApplicationRecord {
        guard let record = applications[arn] else {
            throw AWSError("NotFound", "PlatformApplication does not exist", httpStatus: 404)
        }
        return record
    }

    public func setPlatformApplicationAttributes(_ arn: String, _ attributes: [String: String]) throws
        -> CommitTicket
    {
        var record = try platformApplication(arn)
        record.attributes.merge(attributes) { _, new in new }
        applications[arn] = record
        return store.submit([.putPlatformApplication(record)])
    }

    /// Deletes an application and its endpoints; one that does not exist is already gone.
    public func deletePlatformApplication(_ arn: String) -> CommitTicket {
        guard applications.removeValue(forKey: arn) != nil else { return .alreadyCommitted }
        var changes: [SNSChange] = [.deletePlatformApplication(arn: arn)]
        for (endpointArn, endpoint) in endpoints where endpoint.applicationArn == arn {
            endpoints[endpointArn] = nil
            changes.append(.deletePlatformEndpoint(arn: endpointArn))
        }
        return store.submit(changes)
    }

    public func platformApplications(account: String, region: String) -> [PlatformApplicationRecord] {
        applications.values.filter { $0.account == account && $0.region == region }.sorted {
            $0.createdSeq < $1.createdSeq
        }
    }

    /// Creates a device endpoint; the same token gives back the same endpoint (unless its attributes differ).
    public func createPlatformEndpoint(
        application arn: String, token: String, customUserData: String?, attributes: [String: String]
    ) throws -> (PlatformEndpointRecord, CommitTicket) {
        let application = try platformApplication(arn)
        guard !token.isEmpty else { throw SNSErrors.invalidParameter("Token Reason: cannot be empty") }
        var wanted = attributes
        wanted["Token"] = token
        if let customUserData { wanted["CustomUserData"] = customUserData }
        if let existing = endpoints.values.first(where: {
            $0.applicationArn == arn && $0.attributes["Token"] == token
        }) {
            for (name, value) in wanted where existing.attributes[name] != value {
                throw SNSErrors.invalidParameter(
                    "Token Reason: Endpoint \(existing.arn) already exists with the same Token, but different attributes."
                )
            }
            return (existing, .alreadyCommitted)
        }
        if wanted["Enabled"] == nil { wanted["Enabled"] = "true" }
        let name = arn.split(separator: "/").last.map(String.init) ?? "app"
        let endpointArn =
            "arn:aws:sns:\(application.region):\(application.account):endpoint/\(application.platform)/\(name)/\(RandomUUID.make())"
        let record = PlatformEndpointRecord(
            arn: endpointArn, applicationArn: arn, attributes: wanted, createdSeq: nextSeq)
        nextSeq += 1
        endpoints[endpointArn] = record
        return (record, store.submit([.putPlatformEndpoint(record)]))
    }

    public func platformEndpoint(_ arn: String) throws -> PlatformEndpointRecord {
        guard let record = endpoints[arn] else {
            throw AWSError("NotFound", "Endpoint does not exist", httpStatus: 404)
        }
        return record
    }

    public func setEndpointAttributes(_ arn: String, _ attributes: [String: String]) throws -> CommitTicket {
        var record = try platformEndpoint(arn)
        for (name, value) in attributes {
            guard ["Token", "Enabled", "CustomUserData"].contains(name) else {
                throw SNSErrors.invalidParameter("Attributes Reason: \(name) is not a valid attribute")
            }
            if name == "Enabled", !["true", "false"].contains(value.lowercased()) {
                throw SNSErrors.invalidParameter("Attributes Reason: Enabled must be true or false")
            }
            record.attributes[name] = value
        }
        endpoints[arn] = record
        return store.submit([.putPlatformEndpoint(record)])
    }

    public func deletePlatformEndpoint(_ arn: String) -> CommitTicket {
        guard endpoints.removeValue(forKey: arn) != nil else { return .alreadyCommitted }
        return store.submit([.deletePlatformEndpoint(arn: arn)])
    }

    public func platformEndpoints(of application: String) throws -> [PlatformEndpointRecord] {
        _ = try platformApplication(application)
        return endpoints.values.filter { $0.applicationArn == application }.sorted { $0.createdSeq < $1.createdSeq }
    }

    /// Publishes straight to a device endpoint: the payload for its platform goes to the outbox.
    public func publishToEndpoint(_ arn: String, _ draft: PublishDraft) throws -> (String, CommitTicket) {
        let endpoint = try platformEndpoint(arn)
        guard endpoint.enabled else { throw AWSError("EndpointDisabled", "Endpoint is disabled") }
        let rules = PublishRules.Draft(
            message: draft.message, subject: draft.subject, messageStructure: draft.messageStructure,
            attributes: draft.attributes, messageGroupId: nil, messageDeduplicationId: nil)
        let (message, perProtocol) = try PublishRules.validate(rules)
        let platform = applications[endpoint.applicationArn]?.platform ?? ""
        let payload = perProtocol[platform] ?? message
        let ticket = capture(
            kind: "application", address: arn, subject: draft.subject, body: payload, subscriptionArn: nil,
            topicArn: nil)
        return (RandomUUID.make(), ticket)
    }

    // MARK: SMS

    /// Reads or changes an account's SMS settings in a region.
    public func withSMSSettings<T: Sendable>(
        account: String, region: String, _ body: (inout SMSSettings) throws -> T
    ) throws -> (T, CommitTicket) {
        let key = "\(account)/\(region)"
        var settings = smsSettings[key] ?? SMSSettings()
        let before = settings
        let result = try body(&settings)
        guard settings != before else { return (result, .alreadyCommitted) }
        smsSettings[key] = settings
        return (result, store.submit([.putSMSSettings(key: key, settings)]))
    }

    /// A new sandbox destination number: its one-time password is "texted" to it, into the outbox.
    public func addSandboxNumber(_ number: String, account: String, region: String) throws -> CommitTicket {
        let password = String(RandomUUID.makeBits().high % 1_000_000).leftPadded(to: 6)
        let seq = nextSeq
        nextSeq += 1
        let (_, stored) = try withSMSSettings(account: account, region: region) { settings in
            guard settings.sandboxNumbers[number] == nil else {
                throw SNSErrors.invalidParameter("PhoneNumber Reason: \(number) is already in the sandbox")
            }
            settings.sandboxNumbers[number] = SMSSettings.SandboxNumber(
                status: "Pending", oneTimePassword: password, createdSeq: seq)
        }
        _ = stored
        return capture(
            kind: "sms", address: number, subject: nil,
            body: "Your Amazon SNS verification code is: \(password)", subscriptionArn: nil, topicArn: nil)
    }

    // MARK: Outbox

    /// Keeps a message that would have left the machine (email, SMS, mobile push).
    public func capture(
        kind: String, address: String, subject: String?, body: String, subscriptionArn: String?, topicArn: String?
    ) -> CommitTicket {
        let entry = OutboxEntry(
            id: nextSeq, kind: kind, address: address, subject: subject, body: body,
            subscriptionArn: subscriptionArn, topicArn: topicArn, at: clock.nowMillis())
        nextSeq += 1
        outbox.append(entry)
        return store.submit([.putOutbox(entry)])
    }

    /// Captured messages, oldest first, optionally only of one kind, address or topic.
    public func capturedMessages(kind: String? = nil, address: String? = nil, topicArn: String? = nil)
        -> [OutboxEntry]
    {
        outbox.filter { entry in
            (kind.map { entry.kind == $0 } ?? true) && (address.map { entry.address == $0 } ?? true)
                && (topicArn.map { entry.topicArn == $0 } ?? true)
        }
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

/// Topic name rules: 1 to 256 ASCII letters, digits, hyphens and underscores; FIFO topics end in
/// `.fifo` and are created with FifoTopic=true.
enum TopicNames {
    static func validate(_ name: String, fifoAttribute: String?) throws {
        let fifo = fifoAttribute == "true"
        let base = name.hasSuffix(".fifo") ? String(name.dropLast(5)) : name
        let wellFormed = NameCharacters.isWord(base, maxLength: 256) && name.utf8.count <= 256
        if fifo {
            guard wellFormed, name.hasSuffix(".fifo") else {
                throw SNSErrors.invalidParameter(
                    "Fifo Topic names must end with .fifo and must be made up of only uppercase and lowercase ASCII letters, numbers, underscores, and hyphens, and must be between 1 and 256 characters long."
                )
            }
        } else if !wellFormed || name.hasSuffix(".fifo") {
            throw SNSErrors.invalidParameter("Topic Name")
        }
    }
}

/// Tag rules: at most 50 per topic (key and value lengths are checked by the model).
enum TopicTags {
    static func validate(_ tags: [String: String]) throws {
        if tags.count > 50 { throw SNSErrors.tagLimitExceeded() }
    }
}
