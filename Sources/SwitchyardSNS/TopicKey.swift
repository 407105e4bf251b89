import SwitchyardWire

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
        guard let resource = ARN.namedResource(arn, service: "sns") else { return nil }
        self.init(account: resource.account, region: resource.region, name: resource.name)
    }
}
