import Foundation

/// A global endpoint: two event buses in two regions with a failover configuration, stored as given.
public struct EndpointRecord: Sendable, Codable, Equatable {
    public var account: String
    public var region: String
    public var name: String
    public var description: String?
    /// awsJson text of `RoutingConfig`.
    public var routingConfig: String
    public var replicationState: String?
    public var eventBusArns: [String]
    public var roleArn: String?
    public var endpointId: String
    public var createdAt: Int64
    public var modifiedAt: Int64

    public var arn: String { "arn:aws:events:\(region):\(account):endpoint/\(name)" }
    public var url: String { "https://\(endpointId).endpoint.events.amazonaws.com" }
    public var storageKey: String { "\(account)/\(region)/\(name)" }
}

/// A partner event source: created by a SaaS partner's account for a customer's account, which
/// receives the partner's events on an event bus named after the source.
public struct PartnerSourceRecord: Sendable, Codable, Equatable {
    public var region: String
    /// `aws.partner/<partner>/<name>`.
    public var name: String
    public var partnerAccount: String
    public var customerAccount: String
    /// PENDING until the customer associates a bus, ACTIVE while one is, DELETED after DeactivateEventSource.
    public var state: String
    public var createdAt: Int64

    public var arn: String { "arn:aws:events:\(region)::event-source/\(name)" }
    public var storageKey: String { "\(region)/\(customerAccount)/\(name)" }
}
