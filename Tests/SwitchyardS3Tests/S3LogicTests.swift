import Foundation
import SwitchyardWire
import Testing

@testable import SwitchyardS3

@Suite("S3 checksums")
struct ChecksumTests {
    // Values S3 recorded for the body "test data..".
    @Test func knownValues() {
        let body = Array("test data..".utf8)
        #expect(ChecksumAlgorithm.crc32.checksum(of: body) == "cZWHwQ==")
        #expect(ChecksumAlgorithm.crc32c.checksum(of: body) == "Pf4upw==")
        #expect(ChecksumAlgorithm.crc64nvme.checksum(of: body) == "qUVrWYOrIAM=")
        #expect(ChecksumAlgorithm.sha1.checksum(of: body) == "B++3uSfJMSHWToQMQ1g6lIJY5Eo=")
        #expect(ChecksumAlgorithm.sha256.checksum(of: body) == "2l26x0trnT0r2AvakoFk2MB7eKVKzYESLMxSAKAzoik=")
        #expect(ChecksumAlgorithm.crc64nvme.checksum(of: []) == "AAAAAAAAAAA=")
    }

    @Test func computedInPiecesAsWhole() {
        let body = Array("test-checksum".utf8)
        var running = ChecksumAlgorithm.crc32c.hasher()
        running.update(body[0..<5])
        running.update(body[5...])
        #expect(running.finalize() == "Fz3epA==")
    }
}

@Suite("aws-chunked decoding")
struct AWSChunkedDecoderTests {
    @Test func decodesChunksSplitAnywhereAndReadsTrailers() throws {
        let encoded = Array(
            "5;chunk-signature=abc\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n".utf8)
        for split in [1, 3, 7, encoded.count] {
            var decoder = AWSChunkedDecoder()
            var output: [UInt8] = []
            var start = 0
            while start < encoded.count {
                let end = min(start + split, encoded.count)
                try decoder.feed(encoded[start..<end]) { output += $0 }
                start = end
            }
            #expect(String(decoding: output, as: UTF8.self) == "hello world")
            #expect(decoder.trailers["x-amz-checksum-crc32"] == "DUoRhQ==")
            #expect(decoder.isComplete)
        }
    }

    @Test func refusesWhatIsNotChunked() {
        var decoder = AWSChunkedDecoder()
        #expect(throws: AWSChunkedDecoder.Failure.self) {
            try decoder.feed(Array("zz\r\nhello\r\n".utf8)[...]) { _ in }
        }
    }
}

@Suite("Signed aws-chunked uploads")
struct ChunkSignatureTests {
    /// The example of AWS's "Transferring Payload in Multiple Chunks": 65 KiB + 1 KiB of 'a', the
    /// request's own signature as the seed, and the chunk signatures AWS's page lists.
    static let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    static let signatures = [
        "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
        "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
        "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9",
    ]

    static func chain() throws -> ChunkSignatureChain {
        var credential = try SigV4.parseScope("AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request")
        credential.amzDate = "20130524T000000Z"
        return ChunkSignatureChain(
            signingKey: SigV4.signingKey(secretKey: secret, credential: credential), amzDate: "20130524T000000Z",
            scope: credential.scope, seed: "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9")
    }

    static func body(signatures: [String]) -> [UInt8] {
        let sizes = [65536, 1024, 0]
        var body: [UInt8] = []
        for (size, signature) in zip(sizes, signatures) {
            body += Array("\(String(size, radix: 16));chunk-signature=\(signature)\r\n".utf8)
            body += [UInt8](repeating: UInt8(ascii: "a"), count: size) + Array("\r\n".utf8)
        }
        return body
    }

    @Test func acceptsAWSExample() throws {
        var decoder = AWSChunkedDecoder(signatures: try Self.chain())
        var decoded = 0
        let body = Self.body(signatures: Self.signatures)
        for start in stride(from: 0, to: body.count, by: 7000) {
            try decoder.feed(body[start..<min(body.count, start + 7000)]) { decoded += $0.count }
        }
        #expect(decoded == 66560)
        #expect(decoder.isComplete)
    }

    @Test func refusesAChunkSignedOutOfOrder() throws {
        var decoder = AWSChunkedDecoder(signatures: try Self.chain())
        var swapped = Self.signatures
        swapped.swapAt(0, 1)
        #expect(throws: AWSChunkedDecoder.Failure.self) {
            try decoder.feed(Self.body(signatures: swapped)[...]) { _ in }
        }
    }
}

@Suite("S3 request rules")
struct RequestRuleTests {
    @Test func rangesAsS3ResolvesThem() {
        #expect(ByteRanges.resolve("bytes=0-8", size: 10) == .partial(0..<9))
        #expect(ByteRanges.resolve("bytes=-2", size: 10) == .partial(8..<10))
        #expect(ByteRanges.resolve("bytes=-15", size: 10) == .partial(0..<10))
        #expect(ByteRanges.resolve("bytes=1-0", size: 10) == .whole)
        #expect(ByteRanges.resolve("bytes=0-1,3-4", size: 10) == .whole)
        #expect(ByteRanges.resolve("bytes=-0", size: 10) == .unsatisfiable)
        #expect(ByteRanges.resolve("bytes=100-200", size: 10) == .unsatisfiable)
    }

    @Test func bucketNames() {
        for valid in ["abc", "my.bucket-1", "a" + String(repeating: "b", count: 62)] {
            #expect(BucketNames.isValid(valid))
        }
        for invalid in ["ab", "Abc", "a..b", "-ab", "ab-", "192.168.0.1", "xn--abc", "abc-s3alias", "a_b"] {
            #expect(!BucketNames.isValid(invalid))
        }
    }

    @Test func versionIdsTellIssuedFromInvented() {
        let id = VersionIds.make()
        #expect(id.count == 32 && VersionIds.isWellFormed(id))
        #expect(!VersionIds.isWellFormed(String(id.dropLast(4)) + "ABCD") || id.hasSuffix("ABCD"))
        #expect(VersionIds.isWellFormed("null"))
    }

    @Test func rfc2047() {
        #expect(RFC2047.decode("=?UTF-8?Q?actually-ascii?=") == "actually-ascii")
        #expect(RFC2047.decode("=?UTF-8?B?YWJj?=") == "abc")
        #expect(RFC2047.decode("plain") == nil)
    }
}

@Suite("S3 listings")
struct ListingTests {
    func contents(_ keys: [String]) -> BucketContents {
        var contents = BucketContents()
        for (index, key) in keys.enumerated() {
            contents.put(
                ObjectVersionRecord(
                    bucket: "b", key: key, versionId: "null", isDeleteMarker: false, lastModified: Date(), size: 1,
                    etag: "e", blob: "x", owner: "1", sequence: index))
        }
        return contents
    }

    @Test func delimiterRollsUpAndMarkersInsidePrefixesSkipThem() {
        let contents = contents(["folder/a/1", "folder/a/2", "folder/file1", "folder/file2", "other"])
        func walk(_ query: ListingQuery) -> ListingPage<ObjectVersionRecord> {
            S3Engine.walk(keys: contents.keys, query, entryId: \.versionId) { contents.history(of: $0) }
        }
        let first = walk(ListingQuery(prefix: "folder/", delimiter: "/", after: nil, maxKeys: 1))
        #expect(first.commonPrefixes == ["folder/a/"] && first.isTruncated && first.lastKey == "folder/a/")
        let next = walk(ListingQuery(prefix: "folder/", delimiter: "/", after: "folder/a/1", maxKeys: 1))
        #expect(next.entries.map(\.key) == ["folder/file1"] && next.commonPrefixes.isEmpty)
        let all = walk(ListingQuery(prefix: "", delimiter: nil, after: nil, maxKeys: 1000))
        #expect(all.entries.map(\.key) == ["folder/a/1", "folder/a/2", "folder/file1", "folder/file2", "other"])
    }
}

@Suite("RFC 2047 metadata answers")
struct RFC2047EncodingTests {
    @Test func plainASCIIStaysAndTheRestBecomesEncodedWords() {
        #expect(RFC2047.encodeForHeader("plain value\t1") == "plain value\t1")
        #expect(RFC2047.encodeForHeader("ÄMÄZÕÑ S3") == "=?UTF-8?Q?=C3=84M=C3=84Z=C3=95=C3=91_S3?=")
        #expect(RFC2047.encodeForHeader("\u{0}\u{1}\u{2}\u{3}\u{4}") == "=?UTF-8?B?AAECAwQ=?=")
    }

    @Test func longValuesAreSplitIntoWordsThatFitALine() {
        let value = String(repeating: "é", count: 40)
        let words = RFC2047.encodeForHeader(value).split(separator: " ")
        #expect(words.count > 1)
        #expect(words.allSatisfy { $0.hasPrefix("=?UTF-8?B?") && $0.count <= 75 })
        let decoded = words.compactMap { RFC2047.decode(String($0)) }.joined()
        #expect(decoded == value)
    }
}

@Suite("S3 restores")
struct RestoreTests {
    @Test func restoredCopiesExpireAtTheMidnightAfterTheirDays() {
        let now = Date(timeIntervalSince1970: 1_764_000_000)  // 2025-11-24T16:00:00Z
        let expiry = S3Service.restoreExpiry(days: 2, from: now)
        #expect(expiry == Date(timeIntervalSince1970: 1_764_201_600))  // 2025-11-27T00:00:00Z
    }

    @Test func onlyArchivedObjectsWaitForARestore() {
        var version = ObjectVersionRecord(
            bucket: "b", key: "k", versionId: "null", isDeleteMarker: false, lastModified: Date(), size: 1,
            etag: "e", blob: nil, owner: "o", sequence: 1)
        version.storageClass = "STANDARD"
        #expect(S3Service.isReadable(version))
        version.storageClass = "DEEP_ARCHIVE"
        #expect(!S3Service.isReadable(version))
        version.restoreExpiry = Date().addingTimeInterval(60)
        #expect(S3Service.isReadable(version))
        #expect(S3Service.restoreHeader(version)?.hasPrefix("ongoing-request=\"false\", expiry-date=\"") == true)
    }
}
