import Foundation
import SwitchyardModels
import SwitchyardWire

extension S3Service {
    public func createMultipartUpload(_ input: S3.CreateMultipartUploadRequest, context: RequestContext) async throws
        -> S3.CreateMultipartUploadOutput
    {
        try Self.checkKey(input.key)
        try Self.checkMetadata(input.metadata)
        let bucket = try await engine.bucket(input.bucket)
        let algorithm = try input.checksumAlgorithm.map { try Self.requestedAlgorithm($0, context: context) } ?? nil
        let checksumType = input.checksumType ?? algorithm?.defaultMultipartType
        if let checksumType, let algorithm {
            let fullObjectOnly = algorithm == .crc64nvme
            let shaOnlyComposite = algorithm == .sha1 || algorithm == .sha256
            if (checksumType == "COMPOSITE" && fullObjectOnly) || (checksumType == "FULL_OBJECT" && shaOnlyComposite) {
                throw AWSError(
                    "InvalidRequest",
                    "The \(checksumType) checksum type cannot be used with the \(algorithm.rawValue.lowercased()) checksum algorithm."
                )
            }
        } else if input.checksumType != nil, algorithm == nil {
            throw AWSError(
                "InvalidRequest",
                "The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.")
        }
        var template = ObjectVersionRecord(
            bucket: input.bucket, key: input.key, versionId: "null", isDeleteMarker: false, lastModified: Self.now(),
            size: 0, etag: "", blob: nil, owner: context.account, sequence: 0)
        template.headers = Self.headers(
            contentType: input.contentType, contentEncoding: input.contentEncoding,
            contentDisposition: input.contentDisposition, contentLanguage: input.contentLanguage,
            cacheControl: input.cacheControl, expires: input.expires,
            websiteRedirectLocation: input.websiteRedirectLocation)
        template.metadata = Self.metadata(input.metadata)
        template.storageClass = try Self.storageClass(input.storageClass)
        template.tags = try Self.tags(fromHeader: input.tagging)
        // The ACL the upload names is the completed object's.
        template.acl = try AccessControlLists.policy(
            canned: input.acl,
            grants: AccessControlLists.GrantHeaders(
                fullControl: input.grantFullControl, read: input.grantRead, readACP: input.grantReadACP,
                writeACP: input.grantWriteACP),
            document: nil, owner: bucket.account, required: false
        ).map { StoredShape.write($0) }
        if let customerKey = try CustomerKey.given(
            algorithm: input.sseCustomerAlgorithm, key: input.sseCustomerKey, md5: input.sseCustomerKeyMD5,
            serverSideEncryption: input.serverSideEncryption)
        {
            template.customerKeyMD5 = customerKey.md5
        } else {
            applyEncryption(
                &template, bucket: bucket, requested: input.serverSideEncryption, keyId: input.ssekmsKeyId,
                bucketKey: input.bucketKeyEnabled)
        }
        try applyLock(
            &template, bucket: bucket, mode: input.objectLockMode, until: input.objectLockRetainUntilDate,
            legalHold: input.objectLockLegalHoldStatus)
        let upload = UploadRecord(
            uploadId: Self.newUploadId(), bucket: input.bucket, key: input.key, initiated: Date(),
            owner: context.account, template: template, checksumAlgorithm: algorithm, checksumType: checksumType,
            parts: [:])
        try await engine.createUpload(upload)
        return S3.CreateMultipartUploadOutput(
            bucket: input.bucket, key: input.key, uploadId: upload.uploadId,
            serverSideEncryption: template.serverSideEncryption,
            sseCustomerAlgorithm: template.customerKeyMD5 == nil ? nil : "AES256",
            sseCustomerKeyMD5: template.customerKeyMD5, ssekmsKeyId: template.kmsKeyId,
            bucketKeyEnabled: template.bucketKeyEnabled, checksumAlgorithm: algorithm?.rawValue,
            checksumType: checksumType)
    }

    /// A part copy's `bytes=first-last` range: both ends given, first not after last, within the source.
    static func copyRange(_ header: String, size: Int) throws -> Range<Int> {
        let malformed = S3Errors.invalidArgument(
            "The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy",
            name: "x-amz-copy-source-range", value: header)
        guard header.hasPrefix("bytes=") else { throw malformed }
        let bounds = header.dropFirst(6).split(separator: "-", omittingEmptySubsequences: false)
        guard bounds.count == 2, let first = Int(bounds[0]), let last = Int(bounds[1]), first >= 0, first <= last
        else { throw malformed }
        guard first < size else {
            throw AWSError("InvalidRequest", "The specified copy range is invalid for the source object size")
        }
        guard last < size else {
            throw S3Errors.invalidArgument(
                "Range specified is not valid for source object of size: \(size)", name: "x-amz-copy-source-range",
                value: header)
        }
        return first..<(last + 1)
    }

    static func newUploadId() -> String {
        let bytes = (0..<48).map { _ in UInt8.random(in: 0...255) }
        return Base64URL.encode(Data(bytes))
    }

    public func uploadPart(_ input: S3.UploadPartRequest, context: RequestContext) async throws -> S3.UploadPartOutput {
        guard (1...10000).contains(input.partNumber) else {
            throw S3Errors.invalidArgument(
                "Part number must be an integer between 1 and 10000, inclusive", name: "partNumber",
                value: String(input.partNumber))
        }
        let upload = try await engine.upload(input.uploadId, bucket: input.bucket, key: input.key)
        let partKey = try CustomerKey.given(
            algorithm: input.sseCustomerAlgorithm, key: input.sseCustomerKey, md5: input.sseCustomerKeyMD5)
        if (partKey == nil) != (upload.template.customerKeyMD5 == nil) {
            throw AWSError(
                "InvalidRequest",
                "The multipart upload initiate requested encryption. Subsequent part requests must include the appropriate encryption parameters."
            )
        }
        if let partKey, partKey.md5 != upload.template.customerKeyMD5 {
            throw AWSError(
                "InvalidRequest", "The provided encryption parameters did not match the ones used originally.")
        }
        let body = try await ingest(
            input.body, contentMD5: input.contentMD5, uploadAlgorithm: upload.checksumAlgorithm, digestAsHex: false,
            context: context)
        if let expected = upload.checksumAlgorithm, body.checksum?.algorithm != expected {
            files.remove([body.blob])
            throw AWSError(
                "InvalidRequest",
                "Checksum Type mismatch occurred, expected checksum Type: \(expected.rawValue.lowercased()), actual checksum Type: \(body.checksum?.algorithm.rawValue.lowercased() ?? "null")"
            )
        }
        let part = PartRecord(
            number: input.partNumber, size: body.size, etag: body.md5Hex, blob: body.blob, lastModified: Self.now(),
            checksum: upload.checksumAlgorithm == nil ? nil : body.checksum)
        try await engine.putPart(part, uploadId: input.uploadId, bucket: input.bucket, key: input.key)
        let output = S3.UploadPartOutput(
            serverSideEncryption: upload.template.serverSideEncryption, eTag: ETags.quoted(part.etag),
            sseCustomerAlgorithm: upload.template.customerKeyMD5 == nil ? nil : "AES256",
            sseCustomerKeyMD5: upload.template.customerKeyMD5,
            ssekmsKeyId: upload.template.kmsKeyId, bucketKeyEnabled: upload.template.bucketKeyEnabled)
        // The checksum the request carried is checked and answered back even when the upload has no
        // algorithm (SDKs send CRC32 by default), though only an upload's own algorithm is kept.
        let carried = try Self.sentAlgorithm(context) != nil
        return try Self.withChecksum(output, carried ? body.checksum : part.checksum, includeType: false)
    }

    public func uploadPartCopy(_ input: S3.UploadPartCopyRequest, context: RequestContext) async throws
        -> S3.UploadPartCopyOutput
    {
        guard (1...10000).contains(input.partNumber) else {
            throw S3Errors.invalidArgument(
                "Part number must be an integer between 1 and 10000, inclusive", name: "partNumber",
                value: String(input.partNumber))
        }
        let upload = try await engine.upload(input.uploadId, bucket: input.bucket, key: input.key)
        let source = try CopySource(input.copySource)
        let sourceBucket = try await engine.bucket(source.bucket)
        let original = try await engine.version(bucket: source.bucket, key: source.key, versionId: source.versionId)
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
        var range: Range<Int>?
        if let header = input.copySourceRange {
            range = try Self.copyRange(header, size: original.size)
        }
        guard let blob = original.blob else { throw S3Errors.noSuchKey(source.key) }
        let copied = try await files.copy(blob, range: range, checksum: upload.checksumAlgorithm)
        let part = PartRecord(
            number: input.partNumber, size: copied.size, etag: Hex.encode(copied.md5), blob: copied.blob,
            lastModified: Self.now(),
            checksum: zip(upload.checksumAlgorithm, copied.checksum).map { StoredChecksum(algorithm: $0, value: $1) })
        try await engine.putPart(part, uploadId: input.uploadId, bucket: input.bucket, key: input.key)
        let result = try Self.withChecksum(
            S3.CopyPartResult(eTag: ETags.quoted(part.etag), lastModified: part.lastModified), part.checksum,
            includeType: false)
        return S3.UploadPartCopyOutput(
            copySourceVersionId: sourceBucket.versioning == nil ? nil : original.versionId, copyPartResult: result,
            serverSideEncryption: upload.template.serverSideEncryption)
    }

    public func completeMultipartUpload(_ input: S3.CompleteMultipartUploadRequest, context: RequestContext)
        async throws -> S3.CompleteMultipartUploadOutput
    {
        let upload = try await engine.upload(input.uploadId, bucket: input.bucket, key: input.key)
        let claims = (input.multipartUpload?.parts ?? []).map { part in
            CompletedPartClaim(
                number: part.partNumber ?? 0, etag: part.eTag,
                checksum: Self.claimedChecksum(
                    crc32: part.checksumCRC32, crc32c: part.checksumCRC32C, crc64nvme: part.checksumCRC64NVME,
                    sha1: part.checksumSHA1, sha256: part.checksumSHA256))
        }
        if claims.isEmpty {
            throw AWSError("InvalidRequest", "You must specify at least one part")
        }
        if let requested = input.checksumType, requested != upload.checksumType {
            throw AWSError(
                "InvalidRequest",
                "The upload was created using the \(upload.checksumType ?? "null") checksum mode. The complete request must use the same checksum mode."
            )
        }
        // The size the client computed, checked when every part it names exists (a missing one is
        // InvalidPart, found by the completion itself).
        if let declared = input.mpuObjectSize {
            let sizes = claims.compactMap { upload.parts[$0.number]?.size }
            let computed = sizes.reduce(0, +)
            if sizes.count == claims.count, computed != declared {
                throw AWSError(
                    "InvalidRequest",
                    "The provided 'x-amz-mp-object-size' header value \(declared) does not match what was computed: \(computed)"
                )
            }
        }
        let stored = try await engine.completeUpload(
            input.uploadId, bucket: input.bucket, key: input.key, claims: claims,
            objectChecksum: Self.claimedChecksum(
                crc32: input.checksumCRC32, crc32c: input.checksumCRC32C, crc64nvme: input.checksumCRC64NVME,
                sha1: input.checksumSHA1, sha256: input.checksumSHA256),
            checksumType: input.checksumType,
            condition: WriteCondition(ifMatch: input.ifMatch, ifNoneMatch: input.ifNoneMatch))
        await notifications?.objectCreated(stored, event: "CompleteMultipartUpload", context: context)
        let bucket = try await engine.bucket(input.bucket)
        let location = "http://\(context.host)/\(input.bucket)/\(S3URLEncoding.encode(input.key))"
        let output = S3.CompleteMultipartUploadOutput(
            location: location, bucket: input.bucket, key: input.key, eTag: ETags.quoted(stored.etag),
            serverSideEncryption: upload.template.serverSideEncryption,
            versionId: bucket.versioning == nil ? nil : stored.versionId, ssekmsKeyId: upload.template.kmsKeyId,
            bucketKeyEnabled: upload.template.bucketKeyEnabled)
        // An object encrypted with a customer's key is completed without checksum or encryption fields.
        if upload.template.customerKeyMD5 != nil { return output }
        return try Self.withChecksum(output, stored.checksum)
    }

    /// The first checksum member a request sets, in the model's order.
    static func claimedChecksum(crc32: String?, crc32c: String?, crc64nvme: String?, sha1: String?, sha256: String?)
        -> ClaimedChecksum?
    {
        let stated: [(ChecksumAlgorithm, String?)] = [
            (.crc32, crc32), (.crc32c, crc32c), (.crc64nvme, crc64nvme), (.sha1, sha1), (.sha256, sha256),
        ]
        return stated.lazy.compactMap { algorithm, value in
            value.map { ClaimedChecksum(algorithm: algorithm, value: $0) }
        }
        .first
    }

    public func abortMultipartUpload(_ input: S3.AbortMultipartUploadRequest, context: RequestContext) async throws
        -> S3.AbortMultipartUploadOutput
    {
        try await engine.abortUpload(input.uploadId, bucket: input.bucket, key: input.key)
        return S3.AbortMultipartUploadOutput()
    }

    public func listParts(_ input: S3.ListPartsRequest, context: RequestContext) async throws -> S3.ListPartsOutput {
        let upload = try await engine.upload(input.uploadId, bucket: input.bucket, key: input.key)
        let maxParts = min(max(input.maxParts ?? 1000, 0), 1000)
        let after = input.partNumberMarker ?? 0
        let remaining = upload.parts.values.filter { $0.number > after }.sorted { $0.number < $1.number }
        let page = Array(remaining.prefix(maxParts))
        let truncated = remaining.count > page.count
        let parts = try page.map { part in
            try Self.withChecksum(
                S3.Part(
                    partNumber: part.number, lastModified: part.lastModified, eTag: ETags.quoted(part.etag),
                    size: part.size),
                part.checksum, includeType: false)
        }
        let owner = Self.owner(upload.owner)
        return S3.ListPartsOutput(
            bucket: input.bucket, key: input.key, uploadId: input.uploadId, partNumberMarker: after,
            nextPartNumberMarker: page.last?.number ?? 0, maxParts: maxParts, isTruncated: truncated,
            parts: parts.isEmpty ? nil : parts, initiator: Self.initiator(upload.owner),
            owner: owner, storageClass: upload.template.storageClass,
            checksumAlgorithm: upload.checksumAlgorithm?.rawValue, checksumType: upload.checksumType)
    }

    public func listMultipartUploads(_ input: S3.ListMultipartUploadsRequest, context: RequestContext) async throws
        -> S3.ListMultipartUploadsOutput
    {
        let encoding = try Self.encoding(input.encodingType)
        let maxUploads = min(max(input.maxUploads ?? 1000, 0), 1000)
        let keyMarker = input.keyMarker.flatMap { $0.isEmpty ? nil : $0 }
        // An upload-id marker counts only beside a key marker, and must be one of that key's uploads.
        let uploadIdMarker = keyMarker == nil ? nil : input.uploadIdMarker.flatMap { $0.isEmpty ? nil : $0 }
        if let keyMarker, let uploadIdMarker {
            let uploads = try await engine.uploads(in: input.bucket)
            guard uploads.contains(where: { ObjectKey.same($0.key, keyMarker) && $0.uploadId == uploadIdMarker }) else {
                throw S3Errors.invalidArgument(
                    "Invalid uploadId marker", name: "upload-id-marker", value: uploadIdMarker)
            }
        }
        let page = try await engine.listUploads(
            bucket: input.bucket,
            ListingQuery(
                prefix: input.prefix ?? "", delimiter: input.delimiter, after: keyMarker, afterEntryId: uploadIdMarker,
                maxKeys: maxUploads))
        let uploads = page.entries.map { upload in
            S3.MultipartUpload(
                uploadId: upload.uploadId, key: encoding(upload.key), initiated: Self.wholeSeconds(upload.initiated),
                storageClass: upload.template.storageClass, owner: Self.owner(upload.owner),
                initiator: Self.initiator(upload.owner), checksumAlgorithm: upload.checksumAlgorithm?.rawValue,
                checksumType: upload.checksumType)
        }
        // The next markers name the last upload returned, truncated or not; none after a prefix.
        let lastUpload = page.lastEntryId == nil ? nil : page.entries.last
        return S3.ListMultipartUploadsOutput(
            bucket: input.bucket, keyMarker: encoding(keyMarker ?? ""), uploadIdMarker: uploadIdMarker ?? "",
            nextKeyMarker: lastUpload.map { encoding($0.key) } ?? "", prefix: input.prefix.map(encoding),
            delimiter: Self.echoedDelimiter(input.delimiter, encoding),
            nextUploadIdMarker: lastUpload?.uploadId ?? "", maxUploads: maxUploads, isTruncated: page.isTruncated,
            uploads: uploads.isEmpty ? nil : uploads, commonPrefixes: Self.prefixes(page, encoding),
            encodingType: input.encodingType)
    }
}

/// Both values, or nil.
private func zip<A, B>(_ first: A?, _ second: B?) -> (A, B)? {
    guard let first, let second else { return nil }
    return (first, second)
}
