import CompressNIO
import Foundation
import NIOCore
import ZIPFoundation

/// The compression formats of S3 destinations, each readable by the standard tool for it: `gzip -d`,
/// `unzip`, snappy-java's stream format, Hadoop's SnappyCodec. (AWS writes both Snappy formats with
/// the `.snappy` extension, whatever its guide says of `.hsnappy`.)
enum ObjectCompression {
    static let formats: Set<String> = ["UNCOMPRESSED", "GZIP", "ZIP", "Snappy", "HADOOP_SNAPPY"]

    /// The bytes of an object in `format`; `entryName` names the one file of a ZIP archive.
    static func compress(_ bytes: [UInt8], format: String, entryName: String) throws -> [UInt8] {
        switch format {
        case "GZIP":
            var buffer = ByteBuffer(bytes: bytes)
            let compressed = try buffer.compress(with: .gzip())
            return Array(compressed.readableBytesView)
        case "ZIP":
            let archive = try Archive(data: Data(), accessMode: .create)
            let data = Data(bytes)
            try archive.addEntry(
                with: entryName, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate
            ) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
            return Array(archive.data ?? Data())
        case "Snappy": return Snappy.xerialStream(bytes)
        case "HADOOP_SNAPPY": return Snappy.hadoop(bytes)
        default: return bytes
        }
    }

    /// The Content-Encoding AWS records on objects of a format.
    static func contentEncoding(_ format: String) -> String? {
        switch format {
        case "GZIP": return "gzip"
        case "ZIP": return "zip"
        case "Snappy": return "snappy-java"
        case "HADOOP_SNAPPY": return "hadoop-snappy"
        default: return nil
        }
    }

    /// The extension objects of a format get when the destination names none.
    static func defaultExtension(_ format: String) -> String {
        switch format {
        case "GZIP": return ".gz"
        case "ZIP": return ".zip"
        case "Snappy", "HADOOP_SNAPPY": return ".snappy"
        default: return ""
        }
    }
}
