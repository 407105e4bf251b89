import Foundation
import SwitchyardPlatform
import Testing

@Suite struct OffsetPageTests {
    struct BadToken: Error {}

    @Test func pagesFollowEachOtherToTheEnd() throws {
        let all = Array(1...7)
        let first = try OffsetPage(all, token: nil, size: 3, invalidToken: BadToken())
        #expect(first.items == [1, 2, 3])
        let second = try OffsetPage(all, token: first.next, size: 3, invalidToken: BadToken())
        #expect(second.items == [4, 5, 6])
        let last = try OffsetPage(all, token: second.next, size: 3, invalidToken: BadToken())
        #expect(last.items == [7] && last.next == nil)
    }

    @Test func aTokenPastTheEndIsAnEmptyPageAndGarbageIsRefused() throws {
        let huge = Data(String(Int.max).utf8).base64EncodedString()
        let past = try OffsetPage([1, 2], token: huge, size: 10, invalidToken: BadToken())
        #expect(past.items.isEmpty && past.next == nil)
        #expect(throws: BadToken.self) { try OffsetPage([1], token: "not a token", size: 1, invalidToken: BadToken()) }
        let negative = Data("-1".utf8).base64EncodedString()
        #expect(throws: BadToken.self) { try OffsetPage([1], token: negative, size: 1, invalidToken: BadToken()) }
    }

    @Test func aSizeBelowOneStillMakesProgress() throws {
        let (range, next) = try OffsetPage<Never>.range(count: 3, token: nil, size: 0, invalidToken: BadToken())
        #expect(range == 0..<1 && next != nil)
    }
}
