import Foundation

/// Minimal PNG encoding (ISO/IEC 15948) for black-and-white images such as QR codes.
///
/// Images are 1-bit grayscale, every row unfiltered, and the zlib stream uses stored (uncompressed)
/// deflate blocks: a QR code PNG stays a few kilobytes, so compression is not worth an encoder.
enum PNGImage {
    /// The PNG of `code` with each module `moduleSize` pixels square and a light border of
    /// `quietZone` modules (the standard asks for at least 4 so scanners find the symbol).
    static func qrCode(_ code: QRCode, moduleSize: Int = 4, quietZone: Int = 4) -> [UInt8] {
        let side = (code.size + 2 * quietZone) * moduleSize
        return grayscale(width: side, height: side) { x, y in
            let (mx, my) = (x / moduleSize - quietZone, y / moduleSize - quietZone)
            return (0..<code.size).contains(mx) && (0..<code.size).contains(my) && code.isDark(x: mx, y: my)
        }
    }

    /// A 1-bit grayscale PNG of `width` x `height` pixels; `isDark(x, y)` says which are black.
    static func grayscale(width: Int, height: Int, isDark: (Int, Int) -> Bool) -> [UInt8] {
        precondition(width > 0 && height > 0, "PNG images need at least one pixel")
        // Raw scanlines: filter type 0 (none), then the pixels packed 8 to a byte, most significant
        // bit first, 1 for white; unused bits at the end of a row are left white.
        let rowBytes = (width + 7) / 8
        var raw: [UInt8] = []
        raw.reserveCapacity((rowBytes + 1) * height)
        for y in 0..<height {
            raw.append(0)
            for byteIndex in 0..<rowBytes {
                var byte: UInt8 = 0xFF
                for bit in 0..<8 {
                    let x = byteIndex * 8 + bit
                    if x < width && isDark(x, y) { byte &= ~(0x80 >> UInt8(bit)) }
                }
                raw.append(byte)
            }
        }

        var header: [UInt8] = []
        header.appendBigEndian(UInt32(width))
        header.appendBigEndian(UInt32(height))
        header += [1, 0, 0, 0, 0]  // bit depth 1, colour type 0 (grayscale), deflate, adaptive filters, no interlace

        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        appendChunk("IHDR", header, to: &png)
        appendChunk("IDAT", zlibStored(raw), to: &png)
        appendChunk("IEND", [], to: &png)
        return png
    }

    /// A zlib stream (RFC 1950) of `data` in stored deflate blocks (RFC 1951 §3.2.4).
    static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        // CMF 0x78: deflate with a 32K window; FLG 0x01: no dictionary, lowest level, and
        // 0x7801 is a multiple of 31 as the header check requires.
        var out: [UInt8] = [0x78, 0x01]
        var offset = 0
        repeat {
            let length = min(65_535, data.count - offset)
            let isFinal = offset + length == data.count
            out.append(isFinal ? 1 : 0)  // BFINAL, BTYPE 00; the rest of the byte pads to the boundary
            out += [UInt8(length & 0xFF), UInt8(length >> 8)]
            out += [UInt8(~length & 0xFF), UInt8((~length >> 8) & 0xFF)]
            out += data[offset..<offset + length]
            offset += length
        } while offset < data.count
        out.appendBigEndian(adler32(data))
        return out
    }

    /// Adler-32 (RFC 1950 §8) of `data`.
    static func adler32(_ data: [UInt8]) -> UInt32 {
        var (a, b): (UInt32, UInt32) = (1, 0)
        for byte in data {
            a = (a + UInt32(byte)) % 65_521
            b = (b + a) % 65_521
        }
        return b << 16 | a
    }

    /// CRC-32 (ISO 3309, reflected polynomial 0xEDB88320) as PNG chunks carry it.
    static func crc32(_ data: some Sequence<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data {
            crc = crcTable[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8)
        }
        return ~crc
    }

    /// The CRC-32 of every byte value, so the checksum takes one lookup per byte.
    private static let crcTable: [UInt32] = (0..<256).map { value in
        var crc = UInt32(value)
        for _ in 0..<8 { crc = crc & 1 == 1 ? 0xEDB8_8320 ^ (crc >> 1) : crc >> 1 }
        return crc
    }

    /// Appends a chunk: length, type, data, and the CRC-32 of type and data.
    private static func appendChunk(_ type: String, _ data: [UInt8], to png: inout [UInt8]) {
        let typeAndData = Array(type.utf8) + data
        png.appendBigEndian(UInt32(data.count))
        png += typeAndData
        png.appendBigEndian(crc32(typeAndData))
    }
}

extension [UInt8] {
    fileprivate mutating func appendBigEndian(_ value: UInt32) {
        append(contentsOf: [
            UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF),
        ])
    }
}
