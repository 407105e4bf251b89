import Foundation
import SwitchyardModels
import SwitchyardWire

/// Creating, describing, listing and deleting streams; retention, mode, encryption, monitoring.
extension KinesisService {
    /// Shards an on-demand stream starts with.
    static let onDemandShards = 4
    static let allMetrics = [
        "IncomingBytes", "IncomingRecords", "OutgoingBytes", "OutgoingRecords", "WriteProvisionedThroughputExceeded",
        "ReadProvisionedThroughputExceeded", "IteratorAgeMilliseconds",
    ]

    public func createStream(_ input: Kinesis.CreateStreamInput, context: RequestContext) async throws {
        // Neither a mode nor a shard count: an on-demand stream (AWS recorded 4 shards for it).
        let mode = input.streamModeDetails?.streamMode ?? (input.shardCount == nil ? "ON_DEMAND" : "PROVISIONED")
        let count: Int
        if mode == "ON_DEMAND" {
            if input.shardCount != nil {
                throw KinesisErrors.invalid("ShardCount is not supported for stream mode ON_DEMAND.")
            }
            count = Self.onDemandShards
        } else {
            guard let shardCount = input.shardCount else {
                throw KinesisErrors.invalid("ShardCount is required for stream mode PROVISIONED.")
            }
            count = shardCount
        }
        if input.warmThroughputMiBps != nil, mode != "ON_DEMAND" {
            throw KinesisErrors.invalid("WarmThroughputMiBps is only supported for ON_DEMAND streams.")
        }
        try Self.checkTags(input.tags ?? [:], adding: 0)
        try await engine.checkShardLimit(account: context.account, region: context.region, adding: count)
        let now = KinesisEngine.now()
        let ranges = HashKeys.evenRanges(count)
        let shards = ranges.enumerated().map { ordinal, range in
            ShardRecord(
                ordinal: ordinal, startingHashKey: String(range.lowerBound), endingHashKey: String(range.upperBound),
                startingSequence: SequenceNumber(millis: now, counter: 0, shard: ordinal).text, openedAt: now)
        }
        try await engine.create(
            StreamRecord(
                account: context.account, region: context.region, name: input.streamName,
                incarnation: UUID().uuidString.lowercased(), status: "CREATING", createdAt: now, mode: mode,
                retentionHours: 24, encryptionType: "NONE", shardLevelMetrics: [], shards: shards,
                nextShardOrdinal: count, counter: 0, lastMillis: now, tags: input.tags ?? [:], consumers: [],
                maxRecordSizeKiB: input.maxRecordSizeInKiB ?? 1024,
                warmThroughputMiBps: input.warmThroughputMiBps, scalingCalls: []))
    }

    public func deleteStream(_ input: Kinesis.DeleteStreamInput, context: RequestContext) async throws {
        let stream = try await stream(name: input.streamName, arn: input.streamARN, context: context)
        if !stream.consumers.isEmpty, input.enforceConsumerDeletion != true {
            throw AWSError(
                "ResourceInUseException",
                "DeleteStream can\u{2019}t delete \(stream.account):\(stream.name) because there are consumers associated with this data stream. To delete \(stream.name) anyway, set the EnforceConsumerDeletion parameter to true to force the deletion of all the consumers that are associated with it."
            )
        }
        try await engine.delete(stream)
    }

    public func describeStream(_ input: Kinesis.DescribeStreamInput, context: RequestContext) async throws
        -> Kinesis.DescribeStreamOutput
    {
        let stream = try await stream(name: input.streamName, arn: input.streamARN, context: context)
        // A stream being created has no shards yet, as AWS answers.
        var shards = stream.status == "CREATING" ? [] : stream.shards
        if let start = input.exclusiveStartShardId {
            shards = shards.filter { $0.id > start }
        }
        let limit = min(input.limit ?? 100, 100)
        let page = Array(shards.prefix(limit))
        return Kinesis.DescribeStreamOutput(
            streamDescription: Kinesis.StreamDescription(
                streamName: stream.name, streamARN: stream.arn, streamStatus: stream.status,
                streamModeDetails: Self.modeDetails(stream), shards: page.map(Self.shape),
                hasMoreShards: shards.count > page.count, retentionPeriodHours: stream.retentionHours,
                streamCreationTimestamp: Self.date(stream.createdAt), enhancedMonitoring: Self.monitoring(stream),
                encryptionType: stream.encryptionType, keyId: stream.keyId))
    }

    public func describeStreamSummary(_ input: Kinesis.DescribeStreamSummaryInput, context: RequestContext)
        async throws -> Kinesis.DescribeStreamSummaryOutput
    {
        let stream = try await stream(name: input.streamName, arn: input.streamARN, context: context)
        return Kinesis.DescribeStreamSummaryOutput(
            streamDescriptionSummary: Kinesis.StreamDescriptionSummary(
                streamName: stream.name, streamARN: stream.arn, streamStatus: stream.status,
                streamModeDetails: Self.modeDetails(stream), retentionPeriodHours: stream.retentionHours,
                streamCreationTimestamp: Self.date(stream.createdAt), enhancedMonitoring: Self.monitoring(stream),
                encryptionType: stream.encryptionType, keyId: stream.keyId, openShardCount: stream.openShards.count,
                consumerCount: stream.consumers.count,
                warmThroughput: stream.warmThroughputMiBps.map {
                    Kinesis.WarmThroughputObject(targetMiBps: $0, currentMiBps: $0)
                },
                maxRecordSizeInKiB: stream.maxRecordSizeKiB))
    }

    public func listStreams(_ input: Kinesis.ListStreamsInput, context: RequestContext) async throws
        -> Kinesis.ListStreamsOutput
    {
        var streams = try await engine.streams(account: context.account, region: context.region)
        var after = input.exclusiveStartStreamName
        if let token = input.nextToken {
            if input.exclusiveStartStreamName != nil {
                throw KinesisErrors.invalid("NextToken and ExclusiveStartStreamName cannot be provided together.")
            }
            guard let decoded = PageToken(token, kind: "streams") else {
                throw KinesisErrors.invalid("Invalid NextToken.")
            }
            after = decoded.after
        }
        if let after { streams = streams.filter { $0.name > after } }
        let limit = min(input.limit ?? 100, 100)
        let page = Array(streams.prefix(limit))
        let more = streams.count > page.count
        return Kinesis.ListStreamsOutput(
            streamNames: page.map(\.name), hasMoreStreams: more,
            nextToken: more ? page.last.map { PageToken(kind: "streams", after: $0.name).text } : nil,
            streamSummaries: page.map {
                Kinesis.StreamSummary(
                    streamName: $0.name, streamARN: $0.arn, streamStatus: $0.status,
                    streamModeDetails: Self.modeDetails($0), streamCreationTimestamp: Self.date($0.createdAt))
            })
    }

    // MARK: Retention

    public func increaseStreamRetentionPeriod(
        _ input: Kinesis.IncreaseStreamRetentionPeriodInput, context: RequestContext
    ) async throws {
        let key = try streamKey(name: input.streamName, arn: input.streamARN, context: context)
        let hours = input.retentionPeriodHours
        _ = try await engine.update(key) { stream in
            if hours < 24 {
                throw KinesisErrors.invalid(
                    "Minimum allowed retention period is 24 hours. Requested retention period (\(hours) hours) is too short."
                )
            }
            if hours > 8760 {
                throw KinesisErrors.invalid(
                    "Maximum allowed retention period is 8760 hours. Requested retention period (\(hours) hours) is too long."
                )
            }
            if hours < stream.retentionHours {
                throw KinesisErrors.invalid(
                    "Requested retention period (\(hours) hours) for stream \(stream.name) can not be shorter than existing retention period (\(stream.retentionHours) hours). Use DecreaseRetentionPeriod API."
                )
            }
            stream.retentionHours = hours
        }
    }

    public func decreaseStreamRetentionPeriod(
        _ input: Kinesis.DecreaseStreamRetentionPeriodInput, context: RequestContext
    ) async throws {
        let key = try streamKey(name: input.streamName, arn: input.streamARN, context: context)
        let hours = input.retentionPeriodHours
        _ = try await engine.update(key) { stream in
            if hours < 24 {
                throw KinesisErrors.invalid(
                    "Minimum allowed retention period is 24 hours. Requested retention period (\(hours) hours) is too short."
                )
            }
            if hours > 8760 {
                throw KinesisErrors.invalid(
                    "Maximum allowed retention period is 8760 hours. Requested retention period (\(hours) hours) is too long."
                )
            }
            if hours > stream.retentionHours {
                throw KinesisErrors.invalid(
                    "Requested retention period (\(hours) hours) for stream \(stream.name) can not be longer than existing retention period (\(stream.retentionHours) hours). Use IncreaseRetentionPeriod API."
                )
            }
            stream.retentionHours = hours
        }
        await engine.applyRetention()
    }

    // MARK: Mode, size, throughput

    public func updateStreamMode(_ input: Kinesis.UpdateStreamModeInput, context: RequestContext) async throws {
        let key = try streamKey(name: nil, arn: input.streamARN, context: context)
        let mode = input.streamModeDetails.streamMode
        let transition = await engine.transitionMillis
        _ = try await engine.update(key) { stream in
            if stream.mode == mode {
                throw KinesisErrors.invalid(
                    "Stream \(stream.name) under account \(stream.account) is already in \(mode) mode.")
            }
            stream.mode = mode
            if mode == "ON_DEMAND" {
                stream.warmThroughputMiBps = input.warmThroughputMiBps
            } else {
                stream.warmThroughputMiBps = nil
            }
            stream.status = "UPDATING"
            stream.settlesAt = KinesisEngine.now() + transition
        }
    }

    public func updateMaxRecordSize(_ input: Kinesis.UpdateMaxRecordSizeInput, context: RequestContext) async throws {
        let key = try streamKey(name: nil, arn: input.streamARN, context: context)
        _ = try await engine.update(key) { $0.maxRecordSizeKiB = input.maxRecordSizeInKiB }
    }

    public func updateStreamWarmThroughput(
        _ input: Kinesis.UpdateStreamWarmThroughputInput, context: RequestContext
    ) async throws -> Kinesis.UpdateStreamWarmThroughputOutput {
        let key = try streamKey(name: input.streamName, arn: input.streamARN, context: context)
        guard await engine.settings(context.account)?.commitmentStatus.hasPrefix("ENABLED") == true else {
            throw KinesisErrors.invalid(
                "Warm throughput requires the account's MinimumThroughputBillingCommitment to be enabled.")
        }
        var current: Int?
        let stream = try await engine.update(key) { stream in
            guard stream.mode == "ON_DEMAND" else {
                throw KinesisErrors.invalid("Warm throughput can only be configured for ON_DEMAND streams.")
            }
            current = stream.warmThroughputMiBps
            stream.warmThroughputMiBps = input.warmThroughputMiBps
        }
        return Kinesis.UpdateStreamWarmThroughputOutput(
            streamARN: stream.arn, streamName: stream.name,
            warmThroughput: Kinesis.WarmThroughputObject(
                targetMiBps: input.warmThroughputMiBps, currentMiBps: current ?? input.warmThroughputMiBps))
    }

    // MARK: Encryption

    public func startStreamEncryption(_ input: Kinesis.StartStreamEncryptionInput, context: RequestContext)
        async throws
    {
        let key = try streamKey(name: input.streamName, arn: input.streamARN, context: context)
        guard input.encryptionType == "KMS" else {
            throw KinesisErrors.invalid("Invalid EncryptionType \(input.encryptionType). Only KMS is supported.")
        }
        let transition = await engine.transitionMillis
        _ = try await engine.update(key) { stream in
            stream.encryptionType = input.encryptionType
            stream.keyId = input.keyId
            stream.status = "UPDATING"
            stream.settlesAt = KinesisEngine.now() + transition
        }
    }

    public func stopStreamEncryption(_ input: Kinesis.StopStreamEncryptionInput, context: RequestContext)
        async throws
    {
        let key = try streamKey(name: input.streamName, arn: input.streamARN, context: context)
        let transition = await engine.transitionMillis
        _ = try await engine.update(key) { stream in
            stream.encryptionType = "NONE"
            stream.keyId = nil
            stream.status = "UPDATING"
            stream.settlesAt = KinesisEngine.now() + transition
        }
    }

    // MARK: Enhanced monitoring

    public func enableEnhancedMonitoring(_ input: Kinesis.EnableEnhancedMonitoringInput, context: RequestContext)
        async throws -> Kinesis.EnhancedMonitoringOutput
    {
        try await changeMonitoring(input.streamName, input.streamARN, context) { current in
            let added = input.shardLevelMetrics.contains("ALL") ? Self.allMetrics : input.shardLevelMetrics
            return Self.allMetrics.filter { current.contains($0) || added.contains($0) }
        }
    }

    public func disableEnhancedMonitoring(_ input: Kinesis.DisableEnhancedMonitoringInput, context: RequestContext)
        async throws -> Kinesis.EnhancedMonitoringOutput
    {
        try await changeMonitoring(input.streamName, input.streamARN, context) { current in
            let removed = input.shardLevelMetrics.contains("ALL") ? Self.allMetrics : input.shardLevelMetrics
            return current.filter { !removed.contains($0) }
        }
    }

    private func changeMonitoring(
        _ name: String?, _ arn: String?, _ context: RequestContext, _ change: @Sendable ([String]) -> [String]
    ) async throws -> Kinesis.EnhancedMonitoringOutput {
        let key = try streamKey(name: name, arn: arn, context: context)
        var before: [String] = []
        let stream = try await engine.update(key) { stream in
            before = stream.shardLevelMetrics
            stream.shardLevelMetrics = change(stream.shardLevelMetrics)
        }
        return Kinesis.EnhancedMonitoringOutput(
            streamName: stream.name, currentShardLevelMetrics: before,
            desiredShardLevelMetrics: stream.shardLevelMetrics, streamARN: stream.arn)
    }
}

/// A pagination token: what kind of listing it continues and the last item it returned.
struct PageToken {
    /// How long a ListShards token stays valid (ExpiredNextTokenException after).
    static let lifetimeMillis: Int64 = 300_000

    var kind: String
    var after: String
    var issuedAt: Int64 = KinesisEngine.now()

    var text: String {
        Data("\(kind)|\(issuedAt)|\(after)".utf8).base64EncodedString()
    }

    init(kind: String, after: String) {
        self.kind = kind
        self.after = after
    }

    init?(_ text: String, kind: String) {
        guard let data = Data(base64Encoded: text) else { return nil }
        let parts = String(decoding: data, as: UTF8.self).split(separator: "|", maxSplits: 2).map(String.init)
        guard parts.count == 3, parts[0] == kind, let issued = Int64(parts[1]) else { return nil }
        self.kind = kind
        self.issuedAt = issued
        self.after = parts[2]
    }
}
