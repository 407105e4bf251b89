import Foundation

/// One page of a listing: objects (or versions) in key order and the common prefixes rolled up by a
/// delimiter, at most `maxKeys` of both together.
public struct ListingPage: Sendable {
    public var versions: [ObjectVersionRecord] = []
    public var commonPrefixes: [String] = []
    public var isTruncated = false
    /// The last key or common prefix returned: where the next page starts.
    public var lastKey: String?
    /// For a version listing, the version id of the last version returned.
    public var lastVersionId: String?
}

/// What a listing asks for.
public struct ListingQuery: Sendable {
    public var prefix: String
    public var delimiter: String?
    /// Start after this key (marker, start-after, continuation token, key-marker).
    public var after: String?
    /// For version listings: start after this version of the `after` key.
    public var afterVersionId: String?
    public var maxKeys: Int

    public init(prefix: String, delimiter: String?, after: String?, afterVersionId: String? = nil, maxKeys: Int) {
        self.prefix = prefix
        self.delimiter = delimiter
        self.after = after
        self.afterVersionId = afterVersionId
        self.maxKeys = maxKeys
    }
}

extension S3Engine {
    /// The current objects of a bucket (keys whose newest version is not a delete marker).
    public func listObjects(bucket name: String, _ query: ListingQuery) throws -> ListingPage {
        _ = try bucket(name)
        let contents = self.contents[name] ?? BucketContents()
        return Self.walk(contents, query) { key in
            contents.latest(key).flatMap { $0.isDeleteMarker ? nil : [$0] } ?? []
        }
    }

    /// Every version and delete marker of a bucket's keys, newest first within a key.
    public func listVersions(bucket name: String, _ query: ListingQuery) throws -> ListingPage {
        _ = try bucket(name)
        let contents = self.contents[name] ?? BucketContents()
        return Self.walk(contents, query) { key in contents.history(of: key) }
    }

    /// Walks keys from the query's start in order, rolling keys that contain the delimiter after
    /// the prefix into common prefixes, until `maxKeys` entries are taken.
    static func walk(
        _ contents: BucketContents, _ query: ListingQuery, entries: (String) -> [ObjectVersionRecord]
    ) -> ListingPage {
        var page = ListingPage()
        let keys = contents.keys
        var index: Int
        var skipVersionsThrough: String?
        if let after = query.after, !BucketContents.less(after, query.prefix) {
            if let versionId = query.afterVersionId, !versionId.isEmpty {
                // Resume inside the marker key's versions.
                index = contents.insertionIndex(of: after)
                skipVersionsThrough = versionId
            } else {
                index = contents.indexAfter(after)
            }
        } else {
            index = contents.insertionIndex(of: query.prefix)
        }
        var taken = 0
        while index < keys.count {
            let key = keys[index]
            guard key.utf8.starts(with: query.prefix.utf8) else { break }
            if let delimiter = query.delimiter, !delimiter.isEmpty,
                let rolled = commonPrefix(of: key, prefix: query.prefix, delimiter: delimiter)
            {
                // Every key under the common prefix, taken as one entry if any of them lists.
                var end = index
                var lists = false
                while end < keys.count, keys[end].utf8.starts(with: rolled.utf8) {
                    if !lists, !entries(keys[end]).isEmpty { lists = true }
                    end += 1
                }
                let resumesPastIt =
                    query.after.map { !BucketContents.less($0, rolled) && $0.hasPrefix(rolled) } ?? false
                if lists && !resumesPastIt {
                    if taken == query.maxKeys {
                        page.isTruncated = true
                        break
                    }
                    page.commonPrefixes.append(rolled)
                    page.lastKey = rolled
                    page.lastVersionId = nil
                    taken += 1
                }
                index = end
                continue
            }
            var versions = entries(key)
            if let skip = skipVersionsThrough, key == query.after {
                if let position = versions.firstIndex(where: { $0.versionId == skip }) {
                    versions.removeFirst(position + 1)
                }
                skipVersionsThrough = nil
            }
            for version in versions {
                if taken == query.maxKeys {
                    page.isTruncated = true
                    return page
                }
                page.versions.append(version)
                page.lastKey = key
                page.lastVersionId = version.versionId
                taken += 1
            }
            index += 1
        }
        return page
    }

    /// The prefix plus what follows it up to and including the first delimiter, if the key has one.
    static func commonPrefix(of key: String, prefix: String, delimiter: String) -> String? {
        let rest = key.utf8.dropFirst(prefix.utf8.count)
        let restText = Substring(rest)
        guard let range = restText.range(of: delimiter) else { return nil }
        return prefix + String(restText[..<range.upperBound])
    }
}
