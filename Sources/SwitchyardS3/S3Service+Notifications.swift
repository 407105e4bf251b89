import Foundation
import SwitchyardDelivery
import SwitchyardModels
import SwitchyardWire

extension S3Service {
    public func putBucketNotificationConfiguration(
        _ input: S3.PutBucketNotificationConfigurationRequest, context: RequestContext
    ) async throws {
        var configuration = input.notificationConfiguration
        let validEvents = Set(Self.eventTypes)
        func check(_ events: [String], _ filter: S3.NotificationConfigurationFilter?) throws {
            for event in events where !validEvents.contains(event) {
                throw S3Errors.invalidArgument(
                    "The event is not supported for notifications", name: event, value: event)
            }
            var seen = Set<String>()
            for rule in filter?.key?.filterRules ?? [] {
                let name = rule.name?.lowercased() ?? ""
                guard name == "prefix" || name == "suffix" else {
                    throw S3Errors.invalidArgument(
                        "filter rule name must be either prefix or suffix", name: "FilterRule.Name", value: rule.name)
                }
                guard seen.insert(name).inserted else {
                    throw S3Errors.invalidArgument(
                        "Cannot specify more than one \(name) rule in a filter.", name: "FilterRule.Name",
                        value: rule.name)
                }
            }
        }
        configuration.queueConfigurations = try configuration.queueConfigurations.map { list in
            try list.map { item in
                try check(item.events, item.filter)
                var item = item
                item.id = item.id ?? Self.newConfigurationId()
                return item
            }
        }
        configuration.topicConfigurations = try configuration.topicConfigurations.map { list in
            try list.map { item in
                try check(item.events, item.filter)
                var item = item
                item.id = item.id ?? Self.newConfigurationId()
                return item
            }
        }
        configuration.lambdaFunctionConfigurations = try configuration.lambdaFunctionConfigurations.map { list in
            try list.map { item in
                try check(item.events, item.filter)
                var item = item
                item.id = item.id ?? Self.newConfigurationId()
                return item
            }
        }
        let isEmpty =
            (configuration.queueConfigurations ?? []).isEmpty && (configuration.topicConfigurations ?? []).isEmpty
            && (configuration.lambdaFunctionConfigurations ?? []).isEmpty
            && configuration.eventBridgeConfiguration == nil
        try await store(isEmpty ? nil : configuration, as: .notification, bucket: input.bucket)
        await notifications?.sendTestEvents(configuration, bucket: input.bucket, context: context)
    }

    public func getBucketNotificationConfiguration(
        _ input: S3.GetBucketNotificationConfigurationRequest, context: RequestContext
    ) async throws -> S3.NotificationConfiguration {
        try await stored(S3.NotificationConfiguration.self, .notification, bucket: input.bucket)
            ?? S3.NotificationConfiguration()
    }

    static func newConfigurationId() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        return String((0..<44).map { _ in alphabet[Int.random(in: 0..<alphabet.count)] })
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
