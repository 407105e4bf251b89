import Foundation
import Testing

@testable import SwitchyardKinesis

@Suite struct HashKeyTests {
    @Test func theKeySpaceSplitsAsAWSSplitsIt() {
        #expect(HashKeys.evenRanges(1) == [0...UInt128.max])
        let two = HashKeys.evenRanges(2)
        #expect(two.map { String($0.upperBound) } == ["170141183460469231731687303715884105727", String(UInt128.max)])
        let three = HashKeys.evenRanges(3)
        #expect(
            three.map { String($0.upperBound) }.prefix(2) == [
                "113427455640312821154458202477256070484", "226854911280625642308916404954512140969",
            ])
        #expect(HashKeys.evenRanges(4)[3].lowerBound == UInt128(3) << 126)
        for count in 1...20 {
            let ranges = HashKeys.evenRanges(count)
            #expect(ranges.count == count && ranges.first?.lowerBound == 0 && ranges.last?.upperBound == .max)
            for (low, high) in zip(ranges, ranges.dropFirst()) { #expect(low.upperBound + 1 == high.lowerBound) }
        }
    }

    @Test func partitionKeysHashAsTheirMD5() {
        // md5("1") read as a big-endian integer, as AWS documents the mapping.
        #expect(HashKeys.of(partitionKey: "1") == UInt128("261578874264819908609102035485573088411"))
        #expect(HashKeys.parse("340282366920938463463374607431768211455") == .max)
        #expect(HashKeys.parse("340282366920938463463374607431768211456") == nil)
        #expect(HashKeys.parse("-1") == nil && HashKeys.parse("") == nil && HashKeys.parse("01x") == nil)
    }
}

@Suite struct SequenceNumberTests {
    @Test func roundTripsAndOrdersAsText() {
        let earlier = SequenceNumber(millis: 1_795_000_000_000, counter: 9, shard: 3)
        let later = SequenceNumber(millis: 1_795_000_000_000, counter: 10, shard: 0)
        #expect(earlier.text.count == 56 && SequenceNumber(earlier.text) == earlier)
        #expect(earlier < later && earlier.text < later.text)
        #expect(SequenceNumber("49") == nil && SequenceNumber(String(repeating: "9", count: 56)) == nil)
    }

    @Test func iteratorsRoundTripAndRejectNoise() {
        let token = ShardIteratorToken(
            account: "000000000000", region: "us-east-1", stream: "s", incarnation: "abc", shard: 2, position: 42,
            issuedAt: 1_795_000_000_000)
        let decoded = ShardIteratorToken(token.text)
        #expect(decoded?.position == 42 && decoded?.shard == 2 && decoded?.stream == "s")
        #expect(ShardIteratorToken("AAAA!!") == nil && ShardIteratorToken("garbage") == nil)
    }
}
