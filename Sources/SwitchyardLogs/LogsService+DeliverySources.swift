import Foundation
import SwitchyardModels
import SwitchyardWire

/// Delivery sources: resources of other services that vend logs, named for deliveries to use.
extension LogsService {
    public func putDeliverySource(_ input: CloudWatchLogs.PutDeliverySourceRequest, context: RequestContext)
        async throws -> CloudWatchLogs.PutDeliverySourceResponse
    {
        guard let service = ARN.parts(input.resourceArn).map({ String($0[2]) }),
            let logTypes = VendedLogSources.logTypes[service]
        else { throw AWSError("ResourceNotFoundException", "Cannot access provided service.") }
        guard logTypes.contains(input.logType) else {
            throw AWSError(
                "ValidationException",
                "Log type \(input.logType) is not supported for service \(service). Supported log types: \(logTypes.sorted().joined(separator: ", "))."
            )
        }
        var source = LogsDeliverySourceRecord(
            account: context.account, region: context.region, name: input.name, resourceArn: input.resourceArn,
            service: service, logType: input.logType, configuration: input.deliverySourceConfiguration,
            tags: input.tags ?? [:], created: Date().timeIntervalSince1970)
        // A put replaces the source's settings; it keeps its place in listings.
        if let old = await engine.deliveryObject(
            .source, account: context.account, region: context.region, name: input.name)?.source
        {
            source.created = old.created
        }
        try await engine.save(.source(source))
        return CloudWatchLogs.PutDeliverySourceResponse(deliverySource: Self.shape(source))
    }

    public func getDeliverySource(_ input: CloudWatchLogs.GetDeliverySourceRequest, context: RequestContext)
        async throws -> CloudWatchLogs.GetDeliverySourceResponse
    {
        CloudWatchLogs.GetDeliverySourceResponse(
            deliverySource: Self.shape(try await deliverySource(named: input.name, context: context)))
    }

    public func describeDeliverySources(
        _ input: CloudWatchLogs.DescribeDeliverySourcesRequest, context: RequestContext
    ) async throws -> CloudWatchLogs.DescribeDeliverySourcesResponse {
        let sources = await engine.listed(\.source, account: context.account, region: context.region)
        let page = try Self.page(sources, token: input.nextToken, limit: input.limit ?? 50)
        return CloudWatchLogs.DescribeDeliverySourcesResponse(
            deliverySources: page.items.map(Self.shape), nextToken: page.next)
    }

    public func deleteDeliverySource(_ input: CloudWatchLogs.DeleteDeliverySourceRequest, context: RequestContext)
        async throws
    {
        let source = try await deliverySource(named: input.name, context: context)
        try await engine.deleteDeliveryObject(
            key: LogsDeliveryObject.source(source).key,
            unlessUsedBy: {
                $0.account == source.account && $0.region == source.region && $0.sourceName == source.name
            },
            conflict: AWSError(
                "ConflictException",
                "Delivery source \(source.name) is used by a delivery; delete the delivery first."))
    }

    func deliverySource(named name: String, context: RequestContext) async throws
        -> LogsDeliverySourceRecord
    {
        guard
            let source = await engine.deliveryObject(
                .source, account: context.account, region: context.region, name: name)?.source
        else { throw Self.sourceMissing }
        return source
    }

    static func shape(_ source: LogsDeliverySourceRecord) -> CloudWatchLogs.DeliverySource {
        CloudWatchLogs.DeliverySource(
            name: source.name, arn: source.arn, resourceArns: [source.resourceArn], service: source.service,
            logType: source.logType, tags: source.tags.isEmpty ? nil : source.tags,
            deliverySourceConfiguration: source.configuration)
    }

}
