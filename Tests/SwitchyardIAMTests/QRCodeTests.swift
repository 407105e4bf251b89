import Foundation
import Testing

@testable import SwitchyardIAM

/// The QR code of a virtual MFA device, checked module for module against an independent encoder
/// (segno, error correction level M, byte mode), and its PNG checked against the PNG and zlib formats.
@Suite struct QRCodeTests {
    /// An input with the symbol segno makes of it: each row a hexadecimal number, the leftmost module
    /// its most significant bit (leading zeros dropped).
    struct Reference: Sendable, CustomTestStringConvertible {
        let bytes: [UInt8]
        let version: Int
        let mask: Int
        let rows: [String]
        var testDescription: String { "version \(version), \(bytes.count) bytes" }
    }

    /// Short: version 1, mask 2, as the segno encoder wrote it (each row a hexadecimal number).
    static let shortReference = Reference(
        bytes: Array("Switchyard".utf8), version: 1, mask: 2,
        rows: [
            "1fc17f", "104841", "17505d", "175c5d", "175f5d", "105141", "1fd57f", "1700", "17c97c", "8b13f",
            "ef68a", "13348f", "5d2f0", "1f12", "1fc14e", "105bad", "175179", "175dbc", "175204", "10481c",
            "1fde22",
        ]
    )

    /// Otpauth: version 7, mask 3, as the segno encoder wrote it (each row a hexadecimal number).
    static let otpauthReference = Reference(
        bytes: Array(
            "otpauth://totp/phone%40000000000000?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
                .utf8),
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

    /// Long: 400 bytes of every value (byte i is 37i + 11 mod 256), version 15, mask 5: a 16-bit
    /// character count and ten blocks of two lengths (41 and 42 data codewords) to interleave.
    static let longReference = Reference(
        bytes: (0..<400).map { UInt8(truncatingIfNeeded: $0 * 37 + 11) }, version: 15, mask: 5,
        rows: [
            "1fc67baad9220086d87f", "105750112f3d7a353d41", "1750d59ff01fb4ee415d", "1758084498da66c6815d",
            "174b7fbf465a7f967f5d", "104b2f119107c7642c41", "1fd5555555555555557f", "187f912fdfc4eb1000",
            "1057f33fec657d5663ce", "17206fecebf35b7fddff", "778d11d59e804a2f497", "a3f22f21865024d5594",
            "e66f4721636d5a42049", "1b2f27a7d1b33f0d2dd4", "1cdb888a3353153336a3", "d3c712ca61b1b2dd920",
            "185eed182c210dfa34fe", "14151491a2a2347a3e96", "14c2a367fdc4afbef4fa", "12946c170da4bdcac5de",
            "1dd4fb5216a55480b010", "1f2526ccd852c43c4ef4", "667d3764e193e9b833", "e2ffd3dac15a9aeb7d0",
            "df986bffcb9fcaa8dfe", "b145ab1ef32c75b2910", "1552d4b50e6956f0635d", "5114891a2ed46fae91a",
            "19f5caff02257c8519ff", "192fcc32dd18c24a0f22", "1d47f7c21f1ca07b2b9c", "1d1e959a5b8e0e115f8d",
            "44883364d41105a5fd5", "1606b23e13f6fa7d2a8b", "1c7dd3ef6537381fcc4b", "118c2c616455865f399e",
            "de7babe7eda69795c57", "cb2e43e5c8529702cf5", "136ee5d2c99c9c1a77a7", "cbf851e537a011ba3f3",
            "ace56be0ca9b00ad2bc", "1ebf64800d26e26e585a", "ae463e5b77d0411be72", "3a1d3452da8eb448637",
            "11dda6af886796476bd6", "8e808e68093ddf5ad1", "19f17a9f8659fcf587fb", "151fa011d20247f1e916",
            "b5c4715f536d795ed53", "91cbb919148c7be6917", "9f2e9ff629fff4c1ffc", "c313fa5a14eeea2bc3a",
            "ed272f04c12e7e9ae99", "13032215e259a058799d", "176cb5a4a0eea82b4aa5", "a0da75d2be5481afe1e",
            "f7cf0d0249aa4ad43a5", "832701694d1003b382a", "1b766329fdf9dc8060dc", "894b1b1587e6a7cbb5c",
            "57478b05e8590831de3", "dba4b59f3b9db5d43e4", "4c9d3c1b3b6f11d754f", "1904ee116dd9f240566",
            "1c63592770ea8c69093e", "13aa14bb9198b60e7fa6", "9d0260d4ec50b88133e", "107f2962f6291449161",
            "f599fbfceaefdd04df8", "1621f1bafa4439891c", "1fcf481584a2d625895b", "1045cc1105594422a512",
            "17404cffb039fcbb5dfe", "174a59d77c89583caf80", "17417069bec525b402e6", "1048ef5b29adb6724b29",
            "1fd11bd630a93798d1ec",
        ]
    )

    /// A row of modules as a hexadecimal number, as the references are written.
    static func hexRow(_ dark: [Bool]) -> String {
        let bits = [Bool](repeating: false, count: (4 - dark.count % 4) % 4) + dark
        let digits = stride(from: 0, to: bits.count, by: 4).map { start in
            String(bits[start..<start + 4].reduce(0) { $0 << 1 | ($1 ? 1 : 0) }, radix: 16)
        }
        let significant = digits.drop { $0 == "0" }.joined()
        return significant.isEmpty ? "0" : significant
    }

    @Test(arguments: [shortReference, otpauthReference, longReference])
    func matchesAnIndependentEncoder(reference: Reference) throws {
        let code = try #require(QRCode(bytes: reference.bytes))
        #expect(code.version == reference.version && code.mask == reference.mask)
        #expect(code.size == 17 + 4 * reference.version)
        let rows = (0..<code.size).map { y in Self.hexRow((0..<code.size).map { code.isDark(x: $0, y: y) }) }
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

    @Test func zlibSplitsLongDataIntoStoredBlocksOf65535Bytes() {
        let data = (0..<70_000).map { UInt8(truncatingIfNeeded: $0) }
        let stream = PNGImage.zlibStored(data)
        #expect(Array(stream.prefix(2)) == [0x78, 0x01])
        var inflated: [UInt8] = []
        var offset = 2
        var final = false
        while !final && offset + 5 <= stream.count {
            final = stream[offset] & 1 == 1
            #expect(stream[offset] >> 1 == 0)  // BTYPE 00: stored
            let length = Int(stream[offset + 1]) | Int(stream[offset + 2]) << 8
            #expect(length ^ 0xFFFF == Int(stream[offset + 3]) | Int(stream[offset + 4]) << 8)
            inflated += stream[offset + 5..<offset + 5 + length]
            offset += 5 + length
        }
        #expect(final && inflated == data)
        #expect(stream.count == offset + 4)
        #expect(stream.suffix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) } == PNGImage.adler32(data))
    }

    @Test func checksumsMatchTheirCheckValues() {
        #expect(PNGImage.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(PNGImage.adler32(Array("Wikipedia".utf8)) == 0x11E6_0398)
    }
}
