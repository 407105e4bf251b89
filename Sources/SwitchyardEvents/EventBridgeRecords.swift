import Foundation

/// Where an event bus or rule lives: its account and region, and its name.
public struct BusKey: Sendable, Codable, Hashable {
    public var account: String
    public var region: String
    public var name: String

    public init(account: String, region: String, name: String) {
        self.account = account
        self.region = region
        self.name = name
    }

    public var arn: String { "arn:aws:events:\(region):\(account):event-bus/\(name)" }
}

/// An event bus. The default bus of an account and region exists without being created.
public struct BusRecord: Sendable, Codable, Equatable {
    public var key: BusKey
    public var description: String?
    public var kmsKeyIdentifier: String?
    public var deadLetterArn: String?
    /// The resource policy (PutPermission statements or a whole policy), as JSON text.
    public var policy: String?
    public var tags: [String: String]
    /// Epoch milliseconds.
    public var createdAt: Int64
    public var modifiedAt: Int64

    public init(key: BusKey, createdAt: Int64) {
        self.key = key
        self.tags = [:]
        self.createdAt = createdAt
        self.modifiedAt = createdAt
    }
}

/// A target of a rule, as PutTargets stored it.
public struct TargetRecord: Sendable, Codable, Equatable {
    public var id: String
    public var arn: String
    public var roleArn: String?
    public var input: String?
    public var inputPath: String?
    public var inputPathsMap: [String: String]?
    public var inputTemplate: String?
    public var messageGroupId: String?
    public var deadLetterArn: String?
    public var maximumRetryAttempts: Int?
    public var maximumEventAgeInSeconds: Int?
    /// API destination targets: values for the endpoint's `*` path parameters, headers and query.
    public var pathParameterValues: [String]?
    public var headerParameters: [String: String]?
    public var queryStringParameters: [String: String]?
    /// What the model has beyond these (ECS, Kinesis, HTTP parameters...), kept as given so that
    /// ListTargetsByRule answers it back.
    public var otherParameters: String?

    public init(id: String, arn: String) {
        self.id = id
        self.arn = arn
    }
}

/// A rule on a bus: an event pattern or a schedule, and its targets.
public struct RuleRecord: Sendable, Codable, Equatable {
    public var bus: BusKey
    public var name: String
    public var eventPattern: String?
    public var scheduleExpression: String?
    public var enabled: Bool
    public var description: String?
    public var roleArn: String?
    public var managedBy: String?
    public var createdBy: String
    public var targets: [TargetRecord]
    public var tags: [String: String]

    public init(bus: BusKey, name: String, createdBy: String) {
        self.bus = bus
        self.name = name
        self.enabled = true
        self.createdBy = createdBy
        self.targets = []
        self.tags = [:]
    }

    /// Rules on the default bus are `rule/<name>`; on another bus `rule/<bus>/<name>`.
    public var arn: String {
        let path = bus.name == "default" ? name : "\(bus.name)/\(name)"
        return "arn:aws:events:\(bus.region):\(bus.account):rule/\(path)"
    }

    /// The key under which the rule is stored.
    public var storageKey: String { "\(bus.account)/\(bus.region)/\(bus.name)/\(name)" }
}
