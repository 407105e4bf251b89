import Foundation

/// One page of a listing: entries (objects, versions or uploads) in key order and the common prefixes
/// rolled up by a delimiter, at most `maxKeys` of both together.
public struct ListingPage<Entry: Sendable>: Sendable {
    public var entries: [Entry] = []
    public var commonPrefixes: [String] = []
    public var isTruncated = false
    /// The last key or common prefix returned: where the next page starts.
    public var lastKey: String?
    /// The id of the last entry returned (a version id, an upload id); nil when a common prefix
    /// was last.
    public var lastEntryId: String?
}

/// What a listing asks for.
public struct ListingQuery: Sendable {
    public var prefix: String
    public var delimiter: String?
    /// Start after this key (marker, start-after, continuation token, key-marker).
    public var after: String?
    /// For version and upload listings: start after this entry of the `after` key.
    public var afterEntryId: String?
    public var maxKeys: Int

    public init(prefix: String, delimiter: String?, after: String?, afterEntryId: String? = nil, maxKeys: Int) {
        self.prefix = prefix
        self.delimiter = delimiter
        self.after = after
        self.afterEntryId = afterEntryId
        self.maxKeys = maxKeys
    }
}

extension S3Engine {
    /// The current objects of a bucket (keys whose newest version is not a delete marker).
    public func listObjects(bucket name: String, _ query: ListingQuery) throws -> ListingPage<ObjectVersionRecord> {
        _ = try bucket(name)
        let contents = self.contents[name] ?? BucketContents()
        return Self.walk(keys: contents.keys, query, entryId: \.versionId) { key in
            contents.latest(key).flatMap { $0.isDeleteMarker ? nil : [$0] } ?? []
        }
    }

    /// Every version and delete marker of a bucket's keys, newest first within a key.
    public func listVersions(bucket name: String, _ query: ListingQuery) throws -> ListingPage<ObjectVersionRecord> {
        _ = try bucket(name)
        let contents = self.contents[name] ?? BucketContents()
        return Self.walk(keys: contents.keys, query, entryId: \.versionId) { key in contents.history(of: key) }
    }

    /// The multipart uploads in progress, by key, oldest first within a key.
    public func listUploads(bucket name: String, _ query: ListingQuery) throws -> ListingPage<UploadRecord> {
        let uploads = try self.uploads(in: name)
        var byKey: [String: [UploadRecord]] = [:]
        var keys: [String] = []
        for upload in uploads {
            if byKey[upload.key] == nil { keys.append(upload.key) }
            byKey[upload.key, default: []].append(upload)
        }
        return Self.walk(keys: keys, query, entryId: \.uploadId) { byKey[$0] ?? [] }
    }

    /// Walks sorted keys from the query's start in order, rolling keys that contain the delimiter
    /// after the prefix into common prefixes, until `maxKeys` entries and prefixes are taken. A start
    /// inside a common prefix resumes after the whole prefix.
    static func walk<Entry: Sendable>(
        keys: [String], _ query: ListingQuery, entryId: (Entry) -> String, entries: (String) -> [Entry]
    ) -> ListingPage<Entry> {
        var page = ListingPage<Entry>()
        var index: Int
        var resumeInside: String?
        if let after = query.after, !BucketContents.less(after, query.prefix) {
            if let entry = query.afterEntryId, !entry.isEmpty {
                index = BucketContents.insertionIndex(of: after, in: keys)
                resumeInside = entry
            } else {
                index = BucketContents.indexAfter(after, in: keys)
            }
        } else {
            index = BucketContents.insertionIndex(of: query.prefix, in: keys)
        }
        var taken = 0
        while index < keys.count {
            let key = keys[index]
            guard key.utf8.starts(with: query.prefix.utf8) else { break }
            if let delimiter = query.delimiter, !delimiter.isEmpty,
                let rolled = commonPrefix(of: key, prefix: query.prefix, delimiter: delimiter)
            {
                var end = index
                var lists = false
                while end < keys.count, keys[end].utf8.starts(with: rolled.utf8) {
                    if !lists, !entries(keys[end]).isEmpty { lists = true }
                    end += 1
                }
                let startsPastIt = query.after.map { $0.utf8.starts(with: rolled.utf8) } ?? false
                if lists && !startsPastIt {
                    if taken == query.maxKeys {
                        page.isTruncated = true
                        break
                    }
                    page.commonPrefixes.append(rolled)
                    page.lastKey = rolled
                    page.lastEntryId = nil
                    taken += 1
                }
                index = end
                continue
            }
            var found = entries(key)
            if let resume = resumeInside, let after = query.after, ObjectKey.same(key, after) {
                if let position = found.firstIndex(where: { entryId($0) == resume }) {
                    found.removeFirst(position + 1)
                }
                resumeInside = nil
            }
            for entry in found {
                if taken == query.maxKeys {
                    page.isTruncated = true
                    return page
                }
                page.entries.append(entry)
                page.lastKey = key
                page.lastEntryId = entryId(entry)
                taken += 1
            }
            index += 1
        }
        return page
    }

    /// The prefix plus what follows it up to and including the first delimiter, if the key has one.
    static func commonPrefix(of key: String, prefix: String, delimiter: String) -> String? {
        let rest = Substring(key.utf8.dropFirst(prefix.utf8.count))
        guard let range = rest.range(of: delimiter) else { return nil }
        return prefix + String(rest[..<range.upperBound])
    }
}
