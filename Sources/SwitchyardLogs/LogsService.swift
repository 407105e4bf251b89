import Foundation
import SwitchyardModels
import SwitchyardPlatform
import SwitchyardWire

/// CloudWatch Logs' operations: groups, streams, events, filtering, tags, retention, subscription
/// filters and account-wide resource policies. The others answer NotImplemented, naming themselves.
public struct LogsService: CloudWatchLogsAPI {
    let engine: LogsEngine
    let resources: ResourceDirectory

    static let groupMissing = AWSError("ResourceNotFoundException", "The specified log group does not exist.")
    static let streamMissing = AWSError("ResourceNotFoundException", "The specified log stream does not exist.")
    static let badToken = AWSError("InvalidParameterException", "The specified nextToken is invalid.")
    static let retentionValues = [
        1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
    ]

    /// The group a request names by `logGroupName` or `logGroupIdentifier` (a name or an ARN).
    func group(name: String?, identifier: String? = nil, context: RequestContext) async throws -> LogGroupRecord {
        if name != nil, identifier != nil {
            throw AWSError("ValidationException", "LogGroup name and LogGroup ARN are mutually exclusive parameters.")
        }
        var groupName = name ?? identifier ?? ""
        var account = context.account
        if groupName.hasPrefix("arn:") {
            let parts = groupName.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard parts.count >= 7, parts[5] == "log-group" else { throw Self.groupMissing }
            account = parts[4]
            groupName = parts[6]
        }
        guard
            let group = await engine.group(
                LogGroupRecord.key(account: account, region: context.region, name: groupName))
        else { throw Self.groupMissing }
        return group
    }

    // MARK: Groups

    public func createLogGroup(_ input: CloudWatchLogs.CreateLogGroupRequest, context: RequestContext) async throws {
        try await engine.createGroup(
            LogGroupRecord(
                account: context.account, region: context.region, name: input.logGroupName,
                creationTime: LogsEngine.now(), kmsKeyId: input.kmsKeyId,
                logGroupClass: input.logGroupClass ?? "STANDARD",
                deletionProtection: input.deletionProtectionEnabled ?? false, tags: input.tags ?? [:],
                subscriptionFilters: []))
    }

    public func deleteLogGroup(_ input: CloudWatchLogs.DeleteLogGroupRequest, context: RequestContext) async throws {
        let group = try await group(name: input.logGroupName, context: context)
        if group.deletionProtection {
            throw AWSError(
                "OperationAbortedException",
                "Log group \(group.name) cannot be deleted because deletion protection is enabled.")
        }
        try await engine.deleteGroup(group.key)
    }

    public func describeLogGroups(_ input: CloudWatchLogs.DescribeLogGroupsRequest, context: RequestContext)
        async throws -> CloudWatchLogs.DescribeLogGroupsResponse
    {
        if input.logGroupNamePrefix != nil, input.logGroupNamePattern != nil {
            throw AWSError(
                "InvalidParameterException",
                "LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.")
        }
        var groups = await engine.groups(account: context.account, region: context.region)
        if let prefix = input.logGroupNamePrefix { groups = groups.filter { $0.name.hasPrefix(prefix) } }
        if let pattern = input.logGroupNamePattern { groups = groups.filter { $0.name.contains(pattern) } }
        if let groupClass = input.logGroupClass { groups = groups.filter { $0.logGroupClass == groupClass } }
        if let identifiers = input.logGroupIdentifiers {
            groups = groups.filter { identifiers.contains($0.name) || identifiers.contains($0.arn) }
        }
        let page = try Self.page(groups, token: input.nextToken, limit: input.limit ?? 50)
        let reduced = input.logGroupNamePattern != nil
        return CloudWatchLogs.DescribeLogGroupsResponse(
            logGroups: page.items.map { group in
                CloudWatchLogs.LogGroup(
                    logGroupName: group.name, creationTime: Int(group.creationTime),
                    retentionInDays: group.retentionInDays, metricFilterCount: 0, arn: group.arn + ":*",
                    storedBytes: reduced ? nil : 0, kmsKeyId: group.kmsKeyId, logGroupClass: group.logGroupClass,
                    logGroupArn: group.arn, deletionProtectionEnabled: reduced ? nil : group.deletionProtection)
            }, nextToken: page.next)
    }

    public func listLogGroups(_ input: CloudWatchLogs.ListLogGroupsRequest, context: RequestContext) async throws
        -> CloudWatchLogs.ListLogGroupsResponse
    {
        var groups = await engine.groups(account: context.account, region: context.region)
        if let pattern = input.logGroupNamePattern { groups = groups.filter { $0.name.contains(pattern) } }
        if let groupClass = input.logGroupClass { groups = groups.filter { $0.logGroupClass == groupClass } }
        let page = try Self.page(groups, token: input.nextToken, limit: input.limit ?? 50)
        return CloudWatchLogs.ListLogGroupsResponse(
            logGroups: page.items.map {
                CloudWatchLogs.LogGroupSummary(
                    logGroupName: $0.name, logGroupArn: $0.arn, logGroupClass: $0.logGroupClass)
            }, nextToken: page.next)
    }

    public func putRetentionPolicy(_ input: CloudWatchLogs.PutRetentionPolicyRequest, context: RequestContext)
        async throws
    {
        var group = try await group(name: input.logGroupName, context: context)
        guard Self.retentionValues.contains(input.retentionInDays) else {
            throw AWSError(
                "InvalidParameterException",
                "1 validation error detected: Value '\(input.retentionInDays)' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [\(Self.retentionValues.map(String.init).joined(separator: ", "))]"
            )
        }
        group.retentionInDays = input.retentionInDays
        try await engine.save(group)
    }

    public func deleteRetentionPolicy(_ input: CloudWatchLogs.DeleteRetentionPolicyRequest, context: RequestContext)
        async throws
    {
        var group = try await group(name: input.logGroupName, context: context)
        group.retentionInDays = nil
        try await engine.save(group)
    }

    // MARK: Tags

    public func tagLogGroup(_ input: CloudWatchLogs.TagLogGroupRequest, context: RequestContext) async throws {
        var group = try await group(name: input.logGroupName, context: context)
        group.tags.merge(input.tags) { _, new in new }
        try await engine.save(group)
    }

    public func untagLogGroup(_ input: CloudWatchLogs.UntagLogGroupRequest, context: RequestContext) async throws {
        var group = try await group(name: input.logGroupName, context: context)
        for key in input.tags { group.tags[key] = nil }
        try await engine.save(group)
    }

    public func listTagsLogGroup(_ input: CloudWatchLogs.ListTagsLogGroupRequest, context: RequestContext)
        async throws -> CloudWatchLogs.ListTagsLogGroupResponse
    {
        CloudWatchLogs.ListTagsLogGroupResponse(tags: try await group(name: input.logGroupName, context: context).tags)
    }

    public func tagResource(_ input: CloudWatchLogs.TagResourceRequest, context: RequestContext) async throws {
        if var object = try await taggedDeliveryObject(input.resourceArn, context: context) {
            object.tags.merge(input.tags) { _, new in new }
            return try await engine.save(object)
        }
        if var destination = try await taggedDestination(input.resourceArn, context: context) {
            destination.tags.merge(input.tags) { _, new in new }
            return try await engine.save(destination)
        }
        var group = try await group(name: nil, identifier: Self.groupArn(input.resourceArn), context: context)
        group.tags.merge(input.tags) { _, new in new }
        try await engine.save(group)
    }

    public func untagResource(_ input: CloudWatchLogs.UntagResourceRequest, context: RequestContext) async throws {
        if var object = try await taggedDeliveryObject(input.resourceArn, context: context) {
            for key in input.tagKeys { object.tags[key] = nil }
            return try await engine.save(object)
        }
        if var destination = try await taggedDestination(input.resourceArn, context: context) {
            for key in input.tagKeys { destination.tags[key] = nil }
            return try await engine.save(destination)
        }
        var group = try await group(name: nil, identifier: Self.groupArn(input.resourceArn), context: context)
        for key in input.tagKeys { group.tags[key] = nil }
        try await engine.save(group)
    }

    public func listTagsForResource(_ input: CloudWatchLogs.ListTagsForResourceRequest, context: RequestContext)
        async throws -> CloudWatchLogs.ListTagsForResourceResponse
    {
        if let object = try await taggedDeliveryObject(input.resourceArn, context: context) {
            return CloudWatchLogs.ListTagsForResourceResponse(tags: object.tags)
        }
        if let destination = try await taggedDestination(input.resourceArn, context: context) {
            return CloudWatchLogs.ListTagsForResourceResponse(tags: destination.tags)
        }
        let group = try await group(name: nil, identifier: Self.groupArn(input.resourceArn), context: context)
        return CloudWatchLogs.ListTagsForResourceResponse(tags: group.tags)
    }

    /// The destination a tagging operation's ARN names; nil for other ARNs (log groups).
    private func taggedDestination(_ arn: String, context: RequestContext) async throws -> LogsDestinationRecord? {
        guard let parts = ARN.parts(arn), parts.count == 6, parts[5].hasPrefix("destination:") else { return nil }
        guard let destination = await engine.destination(arn: arn), destination.account == context.account else {
            throw AWSError("ResourceNotFoundException", "The specified destination does not exist.")
        }
        return destination
    }

    /// A log group ARN, with or without the `:*` describe adds.
    static func groupArn(_ arn: String) -> String {
        arn.hasSuffix(":*") ? String(arn.dropLast(2)) : arn
    }

    // MARK: Streams

    public func createLogStream(_ input: CloudWatchLogs.CreateLogStreamRequest, context: RequestContext) async throws {
        let group = try await group(name: input.logGroupName, context: context)
        try await engine.createStream(group.key, input.logStreamName)
    }

    public func deleteLogStream(_ input: CloudWatchLogs.DeleteLogStreamRequest, context: RequestContext) async throws {
        let group = try await group(name: input.logGroupName, context: context)
        guard await engine.stream(group.key, input.logStreamName) != nil else { throw Self.streamMissing }
        try await engine.deleteStream(group.key, input.logStreamName)
    }

    public func describeLogStreams(_ input: CloudWatchLogs.DescribeLogStreamsRequest, context: RequestContext)
        async throws -> CloudWatchLogs.DescribeLogStreamsResponse
    {
        let group = try await group(name: input.logGroupName, identifier: input.logGroupIdentifier, context: context)
        var streams = await engine.streams(of: group.key)
        if let prefix = input.logStreamNamePrefix {
            if input.orderBy == "LastEventTime" {
                throw AWSError(
                    "InvalidParameterException", "Cannot order by LastEventTime with a logStreamNamePrefix.")
            }
            streams = streams.filter { $0.name.hasPrefix(prefix) }
        }
        if input.orderBy == "LastEventTime" {
            streams.sort { ($0.lastEventTimestamp ?? 0, $0.name) < ($1.lastEventTimestamp ?? 0, $1.name) }
        }
        if input.descending == true { streams.reverse() }
        let page = try Self.page(streams, token: input.nextToken, limit: input.limit ?? 50)
        return CloudWatchLogs.DescribeLogStreamsResponse(
            logStreams: page.items.map { stream in
                CloudWatchLogs.LogStream(
                    logStreamName: stream.name, creationTime: Int(stream.creationTime),
                    firstEventTimestamp: stream.firstEventTimestamp.map(Int.init),
                    lastEventTimestamp: stream.lastEventTimestamp.map(Int.init),
                    lastIngestionTime: stream.lastIngestionTime.map(Int.init),
                    uploadSequenceToken: stream.sequence > 0 ? String(format: "%056lld", stream.sequence) : nil,
                    arn: "\(group.arn):log-stream:\(stream.name)", storedBytes: 0)
            }, nextToken: page.next)
    }

    /// A page of a listing.
    static func page<Item>(_ items: [Item], token: String?, limit: Int) throws -> (items: [Item], next: String?) {
        let page = try OffsetPage(items, token: token, size: limit, invalidToken: badToken)
        return (page.items, page.next)
    }
}
