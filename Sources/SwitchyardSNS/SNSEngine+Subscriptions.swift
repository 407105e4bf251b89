import Foundation
import SwitchyardCore

// Subscriptions: subscribe, confirm, unsubscribe, their attributes and listings.
extension SNSEngine {
    /// Subscribes an endpoint; the same topic, protocol and endpoint give back the same subscription.
    /// Queue, function and stream subscriptions are confirmed at once, except a queue of another
    /// account than the subscriber's: as on AWS, that queue is sent a SubscriptionConfirmation (which
    /// its policy must let the topic send) and its owner confirms with the token.
    public func subscribe(
        _ topic: TopicKey, protocol: String, endpoint: String, attributes: [String: String], newArn: String,
        baseURL: String, subscriber: String? = nil
    ) async throws -> (SubscriptionRecord, CommitTicket) {
        guard topics[topic] != nil else { throw SNSErrors.topicNotFound() }
        try SubscriptionAttributes.validateEndpoint(protocol: `protocol`, endpoint: endpoint, fifoTopic: topic.isFIFO)
        let context = SubscriptionAttributes.Context(
            subscribing: true, protocol: `protocol`, endpoint: endpoint, fifoTopic: topic.isFIFO)
        let filter = try SubscriptionAttributes.validate(attributes, context: context)
        let attributes = SubscriptionAttributes.normalized(attributes)
        if let existing = subscriptions.values.first(where: {
            $0.topic == topic && $0.protocol == `protocol` && $0.endpoint == endpoint
        }) {
            // The same subscription again is fine as long as no attribute asked for differs from what
            // it has (defaults included).
            let current = SubscriptionAttributes.effective(existing)
            let defaults = ["RawMessageDelivery": "false", "FilterPolicyScope": "MessageAttributes"]
            for (name, value) in attributes where (current[name] ?? defaults[name]) != value {
                throw SNSErrors.invalidParameter(
                    "Attributes Reason: Subscription already exists with different attributes")
            }
            return (existing, .alreadyCommitted)
        }
        let confirmsByHTTP = `protocol` == "http" || `protocol` == "https"
        let confirmsByEmail = `protocol` == "email" || `protocol` == "email-json"
        let queueOwner = `protocol` == "sqs" ? TopicAccess.account(of: endpoint) : nil
        let confirmsByQueue = queueOwner != nil && queueOwner != (subscriber ?? topic.account)
        if `protocol` == "application", endpoints[endpoint] == nil {
            throw SNSErrors.invalidParameter("Endpoint Reason: The endpoint \(endpoint) does not exist")
        }
        let record = SubscriptionRecord(
            arn: newArn, topic: topic, protocol: `protocol`, endpoint: endpoint, attributes: attributes,
            confirmed: !(confirmsByHTTP || confirmsByEmail || confirmsByQueue),
            token: confirmsByHTTP || confirmsByEmail || confirmsByQueue ? SubscriptionMessages.makeToken() : nil,
            createdSeq: nextSeq)
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
        guard confirmsByHTTP || confirmsByQueue else { return (record, stored) }
        // The endpoint is asked to confirm; the request is a delivery like any other, retried likewise.
        let request = try SubscriptionMessages.confirmation(
            record, type: "SubscriptionConfirmation", signer: signer, baseURL: baseURL,
            signatureVersion: topics[topic]?.attributes["SignatureVersion"] ?? "1",
            now: Date(timeIntervalSince1970: Double(clock.nowMillis()) / 1000))
        return (record, await deliveries.enqueue([request]))
    }

    /// Confirms a pending subscription with the token its endpoint was sent.
    public func confirmSubscription(_ topic: TopicKey, token: String) throws -> (SubscriptionRecord, CommitTicket) {
        // Something that is not a token at all is refused as such; a token for a topic that does not
        // exist is just an unknown token, as AWS answers.
        guard SubscriptionMessages.isTokenShaped(token) else { throw SNSErrors.invalidToken() }
        guard topics[topic] != nil else { throw SNSErrors.invalidParameter("Token") }
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
        let context = SubscriptionAttributes.Context(
            subscribing: false, protocol: record.protocol, endpoint: record.endpoint, fifoTopic: record.topic.isFIFO)
        try SubscriptionAttributes.validate(name: name, value: value ?? "", context: context)
        var attributes = record.attributes
        attributes[name] = value
        attributes = SubscriptionAttributes.normalized(attributes)
        let filter = try SubscriptionAttributes.filterPolicy(attributes, context: context)
        record.attributes = attributes
        filters[arn] = filter
        subscriptions[arn] = record
        return store.submit([.putSubscription(record)])
    }

    /// Subscriptions in creation order: of one topic, or of every topic of an account and region.
    public func subscriptions(topic: TopicKey? = nil, account: String, region: String) -> [SubscriptionRecord] {
        subscriptions.values.filter { record in
            topic.map { record.topic == $0 } ?? (record.topic.account == account && record.topic.region == region)
        }.sorted { $0.createdSeq < $1.createdSeq }
    }
}
