import Foundation
import NIOPosix
import SwitchyardCore
import SwitchyardWire
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Records in append-only segment files, one directory per shard
/// (`<root>/<incarnation>/<ordinal>/<first counter>.seg`), with an index of every record in memory.
///
/// Appends are group-committed: whatever arrived while the previous batch was being written goes
/// to disk together, each touched segment fsynced once, and only then becomes readable and
/// acknowledged. Reads take positions from the index and read the files on NIO's thread pool, so
/// they never wait for writes. A segment closes at 64 MiB; retention removes whole segments once
/// every record in them has expired (the index forgets expired records at once).
///
/// A frame is: length (u32, of what follows the checksum), CRC-32 (u32) of what follows, counter
/// (u64), arrival millis (i64), partition key length (u16), partition key, data. A torn frame at the
/// end of a shard's last segment (a crash during a write that was never acknowledged) is cut off
/// when the log is opened.
final class FileRecordLog: RecordLog {
    /// Where one record is.
    struct IndexEntry: Sendable {
        var counter: UInt64
        var millis: Int64
        var segment: UInt64
        var offset: UInt32
        var length: UInt32
    }

    struct Segment: Sendable {
        /// The counter of its first record, which names the file.
        var first: UInt64
        var size: Int
        var lastMillis: Int64
    }

    struct ShardFiles: Sendable {
        var segments: [Segment] = []
        var index: [IndexEntry] = []
    }

    private struct Pending {
        var records: [ShardKey: [StoredRecord]]
        var ticket: CommitTicket
    }

    static let segmentLimit = 64 * 1024 * 1024
    private static let headerSize = 4 + 4 + 8 + 8 + 2

    let root: String
    private let shards = Mutex<[ShardKey: ShardFiles]>([:])
    private let queue = Mutex<(pending: [Pending], flushing: Bool)>(([], false))
    /// Open write descriptors by segment path; used only by the one flush running at a time.
    private let writers = Mutex<[String: Int32]>([:])

    init(root: String) throws {
        self.root = root
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    deinit {
        writers.withLock { for descriptor in $0.values { close(descriptor) } }
    }

    // MARK: Paths

    private func directory(_ shard: ShardKey) -> String { "\(root)/\(shard.incarnation)/\(shard.ordinal)" }

    private func path(_ shard: ShardKey, _ segment: UInt64) -> String {
        let name = String(segment)
        return directory(shard) + "/" + String(repeating: "0", count: max(0, 20 - name.count)) + name + ".seg"
    }

    // MARK: Recovery

    func recover() throws -> [ShardKey: (counter: UInt64, millis: Int64)] {
        let manager = FileManager.default
        var found: [ShardKey: ShardFiles] = [:]
        for incarnation in (try? manager.contentsOfDirectory(atPath: root)) ?? [] {
            let streamDirectory = "\(root)/\(incarnation)"
            for name in (try? manager.contentsOfDirectory(atPath: streamDirectory)) ?? [] {
                guard let ordinal = Int(name) else { continue }
                let shard = ShardKey(incarnation: incarnation, ordinal: ordinal)
                let files = ((try? manager.contentsOfDirectory(atPath: directory(shard))) ?? [])
                    .filter { $0.hasSuffix(".seg") }.compactMap { UInt64($0.dropLast(4)) }.sorted()
                var state = ShardFiles()
                for (position, first) in files.enumerated() {
                    let segmentPath = path(shard, first)
                    guard let bytes = manager.contents(atPath: segmentPath).map(Array.init) else { continue }
                    var offset = 0
                    var lastMillis: Int64 = 0
                    while let frame = Self.frame(in: bytes, at: offset) {
                        state.index.append(
                            IndexEntry(
                                counter: frame.counter, millis: frame.millis, segment: first, offset: UInt32(offset),
                                length: UInt32(frame.length)))
                        lastMillis = frame.millis
                        offset += frame.length
                    }
                    if offset < bytes.count {
                        // A torn or damaged tail: only the last segment can have one, and nothing
                        // in it was acknowledged.
                        if position == files.count - 1 { truncate(segmentPath, off_t(offset)) }
                    }
                    if offset == 0 && position == files.count - 1 {
                        try? manager.removeItem(atPath: segmentPath)
                        continue
                    }
                    state.segments.append(Segment(first: first, size: offset, lastMillis: lastMillis))
                }
                if !state.index.isEmpty { found[shard] = state }
            }
        }
        shards.withLock { $0 = found }
        return found.compactMapValues { state in state.index.last.map { ($0.counter, $0.millis) } }
    }

    /// The frame at an offset, if a whole and intact one is there.
    private static func frame(in bytes: [UInt8], at offset: Int) -> (
        counter: UInt64, millis: Int64, length: Int, key: String, data: ArraySlice<UInt8>
    )? {
        guard offset + headerSize <= bytes.count else { return nil }
        let bodyLength = Int(read32(bytes, offset))
        let checksum = read32(bytes, offset + 4)
        let end = offset + 8 + bodyLength
        guard bodyLength >= headerSize - 8, end <= bytes.count,
            CRC32.checksum(bytes[(offset + 8)..<end]) == checksum
        else { return nil }
        let counter = read64(bytes, offset + 8)
        let millis = Int64(bitPattern: read64(bytes, offset + 16))
        let keyLength = Int(bytes[offset + 24]) << 8 | Int(bytes[offset + 25])
        let keyStart = offset + headerSize
        guard keyStart + keyLength <= end else { return nil }
        let key = String(decoding: bytes[keyStart..<(keyStart + keyLength)], as: UTF8.self)
        return (counter, millis, end - offset, key, bytes[(keyStart + keyLength)..<end])
    }

    private static func read32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        bytes[at..<(at + 4)].reduce(0) { $0 << 8 | UInt32($1) }
    }

    private static func read64(_ bytes: [UInt8], _ at: Int) -> UInt64 {
        bytes[at..<(at + 8)].reduce(0) { $0 << 8 | UInt64($1) }
    }

    private static func encode(_ record: StoredRecord, into out: inout [UInt8]) {
        let key = Array(record.partitionKey.utf8)
        let bodyLength = headerSize - 8 + key.count + record.data.count
        func put(_ value: UInt64, _ width: Int) {
            for shift in stride(from: (width - 1) * 8, through: 0, by: -8) {
                out.append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
            }
        }
        put(UInt64(bodyLength), 4)
        let checksumAt = out.count
        put(0, 4)
        let bodyStart = out.count
        put(record.counter, 8)
        put(UInt64(bitPattern: record.millis), 8)
        put(UInt64(key.count), 2)
        out += key
        out += record.data
        let checksum = CRC32.checksum(out[bodyStart...])
        for index in 0..<4 { out[checksumAt + index] = UInt8(truncatingIfNeeded: checksum >> UInt32(24 - 8 * index)) }
    }

    // MARK: Appending

    func append(_ records: [ShardKey: [StoredRecord]]) -> CommitTicket {
        let ticket = CommitTicket()
        let start = queue.withLock { queue -> Bool in
            queue.pending.append(Pending(records: records, ticket: ticket))
            if queue.flushing { return false }
            queue.flushing = true
            return true
        }
        if start { Task { await self.flushLoop() } }
        return ticket
    }

    private func flushLoop() async {
        while true {
            let batch = queue.withLock { queue -> [Pending] in
                let taken = queue.pending
                queue.pending.removeAll()
                if taken.isEmpty { queue.flushing = false }
                return taken
            }
            guard !batch.isEmpty else { return }
            var merged: [ShardKey: [StoredRecord]] = [:]
            for pending in batch {
                for (shard, records) in pending.records { merged[shard, default: []] += records }
            }
            let batchRecords = merged
            do {
                let written = try await NIOThreadPool.singleton.runIfActive { try self.write(batchRecords) }
                publish(written)
                for pending in batch { pending.ticket.complete(nil) }
            } catch {
                for pending in batch { pending.ticket.complete(error) }
            }
        }
    }

    /// Writes and syncs a batch (on a thread-pool thread); returns the index entries and segment
    /// changes to publish.
    private func write(_ batch: [ShardKey: [StoredRecord]]) throws -> [ShardKey: ([IndexEntry], [Segment])] {
        var result: [ShardKey: ([IndexEntry], [Segment])] = [:]
        let current = shards.withLock { shards in batch.keys.map { ($0, shards[$0]?.segments.last) } }
        for (shard, last) in current {
            guard let records = batch[shard], let firstRecord = records.first else { continue }
            var segment = last ?? Segment(first: firstRecord.counter, size: 0, lastMillis: 0)
            if segment.size >= Self.segmentLimit {
                segment = Segment(first: firstRecord.counter, size: 0, lastMillis: 0)
            }
            var segments: [Segment] = []
            var entries: [IndexEntry] = []
            var bytes: [UInt8] = []
            func flush() throws {
                guard !bytes.isEmpty else { return }
                try appendDurably(bytes, to: path(shard, segment.first), shard: shard)
                bytes.removeAll(keepingCapacity: true)
            }
            for record in records {
                if segment.size >= Self.segmentLimit {
                    try flush()
                    segments.append(segment)
                    segment = Segment(first: record.counter, size: 0, lastMillis: 0)
                }
                let before = bytes.count
                Self.encode(record, into: &bytes)
                let length = bytes.count - before
                entries.append(
                    IndexEntry(
                        counter: record.counter, millis: record.millis, segment: segment.first,
                        offset: UInt32(segment.size), length: UInt32(length)))
                segment.size += length
                segment.lastMillis = record.millis
            }
            try flush()
            segments.append(segment)
            result[shard] = (entries, segments)
        }
        return result
    }

    private func appendDurably(_ bytes: [UInt8], to file: String, shard: ShardKey) throws {
        let descriptor: Int32
        if let open = writers.withLock({ $0[file] }) {
            descriptor = open
        } else {
            try FileManager.default.createDirectory(atPath: directory(shard), withIntermediateDirectories: true)
            descriptor = open(file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else { throw Self.failure("open \(file)") }
            // The new file's name must survive a crash too.
            let parent = open(directory(shard), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if parent >= 0 {
                fsync(parent)
                close(parent)
            }
            // Only the newest segment of a shard is written to: the others close.
            writers.withLock { writers in
                for (path, old) in writers where path.hasPrefix(directory(shard) + "/") {
                    close(old)
                    writers[path] = nil
                }
                writers[file] = descriptor
            }
        }
        var written = 0
        try bytes.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return }
            while written < buffer.count {
                let result = Glibc.write(descriptor, base + written, buffer.count - written)
                if result < 0 {
                    if errno == EINTR { continue }
                    throw Self.failure("write \(file)")
                }
                written += result
            }
        }
        guard fdatasync(descriptor) == 0 else { throw Self.failure("fsync \(file)") }
    }

    private func publish(_ written: [ShardKey: ([IndexEntry], [Segment])]) {
        shards.withLock { shards in
            for (shard, (entries, segments)) in written {
                var state = shards[shard] ?? ShardFiles()
                for segment in segments {
                    if let last = state.segments.last, last.first == segment.first {
                        state.segments[state.segments.count - 1] = segment
                    } else {
                        state.segments.append(segment)
                    }
                }
                state.index += entries
                shards[shard] = state
            }
        }
    }

    // MARK: Reading

    func read(_ shard: ShardKey, after counter: UInt64, limit: Int, maximumBytes: Int) async throws -> [StoredRecord] {
        let wanted = shards.withLock { shards -> [IndexEntry] in
            guard let index = shards[shard]?.index else { return [] }
            var taken: [IndexEntry] = []
            var bytes = 0
            for entry in index[index.firstIndex(after: counter, by: \.counter)...] {
                let size = Int(entry.length) - Self.headerSize
                if taken.count == limit || (!taken.isEmpty && bytes + size > maximumBytes) { break }
                taken.append(entry)
                bytes += size
            }
            return taken
        }
        guard !wanted.isEmpty else { return [] }
        return try await NIOThreadPool.singleton.runIfActive { try self.load(wanted, shard: shard) }
    }

    /// Reads the frames the entries point at, one contiguous read per segment.
    private func load(_ entries: [IndexEntry], shard: ShardKey) throws -> [StoredRecord] {
        var records: [StoredRecord] = []
        records.reserveCapacity(entries.count)
        var start = 0
        while start < entries.count {
            var end = start
            while end + 1 < entries.count, entries[end + 1].segment == entries[start].segment { end += 1 }
            let first = entries[start]
            let last = entries[end]
            let span = Int(last.offset) + Int(last.length) - Int(first.offset)
            let file = path(shard, first.segment)
            let descriptor = open(file, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { throw Self.failure("open \(file)") }
            defer { close(descriptor) }
            var bytes = [UInt8](repeating: 0, count: span)
            var got = 0
            try bytes.withUnsafeMutableBytes { buffer in
                guard let base = buffer.baseAddress else { return }
                while got < span {
                    let result = pread(descriptor, base + got, span - got, off_t(Int(first.offset) + got))
                    if result < 0, errno == EINTR { continue }
                    guard result > 0 else { throw Self.failure("read \(file)") }
                    got += result
                }
            }
            for entry in entries[start...end] {
                guard let frame = Self.frame(in: bytes, at: Int(entry.offset - first.offset)) else {
                    throw Self.failure("damaged record \(entry.counter) in \(file)")
                }
                records.append(
                    StoredRecord(
                        counter: frame.counter, millis: frame.millis, partitionKey: frame.key, data: Array(frame.data)))
            }
            start = end + 1
        }
        return records
    }

    func position(_ shard: ShardKey, atOrAfter millis: Int64) -> UInt64? {
        shards.withLock { shards in
            guard let index = shards[shard]?.index else { return nil }
            let found = index.firstIndex(atLeast: millis, by: \.millis)
            return found < index.count ? index[found].counter - 1 : nil
        }
    }

    func bounds(_ shard: ShardKey) -> (oldest: (UInt64, Int64), newest: (UInt64, Int64))? {
        shards.withLock { shards in
            guard let first = shards[shard]?.index.first, let last = shards[shard]?.index.last else { return nil }
            return ((first.counter, first.millis), (last.counter, last.millis))
        }
    }

    func backlog(_ shard: ShardKey, after counter: UInt64) -> (count: Int, firstMillis: Int64?) {
        shards.withLock { shards in
            guard let index = shards[shard]?.index else { return (0, nil) }
            let found = index.firstIndex(after: counter, by: \.counter)
            return (index.count - found, found < index.count ? index[found].millis : nil)
        }
    }

    // MARK: Retention

    func trim(_ shard: ShardKey, before millis: Int64) {
        let expired = shards.withLock { shards -> [UInt64] in
            guard var state = shards[shard] else { return [] }
            let keep = state.index.firstIndex(atLeast: millis, by: \.millis)
            guard keep > 0 else { return [] }
            state.index.removeFirst(keep)
            // Whole segments whose every record expired go; the newest stays to be written to.
            var gone: [UInt64] = []
            while state.segments.count > 1, let first = state.segments.first, first.lastMillis < millis {
                gone.append(first.first)
                state.segments.removeFirst()
            }
            shards[shard] = state
            return gone
        }
        for segment in expired { try? FileManager.default.removeItem(atPath: path(shard, segment)) }
    }

    func drop(incarnation: String) {
        shards.withLock { shards in
            for key in shards.keys where key.incarnation == incarnation { shards[key] = nil }
        }
        closeWriters(under: "\(root)/\(incarnation)/")
        try? FileManager.default.removeItem(atPath: "\(root)/\(incarnation)")
    }

    func wipe() {
        shards.withLock { $0.removeAll() }
        closeWriters(under: root + "/")
        for name in (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [] {
            try? FileManager.default.removeItem(atPath: "\(root)/\(name)")
        }
    }

    private func closeWriters(under prefix: String) {
        writers.withLock { writers in
            for (path, descriptor) in writers where path.hasPrefix(prefix) {
                close(descriptor)
                writers[path] = nil
            }
        }
    }

    private static func failure(_ what: String) -> NSError {
        NSError(domain: NSPOSIXErrorDomain, code: Int(errno), userInfo: [NSLocalizedDescriptionKey: "\(what) failed"])
    }
}
