import Foundation
import SwitchyardModels
import SwitchyardWire

/// Tags (the stream-named operations and the ARN-named ones), resource policies, limits and
/// account settings.
extension KinesisService {
    static let tagLimit = 50

    static func checkTags(_ tags: [String: String], adding existing: Int) throws {
        if tags.count + existing > tagLimit {
            throw KinesisErrors.invalid(
                "Failed to add tags to stream because the resulting tag count would exceed the limit of \(tagLimit).")
        }
    }

    public func addTagsToStream(_ input: Kinesis.AddTagsToStreamInput, context: RequestContext) async throws {
        let key = try streamKey(name: input.streamName, arn: input.streamARN, context: context)
        if input.tags.count > 10 {
            throw KinesisErrors.invalid("Failed to add tags to stream because a request can add at most 10 tags.")
        }
        _ = try await engine.update(key, requireActive: false) { stream in
            let added = input.tags.keys.filter { stream.tags[$0] == nil }.count
            try Self.checkTags([:], adding: stream.tags.count + added)
            stream.tags.merge(input.tags) { _, new in new }
        }
    }

    public func removeTagsFromStream(_ input: Kinesis.RemoveTagsFromStreamInput, context: RequestContext)
        async throws
    {
        let key = try streamKey(name: input.streamName, arn: input.streamARN, context: context)
        _ = try await engine.update(key, requireActive: false) { stream in
            for name in input.tagKeys { stream.tags[name] = nil }
        }
    }

    public func listTagsForStream(_ input: Kinesis.ListTagsForStreamInput, context: RequestContext) async throws
        -> Kinesis.ListTagsForStreamOutput
    {
        let stream = try await stream(name: input.streamName, arn: input.streamARN, context: context)
        var keys = stream.tags.keys.sorted()
        if let start = input.exclusiveStartTagKey { keys = keys.filter { $0 > start } }
        let limit = input.limit ?? 50
        let page = Array(keys.prefix(limit))
        return Kinesis.ListTagsForStreamOutput(
            tags: page.map { Kinesis.Tag(key: $0, value: stream.tags[$0]) }, hasMoreTags: keys.count > page.count)
    }

    public func tagResource(_ input: Kinesis.TagResourceInput, context: RequestContext) async throws {
        try await changeResourceTags(input.resourceARN) { tags in
            let added = input.tags.keys.filter { tags[$0] == nil }.count
            try Self.checkTags([:], adding: tags.count + added)
            tags.merge(input.tags) { _, new in new }
        }
    }

    public func untagResource(_ input: Kinesis.UntagResourceInput, context: RequestContext) async throws {
        try await changeResourceTags(input.resourceARN) { tags in
            for name in input.tagKeys { tags[name] = nil }
        }
    }

    public func listTagsForResource(_ input: Kinesis.ListTagsForResourceInput, context: RequestContext) async throws
        -> Kinesis.ListTagsForResourceOutput
    {
        var found: [String: String] = [:]
        try await changeResourceTags(input.resourceARN, store: false) { found = $0 }
        return Kinesis.ListTagsForResourceOutput(
            tags: found.keys.sorted().map { Kinesis.Tag(key: $0, value: found[$0]) })
    }

    /// Reads or changes the tags of the stream or consumer an ARN names.
    private func changeResourceTags(
        _ arn: String, store: Bool = true, _ change: (inout [String: String]) throws -> Void
    ) async throws {
        let key: String
        var consumerName: String?
        if let consumer = Self.parseConsumerARN(arn) {
            key = consumer.streamKey
            consumerName = consumer.consumer
        } else if let stream = Self.parseStreamARN(arn) {
            key = StreamRecord.key(account: stream.account, region: stream.region, name: stream.name)
        } else {
            throw KinesisErrors.invalid("Invalid ResourceARN \(arn).")
        }
        guard var stream = try await engine.stream(key) else { throw KinesisErrors.streamNotFound(key: key) }
        if let consumerName {
            guard let index = stream.consumers.firstIndex(where: { $0.arn == arn }) else {
                throw Self.consumerNotFound(consumerName, stream)
            }
            try change(&stream.consumers[index].tags)
        } else {
            try change(&stream.tags)
        }
        if store {
            let updated = stream
            _ = try await engine.update(key, requireActive: false) { $0 = updated }
        }
    }

    // MARK: Resource policies

    public func putResourcePolicy(_ input: Kinesis.PutResourcePolicyInput, context: RequestContext) async throws {
        guard (try? JSONSerialization.jsonObject(with: Data(input.policy.utf8))) is [String: Any] else {
            throw KinesisErrors.invalid("Policy is not a valid JSON document.")
        }
        try await changePolicy(input.resourceARN) { $0 = input.policy }
    }

    public func getResourcePolicy(_ input: Kinesis.GetResourcePolicyInput, context: RequestContext) async throws
        -> Kinesis.GetResourcePolicyOutput
    {
        var policy: String?
        try await changePolicy(input.resourceARN, store: false) { policy = $0 }
        return Kinesis.GetResourcePolicyOutput(policy: policy ?? "{}")
    }

    public func deleteResourcePolicy(_ input: Kinesis.DeleteResourcePolicyInput, context: RequestContext) async throws {
        try await changePolicy(input.resourceARN) { policy in
            guard policy != nil else {
                throw AWSError(
                    "ResourceNotFoundException", "No resource policy found for resource ARN \(input.resourceARN).")
            }
            policy = nil
        }
    }

    /// Policies of streams and of consumers are kept on the stream (a consumer's under its ARN).
    private func changePolicy(_ arn: String, store: Bool = true, _ change: (inout String?) throws -> Void)
        async throws
    {
        let key: String
        if let consumer = Self.parseConsumerARN(arn) {
            key = consumer.streamKey
        } else if let stream = Self.parseStreamARN(arn) {
            key = StreamRecord.key(account: stream.account, region: stream.region, name: stream.name)
        } else {
            throw KinesisErrors.invalid("Invalid ResourceARN \(arn).")
        }
        guard var stream = try await engine.stream(key) else { throw KinesisErrors.streamNotFound(key: key) }
        if Self.parseConsumerARN(arn) != nil {
            guard stream.consumers.contains(where: { $0.arn == arn }) else {
                throw Self.consumerNotFound(Self.parseConsumerARN(arn)?.consumer, stream)
            }
            var policy = stream.consumerPolicies[arn]
            try change(&policy)
            stream.consumerPolicies[arn] = policy
        } else {
            try change(&stream.policy)
        }
        if store {
            let updated = stream
            _ = try await engine.update(key, requireActive: false) { $0 = updated }
        }
    }

    // MARK: Limits and account settings

    public func describeLimits(_ input: Kinesis.DescribeLimitsInput, context: RequestContext) async throws
        -> Kinesis.DescribeLimitsOutput
    {
        let streams = try await engine.streams(account: context.account, region: context.region)
        return Kinesis.DescribeLimitsOutput(
            shardLimit: KinesisEngine.shardLimit(region: context.region),
            openShardCount: streams.reduce(0) { $0 + $1.openShards.count },
            onDemandStreamCount: streams.filter { $0.mode == "ON_DEMAND" }.count, onDemandStreamCountLimit: 50)
    }

    public func describeAccountSettings(_ input: Kinesis.DescribeAccountSettingsInput, context: RequestContext)
        async throws -> Kinesis.DescribeAccountSettingsOutput
    {
        guard let settings = await engine.settings(context.account) else {
            return Kinesis.DescribeAccountSettingsOutput()
        }
        return Kinesis.DescribeAccountSettingsOutput(minimumThroughputBillingCommitment: Self.shape(settings))
    }

    public func updateAccountSettings(_ input: Kinesis.UpdateAccountSettingsInput, context: RequestContext)
        async throws -> Kinesis.UpdateAccountSettingsOutput
    {
        let now = KinesisEngine.now()
        var settings =
            await engine.settings(context.account)
            ?? AccountSettingsRecord(account: context.account, commitmentStatus: "DISABLED")
        switch input.minimumThroughputBillingCommitment.status {
        case "ENABLED":
            if settings.commitmentStatus != "ENABLED" {
                settings.commitmentStatus = "ENABLED"
                settings.startedAt = now
                settings.endedAt = nil
            }
        default:
            if settings.commitmentStatus == "ENABLED" {
                settings.commitmentStatus = "DISABLED"
                settings.endedAt = now
            }
        }
        try await engine.save(settings)
        return Kinesis.UpdateAccountSettingsOutput(minimumThroughputBillingCommitment: Self.shape(settings))
    }

    static func shape(_ settings: AccountSettingsRecord) -> Kinesis.MinimumThroughputBillingCommitmentOutput {
        Kinesis.MinimumThroughputBillingCommitmentOutput(
            status: settings.commitmentStatus, startedAt: settings.startedAt.map(date),
            endedAt: settings.endedAt.map(date),
            earliestAllowedEndAt: settings.startedAt.map { date($0 + 24 * 3_600_000) })
    }
}
