/// Where a delivery goes: a kind of target and the target's address. Every producer (SNS now;
/// EventBridge, Scheduler, Pipes, S3 and SES events later) addresses its targets with these, and
/// every kind has one transport, registered by the module that owns such targets.
public struct DeliveryTarget: Sendable, Hashable {
    public var kind: DeliveryTargetKind
    /// The target itself: an ARN, a URL, an address.
    public var resource: String
    /// What else a kind needs to name a target (the outbox's channel: email, sms, ...).
    public var qualifier: String?

    public init(kind: DeliveryTargetKind, resource: String, qualifier: String? = nil) {
        self.kind = kind
        self.resource = resource
        self.qualifier = qualifier
    }

    /// An SQS queue, by ARN.
    public static func sqs(arn: String) -> DeliveryTarget { DeliveryTarget(kind: .sqs, resource: arn) }
    /// An HTTP or HTTPS endpoint.
    public static func http(url: String) -> DeliveryTarget { DeliveryTarget(kind: .http, resource: url) }
    /// A function, by ARN.
    public static func lambda(arn: String) -> DeliveryTarget { DeliveryTarget(kind: .lambda, resource: arn) }
    /// A Firehose delivery stream, by ARN.
    public static func firehose(arn: String) -> DeliveryTarget { DeliveryTarget(kind: .firehose, resource: arn) }
    /// A captured outbox: email, SMS and mobile push, which do not leave the machine.
    public static func outbox(kind: String, address: String) -> DeliveryTarget {
        DeliveryTarget(kind: .outbox, resource: address, qualifier: kind)
    }

    /// A stable name of the target, for ordering lanes and delivery records.
    public var address: String { qualifier.map { "\($0):\(resource)" } ?? resource }
}

/// A kind of delivery target. Kinds are open: a module that owns a new kind of target (EventBridge's
/// event buses, Kinesis streams, ...) declares its own constant and registers its transport.
public struct DeliveryTargetKind: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String
    /// What targets of this kind are, in messages ("Lambda functions").
    public let targetsName: String

    public init(rawValue: String) {
        self.rawValue = rawValue
        self.targetsName = Self.known[rawValue] ?? "\(rawValue) targets"
    }

    public init(_ rawValue: String, targetsName: String) {
        self.rawValue = rawValue
        self.targetsName = targetsName
    }

    public init(from decoder: any Decoder) throws {
        self.init(rawValue: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public static func == (lhs: DeliveryTargetKind, rhs: DeliveryTargetKind) -> Bool { lhs.rawValue == rhs.rawValue }
    public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }
    public var description: String { rawValue }

    private static let known = [
        "sqs": "SQS queues", "http": "HTTP endpoints", "lambda": "Lambda functions",
        "firehose": "Firehose delivery streams", "outbox": "Captured outboxes", "sns": "SNS topics",
        "event-bus": "EventBridge event buses", "kinesis": "Kinesis streams", "logs": "CloudWatch Logs groups",
        "ecs": "ECS tasks", "api-destination": "EventBridge API destinations", "s3": "S3 buckets",
    ]

    public static let sqs = DeliveryTargetKind(rawValue: "sqs")
    public static let http = DeliveryTargetKind(rawValue: "http")
    public static let lambda = DeliveryTargetKind(rawValue: "lambda")
    public static let firehose = DeliveryTargetKind(rawValue: "firehose")
    public static let outbox = DeliveryTargetKind(rawValue: "outbox")
    /// An SNS topic: the payload is published to it (EventBridge rules, Pipes, Scheduler).
    public static let snsTopic = DeliveryTargetKind(rawValue: "sns")
    /// An EventBridge event bus: the payload is an event put on it.
    public static let eventBus = DeliveryTargetKind(rawValue: "event-bus")
    /// An S3 bucket: the payload is written as an object (the `Key` metadata names it).
    public static let s3Object = DeliveryTargetKind("s3", targetsName: "S3 buckets")
}

extension DeliveryTarget: Codable {
    private enum Keys: String, CodingKey {
        case kind, resource, qualifier
        // The form stored by earlier versions: {"sqs": {"arn": ...}}, {"outbox": {"kind":, "address":}}.
        case sqs, http, lambda, firehose, outbox
        case arn, url, address
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        if let kind = try container.decodeIfPresent(DeliveryTargetKind.self, forKey: .kind) {
            self.init(
                kind: kind, resource: try container.decode(String.self, forKey: .resource),
                qualifier: try container.decodeIfPresent(String.self, forKey: .qualifier))
            return
        }
        for (key, kind) in [(Keys.sqs, DeliveryTargetKind.sqs), (.lambda, .lambda), (.firehose, .firehose)] {
            if let legacy = try? container.nestedContainer(keyedBy: Keys.self, forKey: key) {
                self.init(kind: kind, resource: try legacy.decode(String.self, forKey: .arn))
                return
            }
        }
        if let legacy = try? container.nestedContainer(keyedBy: Keys.self, forKey: .http) {
            self.init(kind: .http, resource: try legacy.decode(String.self, forKey: .url))
            return
        }
        let legacy = try container.nestedContainer(keyedBy: Keys.self, forKey: .outbox)
        self.init(
            kind: .outbox, resource: try legacy.decode(String.self, forKey: .address),
            qualifier: try legacy.decode(String.self, forKey: .kind))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(kind, forKey: .kind)
        try container.encode(resource, forKey: .resource)
        try container.encodeIfPresent(qualifier, forKey: .qualifier)
    }
}

extension DeliveryRequest {
    /// A write of `bytes` as the object `key` of a bucket of this server (Firehose's objects, SES's
    /// export files, CloudWatch Logs' exports), made by the S3 module's transport.
    public static func objectWrite(
        bucket: String, key: String, bytes: [UInt8], contentType: String, origin: String, source: DeliverySource,
        metadata extra: [String: String] = [:]
    ) -> DeliveryRequest {
        DeliveryRequest(
            target: DeliveryTarget(kind: .s3Object, resource: "arn:aws:s3:::\(bucket)"),
            body: DeliveryPayload(bytes: bytes),
            metadata: ["Key": key, "ContentType": contentType].merging(extra) { _, given in given },
            retry: .managedEndpoint, origin: origin, source: source)
    }
}
