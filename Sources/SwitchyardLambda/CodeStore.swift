import Crypto
import Foundation
import NIOPosix
import SwitchyardWire
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
        /// A zip whose entries declare `unpackedLimit` bytes or more.
        case unpacksTooLarge
    }

    /// Lambda's quota for code once unpacked (250 MB), checked against the sizes the zip declares.
    static let unpackedLimit: UInt64 = 262_144_000

    /// Stores a zip, checking that it is one and that it unpacks within the quota; durable when this
    /// returns.
    func store(_ zip: Data) async throws -> StoredCode {
        let digest = SHA256.hash(data: zip).map { String(format: "%02x", $0) }.joined()
        let path = zipPath(digest)
        let directory = codeDirectory
        try await NIOThreadPool.singleton.runIfActive {
            guard let archive = try? Archive(data: zip, accessMode: .read), zip.count > 22 else {
                throw Failure.notAZip
            }
            let unpacked = archive.reduce(UInt64(0)) { $0 &+ $1.uncompressedSize }
            guard unpacked < Self.unpackedLimit else { throw Failure.unpacksTooLarge }
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

    /// One directory holding several layers' trees as AWS lays them out in /opt: unpacked in order,
    /// a later layer's file replacing an earlier one's. Built once per list of layers.
    func mergedLayers(_ digests: [String]) async throws -> String {
        var roots: [String] = []
        for digest in digests { roots.append(try await taskRoot(digest)) }
        let name = "opt-" + Hex.encode(SHA256.hash(data: Data(digests.joined(separator: ",").utf8)))
        let target = (tasksDirectory as NSString).appendingPathComponent(name)
        let layerRoots = roots
        return try await NIOThreadPool.singleton.runIfActive {
            let manager = FileManager.default
            if manager.fileExists(atPath: target) { return target }
            let temporary = target + ".partial-\(UUID().uuidString)"
            do {
                try manager.createDirectory(atPath: temporary, withIntermediateDirectories: true)
                for root in layerRoots { try Self.copyTree(root, into: temporary) }
            } catch {
                try? manager.removeItem(atPath: temporary)
                throw error
            }
            if rename(temporary, target) != 0 { try? manager.removeItem(atPath: temporary) }
            return target
        }
    }

    /// Copies every entry of `source` into `destination`, replacing files that are there already.
    private static func copyTree(_ source: String, into destination: String) throws {
        let manager = FileManager.default
        for name in try manager.contentsOfDirectory(atPath: source) {
            let from = (source as NSString).appendingPathComponent(name)
            let to = (destination as NSString).appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            let isLink = (try? manager.destinationOfSymbolicLink(atPath: from)) != nil
            if !isLink, manager.fileExists(atPath: from, isDirectory: &isDirectory), isDirectory.boolValue {
                var existingIsDirectory: ObjCBool = false
                if manager.fileExists(atPath: to, isDirectory: &existingIsDirectory), !existingIsDirectory.boolValue {
                    try manager.removeItem(atPath: to)
                }
                try manager.createDirectory(atPath: to, withIntermediateDirectories: true)
                try copyTree(from, into: to)
            } else {
                if (try? manager.attributesOfItem(atPath: to)) != nil { try manager.removeItem(atPath: to) }
                try manager.copyItem(atPath: from, toPath: to)
            }
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
        // Merged layer trees may be mounted by running workers: they go only when nothing is kept.
        for name in (try? manager.contentsOfDirectory(atPath: tasksDirectory)) ?? []
        where !digests.contains(name) && (digests.isEmpty || !name.hasPrefix("opt-")) {
            try? manager.removeItem(atPath: (tasksDirectory as NSString).appendingPathComponent(name))
        }
    }

    private func zipPath(_ digest: String) -> String {
        (codeDirectory as NSString).appendingPathComponent("\(digest).zip")
    }
}
