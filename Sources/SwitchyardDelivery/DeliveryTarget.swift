/// Where a delivery goes. Every producer (SNS now; EventBridge, Scheduler, Pipes, S3 and SES events
/// later) addresses its targets with these, and every kind has one transport.
public enum DeliveryTarget: Sendable, Codable, Hashable {
    /// An SQS queue, by ARN.
    case sqs(arn: String)
    /// An HTTP or HTTPS endpoint.
    case http(url: String)
    /// A function, by ARN.
    case lambda(arn: String)
    /// A Firehose delivery stream, by ARN.
    case firehose(arn: String)
    /// A captured outbox: email, SMS and mobile push, which do not leave the machine.
    case outbox(kind: String, address: String)

    /// The kind, which picks the transport.
    public var kind: DeliveryTargetKind {
        switch self {
        case .sqs: return .sqs
        case .http: return .http
        case .lambda: return .lambda
        case .firehose: return .firehose
        case .outbox: return .outbox
        }
    }

    /// A stable name of the target, for ordering lanes and delivery records.
    public var address: String {
        switch self {
        case .sqs(let arn), .lambda(let arn), .firehose(let arn): return arn
        case .http(let url): return url
        case .outbox(let kind, let address): return "\(kind):\(address)"
        }
    }
}

public enum DeliveryTargetKind: String, Sendable, Codable, CaseIterable {
    case sqs, http, lambda, firehose, outbox

    /// What targets of this kind are, in messages ("Lambda functions").
    public var targetsName: String {
        switch self {
        case .sqs: return "SQS queues"
        case .http: return "HTTP endpoints"
        case .lambda: return "Lambda functions"
        case .firehose: return "Firehose delivery streams"
        case .outbox: return "Captured outboxes"
        }
    }
}
