import Foundation
import SwitchyardDelivery
import SwitchyardModels
import SwitchyardWire

extension S3Service {
    public func putBucketNotificationConfiguration(
        _ input: S3.PutBucketNotificationConfigurationRequest, context: RequestContext
    ) async throws {
        _ = try await engine.bucket(input.bucket)
        var configuration = input.notificationConfiguration
        // S3 checks the form of every configuration first (filters, then ARNs), then the destinations.
        var destinations: [(arn: String, kind: String)] = []
        configuration.queueConfigurations = try Self.normalized(
            configuration.queueConfigurations, events: \.events, filter: \.filter, id: \.id)
        configuration.topicConfigurations = try Self.normalized(
            configuration.topicConfigurations, events: \.events, filter: \.filter, id: \.id)
        configuration.lambdaFunctionConfigurations = try Self.normalized(
            configuration.lambdaFunctionConfigurations, events: \.events, filter: \.filter, id: \.id)
        for item in configuration.queueConfigurations ?? [] { destinations.append((item.queueArn, "Queue")) }
        for item in configuration.topicConfigurations ?? [] { destinations.append((item.topicArn, "Topic")) }
        for item in configuration.lambdaFunctionConfigurations ?? [] {
            destinations.append((item.lambdaFunctionArn, "CloudFunction"))
        }
        for destination in destinations where ARN.parts(destination.arn) == nil {
            throw S3Errors.invalidArgument(
                "The ARN could not be parsed", name: destination.kind, value: destination.arn)
        }
        if input.skipDestinationValidation != true, let notifications {
            try await notifications.validateDestinations(destinations)
        }
        let isEmpty =
            (configuration.queueConfigurations ?? []).isEmpty && (configuration.topicConfigurations ?? []).isEmpty
            && (configuration.lambdaFunctionConfigurations ?? []).isEmpty
            && configuration.eventBridgeConfiguration == nil
        try await store(isEmpty ? nil : configuration, as: .notification, bucket: input.bucket)
        await notifications?.sendTestEvents(configuration, bucket: input.bucket, context: context)
    }

    /// Destination configurations of one kind with their filters checked and normalised, and an id
    /// given to those without one.
    static func normalized<Configuration>(
        _ list: [Configuration]?, events: KeyPath<Configuration, [String]>,
        filter: WritableKeyPath<Configuration, S3.NotificationConfigurationFilter?>,
        id: WritableKeyPath<Configuration, String?>
    ) throws -> [Configuration]? {
        try list.map { items in
            try items.map { item in
                var item = item
                item[keyPath: filter] = try normalized(item[keyPath: filter], events: item[keyPath: events])
                item[keyPath: id] = item[keyPath: id] ?? newConfigurationId()
                return item
            }
        }
    }

    /// A configuration's filter with rule names as S3 stores them ("Prefix", "Suffix"), after
    /// checking its event names and rules.
    static func normalized(_ filter: S3.NotificationConfigurationFilter?, events: [String]) throws
        -> S3.NotificationConfigurationFilter?
    {
        let validEvents = Set(eventTypes)
        for event in events where !validEvents.contains(event) {
            throw S3Errors.invalidArgument("The event is not supported for notifications", name: event, value: event)
        }
        guard var filter, var key = filter.key else { return filter }
        var seen = Set<String>()
        key.filterRules = try key.filterRules.map { rules in
            try rules.map { rule in
                guard let name = rule.name, rule.value != nil else { throw S3Errors.malformedXML() }
                let canonical: String
                switch name.lowercased() {
                case "prefix": canonical = "Prefix"
                case "suffix": canonical = "Suffix"
                default:
                    throw S3Errors.invalidArgument(
                        "filter rule name must be either prefix or suffix", name: "FilterRule.Name", value: name)
                }
                guard seen.insert(canonical).inserted else {
                    throw S3Errors.invalidArgument(
                        "Cannot specify more than one \(canonical.lowercased()) rule in a filter.",
                        name: "FilterRule.Name", value: name)
                }
                var rule = rule
                rule.name = canonical
                return rule
            }
        }
        filter.key = key
        return filter
    }

    public func getBucketNotificationConfiguration(
        _ input: S3.GetBucketNotificationConfigurationRequest, context: RequestContext
    ) async throws -> S3.NotificationConfiguration {
        try await stored(S3.NotificationConfiguration.self, .notification, bucket: input.bucket)
            ?? S3.NotificationConfiguration()
    }

    /// An id for a configuration given none: S3's are the base64 of a UUID's text.
    static func newConfigurationId() -> String {
        Data(RandomUUID.make().lowercased().utf8).base64EncodedString()
    }

    /// The event types a notification configuration may name.
    static let eventTypes = [
        "s3:TestEvent", "s3:ObjectCreated:*", "s3:ObjectCreated:Put", "s3:ObjectCreated:Post",
        "s3:ObjectCreated:Copy", "s3:ObjectCreated:CompleteMultipartUpload", "s3:ObjectRemoved:*",
        "s3:ObjectRemoved:Delete", "s3:ObjectRemoved:DeleteMarkerCreated", "s3:ObjectRestore:*",
        "s3:ObjectRestore:Post", "s3:ObjectRestore:Completed", "s3:ObjectRestore:Delete",
        "s3:ReducedRedundancyLostObject",
        "s3:Replication:*", "s3:Replication:OperationFailedReplication", "s3:Replication:OperationNotTracked",
        "s3:Replication:OperationMissedThreshold", "s3:Replication:OperationReplicatedAfterThreshold",
        "s3:LifecycleExpiration:*", "s3:LifecycleExpiration:Delete", "s3:LifecycleExpiration:DeleteMarkerCreated",
        "s3:LifecycleTransition", "s3:IntelligentTiering", "s3:ObjectTagging:*", "s3:ObjectTagging:Put",
        "s3:ObjectTagging:Delete", "s3:ObjectAcl:Put",
    ]
}

extension BucketNotifications {
    /// S3 checks that each queue and topic exists before it takes a configuration naming them; every
    /// missing one is listed, numbered in configuration order.
    func validateDestinations(_ destinations: [(arn: String, kind: String)]) async throws {
        var error = AWSError("InvalidArgument", "Unable to validate the following destination configurations")
        var missing = 0
        for destination in destinations {
            guard let exists = await resources.exists(destination.arn), !exists else { continue }
            missing += 1
            let what = destination.kind == "Queue" ? "queue" : destination.kind == "Topic" ? "topic" : "function"
            error = error.with("ArgumentName\(missing)", destination.arn)
                .with("ArgumentValue\(missing)", "The destination \(what) does not exist")
        }
        if missing > 0 { throw error }
    }

    /// S3 tells each queue and topic of a new configuration that it can reach it.
    func sendTestEvents(_ configuration: S3.NotificationConfiguration, bucket: String, context: RequestContext) async {
        guard let record = try? await engine.bucket(bucket) else { return }
        let source = DeliverySource(service: "s3.amazonaws.com", arn: record.arn, account: record.account)
        let body = DeliveryPayload(Self.testEvent(bucket: bucket, context: context))
        var requests: [DeliveryRequest] = []
        for queue in configuration.queueConfigurations ?? [] {
            requests.append(
                DeliveryRequest(
                    target: .sqs(arn: queue.queueArn), body: body, retry: .eventBridge(), origin: record.arn,
                    source: source))
        }
        for topic in configuration.topicConfigurations ?? [] {
            requests.append(
                DeliveryRequest(
                    target: DeliveryTarget(kind: .snsTopic, resource: topic.topicArn), body: body,
                    metadata: ["Subject": "Amazon S3 Notification"], retry: .eventBridge(), origin: record.arn,
                    source: source))
        }
        guard !requests.isEmpty else { return }
        try? await deliveries.enqueue(requests).wait()
    }
}
