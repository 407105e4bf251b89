import Foundation

/// A QR Code symbol (ISO/IEC 18004) that carries arbitrary bytes.
///
/// Only what a virtual MFA device's `QRCodePNG` needs is implemented: a single byte-mode segment at
/// error-correction level M in the smallest version (1...40) that holds it, masked with the pattern
/// the standard's penalty rules prefer. That is what authenticator apps scan, and what AWS sends.
struct QRCode: Sendable {
    /// The symbol version, 1...40.
    let version: Int
    /// The data mask pattern applied, 0...7.
    let mask: Int
    /// Modules per side: `17 + 4 * version`, without the quiet zone.
    let size: Int
    /// The modules row by row, `true` for dark.
    let modules: [Bool]

    /// Encodes `bytes`, or returns nil when they exceed what a version 40-M symbol holds (2331 bytes).
    ///
    /// - Parameter mask: a data mask pattern to force instead of choosing one by penalty; lets a test
    ///   compare the placement with another encoder's for every mask.
    init?(bytes: [UInt8], mask fixedMask: Int? = nil) {
        guard let version = (1...40).first(where: { Self.fits(byteCount: bytes.count, version: $0) }),
            fixedMask.map({ (0..<8).contains($0) }) ?? true
        else { return nil }
        var grid = Grid(version: version)
        grid.place(Self.finalCodewords(bytes, version: version))
        // The standard masks and scores before the format and version information are written (7.8
        // precedes 7.9), so those areas and the dark module are still light while the masks are judged.
        let mask: Int
        if let fixedMask {
            mask = fixedMask
        } else {
            let penalties = (0..<8).map { grid.masked($0).penalty() }
            // Ties go to the lowest mask number.
            mask = penalties.indices.min { (penalties[$0], $0) < (penalties[$1], $1) } ?? 0
        }
        grid = grid.masked(mask)
        grid.drawFormat(mask: mask)
        grid.drawVersion()
        self.version = version
        self.mask = mask
        self.size = grid.size
        self.modules = grid.dark
    }

    /// Whether the module in column `x`, row `y` (both from the top-left, 0-based) is dark.
    func isDark(x: Int, y: Int) -> Bool {
        modules[y * size + x]
    }

    // MARK: - Capacity (ISO/IEC 18004 table 9, level M)

    /// Error-correction codewords in each block at level M, indexed by version (index 0 unused).
    private static let eccPerBlock = [
        0, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26,
        26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28,
    ]
    /// Error-correction blocks at level M, indexed by version (index 0 unused).
    private static let blockCount = [
        0, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16,
        17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49,
    ]

    /// All codewords (data and error correction) a version holds: the modules left once the function
    /// patterns and reserved areas are taken, in whole bytes (the 0-7 remainder bits stay unused).
    static func totalCodewords(version: Int) -> Int {
        let size = 17 + 4 * version
        var modules = size * size
        modules -= 3 * 64  // finder patterns with their separators
        modules -= 31  // two copies of the 15 format bits, plus the dark module
        modules -= 2 * (size - 16)  // timing patterns between the separators
        if version >= 2 {
            // An n x n grid of 5x5 alignment patterns, minus the three that would sit on finders;
            // those on row or column 6 share 5 modules with a timing pattern already counted.
            let n = version / 7 + 2
            modules -= 25 * (n * n - 3) - 2 * (n - 2) * 5
        }
        if version >= 7 { modules -= 2 * 18 }  // two copies of the version information
        return modules / 8
    }

    /// Data codewords a version holds at level M.
    static func dataCodewords(version: Int) -> Int {
        totalCodewords(version: version) - eccPerBlock[version] * blockCount[version]
    }

    /// Whether a byte-mode segment of `byteCount` bytes fits: mode indicator, character count, data.
    private static func fits(byteCount: Int, version: Int) -> Bool {
        4 + countBits(version: version) + 8 * byteCount <= 8 * dataCodewords(version: version)
    }

    /// Width of the byte-mode character count indicator.
    private static func countBits(version: Int) -> Int {
        version <= 9 ? 8 : 16
    }

    // MARK: - Codewords

    /// The data bit stream (7.4) split into blocks, each with its Reed-Solomon codewords, interleaved
    /// into the final message sequence (7.6).
    private static func finalCodewords(_ bytes: [UInt8], version: Int) -> [UInt8] {
        let capacity = dataCodewords(version: version)
        var bits = BitWriter()
        bits.append(0b0100, width: 4)  // byte mode
        bits.append(bytes.count, width: countBits(version: version))
        for byte in bytes { bits.append(Int(byte), width: 8) }
        bits.append(0, width: min(4, 8 * capacity - bits.count))  // terminator, shortened when full
        bits.append(0, width: (8 - bits.count % 8) % 8)
        var data = bits.bytes
        var padToggle = false
        while data.count < capacity {
            data.append(padToggle ? 0x11 : 0xEC)
            padToggle.toggle()
        }

        // Blocks: the later ones carry one data codeword more when the total does not divide evenly.
        let blocks = blockCount[version]
        let ecc = eccPerBlock[version]
        let shortData = capacity / blocks
        let longBlocks = capacity % blocks
        var dataBlocks: [ArraySlice<UInt8>] = []
        var start = 0
        for index in 0..<blocks {
            let length = shortData + (index >= blocks - longBlocks ? 1 : 0)
            dataBlocks.append(data[start..<start + length])
            start += length
        }
        let generator = ReedSolomon.generator(degree: ecc)
        let eccBlocks = dataBlocks.map { ReedSolomon.remainder(Array($0), generator: generator) }

        // Interleave column by column: the i-th data codeword of every block (skipping short blocks
        // past their end), then the i-th error-correction codeword of every block.
        var result: [UInt8] = []
        result.reserveCapacity(totalCodewords(version: version))
        for column in 0...shortData {
            for block in dataBlocks where column < block.count {
                result.append(block[block.startIndex + column])
            }
        }
        for column in 0..<ecc {
            for block in eccBlocks { result.append(block[column]) }
        }
        return result
    }
}

/// Accumulates a bit stream most significant bit first, as QR codewords are read.
private struct BitWriter {
    private(set) var bytes: [UInt8] = []
    private(set) var count = 0

    /// Appends the low `width` bits of `value`.
    mutating func append(_ value: Int, width: Int) {
        for shift in stride(from: width - 1, through: 0, by: -1) {
            if count % 8 == 0 { bytes.append(0) }
            if (value >> shift) & 1 == 1 { bytes[count / 8] |= 0x80 >> UInt8(count % 8) }
            count += 1
        }
    }
}

/// Reed-Solomon error correction over GF(2^8) with the QR field polynomial x^8+x^4+x^3+x^2+1 (0x11D).
private enum ReedSolomon {
    /// `exp[i]` is α^i (doubled in length so products of logarithms need no modulo); `log` inverts it.
    static let tables: (exp: [UInt8], log: [Int]) = {
        var exp = [UInt8](repeating: 0, count: 512)
        var log = [Int](repeating: 0, count: 256)
        var value = 1
        for power in 0..<255 {
            exp[power] = UInt8(value)
            log[value] = power
            value <<= 1
            if value & 0x100 != 0 { value ^= 0x11D }
        }
        for power in 255..<512 { exp[power] = exp[power - 255] }
        return (exp, log)
    }()

    static func multiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        if a == 0 || b == 0 { return 0 }
        return tables.exp[tables.log[Int(a)] + tables.log[Int(b)]]
    }

    /// Coefficients of (x - α^0)(x - α^1)...(x - α^(degree-1)), highest power first, the leading 1 dropped.
    static func generator(degree: Int) -> [UInt8] {
        var poly: [UInt8] = [1]
        for root in 0..<degree {
            // Multiply by (x + α^root); subtraction is addition (XOR) in this field.
            var next = [UInt8](repeating: 0, count: poly.count + 1)
            for (index, coefficient) in poly.enumerated() {
                next[index] ^= coefficient
                next[index + 1] ^= multiply(coefficient, tables.exp[root])
            }
            poly = next
        }
        return Array(poly.dropFirst())
    }

    /// The remainder of data(x)·x^degree divided by the generator: the error-correction codewords.
    static func remainder(_ data: [UInt8], generator: [UInt8]) -> [UInt8] {
        var remainder = [UInt8](repeating: 0, count: generator.count)
        for byte in data {
            let factor = byte ^ remainder[0]
            remainder.removeFirst()
            remainder.append(0)
            for index in generator.indices {
                remainder[index] ^= multiply(generator[index], factor)
            }
        }
        return remainder
    }
}

/// The module matrix while it is being built: colours plus which modules belong to function patterns
/// or reserved areas (and so take neither data bits nor the mask).
private struct Grid {
    let version: Int
    let size: Int
    var dark: [Bool]
    var isFunction: [Bool]

    /// A grid with the finder, separator, timing and alignment patterns drawn and the format and
    /// version areas reserved (left light until the mask is known).
    init(version: Int) {
        self.version = version
        size = 17 + 4 * version
        dark = Array(repeating: false, count: size * size)
        isFunction = dark

        // Timing patterns first: the finders then overwrite the parts that run under them.
        for i in 0..<size {
            set(x: i, y: 6, dark: i % 2 == 0)
            set(x: 6, y: i, dark: i % 2 == 0)
        }
        // Finder patterns with their light separators: concentric squares by Chebyshev distance.
        for (cx, cy) in [(3, 3), (size - 4, 3), (3, size - 4)] {
            for dy in -4...4 {
                for dx in -4...4 where (0..<size).contains(cx + dx) && (0..<size).contains(cy + dy) {
                    let ring = max(abs(dx), abs(dy))
                    set(x: cx + dx, y: cy + dy, dark: ring != 2 && ring != 4)
                }
            }
        }
        // Alignment patterns on every pair of centre coordinates except the three finder corners.
        let centres = Self.alignmentCentres(version: version)
        for cy in centres {
            for cx in centres {
                let onFinder =
                    (cx == centres.first && cy == centres.first) || (cx == centres.first && cy == centres.last)
                    || (cx == centres.last && cy == centres.first)
                if onFinder { continue }
                for dy in -2...2 {
                    for dx in -2...2 { set(x: cx + dx, y: cy + dy, dark: max(abs(dx), abs(dy)) != 1) }
                }
            }
        }
        // Format information next to the finders, including the dark module's place (8, size - 8).
        for i in 0...8 where i != 6 {  // 6 is the timing pattern crossing
            set(x: 8, y: i, dark: false)
            set(x: i, y: 8, dark: false)
        }
        for i in 0..<8 {
            set(x: size - 1 - i, y: 8, dark: false)
            set(x: 8, y: size - 1 - i, dark: false)
        }
        // Version information: 6x3 blocks above the bottom-left and left of the top-right finder.
        if version >= 7 {
            for i in 0..<18 {
                set(x: size - 11 + i % 3, y: i / 3, dark: false)
                set(x: i / 3, y: size - 11 + i % 3, dark: false)
            }
        }
    }

    /// Centre coordinates (on both axes) of the alignment patterns (annex E): 6, then evenly spaced
    /// with an even step back from `size - 7`; the first gap takes up the slack.
    static func alignmentCentres(version: Int) -> [Int] {
        guard version >= 2 else { return [] }
        let size = 17 + 4 * version
        let count = version / 7 + 2
        // The step is the span divided by the gaps, rounded up to even; version 32 is the one
        // exception in the standard's table (26, not 28).
        let span = size - 13
        let gaps = count - 1
        var step = (span + gaps - 1) / gaps
        step += step % 2
        if version == 32 { step = 26 }
        return [6] + (0..<gaps).reversed().map { size - 7 - $0 * step }
    }

    private mutating func set(x: Int, y: Int, dark value: Bool) {
        dark[y * size + x] = value
        isFunction[y * size + x] = true
    }

    /// Writes the codewords' bits into the free modules (7.7.3): two-module-wide columns from the
    /// right, alternately upwards and downwards, skipping the vertical timing column. Leftover
    /// remainder modules stay light.
    mutating func place(_ codewords: [UInt8]) {
        let bitCount = codewords.count * 8
        var bitIndex = 0
        var right = size - 1
        while right >= 1 {
            if right == 6 { right = 5 }
            // Columns pairs are numbered from the right; the first (right = size - 1) goes upwards.
            let upwards = ((size - 1 - right) / 2) % 2 == 0
            for step in 0..<size {
                let y = upwards ? size - 1 - step : step
                for x in [right, right - 1] where !isFunction[y * size + x] {
                    if bitIndex < bitCount {
                        dark[y * size + x] = (codewords[bitIndex / 8] >> UInt8(7 - bitIndex % 8)) & 1 == 1
                        bitIndex += 1
                    }
                }
            }
            right -= 2
        }
    }

    /// A copy with data mask pattern `mask` (7.8.2) applied to the non-function modules;
    /// `i` is the row and `j` the column, as in the standard's table 10.
    func masked(_ mask: Int) -> Grid {
        var copy = self
        for i in 0..<size {
            for j in 0..<size where !isFunction[i * size + j] {
                let flip: Bool
                switch mask {
                case 0: flip = (i + j) % 2 == 0
                case 1: flip = i % 2 == 0
                case 2: flip = j % 3 == 0
                case 3: flip = (i + j) % 3 == 0
                case 4: flip = (i / 2 + j / 3) % 2 == 0
                case 5: flip = (i * j) % 2 + (i * j) % 3 == 0
                case 6: flip = ((i * j) % 2 + (i * j) % 3) % 2 == 0
                default: flip = ((i + j) % 2 + (i * j) % 3) % 2 == 0
                }
                if flip { copy.dark[i * size + j].toggle() }
            }
        }
        return copy
    }

    /// Writes both copies of the 15-bit format information (7.9) and the dark module.
    mutating func drawFormat(mask: Int) {
        // Level M is 00; the 5 data bits get 10 BCH(15,5) check bits (generator 0x537), and the XOR
        // with 0x5412 keeps the word from ever being all light.
        let data = (0b00 << 3) | mask
        let bits = ((data << 10) | Self.bchRemainder(data, generator: 0x537, degree: 10)) ^ 0x5412
        func bit(_ i: Int) -> Bool { (bits >> i) & 1 == 1 }
        // Around the top-left finder: bits 0-7 down column 8 (skipping the timing row), bits 8-14
        // leftwards along row 8 (skipping the timing column).
        for i in 0..<6 { dark[i * size + 8] = bit(i) }
        dark[7 * size + 8] = bit(6)
        dark[8 * size + 8] = bit(7)
        dark[8 * size + 7] = bit(8)
        for i in 9..<15 { dark[8 * size + 14 - i] = bit(i) }
        // The second copy: bits 0-7 leftwards from the right edge on row 8, bits 8-14 down to the
        // bottom edge on column 8.
        for i in 0..<8 { dark[8 * size + size - 1 - i] = bit(i) }
        for i in 8..<15 { dark[(size - 15 + i) * size + 8] = bit(i) }
        dark[(size - 8) * size + 8] = true
    }

    /// Writes both copies of the 18-bit version information (7.10), present from version 7.
    mutating func drawVersion() {
        guard version >= 7 else { return }
        let bits = (version << 12) | Self.bchRemainder(version, generator: 0x1F25, degree: 12)
        for i in 0..<18 {
            let value = (bits >> i) & 1 == 1
            let (a, b) = (size - 11 + i % 3, i / 3)
            dark[b * size + a] = value  // top-right block
            dark[a * size + b] = value  // bottom-left block, transposed
        }
    }

    /// The remainder of `data`·x^degree divided by `generator` over GF(2): BCH check bits.
    static func bchRemainder(_ data: Int, generator: Int, degree: Int) -> Int {
        var value = data << degree
        // Long division: clear each set bit from the top down to x^degree.
        let top = Int.bitWidth - 1 - value.leadingZeroBitCount
        for shift in stride(from: top, through: degree, by: -1) where (value >> shift) & 1 == 1 {
            value ^= generator << (shift - degree)
        }
        return value
    }

    // MARK: Penalty (7.8.3, table 11)

    /// The standard's penalty score; the mask with the lowest score is used.
    func penalty() -> Int {
        var score = 0
        var row = [Bool](repeating: false, count: size)
        var column = row
        for i in 0..<size {
            for j in 0..<size {
                row[j] = dark[i * size + j]
                column[j] = dark[j * size + i]
            }
            score += Self.linePenalty(row) + Self.linePenalty(column)
        }
        // N2: 3 points for every 2x2 block of one colour (overlapping blocks each count).
        for y in 0..<size - 1 {
            for x in 0..<size - 1 {
                let v = dark[y * size + x]
                if dark[y * size + x + 1] == v && dark[(y + 1) * size + x] == v && dark[(y + 1) * size + x + 1] == v {
                    score += 3
                }
            }
        }
        // N4: 10 points for each full 5% the dark proportion strays from 50%.
        let darkCount = dark.reduce(0) { $0 + ($1 ? 1 : 0) }
        let total = size * size
        score += 10 * (abs(20 * darkCount - 10 * total) / total)
        return score
    }

    /// N1 and N3 for one row or column.
    private static func linePenalty(_ line: [Bool]) -> Int {
        var score = 0
        // N1: a run of 5 + k modules of one colour scores 3 + k.
        var runStart = 0
        for index in 1...line.count where index == line.count || line[index] != line[runStart] {
            let length = index - runStart
            if length >= 5 { score += length - 2 }
            runStart = index
        }
        // N3: 40 points for each dark-light-dark-dark-dark-light-dark (1:1:3:1:1) run with four light
        // modules on either side; beyond the edge is the light quiet zone. Every position counts on its
        // own (as ZXing counts), so two such runs sharing a dark end (10111011101) can score twice.
        let pattern = [true, false, true, true, true, false, true]
        func isLight(_ range: Range<Int>) -> Bool {
            range.allSatisfy { !line.indices.contains($0) || !line[$0] }
        }
        for start in 0...(line.count - pattern.count) where line[start..<start + 7].elementsEqual(pattern) {
            if isLight(start - 4..<start) || isLight(start + 7..<start + 11) { score += 40 }
        }
        return score
    }
}
