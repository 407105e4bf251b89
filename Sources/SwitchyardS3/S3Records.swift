import Foundation

/// A bucket as stored: where it lives, who owns it, and its configuration documents.
public struct BucketRecord: Codable, Sendable, Equatable {
    public var name: String
    public var account: String
    public var region: String
    public var created: Date
    /// nil until versioning is first configured; then "Enabled" or "Suspended".
    public var versioning: String?
    public var mfaDelete: String?
    public var objectLockEnabled: Bool
    /// The location constraint as given at creation (S3 reports "EU" as "EU").
    public var locationConstraint: String?

    public var tags: [String: String]?
    /// Configuration documents by name ("cors", "lifecycle", "policy", ...), each the JSON of its
    /// model shape as `StoredShape` writes it.
    public var configurations: [String: String]

    public init(name: String, account: String, region: String, created: Date, objectLockEnabled: Bool = false) {
        self.name = name
        self.account = account
        self.region = region
        self.created = created
        self.objectLockEnabled = objectLockEnabled
        self.configurations = [:]
    }

    public var arn: String { "arn:aws:s3:::\(name)" }
}

/// One checksum of an object or part: the algorithm and the base64 value, and whether it is of the
/// whole object or composed of its parts' checksums (`FULL_OBJECT` or `COMPOSITE`).
public struct StoredChecksum: Codable, Sendable, Equatable {
    public var algorithm: ChecksumAlgorithm
    public var value: String
    public var type: String

    public init(algorithm: ChecksumAlgorithm, value: String, type: String = "FULL_OBJECT") {
        self.algorithm = algorithm
        self.value = value
        self.type = type
    }
}

/// The headers an object keeps and answers with on GET and HEAD.
public struct ObjectHeaders: Codable, Sendable, Equatable {
    public var contentType: String?
    public var contentEncoding: String?
    public var contentDisposition: String?
    public var contentLanguage: String?
    public var cacheControl: String?
    public var expires: String?
    public var websiteRedirectLocation: String?

    public init() {}
}

/// One version of an object (or a delete marker), as stored. An unversioned bucket's objects have
/// the version id "null".
public struct ObjectVersionRecord: Codable, Sendable, Equatable {
    public var bucket: String
    public var key: String
    public var versionId: String
    public var isDeleteMarker: Bool
    public var lastModified: Date
    public var size: Int
    /// The ETag without quotes: the MD5 in hex, or `<md5 of the parts' md5s>-<parts>`.
    public var etag: String
    /// The file holding the bytes (nil for delete markers).
    public var blob: String?
    public var headers: ObjectHeaders
    public var metadata: [String: String]
    public var storageClass: String
    public var checksum: StoredChecksum?
    public var tags: [String: String]
    /// For an object made by a multipart upload: each part's size, in order (GET ?partNumber=).
    public var partSizes: [Int]?
    /// For an object made by a multipart upload with checksums: each part's checksum, in order.
    public var partChecksums: [String]?
    public var owner: String
    public var serverSideEncryption: String?
    public var kmsKeyId: String?
    public var bucketKeyEnabled: Bool?
    public var objectLockMode: String?
    public var objectLockRetainUntil: Date?
    public var legalHold: String?
    /// For an object written with a customer-provided key (SSE-C): the key's MD5.
    public var customerKeyMD5: String?
    /// The object's access control policy as set (JSON of the model shape); nil is the owner's.
    public var acl: String?
    /// For an archived object (GLACIER, DEEP_ARCHIVE) restored by RestoreObject: until when its
    /// restored copy can be read.
    public var restoreExpiry: Date?
    /// PENDING, COMPLETED or FAILED for an object a replication rule copies; REPLICA for the copy.
    public var replicationStatus: String?
    /// A sequence number making versions of a key ordered even within one millisecond.
    public var sequence: Int

    public init(
        bucket: String, key: String, versionId: String, isDeleteMarker: Bool, lastModified: Date, size: Int,
        etag: String, blob: String?, owner: String, sequence: Int
    ) {
        self.bucket = bucket
        self.key = key
        self.versionId = versionId
        self.isDeleteMarker = isDeleteMarker
        self.lastModified = lastModified
        self.size = size
        self.etag = etag
        self.blob = blob
        self.headers = ObjectHeaders()
        self.metadata = [:]
        self.storageClass = "STANDARD"
        self.tags = [:]
        self.owner = owner
        self.sequence = sequence
    }

    var storageKey: String { "\(bucket)/\(key)\u{0}\(versionId)" }
}

/// A multipart upload in progress: what CreateMultipartUpload was given, and the parts so far.
public struct UploadRecord: Codable, Sendable, Equatable {
    public var uploadId: String
    public var bucket: String
    public var key: String
    public var initiated: Date
    public var owner: String
    /// The object's headers, metadata, tags, storage class, encryption and lock settings, applied
    /// when the upload completes.
    public var template: ObjectVersionRecord
    public var checksumAlgorithm: ChecksumAlgorithm?
    public var checksumType: String?
    public var parts: [Int: PartRecord]
    /// The sequence of the key's newest version (or delete marker) when the upload began, nil when
    /// the key had none: a conditional completion conflicts with any write or delete since.
    public var keySequenceAtStart: Int?

    var storageKey: String { uploadId }
}

/// One uploaded part.
public struct PartRecord: Codable, Sendable, Equatable {
    public var number: Int
    public var size: Int
    public var etag: String
    public var blob: String
    public var lastModified: Date
    public var checksum: StoredChecksum?
}
