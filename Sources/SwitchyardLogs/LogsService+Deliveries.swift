import Foundation
import SwitchyardModels
import SwitchyardWire

/// Vended logs: delivery sources (resources of other services that send logs), delivery
/// destinations (a log group, bucket or Firehose stream) and the deliveries pairing them. The
/// configuration is kept and answered as AWS answers it; the services that vend these logs do not
/// run here, so no delivery carries any.
extension LogsService {
    static let sourceMissing = AWSError(
        "ResourceNotFoundException", "Requested Delivery Source does not exist in this account.")
    static let deliveryDestinationMissing = AWSError(
        "ResourceNotFoundException", "Requested Delivery Destination does not exist in this account.")
    static let deliveryMissing = AWSError(
        "ResourceNotFoundException", "Requested Delivery does not exist in this account.")

    public func createDelivery(_ input: CloudWatchLogs.CreateDeliveryRequest, context: RequestContext) async throws
        -> CloudWatchLogs.CreateDeliveryResponse
    {
        let source = try await deliverySource(named: input.deliverySourceName, context: context)
        let destination = try await deliveryDestination(arn: input.deliveryDestinationArn, context: context)
        let defaults = VendedLogSources.defaults(service: source.service, logType: source.logType)
        let isS3 = destination.type == "S3"
        let delivery = LogsDeliveryRecord(
            account: context.account, region: context.region, id: Self.newDeliveryId(), sourceName: source.name,
            destinationArn: destination.arn, destinationType: destination.type,
            recordFields: input.recordFields ?? defaults?.recordFields, fieldDelimiter: input.fieldDelimiter,
            suffixPath: isS3 ? input.s3DeliveryConfiguration?.suffixPath ?? defaults?.suffixPath : nil,
            enableHiveCompatiblePath: isS3 ? input.s3DeliveryConfiguration?.enableHiveCompatiblePath ?? false : nil,
            tags: input.tags ?? [:], created: Date().timeIntervalSince1970)
        try await engine.create(delivery)
        return CloudWatchLogs.CreateDeliveryResponse(delivery: Self.shape(delivery))
    }

    public func getDelivery(_ input: CloudWatchLogs.GetDeliveryRequest, context: RequestContext) async throws
        -> CloudWatchLogs.GetDeliveryResponse
    {
        CloudWatchLogs.GetDeliveryResponse(delivery: Self.shape(try await delivery(id: input.id, context: context)))
    }

    public func describeDeliveries(_ input: CloudWatchLogs.DescribeDeliveriesRequest, context: RequestContext)
        async throws -> CloudWatchLogs.DescribeDeliveriesResponse
    {
        let deliveries = await engine.listed(\.delivery, account: context.account, region: context.region)
        let page = try Self.page(deliveries, token: input.nextToken, limit: input.limit ?? 50)
        return CloudWatchLogs.DescribeDeliveriesResponse(deliveries: page.items.map(Self.shape), nextToken: page.next)
    }

    public func updateDeliveryConfiguration(
        _ input: CloudWatchLogs.UpdateDeliveryConfigurationRequest, context: RequestContext
    ) async throws -> CloudWatchLogs.UpdateDeliveryConfigurationResponse {
        var delivery = try await delivery(id: input.id, context: context)
        if let fields = input.recordFields { delivery.recordFields = fields }
        if let delimiter = input.fieldDelimiter { delivery.fieldDelimiter = delimiter }
        if delivery.destinationType == "S3", let s3 = input.s3DeliveryConfiguration {
            if let suffix = s3.suffixPath { delivery.suffixPath = suffix }
            if let hive = s3.enableHiveCompatiblePath { delivery.enableHiveCompatiblePath = hive }
        }
        try await engine.save(.delivery(delivery))
        return CloudWatchLogs.UpdateDeliveryConfigurationResponse()
    }

    public func deleteDelivery(_ input: CloudWatchLogs.DeleteDeliveryRequest, context: RequestContext) async throws {
        let delivery = try await delivery(id: input.id, context: context)
        try await engine.deleteDeliveryObject(key: LogsDeliveryObject.delivery(delivery).key)
    }

    private func delivery(id: String, context: RequestContext) async throws -> LogsDeliveryRecord {
        guard
            let delivery = await engine.deliveryObject(
                .delivery, account: context.account, region: context.region, name: id)?.delivery
        else { throw Self.deliveryMissing }
        return delivery
    }

    /// The destination a delivery names by ARN. Another account's destination takes deliveries from
    /// the accounts its policy allows `logs:CreateDelivery`.
    private func deliveryDestination(arn: String, context: RequestContext) async throws
        -> LogsDeliveryDestinationRecord
    {
        let prefix = "delivery-destination:"
        guard let parts = ARN.parts(arn), parts[2] == "logs", parts[5].hasPrefix(prefix),
            let destination = await engine.deliveryObject(
                .destination, account: String(parts[4]), region: String(parts[3]),
                name: String(parts[5].dropFirst(prefix.count)))?.destination
        else { throw Self.deliveryDestinationMissing }
        if destination.account != context.account {
            try Self.check(destination.policy, allows: context.account, "logs:CreateDelivery", on: destination.arn)
        }
        return destination
    }

    /// The kinds of object a delivery ARN's resource type names, with their not-found answers.
    private static let taggedKinds: [String: (LogsDeliveryObject.Kind, AWSError)] = [
        "delivery-source": (.source, sourceMissing),
        "delivery-destination": (.destination, deliveryDestinationMissing),
        "delivery": (.delivery, deliveryMissing),
    ]

    /// The source, destination or delivery a tagging operation's ARN names; nil for other ARNs.
    func taggedDeliveryObject(_ arn: String, context: RequestContext) async throws -> LogsDeliveryObject? {
        guard let parts = ARN.parts(arn), parts[2] == "logs" else { return nil }
        let resource = parts[5].split(separator: ":", maxSplits: 1).map(String.init)
        guard resource.count == 2, let (kind, missing) = Self.taggedKinds[resource[0]] else { return nil }
        guard parts[4] == context.account,
            let object = await engine.deliveryObject(
                kind, account: context.account, region: String(parts[3]), name: resource[1])
        else { throw missing }
        return object
    }

    /// A delivery id: 16 letters and digits, as the model's pattern allows.
    static func newDeliveryId() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        return String((0..<16).map { _ in alphabet.randomElement() ?? "A" })
    }

    static func shape(_ delivery: LogsDeliveryRecord) -> CloudWatchLogs.Delivery {
        let s3 =
            delivery.destinationType == "S3"
            ? CloudWatchLogs.S3DeliveryConfiguration(
                suffixPath: delivery.suffixPath, enableHiveCompatiblePath: delivery.enableHiveCompatiblePath) : nil
        return CloudWatchLogs.Delivery(
            id: delivery.id, arn: delivery.arn, deliverySourceName: delivery.sourceName,
            deliveryDestinationArn: delivery.destinationArn, deliveryDestinationType: delivery.destinationType,
            recordFields: delivery.recordFields, fieldDelimiter: delivery.fieldDelimiter, s3DeliveryConfiguration: s3,
            tags: delivery.tags.isEmpty ? nil : delivery.tags)
    }
}
