import Foundation
import NIOPosix
import SwitchyardPlatform

/// S3 objects for other modules (a function's code): the version a read names, its file read whole
/// on NIO's thread pool.
struct S3ObjectReader: ObjectReader {
    let engine: S3Engine
    let files: ObjectFiles

    func read(bucket: String, key: String, versionId: String?) async throws -> Data {
        let version = try await engine.version(bucket: bucket, key: key, versionId: versionId)
        guard let blob = version.blob else { return Data() }
        let path = files.path(of: blob)
        return try await NIOThreadPool.singleton.runIfActive { try Data(contentsOf: URL(fileURLWithPath: path)) }
    }
}
