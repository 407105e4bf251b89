import Crypto
import Foundation

/// The checksum algorithms S3 computes and verifies for objects and parts.
public enum ChecksumAlgorithm: String, Codable, Sendable, CaseIterable {
    case crc32 = "CRC32"
    case crc32c = "CRC32C"
    case crc64nvme = "CRC64NVME"
    case sha1 = "SHA1"
    case sha256 = "SHA256"

    /// How many bytes the digest has.
    var digestLength: Int {
        switch self {
        case .crc32, .crc32c: return 4
        case .crc64nvme: return 8
        case .sha1: return 20
        case .sha256: return 32
        }
    }

    /// The header that carries it (`x-amz-checksum-crc32`).
    public var headerName: String { "x-amz-checksum-\(rawValue.lowercased())" }

    /// Whether multipart objects of this algorithm are checksummed as a whole (CRCs can be combined
    /// from parts) by default; the SHAs only compose.
    var defaultMultipartType: String {
        switch self {
        case .crc64nvme: return "FULL_OBJECT"
        default: return "COMPOSITE"
        }
    }

    /// A fresh running checksum.
    func hasher() -> RunningChecksum {
        switch self {
        case .crc32: return .crc32(CRC(table: CRCTables.crc32))
        case .crc32c: return .crc32(CRC(table: CRCTables.crc32c))
        case .crc64nvme: return .crc64(CRC(table: CRCTables.crc64nvme))
        case .sha1: return .sha1(Insecure.SHA1())
        case .sha256: return .sha256(SHA256())
        }
    }

    /// The checksum of bytes in memory, base64 as S3 prints it.
    func checksum(of bytes: [UInt8]) -> String {
        var hasher = hasher()
        hasher.update(bytes)
        return hasher.finalize()
    }
}

/// A checksum computed over bytes as they pass.
enum RunningChecksum {
    case crc32(CRC<UInt32>)
    case crc64(CRC<UInt64>)
    case sha1(Insecure.SHA1)
    case sha256(SHA256)

    mutating func update(_ bytes: [UInt8]) { update(bytes[...]) }

    mutating func update(_ bytes: ArraySlice<UInt8>) {
        switch self {
        case .crc32(var crc):
            crc.update(bytes)
            self = .crc32(crc)
        case .crc64(var crc):
            crc.update(bytes)
            self = .crc64(crc)
        case .sha1(var hash):
            hash.update(data: bytes)
            self = .sha1(hash)
        case .sha256(var hash):
            hash.update(data: bytes)
            self = .sha256(hash)
        }
    }

    /// The digest in base64 (big-endian bytes for the CRCs), as the x-amz-checksum headers carry it.
    func finalize() -> String {
        switch self {
        case .crc32(let crc): return Data(crc.digestBytes).base64EncodedString()
        case .crc64(let crc): return Data(crc.digestBytes).base64EncodedString()
        case .sha1(let hash): return Data(hash.finalize()).base64EncodedString()
        case .sha256(let hash): return Data(hash.finalize()).base64EncodedString()
        }
    }
}

/// A reflected CRC of 32 or 64 bits (CRC-32, CRC-32C and CRC-64/NVME differ only in width and table).
struct CRC<Value: FixedWidthInteger & UnsignedInteger> {
    let table: [Value]
    private(set) var value: Value = ~0

    init(table: [Value]) { self.table = table }

    mutating func update(_ bytes: some Collection<UInt8>) {
        var crc = value
        table.withUnsafeBufferPointer { table in
            for byte in bytes { crc = table[Int(truncatingIfNeeded: (crc ^ Value(byte)) & 0xFF)] ^ (crc >> 8) }
        }
        value = crc
    }

    /// The final value, most significant byte first.
    var digestBytes: [UInt8] {
        let final = ~value
        return (0..<(Value.bitWidth / 8)).reversed().map { UInt8(truncatingIfNeeded: final >> ($0 * 8)) }
    }
}

/// Lookup tables of the reflected polynomials, built once.
enum CRCTables {
    static let crc32 = table(polynomial: UInt32(0xEDB8_8320))
    static let crc32c = table(polynomial: UInt32(0x82F6_3B78))
    static let crc64nvme = table(polynomial: UInt64(0x9A6C_9329_AC4B_C9B5))

    static func table<Value: FixedWidthInteger & UnsignedInteger>(polynomial: Value) -> [Value] {
        (0..<256).map { index in
            var crc = Value(index)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ polynomial : crc >> 1 }
            return crc
        }
    }
}
