import Foundation
import SwitchyardModels
import SwitchyardWire

/// Delivery destinations: the log group, bucket or Firehose stream (or X-Ray) a delivery writes
/// to, and the policy that lets other accounts deliver to it.
extension LogsService {
    public func putDeliveryDestination(
        _ input: CloudWatchLogs.PutDeliveryDestinationRequest, context: RequestContext
    ) async throws -> CloudWatchLogs.PutDeliveryDestinationResponse {
        let resourceArn = input.deliveryDestinationConfiguration?.destinationResourceArn
        let type: String
        switch (input.deliveryDestinationType, resourceArn) {
        case ("XRAY", nil):
            type = "XRAY"
        case (let given, let arn?):
            guard let derived = VendedLogSources.destinationType(ofResource: arn) else {
                throw AWSError(
                    "ValidationException",
                    "The destination resource ARN \(arn) is not a log group, an S3 bucket or a Firehose delivery stream."
                )
            }
            if let given, given != derived {
                throw AWSError(
                    "ValidationException",
                    "The deliveryDestinationType \(given) does not match the destination resource ARN \(arn).")
            }
            type = derived
        case (_, nil):
            throw AWSError(
                "ValidationException",
                "deliveryDestinationConfiguration is required for CloudWatch Logs, Amazon S3 and Firehose destinations."
            )
        }
        let destination = try await engine.put(
            LogsDeliveryDestinationRecord(
                account: context.account, region: context.region, name: input.name, type: type,
                outputFormat: input.outputFormat, resourceArn: resourceArn, policy: nil, tags: input.tags ?? [:],
                created: Date().timeIntervalSince1970),
            tagsGiven: input.tags != nil)
        // AWS's answer to a put leaves the tags out.
        var shape = Self.shape(destination)
        shape.tags = nil
        return CloudWatchLogs.PutDeliveryDestinationResponse(deliveryDestination: shape)
    }

    public func getDeliveryDestination(
        _ input: CloudWatchLogs.GetDeliveryDestinationRequest, context: RequestContext
    ) async throws -> CloudWatchLogs.GetDeliveryDestinationResponse {
        CloudWatchLogs.GetDeliveryDestinationResponse(
            deliveryDestination: Self.shape(try await deliveryDestination(named: input.name, context: context)))
    }

    public func describeDeliveryDestinations(
        _ input: CloudWatchLogs.DescribeDeliveryDestinationsRequest, context: RequestContext
    ) async throws -> CloudWatchLogs.DescribeDeliveryDestinationsResponse {
        let destinations = await engine.listed(\.destination, account: context.account, region: context.region)
        let page = try Self.page(destinations, token: input.nextToken, limit: input.limit ?? 50)
        return CloudWatchLogs.DescribeDeliveryDestinationsResponse(
            deliveryDestinations: page.items.map(Self.shape), nextToken: page.next)
    }

    public func deleteDeliveryDestination(
        _ input: CloudWatchLogs.DeleteDeliveryDestinationRequest, context: RequestContext
    ) async throws {
        let destination = try await deliveryDestination(named: input.name, context: context)
        try await engine.deleteDeliveryObject(
            key: LogsDeliveryObject.destination(destination).key,
            unlessUsedBy: { $0.destinationArn == destination.arn },
            conflict: AWSError(
                "ConflictException",
                "Delivery destination \(destination.name) is used by a delivery; delete the delivery first."))
    }

    public func putDeliveryDestinationPolicy(
        _ input: CloudWatchLogs.PutDeliveryDestinationPolicyRequest, context: RequestContext
    ) async throws -> CloudWatchLogs.PutDeliveryDestinationPolicyResponse {
        var destination = try await deliveryDestination(named: input.deliveryDestinationName, context: context)
        do {
            _ = try ResourcePolicy(json: input.deliveryDestinationPolicy)
        } catch {
            throw AWSError("ValidationException", "Invalid delivery destination policy: \(error)")
        }
        destination.policy = input.deliveryDestinationPolicy
        try await engine.save(.destination(destination))
        return CloudWatchLogs.PutDeliveryDestinationPolicyResponse(
            policy: CloudWatchLogs.Policy(deliveryDestinationPolicy: destination.policy))
    }

    public func getDeliveryDestinationPolicy(
        _ input: CloudWatchLogs.GetDeliveryDestinationPolicyRequest, context: RequestContext
    ) async throws -> CloudWatchLogs.GetDeliveryDestinationPolicyResponse {
        let destination = try await deliveryDestination(named: input.deliveryDestinationName, context: context)
        return CloudWatchLogs.GetDeliveryDestinationPolicyResponse(
            policy: CloudWatchLogs.Policy(deliveryDestinationPolicy: destination.policy))
    }

    public func deleteDeliveryDestinationPolicy(
        _ input: CloudWatchLogs.DeleteDeliveryDestinationPolicyRequest, context: RequestContext
    ) async throws {
        var destination = try await deliveryDestination(named: input.deliveryDestinationName, context: context)
        destination.policy = nil
        try await engine.save(.destination(destination))
    }

    func deliveryDestination(named name: String, context: RequestContext) async throws
        -> LogsDeliveryDestinationRecord
    {
        guard
            let destination = await engine.deliveryObject(
                .destination, account: context.account, region: context.region, name: name)?.destination
        else { throw Self.deliveryDestinationMissing }
        return destination
    }

    static func shape(_ destination: LogsDeliveryDestinationRecord) -> CloudWatchLogs.DeliveryDestination {
        CloudWatchLogs.DeliveryDestination(
            name: destination.name, arn: destination.arn, deliveryDestinationType: destination.type,
            outputFormat: destination.outputFormat,
            deliveryDestinationConfiguration: destination.resourceArn.map {
                CloudWatchLogs.DeliveryDestinationConfiguration(destinationResourceArn: $0)
            }, tags: destination.tags.isEmpty ? nil : destination.tags)
    }
}
