import Crypto
import Foundation
import NIOPosix
import ZIPFoundation

#if canImport(Glibc)
    import Glibc
#endif

/// Function code: each zip kept once under `<root>/code/<sha256>.zip` (content-addressed, so versions
/// sharing code share the file), written durably before the function that names it is committed, and
/// unpacked on first use under `<root>/tasks/<sha256>/`, the task root workers run in.
final class CodeStore: Sendable {
    let root: String
    private var codeDirectory: String { (root as NSString).appendingPathComponent("code") }
    private var tasksDirectory: String { (root as NSString).appendingPathComponent("tasks") }

    init(root: String) throws {
        self.root = root
        try FileManager.default.createDirectory(atPath: codeDirectory, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: tasksDirectory, withIntermediateDirectories: true)
    }

    /// What a stored zip is: its hex SHA-256 (its name) and size.
    struct StoredCode: Sendable {
        var digest: String
        var size: Int
    }

    enum Failure: Error {
        /// Not a zip file AWS would unpack.
        case notAZip
    }

    /// Stores a zip, checking that it is one; durable when this returns.
    func store(_ zip: Data) async throws -> StoredCode {
        let digest = SHA256.hash(data: zip).map { String(format: "%02x", $0) }.joined()
        let path = zipPath(digest)
        let directory = codeDirectory
        try await NIOThreadPool.singleton.runIfActive {
            guard (try? Archive(data: zip, accessMode: .read)) != nil, zip.count > 22 else { throw Failure.notAZip }
            if FileManager.default.fileExists(atPath: path) { return }
            let temporary = path + ".partial-\(UUID().uuidString)"
            guard FileManager.default.createFile(atPath: temporary, contents: zip) else {
                throw CocoaError(.fileWriteUnknown)
            }
            let descriptor = open(temporary, O_RDONLY)
            if descriptor >= 0 {
                fsync(descriptor)
                close(descriptor)
            }
            rename(temporary, path)
            let directoryDescriptor = open(directory, O_RDONLY)
            if directoryDescriptor >= 0 {
                fsync(directoryDescriptor)
                close(directoryDescriptor)
            }
        }
        return StoredCode(digest: digest, size: zip.count)
    }

    /// The zip's bytes, for GetFunction's code location.
    func zip(_ digest: String) async throws -> Data {
        let path = zipPath(digest)
        return try await NIOThreadPool.singleton.runIfActive { try Data(contentsOf: URL(fileURLWithPath: path)) }
    }

    /// The directory the code is unpacked in, unpacking it the first time.
    func taskRoot(_ digest: String) async throws -> String {
        let target = (tasksDirectory as NSString).appendingPathComponent(digest)
        let zip = zipPath(digest)
        return try await NIOThreadPool.singleton.runIfActive {
            if FileManager.default.fileExists(atPath: target) { return target }
            let temporary = target + ".partial-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: true)
            do {
                try FileManager.default.unzipItem(at: URL(fileURLWithPath: zip), to: URL(fileURLWithPath: temporary))
            } catch {
                try? FileManager.default.removeItem(atPath: temporary)
                throw error
            }
            if rename(temporary, target) != 0 { try? FileManager.default.removeItem(atPath: temporary) }
            return target
        }
    }

    /// Removes zips (and their unpacked trees) no function names any more.
    func removeUnreferenced(keeping digests: Set<String>) {
        let manager = FileManager.default
        for name in (try? manager.contentsOfDirectory(atPath: codeDirectory)) ?? [] {
            let digest = name.hasSuffix(".zip") ? String(name.dropLast(4)) : name
            guard !digests.contains(digest) else { continue }
            try? manager.removeItem(atPath: (codeDirectory as NSString).appendingPathComponent(name))
        }
        for name in (try? manager.contentsOfDirectory(atPath: tasksDirectory)) ?? [] where !digests.contains(name) {
            try? manager.removeItem(atPath: (tasksDirectory as NSString).appendingPathComponent(name))
        }
    }

    private func zipPath(_ digest: String) -> String {
        (codeDirectory as NSString).appendingPathComponent("\(digest).zip")
    }
}
