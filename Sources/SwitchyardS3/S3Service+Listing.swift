import Foundation
import SwitchyardModels
import SwitchyardWire

extension S3Service {
    public func listObjects(_ input: S3.ListObjectsRequest, context: RequestContext) async throws
        -> S3.ListObjectsOutput
    {
        let encoding = try Self.encoding(input.encodingType)
        let maxKeys = Self.clampedMaxKeys(input.maxKeys)
        let page = try await engine.listObjects(
            bucket: input.bucket,
            ListingQuery(
                prefix: input.prefix ?? "", delimiter: input.delimiter,
                after: input.marker.flatMap { $0.isEmpty ? nil : $0 },
                maxKeys: maxKeys))
        let useDelimiter = input.delimiter.map { !$0.isEmpty } ?? false
        return S3.ListObjectsOutput(
            name: input.bucket, prefix: encoding(input.prefix ?? ""), marker: encoding(input.marker ?? ""),
            nextMarker: page.isTruncated && useDelimiter ? page.lastKey.map(encoding) : nil, maxKeys: maxKeys,
            delimiter: Self.echoedDelimiter(input.delimiter, encoding), encodingType: input.encodingType,
            isTruncated: page.isTruncated,
            contents: page.entries.isEmpty ? nil : page.entries.map { Self.listed($0, owner: true, encoding) },
            commonPrefixes: Self.prefixes(page, encoding))
    }

    public func listObjectsV2(_ input: S3.ListObjectsV2Request, context: RequestContext) async throws
        -> S3.ListObjectsV2Output
    {
        let encoding = try Self.encoding(input.encodingType)
        let maxKeys = Self.clampedMaxKeys(input.maxKeys)
        var after = input.startAfter.flatMap { $0.isEmpty ? nil : $0 }
        if let token = input.continuationToken {
            // A continuation token wins over StartAfter, which is then not echoed either.
            guard !token.isEmpty, let key = ContinuationToken.decode(token) else {
                throw S3Errors.invalidArgument(
                    "The continuation token provided is incorrect", name: "continuation-token")
            }
            after = key
        }
        let page = try await engine.listObjects(
            bucket: input.bucket,
            ListingQuery(prefix: input.prefix ?? "", delimiter: input.delimiter, after: after, maxKeys: maxKeys))
        let contents = page.entries.map { Self.listed($0, owner: input.fetchOwner == true, encoding) }
        var output = S3.ListObjectsV2Output(
            name: input.bucket, prefix: encoding(input.prefix ?? ""), continuationToken: input.continuationToken,
            nextContinuationToken: page.isTruncated ? page.lastKey.map(ContinuationToken.encode) : nil,
            keyCount: page.entries.count + page.commonPrefixes.count, maxKeys: maxKeys,
            delimiter: Self.echoedDelimiter(input.delimiter, encoding), encodingType: input.encodingType,
            startAfter: input.continuationToken == nil ? input.startAfter.map(encoding) : nil,
            isTruncated: page.isTruncated, contents: contents.isEmpty ? nil : contents,
            commonPrefixes: Self.prefixes(page, encoding))
        output.bucketRegion = try await engine.bucket(input.bucket).region
        return output
    }

    public func listObjectVersions(_ input: S3.ListObjectVersionsRequest, context: RequestContext) async throws
        -> S3.ListObjectVersionsOutput
    {
        let encoding = try Self.encoding(input.encodingType)
        let maxKeys = Self.clampedMaxKeys(input.maxKeys)
        if let versionIdMarker = input.versionIdMarker, !versionIdMarker.isEmpty {
            guard let keyMarker = input.keyMarker, !keyMarker.isEmpty else {
                throw S3Errors.invalidArgument(
                    "A version-id marker cannot be specified without a key marker.", name: "version-id-marker",
                    value: versionIdMarker)
            }
        }
        let page = try await engine.listVersions(
            bucket: input.bucket,
            ListingQuery(
                prefix: input.prefix ?? "", delimiter: input.delimiter,
                after: input.keyMarker.flatMap { $0.isEmpty ? nil : $0 }, afterEntryId: input.versionIdMarker,
                maxKeys: maxKeys))
        var latestOfKey: [String: String] = [:]
        for version in page.entries where latestOfKey[version.key] == nil {
            if let latest = try? await engine.latestVersionId(bucket: input.bucket, key: version.key) {
                latestOfKey[version.key] = latest
            }
        }
        var versions: [S3.ObjectVersion] = []
        var markers: [S3.DeleteMarkerEntry] = []
        for version in page.entries {
            let isLatest = latestOfKey[version.key] == version.versionId
            let owner = Self.owner(version.owner)
            if version.isDeleteMarker {
                markers.append(
                    S3.DeleteMarkerEntry(
                        owner: owner, key: encoding(version.key), versionId: version.versionId, isLatest: isLatest,
                        lastModified: version.lastModified))
            } else {
                versions.append(
                    S3.ObjectVersion(
                        eTag: ETags.quoted(version.etag),
                        checksumAlgorithm: version.checksum.map { [$0.algorithm.rawValue] },
                        checksumType: version.checksum?.type, size: version.size,
                        storageClass: version.storageClass, key: encoding(version.key), versionId: version.versionId,
                        isLatest: isLatest, lastModified: version.lastModified, owner: owner))
            }
        }
        return S3.ListObjectVersionsOutput(
            name: input.bucket, prefix: encoding(input.prefix ?? ""), keyMarker: encoding(input.keyMarker ?? ""),
            versionIdMarker: input.versionIdMarker ?? "",
            nextKeyMarker: page.isTruncated ? page.lastKey.map(encoding) : nil,
            nextVersionIdMarker: page.isTruncated ? page.lastEntryId : nil, maxKeys: maxKeys,
            delimiter: Self.echoedDelimiter(input.delimiter, encoding), encodingType: input.encodingType,
            isTruncated: page.isTruncated, versions: versions.isEmpty ? nil : versions,
            deleteMarkers: markers.isEmpty ? nil : markers, commonPrefixes: Self.prefixes(page, encoding))
    }

    static func listed(_ version: ObjectVersionRecord, owner: Bool, _ encoding: (String) -> String) -> S3.Object {
        S3.Object(
            key: encoding(version.key), lastModified: version.lastModified, eTag: ETags.quoted(version.etag),
            checksumAlgorithm: version.checksum.map { [$0.algorithm.rawValue] }, checksumType: version.checksum?.type,
            size: version.size, storageClass: version.storageClass, owner: owner ? Self.owner(version.owner) : nil)
    }

    /// The delimiter as S3 echoes it: not at all when empty.
    static func echoedDelimiter(_ delimiter: String?, _ encoding: (String) -> String) -> String? {
        guard let delimiter, !delimiter.isEmpty else { return nil }
        return encoding(delimiter)
    }

    static func prefixes<Entry>(_ page: ListingPage<Entry>, _ encoding: (String) -> String) -> [S3.CommonPrefix]? {
        page.commonPrefixes.isEmpty ? nil : page.commonPrefixes.map { S3.CommonPrefix(prefix: encoding($0)) }
    }

    /// At most 1,000 keys a page, as S3 returns whatever larger number is asked for.
    static func clampedMaxKeys(_ given: Int?) -> Int { min(max(given ?? 1000, 0), 1000) }

    /// The key encoding a listing asks for: none, or `url` (percent-encoded keys and prefixes).
    static func encoding(_ type: String?) throws -> @Sendable (String) -> String {
        guard let type else { return { $0 } }
        guard type.lowercased() == "url" else {
            throw S3Errors.invalidArgument(
                "Invalid Encoding Method specified in Request", name: "encoding-type", value: type)
        }
        return { S3URLEncoding.encode($0) }
    }
}

/// Percent-encoding of keys in listings with `encoding-type=url`: everything but unreserved
/// characters and '/'.
enum S3URLEncoding {
    static func encode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: "~"), UInt8(ascii: "/"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }
}
