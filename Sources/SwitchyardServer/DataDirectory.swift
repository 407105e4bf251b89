import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The data directory of a durable server: created private to its user, and locked for as long as
/// the server runs, so that a second server on the same directory refuses to start instead of
/// silently keeping a diverging copy of the state.
public final class DataDirectory: Sendable {
    /// The directory's path as configured.
    public let path: String
    /// The open lock file; the lock lives as long as this descriptor (the process, in practice).
    private let lockDescriptor: Int32

    /// Why a data directory cannot be used, in words that name it and say what to do.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String

        public init(description: String) { self.description = description }
    }

    static let lockFileName = "switchyard.lock"

    /// Creates the directory (mode 0700) if needed and takes its lock.
    public init(path: String) throws {
        self.path = path
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw Failure(
                    description:
                        "The data directory \(path) is a file, not a directory; choose another --data-dir (SWITCHYARD_DATA_DIR)."
                )
            }
        } else {
            do {
                try FileManager.default.createDirectory(
                    atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw Failure(
                    description:
                        "Cannot create the data directory \(path): \(Self.reason(of: error)). Choose a writable --data-dir (SWITCHYARD_DATA_DIR)."
                )
            }
        }
        let lockPath = (path as NSString).appendingPathComponent(Self.lockFileName)
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            let reason = String(cString: strerror(errno))
            throw Failure(
                description:
                    "Cannot open \(lockPath) in the data directory \(path): \(reason). Check that the directory is writable by this user, or choose another --data-dir (SWITCHYARD_DATA_DIR)."
            )
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let holder = Self.recordedProcess(descriptor)
            close(descriptor)
            throw Failure(
                description:
                    "The data directory \(path) is in use by another Switchyard server\(holder.map { " (pid \($0))" } ?? ""). Stop that server, or give this one its own --data-dir (SWITCHYARD_DATA_DIR)."
            )
        }
        // The holder's pid, for the message a second server prints; the lock itself is the flock.
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = pid.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        lockDescriptor = descriptor
    }

    deinit { close(lockDescriptor) }

    /// The path of a file inside the directory.
    public func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    private static func recordedProcess(_ descriptor: Int32) -> String? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        let text = String(decoding: buffer[0..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty || !text.allSatisfy(\.isNumber) ? nil : text
    }

    private static func reason(of error: any Error) -> String {
        let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError
        if let underlying, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return (error as NSError).localizedDescription
    }
}
