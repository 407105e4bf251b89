import Crypto
import Foundation
import SwitchyardModels
import SwitchyardWire

extension S3Service {
    public func putObject(_ input: S3.PutObjectRequest, context: RequestContext) async throws -> S3.PutObjectOutput {
        try Self.checkKey(input.key)
        try Self.checkMetadata(input.metadata)
        let bucket = try await engine.bucket(input.bucket)
        try S3Errors.checkWriteConditions(ifMatch: input.ifMatch, ifNoneMatch: input.ifNoneMatch)
        let tags = try Self.tags(fromHeader: input.tagging)
        let acl = try AccessControlLists.policy(
            canned: input.acl,
            grants: AccessControlLists.GrantHeaders(
                fullControl: input.grantFullControl, read: input.grantRead, readACP: input.grantReadACP,
                writeACP: input.grantWriteACP),
            document: nil, owner: bucket.account, required: false)
        // Everything about the object is checked before its bytes are stored.
        var version = ObjectVersionRecord(
            bucket: input.bucket, key: input.key, versionId: "null", isDeleteMarker: false, lastModified: Self.now(),
            size: 0, etag: "", blob: nil, owner: context.account, sequence: 0)
        version.headers = Self.headers(
            contentType: input.contentType, contentEncoding: input.contentEncoding,
            contentDisposition: input.contentDisposition, contentLanguage: input.contentLanguage,
            cacheControl: input.cacheControl, expires: input.expires,
            websiteRedirectLocation: input.websiteRedirectLocation)
        version.metadata = Self.metadata(input.metadata)
        version.storageClass = try Self.storageClass(input.storageClass)
        version.tags = tags
        version.acl = acl.map { StoredShape.write($0) }
        if let customerKey = try CustomerKey.given(
            algorithm: input.sseCustomerAlgorithm, key: input.sseCustomerKey, md5: input.sseCustomerKeyMD5,
            serverSideEncryption: input.serverSideEncryption)
        {
            version.customerKeyMD5 = customerKey.md5
        } else {
            applyEncryption(
                &version, bucket: bucket, requested: input.serverSideEncryption, keyId: input.ssekmsKeyId,
                bucketKey: input.bucketKeyEnabled)
        }
        try applyLock(
            &version, bucket: bucket, mode: input.objectLockMode, until: input.objectLockRetainUntilDate,
            legalHold: input.objectLockLegalHoldStatus)
        let body = try await ingest(input.body, contentMD5: input.contentMD5, digestAsHex: true, context: context)
        version.size = body.size
        version.etag = body.md5Hex
        version.blob = body.blob
        version.checksum = body.checksum
        let stored = try await engine.putVersion(
            version, condition: WriteCondition(ifMatch: input.ifMatch, ifNoneMatch: input.ifNoneMatch))
        await notifications?.objectCreated(stored, event: "Put", context: context)
        let output = S3.PutObjectOutput(
            expiration: LifecycleRules(bucket: bucket)?.header(for: stored),
            eTag: ETags.quoted(stored.etag), serverSideEncryption: stored.serverSideEncryption,
            versionId: bucket.versioning == "Enabled" ? stored.versionId : nil,
            sseCustomerAlgorithm: stored.customerKeyMD5 == nil ? nil : "AES256",
            sseCustomerKeyMD5: stored.customerKeyMD5, ssekmsKeyId: stored.kmsKeyId,
            bucketKeyEnabled: stored.bucketKeyEnabled)
        return try Self.withChecksum(output, stored.checksum)
    }

    /// The storage classes an object may be written in.
    static let storageClasses: Set = [
        "STANDARD", "STANDARD_IA", "GLACIER", "GLACIER_IR", "REDUCED_REDUNDANCY", "ONEZONE_IA",
        "INTELLIGENT_TIERING", "DEEP_ARCHIVE", "EXPRESS_ONEZONE",
    ]

    static func storageClass(_ requested: String?) throws -> String {
        guard let requested else { return "STANDARD" }
        guard storageClasses.contains(requested) else {
            throw AWSError("InvalidStorageClass", "The storage class you specified is not valid")
                .with("StorageClassRequested", requested)
        }
        return requested
    }

    /// User metadata as S3 keeps it: RFC 2047 encoded values that decode to plain ASCII are stored
    /// decoded; others as sent.
    static func metadata(_ given: [String: String]?) -> [String: String] {
        (given ?? [:]).mapValues { value in
            // Only printable ASCII is decoded: other bytes could not go back out in a header.
            guard let decoded = RFC2047.decode(value),
                decoded.unicodeScalars.allSatisfy({ (0x20...0x7E).contains($0.value) || $0 == "\t" })
            else { return value }
            return decoded
        }
    }

    static func headers(
        contentType: String?, contentEncoding: String?, contentDisposition: String?, contentLanguage: String?,
        cacheControl: String?, expires: String?, websiteRedirectLocation: String?
    ) -> ObjectHeaders {
        var headers = ObjectHeaders()
        headers.contentType = contentType ?? "binary/octet-stream"
        headers.contentEncoding = storedContentEncoding(contentEncoding)
        headers.contentDisposition = contentDisposition
        headers.contentLanguage = contentLanguage
        headers.cacheControl = cacheControl
        headers.expires = expires
        headers.websiteRedirectLocation = websiteRedirectLocation
        return headers
    }

    /// The encryption an object gets: what the request asks, else the bucket's default.
    func applyEncryption(
        _ version: inout ObjectVersionRecord, bucket: BucketRecord, requested: String?, keyId: String?, bucketKey: Bool?
    ) {
        let fallback = defaultEncryption(of: bucket)
        let algorithm = requested ?? fallback.algorithm
        version.serverSideEncryption = algorithm
        guard algorithm.hasPrefix("aws:kms") else { return }
        let key = keyId ?? fallback.keyId ?? Self.managedKeyId(bucket)
        version.kmsKeyId =
            key.hasPrefix("arn:") ? key : "arn:aws:kms:\(bucket.region):\(bucket.account):key/\(key)"
        version.bucketKeyEnabled = bucketKey ?? fallback.bucketKey
    }

    /// The id of the AWS-managed `aws/s3` key of a bucket's account and region (stable per pair).
    static func managedKeyId(_ bucket: BucketRecord) -> String {
        let digest = Array(SHA256.hash(data: Array("aws/s3:\(bucket.account):\(bucket.region)".utf8)))
        let hex = Hex.encode(digest.prefix(16))
        let parts = [
            hex.prefix(8), hex.dropFirst(8).prefix(4), hex.dropFirst(12).prefix(4), hex.dropFirst(16).prefix(4),
            hex.dropFirst(20).prefix(12),
        ]
        return parts.joined(separator: "-")
    }

    /// Adds a stored checksum to an output shape, under the member its algorithm names.
    static func withChecksum<Output: AWSValueConvertible>(
        _ output: Output, _ checksum: StoredChecksum?, includeType: Bool = true
    ) throws -> Output {
        guard let checksum, case .structure(var members) = output.awsValue else { return output }
        members["Checksum" + checksum.algorithm.rawValue] = .string(checksum.value)
        if includeType { members["ChecksumType"] = .string(checksum.type) }
        return try Output(awsValue: .structure(members))
    }

    // MARK: Reading

    public func getObject(_ input: S3.GetObjectRequest, context: RequestContext) async throws -> S3.GetObjectOutput {
        let read = try await prepareRead(
            bucket: input.bucket, key: input.key, versionId: input.versionId, partNumber: input.partNumber,
            range: input.range, method: "GET",
            conditions: ReadConditions(
                ifMatch: input.ifMatch, ifNoneMatch: input.ifNoneMatch, ifModifiedSince: input.ifModifiedSince,
                ifUnmodifiedSince: input.ifUnmodifiedSince))
        try CustomerKey.checkRead(
            stored: read.version.customerKeyMD5, algorithm: input.sseCustomerAlgorithm, key: input.sseCustomerKey,
            md5: input.sseCustomerKeyMD5)
        if !Self.isReadable(read.version) {
            throw AWSError(
                "InvalidObjectState", "The operation is not valid for the object's storage class", httpStatus: 403
            )
            .with("StorageClass", read.version.storageClass)
            .withHeader("x-amz-storage-class", read.version.storageClass)
        }
        for (name, value) in [
            ("response-cache-control", input.responseCacheControl),
            ("response-content-disposition", input.responseContentDisposition),
            ("response-content-encoding", input.responseContentEncoding),
            ("response-content-language", input.responseContentLanguage),
            ("response-content-type", input.responseContentType),
        ] {
            if let value, !value.unicodeScalars.allSatisfy({ $0.value < 256 }) {
                throw S3Errors.invalidArgument(
                    "Header value cannot be represented using ISO-8859-1.", name: name, value: value)
            }
        }
        let head = try Self.describe(read, checksumMode: input.checksumMode)
        var output = try S3.GetObjectOutput(awsValue: head.awsValue)
        if let blob = read.version.blob {
            output.body = files.read(blob, range: read.range)
        } else {
            output.body = ByteStream(bytes: [])
        }
        if let value = input.responseContentType { output.contentType = value }
        if let value = input.responseContentLanguage { output.contentLanguage = value }
        if let value = input.responseContentDisposition { output.contentDisposition = value }
        if let value = input.responseContentEncoding { output.contentEncoding = value }
        if let value = input.responseCacheControl { output.cacheControl = value }
        if let value = input.responseExpires { output.expires = Timestamps.httpDate(value) }
        return output
    }

    public func headObject(_ input: S3.HeadObjectRequest, context: RequestContext) async throws -> S3.HeadObjectOutput {
        let read = try await prepareRead(
            bucket: input.bucket, key: input.key, versionId: input.versionId, partNumber: input.partNumber,
            range: input.range, method: "HEAD",
            conditions: ReadConditions(
                ifMatch: input.ifMatch, ifNoneMatch: input.ifNoneMatch, ifModifiedSince: input.ifModifiedSince,
                ifUnmodifiedSince: input.ifUnmodifiedSince))
        try CustomerKey.checkRead(
            stored: read.version.customerKeyMD5, algorithm: input.sseCustomerAlgorithm, key: input.sseCustomerKey,
            md5: input.sseCustomerKeyMD5)
        return try Self.describe(read, checksumMode: input.checksumMode)
    }

    /// A read resolved: the version, the byte range served, and how it was chosen.
    struct ObjectRead {
        var version: ObjectVersionRecord
        var range: Range<Int>
        var isPartial: Bool
        var partNumber: Int?
        var versioned: Bool
        /// The `x-amz-expiration` of the current version read without a version id.
        var expiration: String?
    }

    func prepareRead(
        bucket: String, key: String, versionId: String?, partNumber: Int?, range: String?, method: String,
        conditions: ReadConditions
    ) async throws -> ObjectRead {
        let record = try await engine.bucket(bucket)
        let version = try await engine.version(bucket: bucket, key: key, versionId: versionId, method: method)
        let expiration = versionId == nil ? LifecycleRules(bucket: record)?.header(for: version) : nil
        try conditions.check(etag: version.etag, lastModified: version.lastModified)
        let whole = 0..<version.size
        if let partNumber {
            if range != nil {
                throw AWSError("InvalidRequest", "Cannot specify both Range header and partNumber query parameter")
            }
            let sizes = version.partSizes ?? [version.size]
            guard (1...max(1, sizes.count)).contains(partNumber) else {
                throw AWSError("InvalidPartNumber", "The requested partnumber is not satisfiable", httpStatus: 416)
                    .with("PartNumberRequested", String(partNumber)).with("ActualPartCount", String(sizes.count))
            }
            let start = sizes.prefix(partNumber - 1).reduce(0, +)
            let partRange = start..<(start + sizes[partNumber - 1])
            // A part is a partial answer even when it is the whole of a simple object.
            return ObjectRead(
                version: version, range: partRange, isPartial: true, partNumber: partNumber,
                versioned: record.versioning != nil, expiration: expiration)
        }
        switch ByteRanges.resolve(range, size: version.size) {
        case .whole:
            return ObjectRead(
                version: version, range: whole, isPartial: false, partNumber: nil, versioned: record.versioning != nil,
                expiration: expiration)
        case .partial(let bytes):
            return ObjectRead(
                version: version, range: bytes, isPartial: true, partNumber: nil, versioned: record.versioning != nil,
                expiration: expiration)
        case .unsatisfiable:
            throw S3Errors.invalidRange(range ?? "", size: version.size)
        }
    }

    /// The headers of a GET or HEAD answer for a read.
    static func describe(_ read: ObjectRead, checksumMode: String?) throws -> S3.HeadObjectOutput {
        let version = read.version
        var output = S3.HeadObjectOutput(
            acceptRanges: "bytes", lastModified: version.lastModified, contentLength: read.range.count,
            eTag: ETags.quoted(version.etag), versionId: read.versioned ? version.versionId : nil,
            cacheControl: version.headers.cacheControl, contentDisposition: version.headers.contentDisposition,
            contentEncoding: version.headers.contentEncoding, contentLanguage: version.headers.contentLanguage,
            contentType: version.headers.contentType, expires: version.headers.expires,
            websiteRedirectLocation: version.headers.websiteRedirectLocation,
            serverSideEncryption: version.serverSideEncryption,
            metadata: version.metadata.isEmpty ? nil : version.metadata.mapValues(RFC2047.encodeForHeader),
            ssekmsKeyId: version.kmsKeyId,
            bucketKeyEnabled: version.bucketKeyEnabled,
            storageClass: version.storageClass == "STANDARD" ? nil : version.storageClass,
            objectLockMode: version.objectLockMode, objectLockRetainUntilDate: version.objectLockRetainUntil,
            objectLockLegalHoldStatus: version.legalHold)
        output.expiration = read.expiration
        output.restore = Self.restoreHeader(version)
        output.replicationStatus = version.replicationStatus
        if let customerKeyMD5 = version.customerKeyMD5 {
            output.sseCustomerAlgorithm = "AES256"
            output.sseCustomerKeyMD5 = customerKeyMD5
        }
        if read.isPartial {
            output.contentRange = "bytes \(read.range.lowerBound)-\(read.range.upperBound - 1)/\(version.size)"
        }
        if read.partNumber != nil, let parts = version.partSizes { output.partsCount = parts.count }
        if !version.tags.isEmpty { output.tagCount = version.tags.count }
        guard checksumMode?.uppercased() == "ENABLED", let checksum = version.checksum else { return output }
        // A part of a COMPOSITE object is answered with that part's checksum (AWS's recorded answers);
        // otherwise the object's checksum, when what is served is the whole object.
        if let number = read.partNumber, checksum.type == "COMPOSITE", let parts = version.partChecksums,
            parts.indices.contains(number - 1), !parts[number - 1].isEmpty
        {
            return try withChecksum(
                output, StoredChecksum(algorithm: checksum.algorithm, value: parts[number - 1], type: "COMPOSITE"))
        }
        return read.range == 0..<version.size ? try withChecksum(output, checksum) : output
    }

    // MARK: Deleting

    public func deleteObject(_ input: S3.DeleteObjectRequest, context: RequestContext) async throws
        -> S3.DeleteObjectOutput
    {
        for header in ["x-amz-if-match-last-modified-time", "x-amz-if-match-size"]
        where context.requestHeaders[header] != nil {
            throw S3Errors.unsupportedHeader(header, nil)
        }
        try await checkGovernanceBypass(input.bypassGovernanceRetention, bucket: input.bucket)
        if let expected = input.ifMatch {
            let current = try? await engine.version(bucket: input.bucket, key: input.key, versionId: nil)
            guard let current else { throw S3Errors.noSuchKey(input.key) }
            guard ETags.matches(expected, current.etag) else { throw S3Errors.preconditionFailed("If-Match") }
        }
        let result = try await engine.deleteObject(
            bucket: input.bucket, key: input.key, versionId: input.versionId, owner: context.account,
            bypassGovernance: input.bypassGovernanceRetention == true)
        await notifyRemoval(
            bucket: input.bucket, key: input.key, requestedVersion: input.versionId, result: result, context: context)
        return S3.DeleteObjectOutput(deleteMarker: result.deleteMarker ? true : nil, versionId: result.versionId)
    }

    public func deleteObjects(_ input: S3.DeleteObjectsRequest, context: RequestContext) async throws
        -> S3.DeleteObjectsOutput
    {
        guard input.delete.objects.count <= 1000 else { throw S3Errors.malformedXML() }
        try await checkGovernanceBypass(input.bypassGovernanceRetention, bucket: input.bucket)
        var deleted: [S3.DeletedObject] = []
        var errors: [S3.Error] = []
        _ = try await engine.bucket(input.bucket)
        for object in input.delete.objects {
            do {
                let result = try await engine.deleteObject(
                    bucket: input.bucket, key: object.key, versionId: object.versionId, owner: context.account,
                    bypassGovernance: input.bypassGovernanceRetention == true)
                await notifyRemoval(
                    bucket: input.bucket, key: object.key, requestedVersion: object.versionId, result: result,
                    context: context)
                guard input.delete.quiet != true else { continue }
                if object.versionId == nil, result.deleteMarker {
                    deleted.append(
                        S3.DeletedObject(
                            key: object.key, deleteMarker: true, deleteMarkerVersionId: result.versionId))
                } else {
                    deleted.append(
                        S3.DeletedObject(
                            key: object.key, versionId: object.versionId,
                            deleteMarker: result.deleteMarker && object.versionId != nil ? true : nil,
                            deleteMarkerVersionId: result.deleteMarker && object.versionId != nil
                                ? object.versionId : nil))
                }
            } catch let error as AWSError {
                // Within DeleteObjects, a version id S3 does not know is reported as no such version.
                let unknownVersion = error.code == "InvalidArgument" && object.versionId != nil
                let reported = unknownVersion ? S3Errors.noSuchVersion(object.key, object.versionId ?? "") : error
                errors.append(
                    S3.Error(
                        key: object.key, versionId: object.versionId, code: reported.code, message: reported.message))
            }
        }
        return S3.DeleteObjectsOutput(deleted: deleted.isEmpty ? nil : deleted, errors: errors.isEmpty ? nil : errors)
    }

    /// `x-amz-bypass-governance-retention` means something only where objects can be locked.
    func checkGovernanceBypass(_ bypass: Bool?, bucket: String) async throws {
        guard bypass != nil else { return }
        guard try await engine.bucket(bucket).objectLockEnabled else {
            throw S3Errors.invalidArgument(
                "x-amz-bypass-governance-retention is only applicable to Object Lock enabled buckets.",
                name: "x-amz-bypass-governance-retention")
        }
    }

    /// A delete made a marker, or removed an object or one of its versions.
    func notifyRemoval(
        bucket: String, key: String, requestedVersion: String?, result: DeletionResult, context: RequestContext
    ) async {
        if requestedVersion == nil, result.deleteMarker {
            await notifications?.deleteMarkerCreated(
                bucket: bucket, key: key, versionId: result.versionId, context: context)
        } else {
            await notifications?.objectRemoved(bucket: bucket, key: key, versionId: requestedVersion, context: context)
        }
    }

    // MARK: Tagging

    public func putObjectTagging(_ input: S3.PutObjectTaggingRequest, context: RequestContext) async throws
        -> S3.PutObjectTaggingOutput
    {
        _ = try await engine.bucket(input.bucket)
        let tags = try Self.validatedTags(input.tagging.tagSet, for: .object)
        let version = try await engine.updateVersion(
            bucket: input.bucket, key: input.key, versionId: input.versionId, method: "PUT"
        ) { $0.tags = tags }
        await notifications?.tagsChanged(version, added: true, context: context)
        let bucket = try await engine.bucket(input.bucket)
        return S3.PutObjectTaggingOutput(versionId: bucket.versioning == nil ? nil : version.versionId)
    }

    public func getObjectTagging(_ input: S3.GetObjectTaggingRequest, context: RequestContext) async throws
        -> S3.GetObjectTaggingOutput
    {
        let version: ObjectVersionRecord
        do {
            version = try await engine.version(
                bucket: input.bucket, key: input.key, versionId: input.versionId, subresource: true)
        } catch let error as AWSError where error.code == "NoSuchKey" {
            // GetObjectTagging names the missing key with its bucket.
            throw S3Errors.noSuchKey("\(input.bucket)/\(input.key)")
        }
        let bucket = try await engine.bucket(input.bucket)
        return S3.GetObjectTaggingOutput(
            versionId: bucket.versioning == nil ? nil : version.versionId, tagSet: Self.tagList(version.tags))
    }

    public func deleteObjectTagging(_ input: S3.DeleteObjectTaggingRequest, context: RequestContext) async throws
        -> S3.DeleteObjectTaggingOutput
    {
        let version = try await engine.updateVersion(
            bucket: input.bucket, key: input.key, versionId: input.versionId, method: "DELETE"
        ) { $0.tags = [:] }
        await notifications?.tagsChanged(version, added: false, context: context)
        let bucket = try await engine.bucket(input.bucket)
        return S3.DeleteObjectTaggingOutput(versionId: bucket.versioning == nil ? nil : version.versionId)
    }

    public func getObjectAcl(_ input: S3.GetObjectAclRequest, context: RequestContext) async throws
        -> S3.GetObjectAclOutput
    {
        let version = try await engine.version(
            bucket: input.bucket, key: input.key, versionId: input.versionId, method: "GET")
        let policy = try StoredShape.read(S3.AccessControlPolicy.self, version.acl)
        return S3.GetObjectAclOutput(
            owner: policy?.owner ?? Self.owner(version.owner),
            grants: policy?.grants ?? [Self.ownerGrant(version.owner)])
    }
}
