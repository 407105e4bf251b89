import Foundation
import SwitchyardCore
import SwitchyardWire

/// S3's state and rules, knowing nothing of HTTP: buckets in one namespace shared by every account,
/// their objects' versions, and multipart uploads. Object bytes are written to `ObjectFiles` before
/// the engine is called; the engine commits the metadata that names them, then answers.
public actor S3Engine {
    let store: any S3Store
    let files: ObjectFiles
    var buckets: [String: BucketRecord] = [:]
    var contents: [String: BucketContents] = [:]
    var uploads: [String: UploadRecord] = [:]
    /// Orders versions of a key made within the same millisecond.
    var sequence = 0

    public init(store: any S3Store, files: ObjectFiles) throws {
        self.store = store
        self.files = files
        let snapshot = try store.load()
        var named = Set<String>()
        for bucket in snapshot.buckets {
            buckets[bucket.name] = bucket
            contents[bucket.name] = BucketContents()
        }
        for version in snapshot.versions {
            contents[version.bucket, default: BucketContents()].restore(version)
            if let blob = version.blob { named.insert(blob) }
            sequence = max(sequence, version.sequence)
        }
        for upload in snapshot.uploads {
            uploads[upload.uploadId] = upload
            for part in upload.parts.values { named.insert(part.blob) }
        }
        files.removeUnnamed(keeping: named)
    }

    /// Waits until changes are durable.
    func commit(_ changes: [S3Change]) async throws {
        try await store.submit(changes).wait()
    }

    func nextSequence() -> Int {
        sequence += 1
        return sequence
    }

    // MARK: Buckets

    /// Creates a bucket. Bucket names are global: another account's name is taken.
    public func createBucket(_ record: BucketRecord) async throws {
        if let existing = buckets[record.name] {
            // us-east-1 answers a repeated create by the owner with success (legacy behaviour), unless
            // it asks for tags; the bucket is left as it is.
            if existing.account == record.account {
                if existing.region == "us-east-1" && record.region == "us-east-1" && record.tags == nil { return }
                throw S3Errors.alreadyOwnedByYou(record.name)
            }
            throw S3Errors.alreadyExists(record.name)
        }
        buckets[record.name] = record
        contents[record.name] = BucketContents()
        try await commit([.putBucket(record)])
    }

    /// The bucket, or NoSuchBucket.
    public func bucket(_ name: String) throws -> BucketRecord {
        guard let bucket = buckets[name] else { throw S3Errors.noSuchBucket(name) }
        return bucket
    }

    /// An account's buckets in name order.
    public func buckets(of account: String) -> [BucketRecord] {
        buckets.values.filter { $0.account == account }.sorted { BucketContents.less($0.name, $1.name) }
    }

    /// Changes a bucket's settings and makes the change durable.
    @discardableResult
    public func updateBucket(_ name: String, _ change: @Sendable (inout BucketRecord) throws -> Void) async throws
        -> BucketRecord
    {
        guard var bucket = buckets[name] else { throw S3Errors.noSuchBucket(name) }
        try change(&bucket)
        buckets[name] = bucket
        try await commit([.putBucket(bucket)])
        return bucket
    }

    /// Deletes an empty bucket; its unfinished multipart uploads go with it.
    public func deleteBucket(_ name: String) async throws {
        guard buckets[name] != nil else { throw S3Errors.noSuchBucket(name) }
        guard contents[name]?.isEmpty ?? true else {
            throw S3Errors.bucketNotEmpty(name, versioned: buckets[name]?.versioning != nil)
        }
        let abandoned = uploads.values.filter { $0.bucket == name }
        buckets[name] = nil
        contents[name] = nil
        for upload in abandoned { uploads[upload.uploadId] = nil }
        try await commit([.deleteBucket(name: name)] + abandoned.map { .deleteUpload(uploadId: $0.uploadId) })
        files.remove(abandoned.flatMap { $0.parts.values.map(\.blob) })
    }

    /// Forgets everything (the operational reset).
    func reset() async throws {
        buckets = [:]
        contents = [:]
        uploads = [:]
        try await store.wipe().wait()
        files.removeAll()
    }

    var objectCount: Int { contents.values.reduce(0) { $0 + $1.keyCount } }
    var bucketCount: Int { buckets.count }
}
