import Foundation
import SwitchyardModels
import SwitchyardWire

/// Bucket settings S3 stores and answers back: CORS, lifecycle, policy, encryption, ownership, public
/// access block, website, logging, acceleration, request payment, object lock, ACLs.
extension S3Service {
    func store<Value: AWSValueConvertible>(_ value: Value?, as configuration: BucketConfiguration, bucket: String)
        async throws
    {
        let text = value.map { StoredShape.write($0) }
        try await engine.updateBucket(bucket) { record in record.configurations[configuration.rawValue] = text }
    }

    func stored<Value: AWSValueConvertible>(_ type: Value.Type, _ configuration: BucketConfiguration, bucket: String)
        async throws -> Value?
    {
        let record = try await engine.bucket(bucket)
        return try StoredShape.read(type, record.configurations[configuration.rawValue])
    }

    func required<Value: AWSValueConvertible>(_ type: Value.Type, _ configuration: BucketConfiguration, bucket: String)
        async throws -> Value
    {
        guard let value = try await stored(type, configuration, bucket: bucket) else {
            throw configuration.missing(bucket)
        }
        return value
    }

    // MARK: CORS

    public func putBucketCors(_ input: S3.PutBucketCorsRequest, context: RequestContext) async throws {
        let rules = input.corsConfiguration.corsRules
        guard !rules.isEmpty, rules.count <= 100 else { throw S3Errors.malformedXML() }
        for rule in rules {
            for method in rule.allowedMethods where !["GET", "PUT", "HEAD", "POST", "DELETE"].contains(method) {
                throw AWSError(
                    "InvalidRequest", "Found unsupported HTTP method in CORS config. Unsupported method is \(method)")
            }
        }
        try await store(input.corsConfiguration, as: .cors, bucket: input.bucket)
    }

    public func getBucketCors(_ input: S3.GetBucketCorsRequest, context: RequestContext) async throws
        -> S3.GetBucketCorsOutput
    {
        let configuration = try await required(S3.CORSConfiguration.self, .cors, bucket: input.bucket)
        return S3.GetBucketCorsOutput(corsRules: configuration.corsRules)
    }

    public func deleteBucketCors(_ input: S3.DeleteBucketCorsRequest, context: RequestContext) async throws {
        try await store(S3.CORSConfiguration?.none, as: .cors, bucket: input.bucket)
    }

    // MARK: Lifecycle

    public func putBucketLifecycleConfiguration(
        _ input: S3.PutBucketLifecycleConfigurationRequest, context: RequestContext
    ) async throws -> S3.PutBucketLifecycleConfigurationOutput {
        _ = try await engine.bucket(input.bucket)
        guard let configuration = input.lifecycleConfiguration else { throw S3Errors.malformedXML() }
        let minimumSize = input.transitionDefaultMinimumObjectSize ?? "all_storage_classes_128K"
        guard ["all_storage_classes_128K", "varies_by_storage_class"].contains(minimumSize) else {
            throw AWSError("InvalidRequest", "Invalid TransitionDefaultMinimumObjectSize found: \(minimumSize)")
        }
        try LifecycleRules.validate(configuration)
        try await store(configuration, as: .lifecycle, bucket: input.bucket)
        try await engine.updateBucket(input.bucket) {
            $0.configurations["transitionDefaultMinimumObjectSize"] = minimumSize
        }
        return S3.PutBucketLifecycleConfigurationOutput(transitionDefaultMinimumObjectSize: minimumSize)
    }

    public func getBucketLifecycleConfiguration(
        _ input: S3.GetBucketLifecycleConfigurationRequest, context: RequestContext
    ) async throws -> S3.GetBucketLifecycleConfigurationOutput {
        let configuration = try await required(S3.BucketLifecycleConfiguration.self, .lifecycle, bucket: input.bucket)
        let bucket = try await engine.bucket(input.bucket)
        return S3.GetBucketLifecycleConfigurationOutput(
            rules: configuration.rules,
            transitionDefaultMinimumObjectSize: bucket.configurations["transitionDefaultMinimumObjectSize"]
                ?? "all_storage_classes_128K")
    }

    public func deleteBucketLifecycle(_ input: S3.DeleteBucketLifecycleRequest, context: RequestContext) async throws {
        try await store(S3.BucketLifecycleConfiguration?.none, as: .lifecycle, bucket: input.bucket)
    }

    // MARK: Policy

    public func putBucketPolicy(_ input: S3.PutBucketPolicyRequest, context: RequestContext) async throws {
        guard input.policy.first == "{", (try? JSONSerialization.jsonObject(with: Data(input.policy.utf8))) != nil
        else {
            throw AWSError("MalformedPolicy", "Policies must be valid JSON and the first byte must be '{'")
        }
        let document = try? JSONSerialization.jsonObject(with: Data(input.policy.utf8)) as? [String: Any]
        guard document?["Statement"] != nil else {
            throw AWSError("MalformedPolicy", "Missing required field Statement")
        }
        try await engine.updateBucket(input.bucket) {
            $0.configurations[BucketConfiguration.policy.rawValue] = input.policy
        }
    }

    public func getBucketPolicy(_ input: S3.GetBucketPolicyRequest, context: RequestContext) async throws
        -> S3.GetBucketPolicyOutput
    {
        let bucket = try await engine.bucket(input.bucket)
        guard let policy = bucket.configurations[BucketConfiguration.policy.rawValue] else {
            throw BucketConfiguration.policy.missing(input.bucket)
        }
        return S3.GetBucketPolicyOutput(policy: policy)
    }

    public func deleteBucketPolicy(_ input: S3.DeleteBucketPolicyRequest, context: RequestContext) async throws {
        try await engine.updateBucket(input.bucket) { $0.configurations[BucketConfiguration.policy.rawValue] = nil }
    }

    // MARK: Encryption (every bucket encrypts with SSE-S3 unless configured otherwise)

    public func putBucketEncryption(_ input: S3.PutBucketEncryptionRequest, context: RequestContext) async throws {
        _ = try await engine.bucket(input.bucket)
        let rules = input.serverSideEncryptionConfiguration.rules
        guard rules.count == 1 else { throw S3Errors.malformedXML() }
        for rule in rules {
            guard let byDefault = rule.applyServerSideEncryptionByDefault else { continue }
            guard ["AES256", "aws:kms", "aws:kms:dsse"].contains(byDefault.sseAlgorithm) else {
                throw S3Errors.malformedXML()
            }
            if byDefault.kmsMasterKeyID != nil, !byDefault.sseAlgorithm.hasPrefix("aws:kms") {
                throw S3Errors.invalidArgument(
                    "a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse",
                    name: "ApplyServerSideEncryptionByDefault")
            }
        }
        try await store(input.serverSideEncryptionConfiguration, as: .encryption, bucket: input.bucket)
    }

    public func getBucketEncryption(_ input: S3.GetBucketEncryptionRequest, context: RequestContext) async throws
        -> S3.GetBucketEncryptionOutput
    {
        let configuration =
            try await stored(S3.ServerSideEncryptionConfiguration.self, .encryption, bucket: input.bucket)
            ?? Self.defaultEncryption
        return S3.GetBucketEncryptionOutput(serverSideEncryptionConfiguration: configuration)
    }

    public func deleteBucketEncryption(_ input: S3.DeleteBucketEncryptionRequest, context: RequestContext) async throws
    {
        try await store(S3.ServerSideEncryptionConfiguration?.none, as: .encryption, bucket: input.bucket)
    }

    static let defaultEncryption = S3.ServerSideEncryptionConfiguration(rules: [
        S3.ServerSideEncryptionRule(
            applyServerSideEncryptionByDefault: S3.ServerSideEncryptionByDefault(sseAlgorithm: "AES256"),
            bucketKeyEnabled: false)
    ])

    /// The encryption a new object gets from its bucket's default.
    func defaultEncryption(of bucket: BucketRecord) -> (algorithm: String, keyId: String?, bucketKey: Bool?) {
        let configuration =
            (try? StoredShape.read(
                S3.ServerSideEncryptionConfiguration.self,
                bucket.configurations[BucketConfiguration.encryption.rawValue]))
            ?? nil
        guard let rule = configuration?.rules.first, let byDefault = rule.applyServerSideEncryptionByDefault else {
            return ("AES256", nil, nil)
        }
        return (byDefault.sseAlgorithm, byDefault.kmsMasterKeyID, rule.bucketKeyEnabled)
    }

    // MARK: Ownership controls and public access block

    public func putBucketOwnershipControls(_ input: S3.PutBucketOwnershipControlsRequest, context: RequestContext)
        async throws
    {
        let rules = input.ownershipControls.rules
        guard rules.count == 1,
            ["BucketOwnerPreferred", "ObjectWriter", "BucketOwnerEnforced"].contains(rules[0].objectOwnership)
        else { throw S3Errors.malformedXML() }
        try await store(input.ownershipControls, as: .ownershipControls, bucket: input.bucket)
    }

    public func getBucketOwnershipControls(_ input: S3.GetBucketOwnershipControlsRequest, context: RequestContext)
        async throws -> S3.GetBucketOwnershipControlsOutput
    {
        let controls = try await required(S3.OwnershipControls.self, .ownershipControls, bucket: input.bucket)
        return S3.GetBucketOwnershipControlsOutput(ownershipControls: controls)
    }

    public func deleteBucketOwnershipControls(_ input: S3.DeleteBucketOwnershipControlsRequest, context: RequestContext)
        async throws
    {
        try await store(S3.OwnershipControls?.none, as: .ownershipControls, bucket: input.bucket)
    }

    public func putPublicAccessBlock(_ input: S3.PutPublicAccessBlockRequest, context: RequestContext) async throws {
        try await store(input.publicAccessBlockConfiguration, as: .publicAccessBlock, bucket: input.bucket)
    }

    public func getPublicAccessBlock(_ input: S3.GetPublicAccessBlockRequest, context: RequestContext) async throws
        -> S3.GetPublicAccessBlockOutput
    {
        var configuration = try await required(
            S3.PublicAccessBlockConfiguration.self, .publicAccessBlock, bucket: input.bucket)
        // A flag left out when the block was set reads as false.
        configuration.blockPublicAcls = configuration.blockPublicAcls ?? false
        configuration.ignorePublicAcls = configuration.ignorePublicAcls ?? false
        configuration.blockPublicPolicy = configuration.blockPublicPolicy ?? false
        configuration.restrictPublicBuckets = configuration.restrictPublicBuckets ?? false
        return S3.GetPublicAccessBlockOutput(publicAccessBlockConfiguration: configuration)
    }

    public func deletePublicAccessBlock(_ input: S3.DeletePublicAccessBlockRequest, context: RequestContext)
        async throws
    {
        try await store(S3.PublicAccessBlockConfiguration?.none, as: .publicAccessBlock, bucket: input.bucket)
    }

    // MARK: Website, logging, acceleration, request payment

    public func putBucketWebsite(_ input: S3.PutBucketWebsiteRequest, context: RequestContext) async throws {
        _ = try await engine.bucket(input.bucket)
        try WebsiteConfigurationRules.check(input.websiteConfiguration)
        try await store(input.websiteConfiguration, as: .website, bucket: input.bucket)
    }

    public func getBucketWebsite(_ input: S3.GetBucketWebsiteRequest, context: RequestContext) async throws
        -> S3.GetBucketWebsiteOutput
    {
        let website = try await required(S3.WebsiteConfiguration.self, .website, bucket: input.bucket)
        return S3.GetBucketWebsiteOutput(
            redirectAllRequestsTo: website.redirectAllRequestsTo, indexDocument: website.indexDocument,
            errorDocument: website.errorDocument, routingRules: website.routingRules)
    }

    public func deleteBucketWebsite(_ input: S3.DeleteBucketWebsiteRequest, context: RequestContext) async throws {
        try await store(S3.WebsiteConfiguration?.none, as: .website, bucket: input.bucket)
    }

    public func putBucketLogging(_ input: S3.PutBucketLoggingRequest, context: RequestContext) async throws {
        let source = try await engine.bucket(input.bucket)
        if let target = input.bucketLoggingStatus.loggingEnabled?.targetBucket {
            guard let targetBucket = try? await engine.bucket(target) else {
                throw AWSError("InvalidTargetBucketForLogging", "The target bucket for logging does not exist")
                    .with("TargetBucket", target)
            }
            // Logs stay in their bucket's region; S3 names the source's region unless it is us-east-1.
            if targetBucket.region != source.region {
                var error = AWSError(
                    "CrossLocationLoggingProhibitted", "Cross S3 location logging not allowed. ", httpStatus: 403)
                if source.region != "us-east-1" { error = error.with("SourceBucketLocation", source.region) }
                throw error.with("TargetBucketLocation", targetBucket.region)
            }
        }
        try await store(input.bucketLoggingStatus, as: .logging, bucket: input.bucket)
    }

    public func getBucketLogging(_ input: S3.GetBucketLoggingRequest, context: RequestContext) async throws
        -> S3.GetBucketLoggingOutput
    {
        let status = try await stored(S3.BucketLoggingStatus.self, .logging, bucket: input.bucket)
        return S3.GetBucketLoggingOutput(loggingEnabled: status?.loggingEnabled)
    }

    public func putBucketAccelerateConfiguration(
        _ input: S3.PutBucketAccelerateConfigurationRequest, context: RequestContext
    ) async throws {
        if input.bucket.contains(".") {
            throw AWSError(
                "InvalidRequest",
                "S3 Transfer Acceleration is not supported for buckets with periods (.) in their names")
        }
        guard let status = input.accelerateConfiguration.status, status == "Enabled" || status == "Suspended" else {
            throw S3Errors.malformedXML()
        }
        try await store(input.accelerateConfiguration, as: .accelerate, bucket: input.bucket)
    }

    public func getBucketAccelerateConfiguration(
        _ input: S3.GetBucketAccelerateConfigurationRequest, context: RequestContext
    ) async throws -> S3.GetBucketAccelerateConfigurationOutput {
        let configuration = try await stored(S3.AccelerateConfiguration.self, .accelerate, bucket: input.bucket)
        return S3.GetBucketAccelerateConfigurationOutput(status: configuration?.status)
    }

    public func putBucketRequestPayment(_ input: S3.PutBucketRequestPaymentRequest, context: RequestContext)
        async throws
    {
        let payer = input.requestPaymentConfiguration.payer
        guard payer == "Requester" || payer == "BucketOwner" else { throw S3Errors.malformedXML() }
        try await store(input.requestPaymentConfiguration, as: .requestPayment, bucket: input.bucket)
    }

    public func getBucketRequestPayment(_ input: S3.GetBucketRequestPaymentRequest, context: RequestContext)
        async throws -> S3.GetBucketRequestPaymentOutput
    {
        let configuration = try await stored(
            S3.RequestPaymentConfiguration.self, .requestPayment, bucket: input.bucket)
        return S3.GetBucketRequestPaymentOutput(payer: configuration?.payer ?? "BucketOwner")
    }

    // MARK: Object lock configuration

    public func putObjectLockConfiguration(_ input: S3.PutObjectLockConfigurationRequest, context: RequestContext)
        async throws -> S3.PutObjectLockConfigurationOutput
    {
        let bucket = try await engine.bucket(input.bucket)
        guard bucket.objectLockEnabled || bucket.versioning == "Enabled" else {
            throw AWSError(
                "InvalidBucketState", "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration",
                httpStatus: 409)
        }
        guard let configuration = input.objectLockConfiguration, configuration.objectLockEnabled == "Enabled" else {
            throw S3Errors.malformedXML()
        }
        if let rule = configuration.rule {
            guard let retention = rule.defaultRetention,
                retention.mode == "GOVERNANCE" || retention.mode == "COMPLIANCE",
                (retention.days == nil) != (retention.years == nil)
            else { throw S3Errors.malformedXML() }
        }
        let text = StoredShape.write(configuration)
        try await engine.updateBucket(input.bucket) { record in
            record.objectLockEnabled = true
            record.configurations[BucketConfiguration.objectLock.rawValue] = text
        }
        return S3.PutObjectLockConfigurationOutput()
    }

    public func getObjectLockConfiguration(_ input: S3.GetObjectLockConfigurationRequest, context: RequestContext)
        async throws -> S3.GetObjectLockConfigurationOutput
    {
        let bucket = try await engine.bucket(input.bucket)
        guard bucket.objectLockEnabled else { throw BucketConfiguration.objectLock.missing(input.bucket) }
        let configuration =
            try StoredShape.read(
                S3.ObjectLockConfiguration.self, bucket.configurations[BucketConfiguration.objectLock.rawValue])
            ?? S3.ObjectLockConfiguration(objectLockEnabled: "Enabled")
        return S3.GetObjectLockConfigurationOutput(objectLockConfiguration: configuration)
    }

    // MARK: ACLs (the owner's full control, which is what a bucket with ACLs disabled has)

    public func getBucketAcl(_ input: S3.GetBucketAclRequest, context: RequestContext) async throws
        -> S3.GetBucketAclOutput
    {
        let bucket = try await engine.bucket(input.bucket)
        let policy = try StoredShape.read(
            S3.AccessControlPolicy.self, bucket.configurations[BucketConfiguration.acl.rawValue])
        return S3.GetBucketAclOutput(
            owner: policy?.owner ?? Self.owner(bucket.account),
            grants: policy?.grants ?? [Self.ownerGrant(bucket.account)])
    }

    public func putBucketAcl(_ input: S3.PutBucketAclRequest, context: RequestContext) async throws {
        let bucket = try await engine.bucket(input.bucket)
        let grants = AccessControlLists.GrantHeaders(
            fullControl: input.grantFullControl, read: input.grantRead, readACP: input.grantReadACP,
            write: input.grantWrite, writeACP: input.grantWriteACP)
        let policy = try AccessControlLists.policy(
            canned: input.acl, grants: grants, document: input.accessControlPolicy, owner: bucket.account,
            required: true)
        try await store(policy, as: .acl, bucket: input.bucket)
    }

    public func putObjectAcl(_ input: S3.PutObjectAclRequest, context: RequestContext) async throws
        -> S3.PutObjectAclOutput
    {
        let bucket = try await engine.bucket(input.bucket)
        let grants = AccessControlLists.GrantHeaders(
            fullControl: input.grantFullControl, read: input.grantRead, readACP: input.grantReadACP,
            write: input.grantWrite, writeACP: input.grantWriteACP)
        let policy = try AccessControlLists.policy(
            canned: input.acl, grants: grants, document: input.accessControlPolicy, owner: bucket.account,
            required: true)
        let text = policy.map { StoredShape.write($0) }
        let before = try await engine.version(
            bucket: input.bucket, key: input.key, versionId: input.versionId, method: "PUT", subresource: true)
        let after = try await engine.updateVersion(
            bucket: input.bucket, key: input.key, versionId: input.versionId, method: "PUT"
        ) { $0.acl = text }
        // Setting the ACL an object already has is no change, and no event.
        let unchanged = (before.acl ?? StoredShape.write(AccessControlLists.private(bucket.account))) == text
        if !unchanged { await notifications?.aclChanged(after, context: context) }
        return S3.PutObjectAclOutput()
    }

    static func ownerGrant(_ account: String) -> S3.Grant {
        let owner = owner(account)
        return S3.Grant(
            grantee: S3.Grantee(id: owner.id, type: "CanonicalUser"),
            permission: "FULL_CONTROL")
    }
}
