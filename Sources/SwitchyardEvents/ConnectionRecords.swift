import Foundation

/// A connection: how API destinations authorize their HTTP calls (basic, API key or OAuth client
/// credentials), and parameters added to every call.
public struct ConnectionRecord: Sendable, Codable, Equatable {
    public var account: String
    public var region: String
    public var name: String
    public var uuid: String
    public var description: String?
    public var authorizationType: String
    /// The auth parameters as given (secrets included), awsJson text of
    /// `CreateConnectionAuthRequestParameters`.
    public var authParameters: String
    public var state: String
    public var createdAt: Int64
    public var modifiedAt: Int64
    public var authorizedAt: Int64?
    /// The id of the secret AWS keeps the credentials in: its own uuid and a six-character suffix.
    public var secretId: String?

    public var arn: String { "arn:aws:events:\(region):\(account):connection/\(name)/\(uuid)" }
    public var secretArn: String {
        "arn:aws:secretsmanager:\(region):\(account):secret:events!connection/\(name)/\(secretId ?? uuid)"
    }
    public var storageKey: String { "\(account)/\(region)/\(name)" }
}

/// An API destination: an HTTP endpoint that rules invoke through a connection.
public struct APIDestinationRecord: Sendable, Codable, Equatable {
    public var account: String
    public var region: String
    public var name: String
    public var uuid: String
    public var description: String?
    public var connectionArn: String
    public var invocationEndpoint: String
    public var httpMethod: String
    public var rateLimitPerSecond: Int
    public var createdAt: Int64
    public var modifiedAt: Int64

    public var arn: String { "arn:aws:events:\(region):\(account):api-destination/\(name)/\(uuid)" }
    public var storageKey: String { "\(account)/\(region)/\(name)" }
}
