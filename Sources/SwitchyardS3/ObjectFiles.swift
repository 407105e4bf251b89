import Crypto
import Foundation
import NIOPosix
import SwitchyardWire

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where object bytes live: a file per object version and per uploaded part, under
/// `<root>/<two hex digits>/<id>`. Files are written whole and made durable before the metadata that
/// names them is committed, so a crash leaves at worst a file nobody names (removed at start-up),
/// never a name without its bytes. Blocking file work runs on NIO's thread pool.
public final class ObjectFiles: Sendable {
    public let root: String

    public init(root: String) throws {
        self.root = root
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    /// What ingesting a body produced.
    struct Ingested: Sendable {
        var blob: String
        var size: Int
        var md5: [UInt8]
        /// The checksum asked for, computed over the decoded bytes.
        var checksum: String?
        /// Trailing headers of an aws-chunked body (its checksum, when sent last).
        var trailers: [String: String]
    }

    enum Source: Sendable {
        case spooled(SpooledBody)
        case bytes([UInt8])
    }

    /// Stores a body as a new durable file, hashing it on the way; an aws-chunked body is decoded.
    func ingest(
        _ source: Source, chunked: Bool, signatures: ChunkSignatureChain? = nil, checksum: ChecksumAlgorithm?
    ) async throws -> Ingested {
        let blob = Self.newBlobName()
        let path = self.path(of: blob)
        let directory = (path as NSString).deletingLastPathComponent
        return try await NIOThreadPool.singleton.runIfActive {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            var md5 = Insecure.MD5()
            var running = checksum?.hasher()
            var decoder = chunked ? AWSChunkedDecoder(signatures: signatures) : nil
            var size = 0
            func take(_ bytes: ArraySlice<UInt8>) {
                md5.update(data: bytes)
                running?.update(bytes)
                size += bytes.count
            }
            switch source {
            case .spooled(let spooled) where !chunked:
                // The upload's file becomes the object's: read once to hash, then linked in place.
                try Self.readFile(spooled.path) { take($0) }
                try Self.syncFile(spooled.path)
                guard link(spooled.path, path) == 0 else { throw Self.posixFailure("link", path) }
            case .spooled(let spooled):
                let output = try FileOutput(path: path)
                defer { output.finish() }
                try Self.readFile(spooled.path) { bytes in
                    try decoder?.feed(bytes) { decoded in
                        take(decoded)
                        try output.append(decoded)
                    }
                }
                try output.sync()
            case .bytes(let bytes):
                let output = try FileOutput(path: path)
                defer { output.finish() }
                if chunked {
                    try decoder?.feed(bytes[...]) { decoded in
                        take(decoded)
                        try output.append(decoded)
                    }
                } else {
                    take(bytes[...])
                    try output.append(bytes[...])
                }
                try output.sync()
            }
            if let decoder, !decoder.isComplete {
                unlink(path)
                throw AWSChunkedDecoder.Failure.malformed("the body ended before its final chunk")
            }
            try Self.syncDirectory(directory)
            return Ingested(
                blob: blob, size: size, md5: Array(md5.finalize()), checksum: running?.finalize(),
                trailers: decoder?.trailers ?? [:])
        }
    }

    /// Joins files (a multipart upload's parts) into one new durable file, with the whole file's
    /// checksum when asked for.
    func concatenate(_ blobs: [String], checksum: ChecksumAlgorithm?) async throws -> (blob: String, checksum: String?)
    {
        let blob = Self.newBlobName()
        let path = self.path(of: blob)
        let directory = (path as NSString).deletingLastPathComponent
        let sources = blobs.map { self.path(of: $0) }
        return try await NIOThreadPool.singleton.runIfActive {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let output = try FileOutput(path: path)
            defer { output.finish() }
            var running = checksum?.hasher()
            for source in sources {
                try Self.readFile(source) { bytes in
                    running?.update(bytes)
                    try output.append(bytes)
                }
            }
            try output.sync()
            try Self.syncDirectory(directory)
            return (blob, running?.finalize())
        }
    }

    /// A durable copy of part of a file (CopyObject, UploadPartCopy), hashed as it is written.
    func copy(_ blob: String, range: Range<Int>?, checksum: ChecksumAlgorithm?) async throws -> Ingested {
        let newBlob = Self.newBlobName()
        let path = self.path(of: newBlob)
        let directory = (path as NSString).deletingLastPathComponent
        let source = self.path(of: blob)
        return try await NIOThreadPool.singleton.runIfActive {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let output = try FileOutput(path: path)
            defer { output.finish() }
            var md5 = Insecure.MD5()
            var running = checksum?.hasher()
            var size = 0
            try Self.readFile(source, range: range) { bytes in
                md5.update(data: bytes)
                running?.update(bytes)
                size += bytes.count
                try output.append(bytes)
            }
            try output.sync()
            try Self.syncDirectory(directory)
            return Ingested(
                blob: newBlob, size: size, md5: Array(md5.finalize()), checksum: running?.finalize(), trailers: [:])
        }
    }

    /// The bytes of a file, or of a range of it, read a chunk at a time as the client takes them.
    func read(_ blob: String, range: Range<Int>) -> ByteStream {
        let path = self.path(of: blob)
        let reader = FileReader(path: path, range: range)
        return ByteStream(length: range.count) {
            try await NIOThreadPool.singleton.runIfActive { try reader.next() }
        }
    }

    /// Removes files no longer named (a deleted version, a completed upload's parts).
    func remove(_ blobs: [String]) {
        guard !blobs.isEmpty else { return }
        let paths = blobs.map { path(of: $0) }
        NIOThreadPool.singleton.submit { _ in
            for path in paths { unlink(path) }
        }
    }

    /// Removes every file that no record names: what a crash left between writing an object's
    /// bytes and committing its metadata. Called once at start-up.
    func removeUnnamed(keeping named: Set<String>) {
        guard let enumerator = FileManager.default.enumerator(atPath: root) else { return }
        while let relative = enumerator.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            guard relative.contains("/"), !named.contains(name) else { continue }
            unlink((root as NSString).appendingPathComponent(relative))
        }
    }

    /// Removes every file (a reset).
    func removeAll() {
        try? FileManager.default.removeItem(atPath: root)
        try? FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    func path(of blob: String) -> String {
        "\(root)/\(blob.prefix(2))/\(blob)"
    }

    static func newBlobName() -> String {
        RandomUUID.make().replacingOccurrences(of: "-", with: "").lowercased()
    }

    static let chunkSize = 1 << 20

    /// Reads a file (or a range of it) in chunks.
    static func readFile(_ path: String, range: Range<Int>? = nil, _ body: (ArraySlice<UInt8>) throws -> Void) throws {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw posixFailure("open", path) }
        defer { close(descriptor) }
        var buffer = [UInt8](repeating: 0, count: chunkSize)
        var offset = range?.lowerBound ?? 0
        let end = range?.upperBound ?? Int.max
        while offset < end {
            let wanted = min(chunkSize, end - offset)
            let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, wanted, off_t(offset)) }
            guard count >= 0 else { throw posixFailure("read", path) }
            guard count > 0 else { break }
            try body(buffer[0..<count])
            offset += count
        }
    }

    static func syncFile(_ path: String) throws {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw posixFailure("open", path) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw posixFailure("fsync", path) }
    }

    /// Makes a new directory entry durable.
    static func syncDirectory(_ path: String) throws {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw posixFailure("open", path) }
        defer { close(descriptor) }
        _ = fsync(descriptor)
    }

    static func posixFailure(_ call: String, _ path: String) -> Error {
        StorageFailureError(description: "\(call) \(path): \(String(cString: strerror(errno)))")
    }
}

/// A file failed to read or write.
struct StorageFailureError: Error, CustomStringConvertible {
    let description: String
}

/// A file being written.
private final class FileOutput {
    let descriptor: Int32
    let path: String

    init(path: String) throws {
        self.path = path
        descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard descriptor >= 0 else { throw ObjectFiles.posixFailure("create", path) }
    }

    func append(_ bytes: ArraySlice<UInt8>) throws {
        try bytes.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return }
            var done = 0
            while done < buffer.count {
                let written = write(descriptor, base + done, buffer.count - done)
                guard written > 0 else { throw ObjectFiles.posixFailure("write", path) }
                done += written
            }
        }
    }

    func sync() throws {
        guard fsync(descriptor) == 0 else { throw ObjectFiles.posixFailure("fsync", path) }
    }

    func finish() { close(descriptor) }
}

/// Reads a range of a file a chunk per call; the stream pulls one chunk at a time.
private final class FileReader: @unchecked Sendable {
    // Only one chunk is pulled at a time (ByteStream's contract), so the state is never shared.
    private var descriptor: Int32 = -1
    private var offset: Int
    private let end: Int
    private let path: String

    init(path: String, range: Range<Int>) {
        self.path = path
        self.offset = range.lowerBound
        self.end = range.upperBound
    }

    deinit { if descriptor >= 0 { close(descriptor) } }

    func next() throws -> [UInt8]? {
        guard offset < end else {
            if descriptor >= 0 {
                close(descriptor)
                descriptor = -1
            }
            return nil
        }
        if descriptor < 0 {
            descriptor = open(path, O_RDONLY)
            guard descriptor >= 0 else { throw ObjectFiles.posixFailure("open", path) }
        }
        let wanted = min(256 << 10, end - offset)
        var buffer = [UInt8](repeating: 0, count: wanted)
        let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, wanted, off_t(offset)) }
        guard count > 0 else { throw ObjectFiles.posixFailure("read", path) }
        offset += count
        if count < wanted { buffer.removeLast(wanted - count) }
        return buffer
    }
}
