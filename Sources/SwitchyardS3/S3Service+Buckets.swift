import Foundation
import SwitchyardModels
import SwitchyardWire

extension S3Service {
    public func createBucket(_ input: S3.CreateBucketRequest, context: RequestContext) async throws
        -> S3.CreateBucketOutput
    {
        guard BucketNames.isValid(input.bucket) else { throw S3Errors.invalidBucketName(input.bucket) }
        if let ownership = input.objectOwnership,
            !["BucketOwnerPreferred", "ObjectWriter", "BucketOwnerEnforced"].contains(ownership)
        {
            throw S3Errors.invalidArgument(
                "Invalid x-amz-object-ownership header: \(ownership)", name: "x-amz-object-ownership")
        }
        let constraint = input.createBucketConfiguration?.locationConstraint.flatMap { $0.isEmpty ? nil : $0 }
        // us-east-1 is the global endpoint: it creates buckets in any region its constraint names.
        // Every other region's endpoint creates buckets only in its own region.
        var region = context.region
        if context.region == "us-east-1" {
            if let constraint {
                guard let named = Self.region(ofConstraint: constraint), named != "us-east-1" else {
                    throw AWSError("InvalidLocationConstraint", "The specified location-constraint is not valid")
                        .with("LocationConstraint", constraint)
                }
                region = named
            }
        } else if constraint.flatMap(Self.region(ofConstraint:)) != context.region {
            throw Self.incompatibleLocation(constraint)
        }
        var record = BucketRecord(
            name: input.bucket, account: context.account, region: region, created: Self.now(),
            objectLockEnabled: input.objectLockEnabledForBucket ?? false)
        if record.objectLockEnabled { record.versioning = "Enabled" }
        record.locationConstraint = constraint
        let ownership = S3.OwnershipControls(rules: [
            S3.OwnershipControlsRule(objectOwnership: input.objectOwnership ?? "BucketOwnerEnforced")
        ])
        record.configurations[BucketConfiguration.ownershipControls.rawValue] = StoredShape.write(ownership)
        // New buckets block public access unless told otherwise.
        record.configurations[BucketConfiguration.publicAccessBlock.rawValue] = StoredShape.write(
            S3.PublicAccessBlockConfiguration(
                blockPublicAcls: true, ignorePublicAcls: true, blockPublicPolicy: true, restrictPublicBuckets: true))
        if let tags = input.createBucketConfiguration?.tags, !tags.isEmpty {
            record.tags = try Self.validatedTags(tags, for: .newBucket)
        }
        try await engine.createBucket(record)
        let location = constraint == nil ? "/\(input.bucket)" : "http://\(input.bucket).s3.amazonaws.com/"
        return S3.CreateBucketOutput(location: location, bucketArn: record.arn)
    }

    /// The region a location constraint names ("EU" is eu-west-1's old name), nil if none.
    static func region(ofConstraint constraint: String) -> String? {
        if constraint == "EU" { return "eu-west-1" }
        return AWSRegions.all.contains(constraint) ? constraint : nil
    }

    static func incompatibleLocation(_ constraint: String?) -> AWSError {
        let named = constraint.map { "The \($0) location constraint" } ?? "The unspecified location constraint"
        return AWSError(
            "IllegalLocationConstraintException",
            "\(named) is incompatible for the region specific endpoint this request was sent to.")
    }

    public func deleteBucket(_ input: S3.DeleteBucketRequest, context: RequestContext) async throws {
        try await engine.deleteBucket(input.bucket)
    }

    public func headBucket(_ input: S3.HeadBucketRequest, context: RequestContext) async throws -> S3.HeadBucketOutput {
        let bucket = try await engine.bucket(input.bucket)
        return S3.HeadBucketOutput(bucketArn: bucket.arn, bucketRegion: bucket.region, accessPointAlias: false)
    }

    public func getBucketLocation(_ input: S3.GetBucketLocationRequest, context: RequestContext) async throws
        -> S3.GetBucketLocationOutput
    {
        let bucket = try await engine.bucket(input.bucket)
        // Reported as given at creation ("EU" stays "EU"); us-east-1 as no constraint at all.
        return S3.GetBucketLocationOutput(
            locationConstraint: bucket.locationConstraint ?? (bucket.region == "us-east-1" ? nil : bucket.region))
    }

    public func listBuckets(_ input: S3.ListBucketsRequest, context: RequestContext) async throws
        -> S3.ListBucketsOutput
    {
        var buckets = await engine.buckets(of: context.account)
        if let prefix = input.prefix { buckets = buckets.filter { $0.name.hasPrefix(prefix) } }
        if let region = input.bucketRegion {
            guard AWSRegions.all.contains(region) else {
                throw S3Errors.invalidArgument(
                    "Argument value \(region) is not a valid AWS Region", name: "bucket-region")
            }
            buckets = buckets.filter { $0.region == region }
        }
        if let token = input.continuationToken {
            guard let after = ContinuationToken.decode(token) else {
                throw S3Errors.invalidArgument(
                    "The continuation token provided is incorrect", name: "continuation-token", value: token)
            }
            buckets = buckets.filter { BucketContents.less(after, $0.name) }
        }
        var next: String?
        if let limit = input.maxBuckets {
            guard (1...10000).contains(limit) else {
                throw S3Errors.invalidArgument(
                    "Argument max-buckets must be an integer between 1 and 10000", name: "max-buckets",
                    value: String(limit))
            }
            if buckets.count > limit {
                buckets = Array(buckets.prefix(limit))
                next = buckets.last.map { ContinuationToken.encode($0.name) }
            }
        }
        // The region of each bucket is listed when the listing names any parameter.
        let filtered =
            input.prefix != nil || input.bucketRegion != nil || input.maxBuckets != nil
            || input.continuationToken != nil
        return S3.ListBucketsOutput(
            owner: Self.owner(context.account),
            buckets: buckets.map {
                S3.Bucket(
                    name: $0.name, creationDate: $0.created, bucketRegion: filtered ? $0.region : nil,
                    bucketArn: $0.arn)
            },
            continuationToken: next, prefix: input.prefix)
    }

    public func putBucketVersioning(_ input: S3.PutBucketVersioningRequest, context: RequestContext) async throws {
        guard let status = input.versioningConfiguration.status else {
            throw AWSError("IllegalVersioningConfigurationException", "The Versioning element must be specified")
        }
        guard status == "Enabled" || status == "Suspended" else { throw S3Errors.malformedXML() }
        try await engine.updateBucket(input.bucket) { bucket in
            if bucket.objectLockEnabled, status == "Suspended" {
                throw AWSError(
                    "InvalidBucketState",
                    "An Object Lock configuration is present on this bucket, so the versioning state cannot be changed.",
                    httpStatus: 409)
            }
            if bucket.configurations[BucketConfiguration.replication.rawValue] != nil, status == "Suspended" {
                throw AWSError(
                    "InvalidBucketState",
                    "A replication configuration is present on this bucket, so you cannot change the versioning state. To change the versioning state, first delete the replication configuration.",
                    httpStatus: 409)
            }
            bucket.versioning = status
            if let mfaDelete = input.versioningConfiguration.mfaDelete { bucket.mfaDelete = mfaDelete }
        }
    }

    public func getBucketVersioning(_ input: S3.GetBucketVersioningRequest, context: RequestContext) async throws
        -> S3.GetBucketVersioningOutput
    {
        let bucket = try await engine.bucket(input.bucket)
        return S3.GetBucketVersioningOutput(status: bucket.versioning, mfaDelete: bucket.mfaDelete)
    }

    public func putBucketTagging(_ input: S3.PutBucketTaggingRequest, context: RequestContext) async throws {
        _ = try await engine.bucket(input.bucket)
        let tags = try Self.validatedTags(input.tagging.tagSet, for: .bucket)
        try await engine.updateBucket(input.bucket) { $0.tags = tags.isEmpty ? nil : tags }
    }

    public func getBucketTagging(_ input: S3.GetBucketTaggingRequest, context: RequestContext) async throws
        -> S3.GetBucketTaggingOutput
    {
        let bucket = try await engine.bucket(input.bucket)
        guard let tags = bucket.tags, !tags.isEmpty else {
            throw S3Errors.noSuchConfiguration("NoSuchTagSet", "The TagSet does not exist", bucket: input.bucket)
        }
        return S3.GetBucketTaggingOutput(tagSet: Self.tagList(tags))
    }

    public func deleteBucketTagging(_ input: S3.DeleteBucketTaggingRequest, context: RequestContext) async throws {
        try await engine.updateBucket(input.bucket) { $0.tags = nil }
    }

    /// Where tags are set: S3 words some refusals differently for each.
    enum TagTarget {
        case bucket, object, newBucket
    }

    /// Tags checked as S3 checks them: unique keys of up to 128 and values of up to 256 characters
    /// (letters, digits, spaces and `+ - = . _ : / @`), no `aws:` keys, at most 10 on an object and
    /// 50 on a bucket.
    static func validatedTags(_ tags: [S3.Tag], for target: TagTarget) throws -> [String: String] {
        var result: [String: String] = [:]
        for tag in tags {
            guard result[tag.key] == nil else {
                throw AWSError("InvalidTag", "Cannot provide multiple Tags with the same key").with("TagKey", tag.key)
            }
            if tag.key.hasPrefix("aws:") {
                switch target {
                case .bucket:
                    throw AWSError("InvalidTag", "System tags cannot be added/updated by requester").with(
                        "TagKey", tag.key)
                case .object:
                    throw AWSError("InvalidTag", "Your TagKey cannot be prefixed with aws:").with("TagKey", tag.key)
                case .newBucket:
                    throw AWSError(
                        "InvalidTag",
                        "User-defined tag keys can't start with \"aws:\". This prefix is reserved for system tags. Remove \"aws:\" from your tag keys and try again."
                    )
                }
            }
            guard !tag.key.isEmpty, tag.key.count <= 128, isTagText(tag.key) else {
                throw AWSError("InvalidTag", "The TagKey you have provided is invalid").with("TagKey", tag.key)
            }
            guard tag.value.count <= 256, isTagText(tag.value) else {
                throw AWSError("InvalidTag", "The TagValue you have provided is invalid").with("TagKey", tag.key)
                    .with("TagValue", tag.value)
            }
            result[tag.key] = tag.value
        }
        if target == .object, result.count > 10 {
            throw AWSError("BadRequest", "Object tags cannot be greater than 10")
        }
        if target != .object, result.count > 50 {
            throw AWSError("InvalidTag", "Bucket tag count cannot be greater than 50")
        }
        return result
    }

    static func isTagText(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { scalar in
            scalar.properties.isAlphabetic || scalar.properties.numericType != nil
                || scalar.properties.generalCategory == .spaceSeparator || "+-=._:/@".unicodeScalars.contains(scalar)
        }
    }

    static func tagList(_ tags: [String: String]) -> [S3.Tag] {
        tags.sorted { $0.key < $1.key }.map { S3.Tag(key: $0.key, value: $0.value) }
    }
}

/// Opaque continuation tokens: the key (or bucket name) a listing resumes after.
enum ContinuationToken {
    static func encode(_ key: String) -> String { Data(key.utf8).base64EncodedString() }

    static func decode(_ token: String) -> String? {
        Data(base64Encoded: token).map { String(decoding: $0, as: UTF8.self) }
    }
}
