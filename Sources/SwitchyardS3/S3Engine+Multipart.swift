import Crypto
import Foundation
import SwitchyardWire

/// A part as CompleteMultipartUpload names it.
public struct CompletedPartClaim: Sendable {
    public var number: Int
    public var etag: String?
    /// The part's checksum as the request states it (the first of its checksum members).
    public var checksum: ClaimedChecksum?

    public init(number: Int, etag: String?, checksum: ClaimedChecksum?) {
        self.number = number
        self.etag = etag
        self.checksum = checksum
    }
}

/// A checksum a request states: its algorithm and base64 value.
public struct ClaimedChecksum: Sendable, Equatable {
    public var algorithm: ChecksumAlgorithm
    public var value: String

    public init(algorithm: ChecksumAlgorithm, value: String) {
        self.algorithm = algorithm
        self.value = value
    }
}

extension S3Engine {
    /// Starts a multipart upload whose object will be made from `template`.
    public func createUpload(_ proposed: UploadRecord) async throws {
        _ = try bucket(proposed.bucket)
        var upload = proposed
        upload.keySequenceAtStart = contents[upload.bucket]?.latest(upload.key)?.sequence
        uploads[upload.uploadId] = upload
        try await commit([.putUpload(upload)])
    }

    /// The upload, when it exists for this bucket and key.
    public func upload(_ uploadId: String, bucket: String, key: String) throws -> UploadRecord {
        _ = try self.bucket(bucket)
        guard let upload = uploads[uploadId], upload.bucket == bucket,
            ObjectKey.same(upload.key, key)
        else {
            throw S3Errors.noSuchUpload(uploadId)
        }
        return upload
    }

    /// Records a part whose bytes are in `files`, replacing an earlier part of the same number.
    public func putPart(_ part: PartRecord, uploadId: String, bucket: String, key: String) async throws {
        guard var upload = try? self.upload(uploadId, bucket: bucket, key: key) else {
            files.remove([part.blob])
            _ = try self.bucket(bucket)
            throw S3Errors.noSuchUpload(uploadId)
        }
        let replaced = upload.parts[part.number]
        upload.parts[part.number] = part
        uploads[uploadId] = upload
        try await commit([.putUpload(upload)])
        if let replaced { files.remove([replaced.blob]) }
    }

    /// Abandons an upload and its parts.
    public func abortUpload(_ uploadId: String, bucket: String, key: String) async throws {
        let upload = try self.upload(uploadId, bucket: bucket, key: key)
        uploads[uploadId] = nil
        try await commit([.deleteUpload(uploadId: uploadId)])
        files.remove(upload.parts.values.map(\.blob))
    }

    /// The uploads in progress in a bucket, in key then initiation order.
    public func uploads(in bucket: String) throws -> [UploadRecord] {
        _ = try self.bucket(bucket)
        return uploads.values.filter { $0.bucket == bucket }.sorted {
            ObjectKey.same($0.key, $1.key) ? $0.initiated < $1.initiated : BucketContents.less($0.key, $1.key)
        }
    }

    /// Makes the object from the named parts: checked as S3 checks them (ascending numbers, known
    /// parts with matching ETags, every part but the last at least 5 MiB), joined into one file,
    /// stored as a new version; the upload and its parts' files go.
    public func completeUpload(
        _ uploadId: String, bucket: String, key: String, claims: [CompletedPartClaim],
        objectChecksum: ClaimedChecksum? = nil, checksumType: String? = nil,
        condition: WriteCondition = WriteCondition()
    ) async throws -> ObjectVersionRecord {
        let upload = try self.upload(uploadId, bucket: bucket, key: key)
        guard !claims.isEmpty else { throw S3Errors.malformedXML() }
        var previous = 0
        var parts: [PartRecord] = []
        for claim in claims {
            guard claim.number > previous else {
                throw AWSError(
                    "InvalidPartOrder",
                    "The list of parts was not in ascending order. Parts must be ordered by part number."
                )
                .with("UploadId", uploadId)
            }
            previous = claim.number
            guard let part = upload.parts[claim.number],
                claim.etag.map({ ETags.matches($0, part.etag) }) ?? true
            else { throw Self.invalidPart(claim, uploadId: uploadId) }
            try Self.checkPartChecksum(claim, of: part, upload: upload)
            parts.append(part)
        }
        for (index, part) in parts.enumerated() where index < parts.count - 1 && part.size < Self.minimumPartSize {
            throw AWSError("EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size")
                .with("ProposedSize", String(part.size)).with("MinSizeAllowed", String(Self.minimumPartSize))
                .with("PartNumber", String(part.number)).with("ETag", part.etag)
        }
        if condition.ifMatch != nil || condition.ifNoneMatch != nil {
            try check(condition, bucket: bucket, key: key)
            if contents[bucket]?.latest(key)?.sequence != upload.keySequenceAtStart {
                throw AWSError(
                    "ConditionalRequestConflict",
                    "The conditional request cannot succeed due to a conflicting operation against this resource.",
                    httpStatus: 409
                ).with("Condition", condition.ifMatch != nil ? "If-Match" : "If-None-Match").with("Key", key)
            }
        }
        var md5s: [UInt8] = []
        for part in parts { md5s += Hex.decode(part.etag) ?? [] }
        let etag = Hex.encode(Insecure.MD5.hash(data: md5s)) + "-\(parts.count)"
        // Without a checksum of its own, the object gets S3's default: CRC64NVME of the whole object.
        let algorithm = upload.checksumAlgorithm ?? .crc64nvme
        let fullObject = upload.checksumAlgorithm == nil || upload.checksumType == "FULL_OBJECT"
        let joined = try await files.concatenate(parts.map(\.blob), checksum: fullObject ? algorithm : nil)
        // Another request may have completed or aborted the upload while the parts were joined.
        guard uploads[uploadId] != nil else {
            files.remove([joined.blob])
            throw S3Errors.noSuchUpload(uploadId)
        }
        // A FULL_OBJECT upload's stated object checksum must be that checksum, stated as FULL_OBJECT.
        if upload.checksumType == "FULL_OBJECT", let claimed = objectChecksum,
            checksumType != "FULL_OBJECT" || claimed.algorithm != algorithm || claimed.value != joined.checksum
        {
            files.remove([joined.blob])
            throw AWSError(
                "BadDigest",
                "The \(algorithm.rawValue.lowercased()) you specified did not match the calculated checksum.")
        }
        var version = upload.template
        version.size = parts.reduce(0) { $0 + $1.size }
        version.etag = etag
        version.blob = joined.blob
        version.lastModified = S3Service.now()
        version.partSizes = parts.map(\.size)
        if upload.checksumAlgorithm != nil { version.partChecksums = parts.map { $0.checksum?.value ?? "" } }
        if upload.template.customerKeyMD5 != nil {
            version.checksum = nil
        } else if fullObject, let value = joined.checksum {
            version.checksum = StoredChecksum(algorithm: algorithm, value: value, type: "FULL_OBJECT")
        } else {
            var composite: [UInt8] = []
            for part in parts {
                composite += part.checksum.flatMap { Data(base64Encoded: $0.value) }.map(Array.init) ?? []
            }
            let value = algorithm.checksum(of: composite) + "-\(parts.count)"
            version.checksum = StoredChecksum(algorithm: algorithm, value: value, type: "COMPOSITE")
        }
        let stored = try await putVersion(version, condition: condition)
        uploads[uploadId] = nil
        try await commit([.deleteUpload(uploadId: uploadId)])
        files.remove(upload.parts.values.map(\.blob))
        return stored
    }

    /// A part's checksum as the completion states it, checked as S3 checks it: an upload without an
    /// algorithm takes none (InvalidPart), another algorithm is a bad digest, another value an unknown
    /// part; a COMPOSITE upload needs every part's.
    static func checkPartChecksum(_ claim: CompletedPartClaim, of part: PartRecord, upload: UploadRecord) throws {
        guard let algorithm = upload.checksumAlgorithm else {
            if claim.checksum != nil { throw invalidPart(claim, uploadId: upload.uploadId) }
            return
        }
        guard let claimed = claim.checksum else {
            guard upload.checksumType == "COMPOSITE" else { return }
            throw AWSError(
                "InvalidRequest",
                "The upload was created using a \(algorithm.rawValue.lowercased()) checksum. The complete request must include the checksum for each part. It was missing for part \(claim.number) in the request."
            )
        }
        guard claimed.algorithm == algorithm else {
            throw AWSError(
                "BadDigest",
                "The \(claimed.algorithm.rawValue.lowercased()) you specified for part \(claim.number) did not match what we received."
            )
        }
        if let stored = part.checksum, stored.algorithm == algorithm, stored.value != claimed.value {
            throw invalidPart(claim, uploadId: upload.uploadId)
        }
    }

    static func invalidPart(_ claim: CompletedPartClaim, uploadId: String) -> AWSError {
        AWSError(
            "InvalidPart",
            "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag."
        )
        .with("UploadId", uploadId).with("PartNumber", String(claim.number))
        // The entity tag as given, without its quotes (AWS's recorded answers).
        .with("ETag", (claim.etag ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "\"")))
    }

    /// Every part but the last must be at least this large.
    static let minimumPartSize = 5 << 20
}
