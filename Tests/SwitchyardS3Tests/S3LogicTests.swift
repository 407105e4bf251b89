import Foundation
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
