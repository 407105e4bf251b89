import Foundation
import SwitchyardModels
import SwitchyardWire

extension S3Service {
    public func getObjectAttributes(_ input: S3.GetObjectAttributesRequest, context: RequestContext) async throws
        -> S3.GetObjectAttributesOutput
    {
        let bucket = try await engine.bucket(input.bucket)
        let version = try await engine.version(bucket: input.bucket, key: input.key, versionId: input.versionId)
        // An object encrypted with a customer's key is described only to the holder of that key.
        try CustomerKey.checkRead(
            stored: version.customerKeyMD5, algorithm: input.sseCustomerAlgorithm, key: input.sseCustomerKey,
            md5: input.sseCustomerKeyMD5)
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
        if wanted.contains("Checksum"), var checksum = version.checksum {
            // Attributes give a composite checksum without its part count.
            if let dash = checksum.value.lastIndex(of: "-") { checksum.value = String(checksum.value[..<dash]) }
            output.checksum = try Self.withChecksum(S3.Checksum(), checksum)
        }
        if wanted.contains("ObjectParts"), let sizes = version.partSizes,
            version.partChecksums == nil || version.checksum?.type != "COMPOSITE"
        {
            // Without a composite checksum (no part checksums, or a FULL_OBJECT one) S3 gives the
            // part count alone.
            output.objectParts = S3.GetObjectAttributesParts(totalPartsCount: sizes.count)
        } else if wanted.contains("ObjectParts"), let sizes = version.partSizes {
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
                totalPartsCount: sizes.count, partNumberMarker: after, nextPartNumberMarker: page.last ?? 0,
                maxParts: maxParts, isTruncated: numbers.count > page.count,
                parts: version.partChecksums == nil ? nil : parts)
        }
        return output
    }
}
