import Foundation
import SwitchyardWire

/// A conditional write's expectation of the current object (If-Match / If-None-Match on PUT).
public struct WriteCondition: Sendable {
    public var ifMatch: String?
    public var ifNoneMatch: String?

    public init(ifMatch: String? = nil, ifNoneMatch: String? = nil) {
        self.ifMatch = ifMatch
        self.ifNoneMatch = ifNoneMatch
    }
}

/// What deleting an object did.
public struct DeletionResult: Sendable {
    public var deleteMarker: Bool
    public var versionId: String?
}

extension S3Engine {
    /// Stores a new version of an object whose bytes are already in `files`: the "null" version of
    /// an unversioned (or suspended) bucket is replaced, an enabled bucket gets a new version id.
    /// The version's blob is removed if it cannot be stored.
    public func putVersion(_ proposed: ObjectVersionRecord, condition: WriteCondition = WriteCondition()) async throws
        -> ObjectVersionRecord
    {
        var version = proposed
        do {
            let bucket = try bucket(version.bucket)
            try check(condition, bucket: version.bucket, key: version.key)
            version.versionId = bucket.versioning == "Enabled" ? VersionIds.make() : "null"
        } catch {
            if let blob = proposed.blob { files.remove([blob]) }
            throw error
        }
        version.sequence = nextSequence()
        let replication = replicationRule(for: version)
        if replication != nil { version.replicationStatus = "PENDING" }
        let replaced = contents[version.bucket, default: BucketContents()].put(version)
        try await commit([.putVersion(version)])
        if let blob = replaced?.blob, blob != version.blob { files.remove([blob]) }
        if let replication { return await replicate(version, rule: replication) }
        return version
    }

    func check(_ condition: WriteCondition, bucket: String, key: String) throws {
        let current = contents[bucket]?.latest(key).flatMap { $0.isDeleteMarker ? nil : $0 }
        if let expected = condition.ifNoneMatch {
            if expected == "*", current != nil { throw S3Errors.preconditionFailed("If-None-Match") }
        }
        if let expected = condition.ifMatch {
            guard let current else { throw S3Errors.noSuchKey(key) }
            guard ETags.matches(expected, current.etag) else { throw S3Errors.preconditionFailed("If-Match") }
        }
    }

    /// The version a read names: the current one, or the one with `versionId`.
    /// A key whose current version is a delete marker reads as missing, and naming a delete marker
    /// by its id is a method S3 does not allow on it (`method` is the request's HTTP method).
    public func version(
        bucket name: String, key: String, versionId: String?, method: String = "GET", subresource: Bool = false
    ) throws -> ObjectVersionRecord {
        let bucket = try bucket(name)
        let history = contents[name]?.history(of: key) ?? []
        guard let versionId else {
            guard let latest = history.first else { throw S3Errors.noSuchKey(key) }
            guard !latest.isDeleteMarker else {
                // Reading an object's subresource (its tags) through a delete marker is not allowed;
                // reading the object finds nothing.
                if subresource {
                    throw S3Errors.methodNotAllowed(method, resource: "DeleteMarker")
                        .withHeader("x-amz-delete-marker", "true").withHeader("x-amz-version-id", latest.versionId)
                }
                var error = S3Errors.noSuchKey(key).withHeader("x-amz-delete-marker", "true")
                if bucket.versioning != nil { error = error.withHeader("x-amz-version-id", latest.versionId) }
                throw error
            }
            return latest
        }
        // An unversioned bucket knows only the "null" version.
        guard VersionIds.isWellFormed(versionId), bucket.versioning != nil || versionId == "null" else {
            throw S3Errors.invalidVersionId(versionId)
        }
        guard let version = history.first(where: { $0.versionId == versionId }) else {
            if versionId == "null" { throw S3Errors.noSuchKey(key) }
            throw S3Errors.noSuchVersion(key, versionId)
        }
        if version.isDeleteMarker {
            throw S3Errors.methodNotAllowed(method, resource: "DeleteMarker")
                .withHeader("x-amz-delete-marker", "true").withHeader("x-amz-version-id", versionId)
                .withHeader("Allow", "DELETE")
        }
        return version
    }

    /// Changes stored attributes of one version (tags, legal hold, retention).
    @discardableResult
    public func updateVersion(
        bucket name: String, key: String, versionId: String?, method: String,
        _ change: @Sendable (inout ObjectVersionRecord) throws -> Void
    ) async throws -> ObjectVersionRecord {
        var version = try version(bucket: name, key: key, versionId: versionId, method: method, subresource: true)
        try change(&version)
        contents[name]?.replace(version)
        try await commit([.putVersion(version)])
        return version
    }

    /// Deletes an object as S3 does: a named version is removed; otherwise an unversioned bucket's
    /// object is removed and a versioned bucket's gets a delete marker.
    public func deleteObject(
        bucket name: String, key: String, versionId: String?, owner: String, bypassGovernance: Bool = false
    ) async throws -> DeletionResult {
        let bucket = try bucket(name)
        if let versionId {
            guard VersionIds.isWellFormed(versionId), bucket.versioning != nil || versionId == "null" else {
                throw S3Errors.invalidVersionId(versionId)
            }
            if let existing = contents[name]?.history(of: key).first(where: { $0.versionId == versionId }) {
                try Self.checkRemovable(existing, bypassGovernance: bypassGovernance)
            }
            guard let removed = contents[name]?.remove(key: key, versionId: versionId) else {
                return DeletionResult(deleteMarker: false, versionId: versionId)
            }
            try await commit([.deleteVersion(removed)])
            if let blob = removed.blob { files.remove([blob]) }
            return DeletionResult(deleteMarker: removed.isDeleteMarker, versionId: versionId)
        }
        guard let versioning = bucket.versioning else {
            guard let removed = contents[name]?.remove(key: key, versionId: "null") else {
                return DeletionResult(deleteMarker: false, versionId: nil)
            }
            try await commit([.deleteVersion(removed)])
            if let blob = removed.blob { files.remove([blob]) }
            return DeletionResult(deleteMarker: false, versionId: nil)
        }
        let markerId = versioning == "Enabled" ? VersionIds.make() : "null"
        let marker = ObjectVersionRecord(
            bucket: name, key: key, versionId: markerId, isDeleteMarker: true, lastModified: S3Service.now(), size: 0,
            etag: "", blob: nil, owner: owner, sequence: nextSequence())
        let replaced = contents[name, default: BucketContents()].put(marker)
        try await commit([.putVersion(marker)])
        if let blob = replaced?.blob { files.remove([blob]) }
        await replicateDeleteMarker(marker)
        return DeletionResult(deleteMarker: true, versionId: markerId)
    }

}

/// ETags compared as HTTP compares them: quotes optional, `*` matching anything, lists allowed.
enum ETags {
    static func matches(_ header: String, _ etag: String) -> Bool {
        header.split(separator: ",").contains { candidate in
            let trimmed = candidate.trimmingCharacters(in: .whitespaces)
            if trimmed == "*" { return true }
            let bare = trimmed.hasPrefix("W/") ? String(trimmed.dropFirst(2)) : trimmed
            return bare.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) == etag
        }
    }

    static func quoted(_ etag: String) -> String { "\"\(etag)\"" }
}

extension S3Engine {
    /// The version id of a key's newest version (a delete marker included).
    public func latestVersionId(bucket: String, key: String) -> String? {
        contents[bucket]?.latest(key)?.versionId
    }
}
