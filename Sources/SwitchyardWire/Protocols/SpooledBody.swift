import Foundation
import Synchronization

/// A request body that the transport wrote to a file while it arrived, instead of holding it in
/// memory: the body of an operation whose input is a streaming blob (an S3 object upload), which
/// may be far larger than memory should hold.
///
/// The file is removed when this object is released; a service that keeps the bytes moves the file
/// where it keeps them first (a rename in the same file system costs nothing).
public final class SpooledBody: Sendable {
    /// Where the bytes are.
    public let path: String
    /// How many bytes there are.
    public let count: Int
    /// The SHA-256 of the bytes in lower-case hex, computed while they were written (what a SigV4
    /// signature or a declared checksum is checked against).
    public let sha256Hex: String

    public init(path: String, count: Int, sha256Hex: String) {
        self.path = path
        self.count = count
        self.sha256Hex = sha256Hex
    }

    deinit { unlink(path) }

    /// The bytes as a stream of chunks read from the file: the value of the operation's payload
    /// member. Holding the stream keeps the file.
    public func chunks(size: Int = 256 << 10) -> ByteStream {
        let progress = Mutex<(handle: FileHandle?, done: Bool)>((nil, false))
        return ByteStream(length: count) { [self] in
            try progress.withLock { progress -> [UInt8]? in
                guard !progress.done else { return nil }
                if progress.handle == nil {
                    progress.handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
                }
                guard let data = try progress.handle?.read(upToCount: size), !data.isEmpty else {
                    try? progress.handle?.close()
                    progress = (nil, true)
                    return nil
                }
                return Array(data)
            }
        }
    }

    /// The whole body in memory, for a service that needs it so anyway.
    public func readAll() throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }
}
