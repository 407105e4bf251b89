import Foundation
import SwitchyardModels
import SwitchyardWire

/// Subscription filters: matching events go to a function, a Kinesis stream, a Firehose stream or a
/// destination (another account's stream) through the delivery engine.
extension LogsService {
    public func putSubscriptionFilter(_ input: CloudWatchLogs.PutSubscriptionFilterRequest, context: RequestContext)
        async throws
    {
        let parts = input.destinationArn.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        let vendor = parts.count > 2 ? parts[2] : ""
        if vendor == "lambda", parts.count > 4, parts[4] != context.account {
            throw AWSError(
                "AccessDeniedException",
                "Cross-account lambda invocation passing is not allowed. You must use DestinationPolicies to create cross account lambda triggers."
            )
        }
        if vendor == "logs" {
            // A destination: its own account's stream, reached as its access policy allows.
            try await checkSubscription(toDestination: input.destinationArn, context: context)
        } else if vendor == "kinesis" || vendor == "firehose" {
            if input.roleArn == nil {
                throw AWSError(
                    "InvalidParameterException", "destinationArn for vendor \(vendor) cannot be used without roleArn")
            }
        } else if vendor != "lambda" {
            throw AWSError(
                "InvalidParameterException",
                "PutSubscriptionFilter operation cannot work with destinationArn for vendor \(vendor)")
        }
        var group = try await group(name: input.logGroupName, context: context)
        if vendor != "logs", await resources.exists(input.destinationArn) == false {
            let message =
                switch vendor {
                case "kinesis":
                    "Could not deliver test message to specified Kinesis stream. Check if the given kinesis stream is in ACTIVE state."
                case "firehose":
                    "Could not deliver test message to specified Firehose stream. Check if the given Firehose stream is in ACTIVE state."
                default:
                    "Could not execute the lambda function. Make sure you have given CloudWatch Logs permission to execute your function."
                }
            throw AWSError("InvalidParameterException", message)
        }
        do {
            _ = try await engine.pattern(input.filterPattern)
        } catch {
            throw AWSError("InvalidParameterException", "Invalid filter pattern")
        }
        let filter = SubscriptionFilterRecord(
            name: input.filterName, pattern: input.filterPattern, destinationArn: input.destinationArn,
            roleArn: input.roleArn, distribution: input.distribution ?? "ByLogStream", creationTime: LogsEngine.now())
        if let index = group.subscriptionFilters.firstIndex(where: { $0.name == input.filterName }) {
            group.subscriptionFilters[index] = filter
        } else {
            guard group.subscriptionFilters.count < 2 else {
                throw AWSError("LimitExceededException", "Resource limit exceeded.")
            }
            group.subscriptionFilters.append(filter)
        }
        try await engine.save(group)
        if vendor != "lambda" { try await engine.sendControlMessage(to: filter, of: group) }
    }

    public func describeSubscriptionFilters(
        _ input: CloudWatchLogs.DescribeSubscriptionFiltersRequest, context: RequestContext
    ) async throws -> CloudWatchLogs.DescribeSubscriptionFiltersResponse {
        let group = try await group(name: input.logGroupName, context: context)
        let filters = group.subscriptionFilters.filter { input.filterNamePrefix.map($0.name.hasPrefix) ?? true }
        let page = try Self.page(filters, token: input.nextToken, limit: input.limit ?? 50)
        return CloudWatchLogs.DescribeSubscriptionFiltersResponse(
            subscriptionFilters: page.items.map { filter in
                CloudWatchLogs.SubscriptionFilter(
                    filterName: filter.name, logGroupName: group.name, filterPattern: filter.pattern,
                    destinationArn: filter.destinationArn, roleArn: filter.roleArn, distribution: filter.distribution,
                    applyOnTransformedLogs: false, creationTime: Int(filter.creationTime))
            }, nextToken: page.next)
    }

    public func deleteSubscriptionFilter(
        _ input: CloudWatchLogs.DeleteSubscriptionFilterRequest, context: RequestContext
    ) async throws {
        var group = try await group(name: input.logGroupName, context: context)
        guard let index = group.subscriptionFilters.firstIndex(where: { $0.name == input.filterName }) else {
            throw AWSError("ResourceNotFoundException", "The specified subscription filter does not exist.")
        }
        group.subscriptionFilters.remove(at: index)
        try await engine.save(group)
    }
}
