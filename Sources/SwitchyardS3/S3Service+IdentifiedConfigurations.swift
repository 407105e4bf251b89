import Foundation
import SwitchyardModels
import SwitchyardWire

/// Configurations a bucket keeps by id (metrics, analytics, inventory, intelligent tiering): stored
/// under `<kind>:<id>`, listed in id order a hundred at a time.
extension S3Service {
    func putIdentified<Value: AWSValueConvertible>(_ value: Value, id: String, kind: String, bucket: String)
        async throws
    {
        let text = StoredShape.write(value)
        let key = "\(kind):\(id)"
        try await engine.updateBucket(bucket) { record in
            let existing = record.configurations.keys.filter { $0.hasPrefix("\(kind):") }.count
            if record.configurations[key] == nil, existing >= 1000 {
                throw AWSError(
                    "TooManyConfigurations",
                    "You are attempting to create a new configuration but have already reached the 1,000-configuration limit."
                )
            }
            record.configurations[key] = text
        }
    }

    func identified<Value: AWSValueConvertible>(_ type: Value.Type, id: String, kind: String, bucket: String)
        async throws -> Value
    {
        let record = try await engine.bucket(bucket)
        guard let value = try StoredShape.read(type, record.configurations["\(kind):\(id)"]) else {
            throw Self.noSuchConfiguration
        }
        return value
    }

    func listIdentified<Value: AWSValueConvertible>(_ type: Value.Type, kind: String, bucket: String, token: String?)
        async throws -> (items: [Value], next: String?)
    {
        let record = try await engine.bucket(bucket)
        let prefix = "\(kind):"
        var ids = record.configurations.keys.filter { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }
            .sorted()
        if let token {
            guard let after = ContinuationToken.decode(token) else {
                throw S3Errors.invalidArgument(
                    "The continuation token provided is incorrect", name: "continuation-token")
            }
            ids = ids.filter { $0 > after }
        }
        let page = Array(ids.prefix(100))
        let items = try page.compactMap { try StoredShape.read(type, record.configurations[prefix + $0]) }
        return (items, ids.count > page.count ? page.last.map(ContinuationToken.encode) : nil)
    }

    func deleteIdentified(id: String, kind: String, bucket: String) async throws {
        let key = "\(kind):\(id)"
        guard try await engine.bucket(bucket).configurations[key] != nil else { throw Self.noSuchConfiguration }
        try await engine.updateBucket(bucket) { $0.configurations[key] = nil }
    }

    static let noSuchConfiguration = AWSError(
        "NoSuchConfiguration", "The specified configuration does not exist.", httpStatus: 404)

    // MARK: Metrics

    public func putBucketMetricsConfiguration(_ input: S3.PutBucketMetricsConfigurationRequest, context: RequestContext)
        async throws
    {
        guard input.id == input.metricsConfiguration.id else {
            throw S3Errors.invalidArgument("Document ID does not match the specified configuration ID.")
        }
        try await putIdentified(input.metricsConfiguration, id: input.id, kind: "metrics", bucket: input.bucket)
    }

    public func getBucketMetricsConfiguration(_ input: S3.GetBucketMetricsConfigurationRequest, context: RequestContext)
        async throws -> S3.GetBucketMetricsConfigurationOutput
    {
        S3.GetBucketMetricsConfigurationOutput(
            metricsConfiguration: try await identified(
                S3.MetricsConfiguration.self, id: input.id, kind: "metrics", bucket: input.bucket))
    }

    public func listBucketMetricsConfigurations(
        _ input: S3.ListBucketMetricsConfigurationsRequest, context: RequestContext
    ) async throws -> S3.ListBucketMetricsConfigurationsOutput {
        let page = try await listIdentified(
            S3.MetricsConfiguration.self, kind: "metrics", bucket: input.bucket, token: input.continuationToken)
        return S3.ListBucketMetricsConfigurationsOutput(
            isTruncated: page.next != nil, continuationToken: input.continuationToken,
            nextContinuationToken: page.next, metricsConfigurationList: page.items.isEmpty ? nil : page.items)
    }

    public func deleteBucketMetricsConfiguration(
        _ input: S3.DeleteBucketMetricsConfigurationRequest, context: RequestContext
    ) async throws {
        try await deleteIdentified(id: input.id, kind: "metrics", bucket: input.bucket)
    }

    // MARK: Analytics

    public func putBucketAnalyticsConfiguration(
        _ input: S3.PutBucketAnalyticsConfigurationRequest, context: RequestContext
    ) async throws {
        guard input.id == input.analyticsConfiguration.id else { throw S3Errors.malformedXML() }
        try await putIdentified(input.analyticsConfiguration, id: input.id, kind: "analytics", bucket: input.bucket)
    }

    public func getBucketAnalyticsConfiguration(
        _ input: S3.GetBucketAnalyticsConfigurationRequest, context: RequestContext
    ) async throws -> S3.GetBucketAnalyticsConfigurationOutput {
        S3.GetBucketAnalyticsConfigurationOutput(
            analyticsConfiguration: try await identified(
                S3.AnalyticsConfiguration.self, id: input.id, kind: "analytics", bucket: input.bucket))
    }

    public func listBucketAnalyticsConfigurations(
        _ input: S3.ListBucketAnalyticsConfigurationsRequest, context: RequestContext
    ) async throws -> S3.ListBucketAnalyticsConfigurationsOutput {
        let page = try await listIdentified(
            S3.AnalyticsConfiguration.self, kind: "analytics", bucket: input.bucket, token: input.continuationToken)
        return S3.ListBucketAnalyticsConfigurationsOutput(
            isTruncated: page.next != nil, continuationToken: input.continuationToken,
            nextContinuationToken: page.next, analyticsConfigurationList: page.items.isEmpty ? nil : page.items)
    }

    public func deleteBucketAnalyticsConfiguration(
        _ input: S3.DeleteBucketAnalyticsConfigurationRequest, context: RequestContext
    ) async throws {
        try await deleteIdentified(id: input.id, kind: "analytics", bucket: input.bucket)
    }

    // MARK: Inventory

    /// The fields an inventory may add, as the model names them.
    static let inventoryFields: Set<String> = Set(
        S3.model.shapeIndex["InventoryOptionalField"].flatMap { S3.model.shapes[$0].enumValues } ?? [])

    public func putBucketInventoryConfiguration(
        _ input: S3.PutBucketInventoryConfigurationRequest, context: RequestContext
    ) async throws {
        let configuration = input.inventoryConfiguration
        guard input.id == configuration.id else {
            throw AWSError("IdMismatch", "Document ID does not match the specified configuration ID.")
        }
        guard configuration.destination.s3BucketDestination.bucket.hasPrefix("arn:") else {
            throw AWSError("InvalidS3DestinationBucket", "Invalid bucket ARN.")
        }
        guard ["CSV", "ORC", "Parquet"].contains(configuration.destination.s3BucketDestination.format),
            ["Daily", "Weekly"].contains(configuration.schedule.frequency),
            ["All", "Current"].contains(configuration.includedObjectVersions),
            (configuration.optionalFields ?? []).allSatisfy(Self.inventoryFields.contains)
        else { throw S3Errors.malformedXML() }
        try await putIdentified(configuration, id: input.id, kind: "inventory", bucket: input.bucket)
    }

    public func getBucketInventoryConfiguration(
        _ input: S3.GetBucketInventoryConfigurationRequest, context: RequestContext
    ) async throws -> S3.GetBucketInventoryConfigurationOutput {
        S3.GetBucketInventoryConfigurationOutput(
            inventoryConfiguration: try await identified(
                S3.InventoryConfiguration.self, id: input.id, kind: "inventory", bucket: input.bucket))
    }

    public func listBucketInventoryConfigurations(
        _ input: S3.ListBucketInventoryConfigurationsRequest, context: RequestContext
    ) async throws -> S3.ListBucketInventoryConfigurationsOutput {
        let page = try await listIdentified(
            S3.InventoryConfiguration.self, kind: "inventory", bucket: input.bucket, token: input.continuationToken)
        return S3.ListBucketInventoryConfigurationsOutput(
            continuationToken: input.continuationToken,
            inventoryConfigurationList: page.items.isEmpty ? nil : page.items, isTruncated: page.next != nil,
            nextContinuationToken: page.next)
    }

    public func deleteBucketInventoryConfiguration(
        _ input: S3.DeleteBucketInventoryConfigurationRequest, context: RequestContext
    ) async throws {
        try await deleteIdentified(id: input.id, kind: "inventory", bucket: input.bucket)
    }

    // MARK: Intelligent-Tiering

    public func putBucketIntelligentTieringConfiguration(
        _ input: S3.PutBucketIntelligentTieringConfigurationRequest, context: RequestContext
    ) async throws {
        guard input.id == input.intelligentTieringConfiguration.id else { throw S3Errors.malformedXML() }
        try await putIdentified(
            input.intelligentTieringConfiguration, id: input.id, kind: "intelligent-tiering", bucket: input.bucket)
    }

    public func getBucketIntelligentTieringConfiguration(
        _ input: S3.GetBucketIntelligentTieringConfigurationRequest, context: RequestContext
    ) async throws -> S3.GetBucketIntelligentTieringConfigurationOutput {
        S3.GetBucketIntelligentTieringConfigurationOutput(
            intelligentTieringConfiguration: try await identified(
                S3.IntelligentTieringConfiguration.self, id: input.id, kind: "intelligent-tiering",
                bucket: input.bucket))
    }

    public func listBucketIntelligentTieringConfigurations(
        _ input: S3.ListBucketIntelligentTieringConfigurationsRequest, context: RequestContext
    ) async throws -> S3.ListBucketIntelligentTieringConfigurationsOutput {
        let page = try await listIdentified(
            S3.IntelligentTieringConfiguration.self, kind: "intelligent-tiering", bucket: input.bucket,
            token: input.continuationToken)
        return S3.ListBucketIntelligentTieringConfigurationsOutput(
            isTruncated: page.next != nil, continuationToken: input.continuationToken,
            nextContinuationToken: page.next,
            intelligentTieringConfigurationList: page.items.isEmpty ? nil : page.items)
    }

    public func deleteBucketIntelligentTieringConfiguration(
        _ input: S3.DeleteBucketIntelligentTieringConfigurationRequest, context: RequestContext
    ) async throws {
        try await deleteIdentified(id: input.id, kind: "intelligent-tiering", bucket: input.bucket)
    }
}
