import Foundation
import SwitchyardModels
import SwitchyardWire

/// Object Lock: retention periods and legal holds on versions, defaults from the bucket's lock
/// configuration, and the deletions they forbid.
extension S3Service {
    static let lockedMessage = "Access Denied because object protected by object lock."

    public func putObjectRetention(_ input: S3.PutObjectRetentionRequest, context: RequestContext) async throws
        -> S3.PutObjectRetentionOutput
    {
        let bucket = try await engine.bucket(input.bucket)
        guard let retention = input.retention else { throw S3Errors.malformedXML() }
        try Self.requireLock(bucket)
        let clearing = retention.mode == nil && retention.retainUntilDate == nil
        if !clearing {
            guard let mode = retention.mode, mode == "GOVERNANCE" || mode == "COMPLIANCE",
                let until = retention.retainUntilDate
            else { throw S3Errors.malformedXML() }
            guard until > Date() else {
                throw S3Errors.invalidArgument(
                    "The retain until date must be in the future!", name: "RetainUntilDate",
                    value: Self.javaDateText(until))
            }
        }
        let bypass = input.bypassGovernanceRetention == true
        try await engine.updateVersion(
            bucket: input.bucket, key: input.key, versionId: input.versionId, method: "PUT"
        ) { version in
            if let current = version.objectLockRetainUntil, current > Date(), let mode = version.objectLockMode {
                let shortens = retention.retainUntilDate.map { $0 < current } ?? true
                let weakens = mode == "COMPLIANCE" && retention.mode != "COMPLIANCE"
                if mode == "COMPLIANCE", shortens || weakens {
                    throw AWSError("AccessDenied", Self.lockedMessage, httpStatus: 403)
                }
                if mode == "GOVERNANCE", shortens, !bypass {
                    throw AWSError("AccessDenied", Self.lockedMessage, httpStatus: 403)
                }
            }
            version.objectLockMode = retention.mode
            version.objectLockRetainUntil = retention.retainUntilDate
        }
        return S3.PutObjectRetentionOutput()
    }

    public func getObjectRetention(_ input: S3.GetObjectRetentionRequest, context: RequestContext) async throws
        -> S3.GetObjectRetentionOutput
    {
        let bucket = try await engine.bucket(input.bucket)
        try Self.requireLock(bucket)
        let version = try await engine.version(
            bucket: input.bucket, key: input.key, versionId: input.versionId, method: "GET", subresource: true)
        guard let mode = version.objectLockMode, let until = version.objectLockRetainUntil else {
            throw Self.noLockConfiguration()
        }
        return S3.GetObjectRetentionOutput(retention: S3.ObjectLockRetention(mode: mode, retainUntilDate: until))
    }

    public func putObjectLegalHold(_ input: S3.PutObjectLegalHoldRequest, context: RequestContext) async throws
        -> S3.PutObjectLegalHoldOutput
    {
        let bucket = try await engine.bucket(input.bucket)
        guard let status = input.legalHold?.status, status == "ON" || status == "OFF" else {
            throw S3Errors.malformedXML()
        }
        try Self.requireLock(bucket)
        try await engine.updateVersion(
            bucket: input.bucket, key: input.key, versionId: input.versionId, method: "PUT"
        ) { $0.legalHold = status }
        return S3.PutObjectLegalHoldOutput()
    }

    public func getObjectLegalHold(_ input: S3.GetObjectLegalHoldRequest, context: RequestContext) async throws
        -> S3.GetObjectLegalHoldOutput
    {
        let bucket = try await engine.bucket(input.bucket)
        try Self.requireLock(bucket)
        let version = try await engine.version(
            bucket: input.bucket, key: input.key, versionId: input.versionId, method: "GET", subresource: true)
        guard let status = version.legalHold else { throw Self.noLockConfiguration() }
        return S3.GetObjectLegalHoldOutput(legalHold: S3.ObjectLockLegalHold(status: status))
    }

    static func requireLock(_ bucket: BucketRecord) throws {
        guard bucket.objectLockEnabled else {
            throw AWSError("InvalidRequest", "Bucket is missing Object Lock Configuration")
        }
    }

    static func noLockConfiguration() -> AWSError {
        AWSError(
            "NoSuchObjectLockConfiguration", "The specified object does not have a ObjectLock configuration",
            httpStatus: 404)
    }

    /// The lock settings of a new object: what its request gives (both mode and date, or neither),
    /// else the bucket's default retention.
    func applyLock(
        _ version: inout ObjectVersionRecord, bucket: BucketRecord, mode: String?, until: Date?, legalHold: String?
    ) throws {
        switch (mode, until) {
        case (.some, nil):
            throw S3Errors.invalidArgument(
                "x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied",
                name: "x-amz-object-lock-retain-until-date")
        case (nil, .some):
            throw S3Errors.invalidArgument(
                "x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied",
                name: "x-amz-object-lock-mode")
        case (let mode?, let until?):
            guard mode == "GOVERNANCE" || mode == "COMPLIANCE" else {
                throw S3Errors.invalidArgument(
                    "Unknown wormMode directive.", name: "x-amz-object-lock-mode", value: mode)
            }
            version.objectLockMode = mode
            version.objectLockRetainUntil = until
        case (nil, nil):
            if bucket.objectLockEnabled,
                let configuration = try? StoredShape.read(
                    S3.ObjectLockConfiguration.self, bucket.configurations[BucketConfiguration.objectLock.rawValue]),
                let retention = configuration.rule?.defaultRetention, let mode = retention.mode
            {
                let days = Double(retention.days ?? 0) + Double(retention.years ?? 0) * 365
                version.objectLockMode = mode
                version.objectLockRetainUntil = version.lastModified.addingTimeInterval(days * 86_400)
            }
        }
        version.legalHold = legalHold
    }
}

extension S3Engine {
    /// Whether a version may be removed: not under legal hold, and not retained (COMPLIANCE always,
    /// GOVERNANCE unless bypassed).
    static func checkRemovable(_ version: ObjectVersionRecord, bypassGovernance: Bool) throws {
        let denied = AWSError("AccessDenied", S3Service.lockedMessage, httpStatus: 403)
        if version.legalHold == "ON" { throw denied }
        if let until = version.objectLockRetainUntil, until > Date() {
            if version.objectLockMode == "COMPLIANCE" { throw denied }
            if version.objectLockMode == "GOVERNANCE", !bypassGovernance { throw denied }
        }
    }
}

extension S3Service {
    /// A date as S3 words it in some messages: Java's `Date.toString()` on a server in US Pacific
    /// time (`Tue Dec 31 16:00:00 PST 2019`, AWS's recorded answers).
    static func javaDateText(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US")
        formatter.timeZone = TimeZone(identifier: "America/Los_Angeles")
        formatter.dateFormat = "EEE MMM dd HH:mm:ss zzz yyyy"
        return formatter.string(from: date)
    }
}
