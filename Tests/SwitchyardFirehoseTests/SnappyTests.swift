import Testing

@testable import SwitchyardFirehose

/// A decoder of Snappy's raw format, written from the format description, to check the compressor.
func decodeRawSnappy(_ input: [UInt8]) -> [UInt8]? {
    var position = 0
    var length = 0
    var shift = 0
    while position < input.count {
        let byte = input[position]
        position += 1
        length |= Int(byte & 0x7F) << shift
        shift += 7
        if byte & 0x80 == 0 { break }
    }
    var output: [UInt8] = []
    while position < input.count {
        let tag = input[position]
        position += 1
        switch tag & 3 {
        case 0:
            var count = Int(tag >> 2)
            if count >= 60 {
                let extra = count - 59
                count = 0
                for index in 0..<extra { count |= Int(input[position + index]) << (8 * index) }
                position += extra
            }
            count += 1
            output += input[position..<position + count]
            position += count
        case 1:
            let count = Int((tag >> 2) & 7) + 4
            let offset = Int(tag >> 5) << 8 | Int(input[position])
            position += 1
            guard offset > 0, offset <= output.count else { return nil }
            for _ in 0..<count { output.append(output[output.count - offset]) }
        case 2:
            let count = Int(tag >> 2) + 1
            let offset = Int(input[position]) | Int(input[position + 1]) << 8
            position += 2
            guard offset > 0, offset <= output.count else { return nil }
            for _ in 0..<count { output.append(output[output.count - offset]) }
        default:
            return nil
        }
    }
    return output.count == length ? output : nil
}

@Suite struct SnappyTests {
    @Test func rawRoundTripsRepetitiveAndRandomData() {
        let repetitive = Array(String(repeating: "{\"ticker\":\"AMZN\",\"price\":12.5}\n", count: 5000).utf8)
        var random: [UInt8] = []
        var state: UInt64 = 42
        for _ in 0..<100_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1
            random.append(UInt8(truncatingIfNeeded: state >> 33))
        }
        for input in [repetitive, random, [], [1, 2, 3], Array(repeating: 7, count: 70_000)] {
            let compressed = Snappy.compress(input[...])
            #expect(decodeRawSnappy(compressed) == input)
        }
        #expect(Snappy.compress(repetitive[...]).count < repetitive.count / 10)
    }

    @Test func xerialStreamHasSnappyJavaHeaderAndBigEndianBlocks() {
        let input = Array(String(repeating: "abcdefgh", count: 10_000).utf8)
        let stream = Snappy.xerialStream(input)
        #expect(Array(stream.prefix(16)) == [0x82, 0x53, 0x4E, 0x41, 0x50, 0x50, 0x59, 0, 0, 0, 0, 1, 0, 0, 0, 1])
        var position = 16
        var output: [UInt8] = []
        while position < stream.count {
            let length = stream[position..<position + 4].reduce(0) { $0 << 8 | Int($1) }
            position += 4
            output += decodeRawSnappy(Array(stream[position..<position + length])) ?? []
            position += length
        }
        #expect(output == input)
    }

    @Test func hadoopBlocksCarryUncompressedAndCompressedLengths() {
        let input = Array(String(repeating: "0123456789", count: 30_000).utf8)
        let blocks = Snappy.hadoop(input, blockSize: 100_000)
        var position = 0
        var output: [UInt8] = []
        while position < blocks.count {
            let raw = blocks[position..<position + 4].reduce(0) { $0 << 8 | Int($1) }
            let length = blocks[position + 4..<position + 8].reduce(0) { $0 << 8 | Int($1) }
            position += 8
            let block = decodeRawSnappy(Array(blocks[position..<position + length])) ?? []
            #expect(block.count == raw)
            output += block
            position += length
        }
        #expect(output == input)
    }
}
