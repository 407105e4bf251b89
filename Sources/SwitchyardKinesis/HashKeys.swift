import Crypto
import Foundation

/// Kinesis's 128-bit hash key space: a partition key maps to the MD5 of its UTF-8 bytes read as an
/// unsigned big-endian integer, and each open shard owns a contiguous range of that space.
enum HashKeys {
    static let maximum = UInt128.max

    /// The hash key a partition key maps to.
    static func of(partitionKey: String) -> UInt128 {
        let digest = Insecure.MD5.hash(data: Data(partitionKey.utf8))
        return digest.reduce(UInt128(0)) { ($0 << 8) | UInt128($1) }
    }

    /// A decimal hash key as requests carry it, if it is one (0 ... 2^128 - 1).
    static func parse(_ text: String) -> UInt128? {
        guard !text.isEmpty, text.count <= 39, text.allSatisfy(\.isASCII), text.allSatisfy(\.isNumber) else {
            return nil
        }
        return UInt128(text)
    }

    /// The key space split evenly into `count` ranges, as CreateStream and UpdateShardCount split it:
    /// each range `2^128 / count` wide, the last one reaching the top.
    static func evenRanges(_ count: Int, from start: UInt128 = 0, to end: UInt128 = .max) -> [ClosedRange<UInt128>] {
        guard count > 1 else { return [start...end] }
        let span = end - start
        // (span + 1) / count without overflowing when the span is the whole space.
        let width = span / UInt128(count) + (span % UInt128(count) == UInt128(count - 1) ? 1 : 0)
        var ranges: [ClosedRange<UInt128>] = []
        var lower = start
        for index in 0..<count {
            let upper = index == count - 1 ? end : lower + width - 1
            ranges.append(lower...upper)
            lower = upper &+ 1
        }
        return ranges
    }
}
