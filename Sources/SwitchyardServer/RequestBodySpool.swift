import Crypto
import Foundation
import NIOCore
import NIOPosix
import SwitchyardWire
import Synchronization

/// Writes one request body to a file while it arrives, hashing it on the way, on NIO's thread pool
/// (never on an event loop). The request handler chains the writes, so they happen in order.
final class RequestBodySpool: Sendable {
    private struct Progress {
        var descriptor: Int32
        var hasher = SHA256()
        var count = 0
    }

    let path: String
    private let progress: Mutex<Progress>

    /// Creates the file (mode 0600) in `directory`.
    init(directory: String) throws {
        path = directory + "/upload-" + RandomUUID.make()
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw SpoolFailure(reason: "cannot create \(path): errno \(errno)") }
        progress = Mutex(Progress(descriptor: descriptor))
    }

    /// Appends a chunk; blocking, for the thread pool.
    func write(_ chunk: ByteBuffer) throws {
        try progress.withLock { progress in
            try chunk.withUnsafeReadableBytes { bytes in
                progress.hasher.update(bufferPointer: bytes)
                var offset = 0
                while offset < bytes.count {
                    let written = Foundation.write(
                        progress.descriptor, bytes.baseAddress.map { $0 + offset }, bytes.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        throw SpoolFailure(reason: "cannot write \(path): errno \(errno)")
                    }
                    offset += written
                }
            }
            progress.count += chunk.readableBytes
        }
    }

    /// Closes the file and hands it over; the file goes when the returned body is released.
    func finish() throws -> SpooledBody {
        try progress.withLock { progress in
            guard close(progress.descriptor) == 0 else {
                throw SpoolFailure(reason: "cannot close \(path): errno \(errno)")
            }
            progress.descriptor = -1
            let digest = progress.hasher.finalize().map { String(format: "%02x", $0) }.joined()
            return SpooledBody(path: path, count: progress.count, sha256Hex: digest)
        }
    }

    /// Closes and removes the file of a body that will not be processed.
    func discard() {
        progress.withLock { progress in
            if progress.descriptor >= 0 { close(progress.descriptor) }
            progress.descriptor = -1
        }
        unlink(path)
    }

    /// Empties the directory where bodies are spooled (what a crash left there) and creates it.
    static func prepare(directory: String) throws {
        let files = FileManager.default
        if files.fileExists(atPath: directory) {
            for name in try files.contentsOfDirectory(atPath: directory) where name.hasPrefix("upload-") {
                try? files.removeItem(atPath: directory + "/" + name)
            }
        } else {
            try files.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
    }
}

/// A request body could not be written to disk (the disk is full, the directory gone).
struct SpoolFailure: Error, CustomStringConvertible {
    let reason: String
    var description: String { reason }
}
