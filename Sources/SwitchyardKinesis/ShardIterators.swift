import Foundation

/// A shard iterator: where a reader is in a shard, as an opaque token the reader hands back to
/// GetRecords. It names the stream (and which incarnation of it), the shard, the position (the
/// counter of the last record read) and when it was issued, for the five-minute expiry.
struct ShardIteratorToken: Sendable, Equatable {
    var account: String
    var region: String
    var stream: String
    var incarnation: String
    var shard: Int
    var position: UInt64
    /// Epoch milliseconds.
    var issuedAt: Int64
    /// Makes every iterator handed out different, as AWS's are, even for the same position.
    var nonce: UInt32 = .random(in: 0...UInt32.max)

    /// How long an iterator stays valid.
    static let lifetimeMillis: Int64 = 300_000

    var text: String {
        let fields = [
            account, region, stream, incarnation, String(shard), String(position), String(issuedAt), String(nonce),
        ]
        // Padding-free base64 of the fields; AWS's iterators are opaque base64 too.
        return "AAAA"
            + Data(("1|" + fields.joined(separator: "|")).utf8).base64EncodedString()
            .replacingOccurrences(of: "=", with: "")
    }

    init(
        account: String, region: String, stream: String, incarnation: String, shard: Int, position: UInt64,
        issuedAt: Int64
    ) {
        self.account = account
        self.region = region
        self.stream = stream
        self.incarnation = incarnation
        self.shard = shard
        self.position = position
        self.issuedAt = issuedAt
    }

    init?(_ text: String) {
        guard text.hasPrefix("AAAA") else { return nil }
        var encoded = String(text.dropFirst(4))
        while encoded.count % 4 != 0 { encoded += "=" }
        guard let data = Data(base64Encoded: encoded) else { return nil }
        let fields = String(decoding: data, as: UTF8.self).split(separator: "|", omittingEmptySubsequences: false)
            .map(String.init)
        guard fields.count == 9, fields[0] == "1", let shard = Int(fields[5]), let position = UInt64(fields[6]),
            let issuedAt = Int64(fields[7]), let nonce = UInt32(fields[8])
        else { return nil }
        self.init(
            account: fields[1], region: fields[2], stream: fields[3], incarnation: fields[4], shard: shard,
            position: position, issuedAt: issuedAt)
        self.nonce = nonce
    }
}
