/// Snappy compression, written here because no package of the project's set provides it: the raw
/// format (a greedy matcher over 64 KiB blocks, as the reference compressor works), snappy-java's
/// stream format that `Snappy` objects use, and Hadoop's block format that `HADOOP_SNAPPY` objects use.
enum Snappy {
    /// The raw format: the uncompressed length as a varint, then literals and copies.
    static func compress(_ input: ArraySlice<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(input.count + input.count / 6 + 32)
        var length = UInt64(input.count)
        while length >= 0x80 {
            output.append(UInt8(length & 0x7F) | 0x80)
            length >>= 7
        }
        output.append(UInt8(length))
        var blockStart = input.startIndex
        while blockStart < input.endIndex {
            let blockEnd = min(blockStart + 65536, input.endIndex)
            compressBlock(input[blockStart..<blockEnd], into: &output)
            blockStart = blockEnd
        }
        return output
    }

    private static func compressBlock(_ block: ArraySlice<UInt8>, into output: inout [UInt8]) {
        let start = block.startIndex
        let end = block.endIndex
        guard block.count >= 15 else {
            emitLiteral(block, into: &output)
            return
        }
        let tableBits = 14
        var table = [Int](repeating: -1, count: 1 << tableBits)
        func load32(_ index: Int) -> UInt32 {
            UInt32(block[index]) | UInt32(block[index + 1]) << 8 | UInt32(block[index + 2]) << 16
                | UInt32(block[index + 3]) << 24
        }
        func hash(_ value: UInt32) -> Int { Int((value &* 0x1E35_A7BD) >> UInt32(32 - tableBits)) }
        var literalStart = start
        var position = start
        let limit = end - 4
        while position < limit {
            let value = load32(position)
            let slot = hash(value)
            let candidate = table[slot]
            table[slot] = position
            guard candidate >= start, position - candidate < 65536, load32(candidate) == value else {
                position += 1
                continue
            }
            if literalStart < position { emitLiteral(block[literalStart..<position], into: &output) }
            var matchLength = 4
            while position + matchLength < end, block[candidate + matchLength] == block[position + matchLength] {
                matchLength += 1
            }
            emitCopy(offset: position - candidate, length: matchLength, into: &output)
            position += matchLength
            literalStart = position
        }
        if literalStart < end { emitLiteral(block[literalStart..<end], into: &output) }
    }

    private static func emitLiteral(_ bytes: ArraySlice<UInt8>, into output: inout [UInt8]) {
        let count = bytes.count - 1
        if count < 60 {
            output.append(UInt8(count << 2))
        } else if count < 1 << 8 {
            output.append(60 << 2)
            output.append(UInt8(count))
        } else if count < 1 << 16 {
            output.append(61 << 2)
            output.append(UInt8(count & 0xFF))
            output.append(UInt8(count >> 8))
        } else {
            output.append(62 << 2)
            output.append(UInt8(count & 0xFF))
            output.append(UInt8((count >> 8) & 0xFF))
            output.append(UInt8(count >> 16))
        }
        output.append(contentsOf: bytes)
    }

    private static func emitCopy(offset: Int, length: Int, into output: inout [UInt8]) {
        var remaining = length
        // Copies of a 2-byte offset hold at most 64 bytes; keep at least 4 for the last one.
        while remaining >= 68 {
            emitCopyUpTo64(offset: offset, length: 64, into: &output)
            remaining -= 64
        }
        if remaining > 64 {
            emitCopyUpTo64(offset: offset, length: 60, into: &output)
            remaining -= 60
        }
        emitCopyUpTo64(offset: offset, length: remaining, into: &output)
    }

    private static func emitCopyUpTo64(offset: Int, length: Int, into output: inout [UInt8]) {
        if length < 12, offset < 2048 {
            output.append(UInt8(((offset >> 8) << 5) | ((length - 4) << 2) | 1))
            output.append(UInt8(offset & 0xFF))
        } else {
            output.append(UInt8(((length - 1) << 2) | 2))
            output.append(UInt8(offset & 0xFF))
            output.append(UInt8(offset >> 8))
        }
    }

    /// snappy-java's stream format (`SnappyOutputStream`), which is what AWS writes for `Snappy`
    /// (not the framing format): an 8-byte magic (`0x82 SNAPPY 0x00`), version and compatible
    /// version 1, then per 32 KiB block of input its compressed length (4-byte big-endian) and form.
    static func xerialStream(_ input: [UInt8], blockSize: Int = 32 * 1024) -> [UInt8] {
        var output: [UInt8] = [0x82] + Array("SNAPPY".utf8) + [0x00, 0, 0, 0, 1, 0, 0, 0, 1]
        var start = 0
        while start < input.count {
            let end = min(start + blockSize, input.count)
            let compressed = compress(input[start..<end])
            output.append(contentsOf: bigEndian(compressed.count))
            output.append(contentsOf: compressed)
            start = end
        }
        return output
    }

    static func bigEndian(_ value: Int) -> [UInt8] { [24, 16, 8, 0].map { UInt8((value >> $0) & 0xFF) } }

    /// Hadoop's block format (`SnappyCodec`): per block of input, its length, then the length of
    /// its compressed form and that form, all lengths 4-byte big-endian.
    static func hadoop(_ input: [UInt8], blockSize: Int = 256 * 1024) -> [UInt8] {
        var output: [UInt8] = []
        var start = 0
        while start < input.count {
            let end = min(start + blockSize, input.count)
            let compressed = compress(input[start..<end])
            output.append(contentsOf: bigEndian(end - start))
            output.append(contentsOf: bigEndian(compressed.count))
            output.append(contentsOf: compressed)
            start = end
        }
        return output
    }
}
