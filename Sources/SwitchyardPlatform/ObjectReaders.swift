import Foundation
import Synchronization

/// Reads objects of the object store for other modules (a function's code from S3), so that no
/// module depends on another: S3 registers the reader when it starts.
public protocol ObjectReader: Sendable {
    /// The object's bytes; throws the store's own error (NoSuchBucket, NoSuchKey, ...).
    func read(bucket: String, key: String, versionId: String?) async throws -> Data
}

public final class ObjectReaders: Sendable {
    private let reader = Mutex<(any ObjectReader)?>(nil)

    public init() {}

    public func register(_ reader: any ObjectReader) {
        self.reader.withLock { $0 = reader }
    }

    /// The registered reader, if the object store runs.
    public var current: (any ObjectReader)? { reader.withLock { $0 } }
}
