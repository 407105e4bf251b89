/// A topic's identity: its account, region and name, which together make its ARN.
public struct TopicKey: Hashable, Sendable, Codable {
    public var account: String
    public var region: String
    public var name: String

    public init(account: String, region: String, name: String) {
        self.account = account
        self.region = region
        self.name = name
    }

    public var arn: String { "arn:aws:sns:\(region):\(account):\(name)" }
    public var isFIFO: Bool { name.hasSuffix(".fifo") }

    /// The key an ARN names, or nil when the text is not an SNS topic ARN.
    public init?(arn: String) {
        let parts = arn.utf8.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0].elementsEqual("arn".utf8), parts[2].elementsEqual("sns".utf8),
            !parts[5].isEmpty,
            let region = String(parts[3]), let account = String(parts[4]), let name = String(parts[5])
        else { return nil }
        self.init(account: account, region: region, name: name)
    }
}
