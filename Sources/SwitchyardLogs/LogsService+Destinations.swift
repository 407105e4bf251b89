import Foundation
import SwitchyardModels
import SwitchyardWire

/// Destinations: how one account receives another's log events. A destination stands for a Kinesis
/// or Firehose stream of its own account; its access policy says which accounts' subscription
/// filters may name it; their events then go to its stream.
extension LogsService {
    public func putDestination(_ input: CloudWatchLogs.PutDestinationRequest, context: RequestContext) async throws
        -> CloudWatchLogs.PutDestinationResponse
    {
        let vendor = ARN.parts(input.targetArn)?[2]
        guard vendor == "kinesis" || vendor == "firehose" else {
            throw AWSError(
                "InvalidParameterException",
                "PutDestination operation cannot work with targetArn for vendor \(vendor ?? "")"
            )
        }
        let key = LogsDestinationRecord.key(
            account: context.account, region: context.region, name: input.destinationName)
        var destination =
            await engine.destinations[key]
            ?? LogsDestinationRecord(
                account: context.account, region: context.region, name: input.destinationName,
                targetArn: input.targetArn, roleArn: input.roleArn, creationTime: LogsEngine.now(), tags: [:])
        // Putting an existing destination changes its target and role; its policy and tags stay.
        destination.targetArn = input.targetArn
        destination.roleArn = input.roleArn
        if let tags = input.tags { destination.tags.merge(tags) { _, new in new } }
        try await engine.save(destination)
        return CloudWatchLogs.PutDestinationResponse(destination: Self.shape(destination))
    }

    public func putDestinationPolicy(_ input: CloudWatchLogs.PutDestinationPolicyRequest, context: RequestContext)
        async throws
    {
        var destination = try await destination(named: input.destinationName, context: context)
        do {
            _ = try ResourcePolicy(json: input.accessPolicy)
        } catch {
            throw AWSError("InvalidParameterException", "Invalid access policy: \(error)")
        }
        destination.accessPolicy = input.accessPolicy
        try await engine.save(destination)
    }

    public func describeDestinations(_ input: CloudWatchLogs.DescribeDestinationsRequest, context: RequestContext)
        async throws -> CloudWatchLogs.DescribeDestinationsResponse
    {
        let found = await engine.destinations.values
            .filter { $0.account == context.account && $0.region == context.region }
            .filter { input.destinationNamePrefix.map($0.name.hasPrefix) ?? true }
            .sorted { $0.name < $1.name }
        let page = try Self.page(found, token: input.nextToken, limit: input.limit ?? 50)
        return CloudWatchLogs.DescribeDestinationsResponse(
            destinations: page.items.map(Self.shape), nextToken: page.next)
    }

    public func deleteDestination(_ input: CloudWatchLogs.DeleteDestinationRequest, context: RequestContext)
        async throws
    {
        let destination = try await destination(named: input.destinationName, context: context)
        try await engine.deleteDestination(destination.key)
    }

    /// A subscription filter naming a destination: it must exist, and a destination of another
    /// account must allow the caller's account in its access policy.
    func checkSubscription(toDestination arn: String, context: RequestContext) async throws {
        guard let destination = await engine.destination(arn: arn) else {
            throw AWSError("ResourceNotFoundException", "The specified destination does not exist.")
        }
        guard destination.account != context.account else { return }
        try Self.check(
            destination.accessPolicy, allows: context.account, "logs:PutSubscriptionFilter", on: destination.arn)
    }

    /// Another account's request on a resource of this account: its resource policy must allow the
    /// action to that account.
    static func check(_ policy: String?, allows account: String, _ action: String, on resource: String) throws {
        let allowed = policy.flatMap { try? ResourcePolicy(json: $0) }.map { policy in
            policy.evaluate(AccessRequest(principal: .account(account), action: action, resource: resource))
                == .allowed
        }
        guard allowed == true else {
            throw AWSError(
                "AccessDeniedException",
                "User with accountId: \(account) is not authorized to perform: \(action) on resource: \(resource)")
        }
    }

    private func destination(named name: String, context: RequestContext) async throws -> LogsDestinationRecord {
        let key = LogsDestinationRecord.key(account: context.account, region: context.region, name: name)
        guard let destination = await engine.destinations[key] else {
            throw AWSError("ResourceNotFoundException", "The specified destination does not exist.")
        }
        return destination
    }

    static func shape(_ destination: LogsDestinationRecord) -> CloudWatchLogs.Destination {
        CloudWatchLogs.Destination(
            destinationName: destination.name, targetArn: destination.targetArn, roleArn: destination.roleArn,
            accessPolicy: destination.accessPolicy, arn: destination.arn, creationTime: Int(destination.creationTime))
    }
}
