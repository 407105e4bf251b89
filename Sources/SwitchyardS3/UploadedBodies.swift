import Foundation
import SwitchyardModels
import SwitchyardWire

/// A request body stored as a file, with the digests S3 reports and checks.
struct UploadedBody {
    var blob: String
    var size: Int
    var md5Hex: String
    var checksum: StoredChecksum?
}

extension S3Service {
    /// The algorithms S3's model names that Switchyard does not compute.
    static let unbuiltAlgorithms: Set<String> = ["SHA512", "MD5", "XXHASH64", "XXHASH3", "XXHASH128"]

    /// The checksum algorithm a request names: one S3 computes, NotImplemented for the model's others,
    /// InvalidRequest for any other name.
    static func requestedAlgorithm(_ declared: String?, context: RequestContext) throws -> ChecksumAlgorithm? {
        if let declared {
            guard let algorithm = ChecksumAlgorithm(rawValue: declared.uppercased()) else {
                // The model's newer algorithms are S3's but not built here; any other name is not S3's.
                guard Self.unbuiltAlgorithms.contains(declared.uppercased()) else {
                    throw AWSError(
                        "InvalidRequest",
                        "Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]"
                    )
                }
                throw AWSError.notImplemented("S3", "the \(declared) checksum algorithm")
            }
            return algorithm
        }
        return try sentAlgorithm(context)
    }

    /// The algorithm of the checksum the request carries, in a header or announced as a trailer;
    /// at most one.
    static func sentAlgorithm(_ context: RequestContext) throws -> ChecksumAlgorithm? {
        if let trailer = context.requestHeaders["x-amz-trailer"] {
            return ChecksumAlgorithm.allCases.first { $0.headerName == trailer.lowercased() }
        }
        let sent = ChecksumAlgorithm.allCases.filter { context.requestHeaders[$0.headerName] != nil }
        guard sent.count <= 1 else {
            throw AWSError(
                "InvalidRequest", "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.")
        }
        if let algorithm = sent.first, let value = context.requestHeaders[algorithm.headerName],
            Data(base64Encoded: value)?.count != algorithm.digestLength
        {
            throw AWSError("InvalidRequest", "Value for \(algorithm.headerName) header is invalid.")
        }
        return sent.first
    }

    /// Whether the body is in the aws-chunked encoding (SDKs streaming with trailing checksums).
    static func isChunked(_ context: RequestContext) -> Bool {
        let encoding = context.requestHeaders["content-encoding"] ?? ""
        let declaredHash = context.requestHeaders["x-amz-content-sha256"] ?? ""
        return encoding.split(separator: ",").contains { $0.trimmingCharacters(in: .whitespaces) == "aws-chunked" }
            || declaredHash.hasPrefix("STREAMING-")
    }

    /// The Content-Encoding to keep, without the transfer's aws-chunked.
    static func storedContentEncoding(_ given: String?) -> String? {
        guard let given else { return nil }
        let kept = given.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
            $0 != "aws-chunked" && !$0.isEmpty
        }
        return kept.isEmpty ? nil : kept.joined(separator: ",")
    }

    /// Writes the request's body to a new object file and checks it against what the client
    /// declared: Content-MD5, and the checksum in a header or a trailer. Without a declared algorithm
    /// S3 computes CRC64NVME, as it does for every new object.
    /// `uploadAlgorithm` is the algorithm a multipart upload was created with; a single PUT takes the
    /// checksum it carries (the SDK's algorithm header alone names none).
    func ingest(
        _ body: ByteStream?, contentMD5: String?, uploadAlgorithm: ChecksumAlgorithm? = nil, digestAsHex: Bool,
        context: RequestContext
    ) async throws -> UploadedBody {
        let algorithm = try Self.sentAlgorithm(context) ?? uploadAlgorithm ?? .crc64nvme
        var expectedMD5: [UInt8]?
        if let contentMD5 {
            guard let digest = Data(base64Encoded: contentMD5), digest.count == 16 else {
                throw S3Errors.invalidDigest(contentMD5)
            }
            expectedMD5 = Array(digest)
        }
        let source: ObjectFiles.Source
        if let spooled = context.spooledBody {
            source = .spooled(spooled)
        } else {
            source = .bytes(try await body?.collect() ?? [])
        }
        let ingested: ObjectFiles.Ingested
        do {
            ingested = try await files.ingest(
                source, chunked: Self.isChunked(context), signatures: context.chunkSignatures, checksum: algorithm)
        } catch AWSChunkedDecoder.Failure.signatureMismatch {
            throw SigV4.signatureMismatch
        } catch is AWSChunkedDecoder.Failure {
            throw AWSError("IncompleteBody", "The request body terminated unexpectedly")
        }
        func refuse(_ error: AWSError) -> AWSError {
            files.remove([ingested.blob])
            return error
        }
        if let expectedMD5, expectedMD5 != ingested.md5 {
            // PutObject reports the digest it expected in hex, UploadPart as it was sent.
            let expected = digestAsHex ? Hex.encode(expectedMD5) : (contentMD5 ?? "")
            throw refuse(
                S3Errors.badDigest().with("ExpectedDigest", expected)
                    .with("CalculatedDigest", Data(ingested.md5).base64EncodedString()))
        }
        if let declaredLength = context.requestHeaders["x-amz-decoded-content-length"].flatMap(Int.init),
            declaredLength != ingested.size
        {
            throw refuse(
                AWSError(
                    "IncompleteBody",
                    "You did not provide the number of bytes specified by the Content-Length HTTP header"))
        }
        let declared = context.requestHeaders[algorithm.headerName] ?? ingested.trailers[algorithm.headerName]
        if let declared, declared != ingested.checksum {
            throw refuse(S3Errors.checksumMismatch(algorithm))
        }
        return UploadedBody(
            blob: ingested.blob, size: ingested.size, md5Hex: Hex.encode(ingested.md5),
            checksum: ingested.checksum.map { StoredChecksum(algorithm: algorithm, value: $0) })
    }

    /// Tags from a `x-amz-tagging` header: a URL query string.
    static func tags(fromHeader header: String?) throws -> [String: String] {
        guard let header, !header.isEmpty else { return [:] }
        let pairs = FormParameters.decode(Array(header.utf8)).filter { !$0.0.isEmpty }
        let refused = S3Errors.invalidArgument(
            "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.",
            name: "x-amz-tagging", value: header)
        guard Set(pairs.map(\.0)).count == pairs.count,
            pairs.allSatisfy({ isTagText($0.0) && isTagText($0.1) })
        else { throw refused }
        return try validatedTags(pairs.map { S3.Tag(key: $0.0, value: $0.1) }, for: .object)
    }

    /// User metadata may be at most 2 KB (names and values together).
    static func checkMetadata(_ metadata: [String: String]?) throws {
        guard let metadata else { return }
        let size = metadata.reduce(0) { $0 + $1.key.utf8.count + $1.value.utf8.count }
        if size > 2048 {
            throw AWSError("MetadataTooLarge", "Your metadata headers exceed the maximum allowed metadata size")
                .with("Size", String(size)).with("MaxSizeAllowed", "2048")
        }
    }

    static func checkKey(_ key: String) throws {
        if key.utf8.count > 1024 {
            throw AWSError("KeyTooLongError", "Your key is too long").with("Size", String(key.utf8.count))
                .with("MaxSizeAllowed", "1024")
        }
    }
}
