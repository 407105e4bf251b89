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
        case .crc64nvme: return .crc64(CRC64(table: CRCTables.crc64nvme))
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
    case crc32(CRC)
    case crc64(CRC64)
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

/// A reflected 32-bit CRC (CRC-32 and CRC-32C differ only in their table).
struct CRC {
    let table: [UInt32]
    private(set) var value: UInt32 = 0xFFFF_FFFF

    init(table: [UInt32]) { self.table = table }

    mutating func update(_ bytes: some Collection<UInt8>) {
        var crc = value
        table.withUnsafeBufferPointer { table in
            for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        }
        value = crc
    }

    var digestBytes: [UInt8] {
        let final = value ^ 0xFFFF_FFFF
        return [UInt8(final >> 24), UInt8((final >> 16) & 0xFF), UInt8((final >> 8) & 0xFF), UInt8(final & 0xFF)]
    }
}

/// A reflected 64-bit CRC (CRC-64/NVME).
struct CRC64 {
    let table: [UInt64]
    private(set) var value: UInt64 = ~0

    init(table: [UInt64]) { self.table = table }

    mutating func update(_ bytes: some Collection<UInt8>) {
        var crc = value
        table.withUnsafeBufferPointer { table in
            for byte in bytes { crc = table[Int((crc ^ UInt64(byte)) & 0xFF)] ^ (crc >> 8) }
        }
        value = crc
    }

    var digestBytes: [UInt8] {
        let final = ~value
        return (0..<8).map { UInt8((final >> (56 - 8 * UInt64($0))) & 0xFF) }
    }
}

/// Lookup tables of the reflected polynomials, built once.
enum CRCTables {
    static let crc32 = table32(polynomial: 0xEDB8_8320)
    static let crc32c = table32(polynomial: 0x82F6_3B78)
    static let crc64nvme = table64(polynomial: 0x9A6C_9329_AC4B_C9B5)

    static func table32(polynomial: UInt32) -> [UInt32] {
        (0..<256).map { index in
            var crc = UInt32(index)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ polynomial : crc >> 1 }
            return crc
        }
    }

    static func table64(polynomial: UInt64) -> [UInt64] {
        (0..<256).map { index in
            var crc = UInt64(index)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ polynomial : crc >> 1 }
            return crc
        }
    }
}
