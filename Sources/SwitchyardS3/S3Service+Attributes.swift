import Foundation
import SwitchyardModels
import SwitchyardWire

extension S3Service {
    public func getObjectAttributes(_ input: S3.GetObjectAttributesRequest, context: RequestContext) async throws
        -> S3.GetObjectAttributesOutput
    {
        let bucket = try await engine.bucket(input.bucket)
        let version = try await engine.version(bucket: input.bucket, key: input.key, versionId: input.versionId)
        let wanted = Set(input.objectAttributes)
        let known: Set = ["ETag", "Checksum", "ObjectParts", "StorageClass", "ObjectSize"]
        if wanted.isEmpty || !wanted.isSubset(of: known) {
            throw S3Errors.invalidArgument(
                "Invalid attribute name specified.", name: "x-amz-object-attributes",
                value: input.objectAttributes.joined(separator: ","))
        }
        var output = S3.GetObjectAttributesOutput(
            lastModified: version.lastModified, versionId: bucket.versioning == nil ? nil : version.versionId)
        if wanted.contains("ETag") { output.eTag = version.etag }
        if wanted.contains("StorageClass") { output.storageClass = version.storageClass }
        if wanted.contains("ObjectSize") { output.objectSize = version.size }
        if wanted.contains("Checksum"), let checksum = version.checksum {
            output.checksum = try Self.withChecksum(S3.Checksum(), checksum)
        }
        if wanted.contains("ObjectParts"), let sizes = version.partSizes {
            let maxParts = min(max(input.maxParts ?? 1000, 0), 1000)
            let after = input.partNumberMarker ?? 0
            let numbers = Array((after + 1)...max(after + 1, sizes.count)).filter { $0 <= sizes.count }
            let page = Array(numbers.prefix(maxParts))
            var parts: [S3.ObjectPart] = []
            for number in page {
                var part = S3.ObjectPart(partNumber: number, size: sizes[number - 1])
                if let algorithm = version.checksum?.algorithm, let values = version.partChecksums,
                    number - 1 < values.count
                {
                    part = try Self.withChecksum(
                        part, StoredChecksum(algorithm: algorithm, value: values[number - 1]), includeType: false)
                }
                parts.append(part)
            }
            output.objectParts = S3.GetObjectAttributesParts(
                totalPartsCount: sizes.count, partNumberMarker: after, nextPartNumberMarker: page.last ?? after,
                maxParts: maxParts, isTruncated: numbers.count > page.count,
                parts: version.partChecksums == nil ? nil : parts)
        }
        return output
    }

    // MARK: Metrics configurations (stored per id, listed in id order)

    public func putBucketMetricsConfiguration(
        _ input: S3.PutBucketMetricsConfigurationRequest, context: RequestContext
    ) async throws {
        guard input.id == input.metricsConfiguration.id else {
            throw S3Errors.invalidArgument(
                "Document ID does not match the specified configuration ID.")
        }
        let text = StoredShape.write(input.metricsConfiguration)
        let key = Self.metricsKey(input.id)
        try await engine.updateBucket(input.bucket) { bucket in
            let existing = bucket.configurations.keys.filter { $0.hasPrefix("metrics:") }.count
            if bucket.configurations[key] == nil, existing >= 1000 {
                throw AWSError("TooManyConfigurations", "You are attempting to create a new configuration but have already reached the 1,000-configuration limit.")
            }
            bucket.configurations[key] = text
        }
    }

    public func getBucketMetricsConfiguration(
        _ input: S3.GetBucketMetricsConfigurationRequest, context: RequestContext
    ) async throws -> S3.GetBucketMetricsConfigurationOutput {
        let bucket = try await engine.bucket(input.bucket)
        guard let configuration = try StoredShape.read(
            S3.MetricsConfiguration.self, bucket.configurations[Self.metricsKey(input.id)])
        else { throw Self.noSuchMetricsConfiguration(input.bucket) }
        return S3.GetBucketMetricsConfigurationOutput(metricsConfiguration: configuration)
    }

    public func listBucketMetricsConfigurations(
        _ input: S3.ListBucketMetricsConfigurationsRequest, context: RequestContext
    ) async throws -> S3.ListBucketMetricsConfigurationsOutput {
        let bucket = try await engine.bucket(input.bucket)
        var ids = bucket.configurations.keys.filter { $0.hasPrefix("metrics:") }.map { String($0.dropFirst(8)) }
            .sorted()
        if let token = input.continuationToken {
            guard let after = ContinuationToken.decode(token) else {
                throw S3Errors.invalidArgument("The continuation token provided is incorrect", name: "continuation-token")
            }
            ids = ids.filter { $0 > after }
        }
        let page = Array(ids.prefix(100))
        let configurations = try page.compactMap {
            try StoredShape.read(S3.MetricsConfiguration.self, bucket.configurations[Self.metricsKey($0)])
        }
        let truncated = ids.count > page.count
        return S3.ListBucketMetricsConfigurationsOutput(
            isTruncated: truncated, continuationToken: input.continuationToken,
            nextContinuationToken: truncated ? page.last.map(ContinuationToken.encode) : nil,
            metricsConfigurationList: configurations.isEmpty ? nil : configurations)
    }

    public func deleteBucketMetricsConfiguration(
        _ input: S3.DeleteBucketMetricsConfigurationRequest, context: RequestContext
    ) async throws {
        let key = Self.metricsKey(input.id)
        let bucket = try await engine.bucket(input.bucket)
        guard bucket.configurations[key] != nil else { throw Self.noSuchMetricsConfiguration(input.bucket) }
        try await engine.updateBucket(input.bucket) { $0.configurations[key] = nil }
    }

    static func metricsKey(_ id: String) -> String { "metrics:\(id)" }

        static func noSuchMetricsConfiguration(_ bucket: String) -> AWSError {
        AWSError("NoSuchConfiguration", "The specified configuration does not exist.", httpStatus: 404)
    }
}
