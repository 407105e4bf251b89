import CompressNIO
import NIOCore
import SwitchyardWire

/// Request bodies that clients compress: `Content-Encoding: gzip`, which botocore applies to
/// operations with the `requestcompression` trait once a body passes 10 KB (CloudWatch PutMetricData).
/// The signature covers the compressed bytes, so this runs after identity resolution.
enum ContentEncoding {
    /// Bodies may not inflate beyond this (a few kilobytes of gzip can claim gigabytes).
    static let maximumInflatedBytes = 64 << 20

    /// The request with its body decompressed and `gzip` taken off its encodings; unchanged when it
    /// is not compressed.
    static func decoded(_ request: WireRequest) throws -> WireRequest {
        guard let header = request.header("content-encoding") else { return request }
        let encodings = header.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard encodings.contains("gzip") else { return request }
        var decoded = request
        var compressed = ByteBuffer(bytes: request.body)
        do {
            var inflated = try compressed.decompress(with: .gzip(), maxSize: maximumInflatedBytes)
            decoded.body = inflated.readBytes(length: inflated.readableBytes) ?? []
        } catch {
            throw AWSError.serialization("The request body is not valid gzip data (Content-Encoding: gzip).")
        }
        let remaining = encodings.filter { $0 != "gzip" }
        decoded.headers["content-encoding"] = remaining.isEmpty ? nil : remaining.joined(separator: ", ")
        return decoded
    }
}
