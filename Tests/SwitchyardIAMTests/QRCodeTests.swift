import Foundation
import Testing

@testable import SwitchyardIAM

/// The QR code of a virtual MFA device, checked module for module against an independent encoder
/// (segno, error correction level M, byte mode), and its PNG checked against the PNG and zlib formats.
@Suite struct QRCodeTests {
    /// Short: version 1, mask 2, as the segno encoder wrote it (each row a hexadecimal number).
    static let shortReference = (
        text: "Switchyard", version: 1, mask: 2,
        rows: [
            "1fc17f", "104841", "17505d", "175c5d", "175f5d", "105141", "1fd57f", "1700", "17c97c", "8b13f",
            "ef68a", "13348f", "5d2f0", "1f12", "1fc14e", "105bad", "175179", "175dbc", "175204", "10481c",
            "1fde22",
        ]
    )

    /// Otpauth: version 7, mask 3, as the segno encoder wrote it (each row a hexadecimal number).
    static let otpauthReference = (
        text:
            "otpauth://totp/phone%40000000000000?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
        version: 7, mask: 3,
        rows: [
            "1fd716e9497f", "105b0de4d241", "1748a247025d", "1750df54235d", "174aa1f8175d", "104c831bb841",
            "1fd55555557f", "16211ddf00", "16eac3f3484b", "1e244c93cb87", "1f45191396ab", "1aa0f1db2451",
            "cddb5a26ecb", "1127360e88f3", "11f9a4e9335c", "1a2bc299bd0d", "1feb1b47f61", "1fa78243a410",
            "126ec6bba40a", "91bcb24b3f2", "13fbabf3c5fa", "19177511c11f", "1f5f955c1159", "b120510091a",
            "3fabbf827f8", "11979be71b48", "8633276b910", "1f07b45a80a7", "acf70affaf4", "1306bec0ccb6",
            "1e6ae1f1778e", "1dad39e6a108", "2cd7b6b09af", "18924559f0ee", "15ec0e6ebe7", "f31482682cb",
            "137595f6a5fc", "19d71a231a", "1fd20f58a952", "1057431b611c", "1749f5f671fd", "175c66a9ac13",
            "175c08bfcf86", "10493602aaf9", "1fdf2a69a49c",
        ]
    )

    @Test(arguments: [shortReference, otpauthReference])
    func matchesAnIndependentEncoder(reference: (text: String, version: Int, mask: Int, rows: [String])) throws {
        let code = try #require(QRCode(bytes: Array(reference.text.utf8)))
        #expect(code.version == reference.version && code.mask == reference.mask)
        let rows = (0..<code.size).map { y in
            let bits = String((0..<code.size).map { code.isDark(x: $0, y: y) ? "1" : "0" })
            return String(UInt64(bits, radix: 2) ?? 0, radix: 16)
        }
        #expect(rows == reference.rows)
    }

    @Test func tooMuchDataHasNoCode() {
        #expect(QRCode(bytes: [UInt8](repeating: 0x41, count: 2332)) == nil)
        #expect(QRCode(bytes: [UInt8](repeating: 0x41, count: 2331)) != nil)
    }

    @Test func thePNGIsOneBitGrayscaleInStoredZlibBlocks() throws {
        let code = try #require(QRCode(bytes: Array("Switchyard".utf8)))
        let png = PNGImage.qrCode(code, moduleSize: 4, quietZone: 4)
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let side = (21 + 8) * 4
        func word(_ at: Int) -> Int { png[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
        #expect(String(decoding: png[12..<16], as: UTF8.self) == "IHDR")
        #expect(word(16) == side && word(20) == side && png[24] == 1 && png[25] == 0)
        // IDAT follows IHDR's 13 bytes and CRC: one stored block holds every row.
        let idat = 8 + 8 + 13 + 4
        #expect(String(decoding: png[idat + 4..<idat + 8], as: UTF8.self) == "IDAT")
        let stream = Array(png[idat + 8..<idat + 8 + word(idat)])
        #expect(Array(stream.prefix(3)) == [0x78, 0x01, 0x01])
        let length = Int(stream[3]) | Int(stream[4]) << 8
        #expect(length == side * (1 + (side + 7) / 8))
        #expect(length ^ 0xFFFF == Int(stream[5]) | Int(stream[6]) << 8)
        let raw = Array(stream[7..<7 + length])
        #expect(stream.suffix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) } == PNGImage.adler32(raw))
        // The top-left pixel is quiet zone (white); the finder's corner, 4 modules in, is black.
        let rowBytes = (side + 7) / 8
        #expect(raw[1] & 0x80 != 0)
        let finderRow = 16 * (rowBytes + 1)
        #expect(raw[finderRow + 1 + 2] & 0x80 == 0)
    }
}
