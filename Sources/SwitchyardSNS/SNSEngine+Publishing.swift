import Crypto
import Foundation
import SwitchyardCore
import SwitchyardWire

// Publishing to topics: validation, FIFO deduplication and sequence numbers, filter policies, data
// protection, and the hand-over of deliveries to the delivery engine.
extension SNSEngine {
    /// Publishes a message: validates it against the topic and finds the subscriptions it reaches
    /// (after their filter policies). FIFO topics deduplicate within 5 minutes, number their messages
    /// and hand their deliveries to the delivery engine here, in sequence order; a standard topic's
    /// deliveries are returned as a plan that `deliver(_:)` makes outside this actor, so that
    /// signing envelopes runs in parallel. Either way the publisher is answered once every delivery
    /// is durable.
    /// Checks a message as Publish would, without publishing it (PublishBatch checks every entry
    /// before it publishes any).
    public func checkPublishable(_ key: TopicKey, _ draft: PublishDraft) throws {
        guard let topic = topics[key] else { throw SNSErrors.topicNotFound() }
        _ = try PublishRules.validate(
            PublishRules.Draft(
                message: draft.message, subject: draft.subject, messageStructure: draft.messageStructure,
                attributes: draft.attributes, messageGroupId: draft.messageGroupId,
                messageDeduplicationId: draft.messageDeduplicationId))
        if key.isFIFO {
            guard let group = draft.messageGroupId, !group.isEmpty else {
                throw SNSErrors.invalidParameter("The MessageGroupId parameter is required for FIFO topics")
            }
            guard draft.messageDeduplicationId != nil || topic.attributes["ContentBasedDeduplication"] == "true" else {
                throw SNSErrors.invalidParameter(
                    "The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly"
                )
            }
        } else if draft.messageDeduplicationId != nil {
            throw SNSErrors.invalidParameter(
                "MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for this topic type"
            )
        }
    }

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
            // Half a million past the millisecond: SQS numbers its messages from the millisecond up, so
            // a topic's and a queue's numbers made in the same millisecond never coincide.
            let next = max((lastSequenceNumber[key] ?? 0) + 1, now * 1_000_000 + 500_000)
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
            sequenceNumber: sequenceNumber, traceHeader: draft.traceHeader)
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
        var plan = DeliveryPlan(
            notification: notification, subscriptions: reached, protectedMessages: protectedMessages,
            signatureVersion: topic.attributes["SignatureVersion"] ?? "1",
            topicDeliveryPolicy: topic.attributes["DeliveryPolicy"], baseURL: baseURL,
            topicAttributes: topic.attributes)
        for subscription in reached where subscription.protocol == "application" {
            if let endpoint = endpoints[subscription.endpoint], let application = applications[endpoint.applicationArn]
            {
                plan.endpoints[endpoint.arn] = (application, endpoint.attributes["Token"] ?? "")
            }
        }
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
}
