import Foundation
import SwitchyardModels
import SwitchyardWire

extension S3Service {
    public func copyObject(_ input: S3.CopyObjectRequest, context: RequestContext) async throws -> S3.CopyObjectOutput {
        try Self.checkKey(input.key)
        let source = try CopySource(input.copySource)
        let target = try await engine.bucket(input.bucket)
        try S3Errors.checkWriteConditions(ifMatch: input.ifMatch, ifNoneMatch: input.ifNoneMatch)
        let sourceBucket = try await engine.bucket(source.bucket)
        let original = try await engine.version(bucket: source.bucket, key: source.key, versionId: source.versionId)
        // An archived source is copied only from its restored copy.
        guard Self.isReadable(original) else {
            throw AWSError(
                "InvalidObjectState", "Operation is not valid for the source object's storage class", httpStatus: 403
            )
        }
        let conditions = ReadConditions(
            ifMatch: input.copySourceIfMatch, ifNoneMatch: input.copySourceIfNoneMatch,
            ifModifiedSince: input.copySourceIfModifiedSince, ifUnmodifiedSince: input.copySourceIfUnmodifiedSince)
        switch conditions.evaluate(
            etag: original.etag, lastModified: original.lastModified,
            names: ("x-amz-copy-source-If-Match", "x-amz-copy-source-If-Unmodified-Since"))
        {
        case .proceed: break
        case .notModified:
            throw S3Errors.preconditionFailed(
                input.copySourceIfNoneMatch != nil
                    ? "x-amz-copy-source-If-None-Match" : "x-amz-copy-source-If-Modified-Since")
        case .failed(let condition): throw S3Errors.preconditionFailed(condition)
        }
        let replaceMetadata = input.metadataDirective == "REPLACE"
        let replaceTags = input.taggingDirective == "REPLACE"
        if source.bucket == input.bucket, ObjectKey.same(source.key, input.key), source.versionId == nil,
            !replaceMetadata,
            input.storageClass == nil, input.websiteRedirectLocation == nil, input.serverSideEncryption == nil,
            input.ssekmsKeyId == nil,
            // A bucket's own default encryption counts as a change (AWS's recorded answers).
            target.configurations[BucketConfiguration.encryption.rawValue] == nil
        {
            throw AWSError(
                "InvalidRequest",
                "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes."
            )
        }
        try Self.checkMetadata(input.metadata)
        try CustomerKey.checkRead(
            stored: original.customerKeyMD5, algorithm: input.copySourceSSECustomerAlgorithm,
            key: input.copySourceSSECustomerKey, md5: input.copySourceSSECustomerKeyMD5)
        let targetKey = try CustomerKey.given(
            algorithm: input.sseCustomerAlgorithm, key: input.sseCustomerKey, md5: input.sseCustomerKeyMD5,
            serverSideEncryption: input.serverSideEncryption)
        guard let blob = original.blob else { throw S3Errors.noSuchKey(source.key) }
        var algorithm = original.checksum?.algorithm ?? .crc64nvme
        if let name = input.checksumAlgorithm, let requested = try Self.requestedAlgorithm(name, context: context) {
            algorithm = requested
        }
        let copied = try await files.copy(blob, range: nil, checksum: algorithm)
        var version = original
        version.bucket = input.bucket
        version.key = input.key
        version.blob = copied.blob
        version.etag = Hex.encode(copied.md5)
        version.lastModified = Self.now()
        version.partSizes = nil
        version.owner = context.account
        version.checksum = copied.checksum.map { StoredChecksum(algorithm: algorithm, value: $0) }
        if replaceMetadata {
            version.headers = Self.headers(
                contentType: input.contentType, contentEncoding: input.contentEncoding,
                contentDisposition: input.contentDisposition, contentLanguage: input.contentLanguage,
                cacheControl: input.cacheControl, expires: input.expires,
                websiteRedirectLocation: input.websiteRedirectLocation)
            version.metadata = Self.metadata(input.metadata)
        } else if let redirect = input.websiteRedirectLocation {
            version.headers.websiteRedirectLocation = redirect
        }
        if replaceTags { version.tags = try Self.tags(fromHeader: input.tagging) }
        version.storageClass = try Self.storageClass(input.storageClass)
        version.customerKeyMD5 = targetKey?.md5
        version.serverSideEncryption = nil
        version.kmsKeyId = nil
        if targetKey == nil {
            applyEncryption(
                &version, bucket: target, requested: input.serverSideEncryption, keyId: input.ssekmsKeyId,
                bucketKey: input.bucketKeyEnabled)
        }
        version.objectLockMode = input.objectLockMode
        version.objectLockRetainUntil = input.objectLockRetainUntilDate
        version.legalHold = input.objectLockLegalHoldStatus
        let stored = try await engine.putVersion(
            version, condition: WriteCondition(ifMatch: input.ifMatch, ifNoneMatch: input.ifNoneMatch))
        await notifications?.objectCreated(stored, event: "Copy", context: context)
        let result = try Self.withChecksum(
            S3.CopyObjectResult(eTag: ETags.quoted(stored.etag), lastModified: stored.lastModified), stored.checksum)
        return S3.CopyObjectOutput(
            copyObjectResult: result,
            // A source that is the "null" version is not named; a copy into a suspended bucket is
            // (AWS's recorded answers).
            copySourceVersionId: sourceBucket.versioning == nil || original.versionId == "null"
                ? nil : original.versionId,
            versionId: target.versioning == nil ? nil : stored.versionId,
            serverSideEncryption: stored.serverSideEncryption,
            sseCustomerAlgorithm: stored.customerKeyMD5 == nil ? nil : "AES256",
            sseCustomerKeyMD5: stored.customerKeyMD5, ssekmsKeyId: stored.kmsKeyId,
            bucketKeyEnabled: stored.bucketKeyEnabled)
    }
}
