import SwitchyardWire

/// Where a queue lives: its account, region and name. Accounts and regions never see each other's queues.
public struct QueueKey: Hashable, Sendable, Codable, Comparable {
    public var account: String
    public var region: String
    public var name: String

    public init(account: String, region: String, name: String) {
        self.account = account
        self.region = region
        self.name = name
    }

    public var arn: String { "arn:aws:sqs:\(region):\(account):\(name)" }

    public var isFIFO: Bool { name.hasSuffix(".fifo") }

    /// The queue's URL; queues outside the server's region carry their region (`/queue/<region>/...`),
    /// since one host serves them all where AWS has a host per region.
    public func url(host: String, serverRegion: String) -> String {
        region == serverRegion
            ? "http://\(host)/\(account)/\(name)" : "http://\(host)/queue/\(region)/\(account)/\(name)"
    }

    public static func < (lhs: QueueKey, rhs: QueueKey) -> Bool {
        (lhs.account, lhs.region, lhs.name) < (rhs.account, rhs.region, rhs.name)
    }

    /// Parses `arn:aws:sqs:region:account:name`.
    public init?(arn: String) {
        guard let resource = ARN.namedResource(arn, service: "sqs") else { return nil }
        self.init(account: resource.account, region: resource.region, name: resource.name)
    }

    /// Reads a queue URL in any host form (`http://localhost:4566/000000000000/jobs`,
    /// `https://sqs.us-east-1.amazonaws.com/000000000000/jobs`, or just the path).
    public init?(url: String, region: String) {
        // The last two path components are the account and the name, whatever the scheme and host.
        let path =
            url.utf8.split(separator: UInt8(ascii: "?"), maxSplits: 1, omittingEmptySubsequences: false).first
            ?? url.utf8[...]
        let parts = path.split(separator: UInt8(ascii: "/"))
        guard parts.count >= 2 else { return nil }
        let account = parts[parts.count - 2]
        guard account.count == 12, account.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else {
            return nil
        }
        var region = region
        if parts.count >= 4, String(decoding: parts[parts.count - 4], as: UTF8.self) == "queue" {
            region = String(decoding: parts[parts.count - 3], as: UTF8.self)
        }
        self.init(
            account: String(decoding: account, as: UTF8.self), region: region,
            name: String(decoding: parts[parts.count - 1], as: UTF8.self))
    }

}
