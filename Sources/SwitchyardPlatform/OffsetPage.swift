import Foundation

/// One page of a listing by position, the pagination of most list operations here (SQS, SNS, IAM,
/// ECS, Lambda, CloudWatch Logs): the token (NextToken, Marker) is the base64 of the next item's
/// position in a listing whose order is stable. A token that names no position is refused with the
/// service's own error; one past the end (the listing shrank between pages) is an empty last page.
public struct OffsetPage<Item> {
    public var items: [Item]
    /// The next page's token, nil on the last page.
    public var next: String?

    public init(_ all: [Item], token: String?, size: Int, invalidToken: @autoclosure () -> any Error) throws {
        let (range, next) = try Self.range(count: all.count, token: token, size: size, invalidToken: invalidToken())
        self.items = Array(all[range])
        self.next = next
    }

    /// The positions of the page in a listing of `count` items, and the next page's token.
    public static func range(count: Int, token: String?, size: Int, invalidToken: @autoclosure () -> any Error)
        throws -> (Range<Int>, String?)
    {
        var start = 0
        if let token {
            guard let data = Data(base64Encoded: token), let position = Int(String(decoding: data, as: UTF8.self)),
                position >= 0
            else { throw invalidToken() }
            start = min(position, count)
        }
        let end = start + min(count - start, max(1, size))
        return (start..<end, end < count ? Data(String(end).utf8).base64EncodedString() : nil)
    }
}
