/// A bucket's objects in key order: every version of every key, newest first, and the sorted keys
/// that listing walks (prefix, delimiter and markers as binary searches, not scans of the bucket).
struct BucketContents: Sendable {
    private(set) var keys: [String] = []
    /// By key as S3 compares keys: byte for byte (see `ObjectKey`).
    private var versions: [ObjectKey: [ObjectVersionRecord]] = [:]

    var isEmpty: Bool { keys.isEmpty }
    var keyCount: Int { keys.count }

    /// The versions of a key, newest first.
    func history(of key: String) -> [ObjectVersionRecord] { versions[ObjectKey(key)] ?? [] }

    /// The current version of a key (which may be a delete marker).
    func latest(_ key: String) -> ObjectVersionRecord? { versions[ObjectKey(key)]?.first }

    /// Adds a version as the newest of its key, replacing a version with the same id.
    /// Returns the replaced version.
    @discardableResult
    mutating func put(_ version: ObjectVersionRecord) -> ObjectVersionRecord? {
        var history = versions[ObjectKey(version.key)] ?? []
        if history.isEmpty { keys.insert(version.key, at: insertionIndex(of: version.key)) }
        let replaced = history.firstIndex { $0.versionId == version.versionId }.map { history.remove(at: $0) }
        history.insert(version, at: 0)
        versions[ObjectKey(version.key)] = history
        return replaced
    }

    /// Replaces a version in its place (its tags or lock settings changed).
    mutating func replace(_ version: ObjectVersionRecord) {
        guard var history = versions[ObjectKey(version.key)],
            let index = history.firstIndex(where: { $0.versionId == version.versionId })
        else { return }
        history[index] = version
        versions[ObjectKey(version.key)] = history
    }

    /// Restores a stored version in its place by sequence (loading at start-up).
    mutating func restore(_ version: ObjectVersionRecord) {
        var history = versions[ObjectKey(version.key)] ?? []
        if history.isEmpty { keys.insert(version.key, at: insertionIndex(of: version.key)) }
        let index = history.firstIndex { $0.sequence < version.sequence } ?? history.count
        history.insert(version, at: index)
        versions[ObjectKey(version.key)] = history
    }

    /// Removes one version; the key goes when its last version does.
    @discardableResult
    mutating func remove(key: String, versionId: String) -> ObjectVersionRecord? {
        guard var history = versions[ObjectKey(key)],
            let index = history.firstIndex(where: { $0.versionId == versionId })
        else {
            return nil
        }
        let removed = history.remove(at: index)
        if history.isEmpty {
            versions[ObjectKey(key)] = nil
            let position = insertionIndex(of: key)
            if position < keys.count, ObjectKey.same(keys[position], key) { keys.remove(at: position) }
        } else {
            versions[ObjectKey(key)] = history
        }
        return removed
    }

    /// The index of the first key not less than `key`.
    func insertionIndex(of key: String) -> Int { Self.insertionIndex(of: key, in: keys) }

    /// The index of the first of sorted `keys` not less than `key`.
    static func insertionIndex(of key: String, in keys: [String]) -> Int {
        var low = 0
        var high = keys.count
        while low < high {
            let middle = (low + high) / 2
            if less(keys[middle], key) { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The index of the first of sorted `keys` greater than `key`.
    static func indexAfter(_ key: String, in keys: [String]) -> Int {
        let index = insertionIndex(of: key, in: keys)
        return index < keys.count && ObjectKey.same(keys[index], key) ? index + 1 : index
    }

    /// S3 orders keys by their UTF-8 bytes.
    static func less(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf8.lexicographicallyPrecedes(rhs.utf8)
    }
}

/// An object key as S3 tells keys apart: by their UTF-8 bytes. Swift's `String` equality is Unicode
/// canonical equivalence, under which a precomposed "é" and an "e" with a combining accent are one
/// key; on S3 they are two objects.
struct ObjectKey: Hashable, Sendable {
    let text: String

    init(_ text: String) { self.text = text }

    static func same(_ lhs: String, _ rhs: String) -> Bool { lhs.utf8.elementsEqual(rhs.utf8) }

    static func == (lhs: ObjectKey, rhs: ObjectKey) -> Bool { same(lhs.text, rhs.text) }

    func hash(into hasher: inout Hasher) {
        let hashed = text.utf8.withContiguousStorageIfAvailable { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        if hashed == nil {
            for byte in text.utf8 { hasher.combine(byte) }
        }
        hasher.combine(text.utf8.count)
    }
}
