import Foundation
import SwitchyardWire

/// Where messages that a queue fails to process go: `RedrivePolicy`.
public struct RedrivePolicy: Sendable, Codable, Equatable {
    public var deadLetterTargetArn: String
    public var maxReceiveCount: Int
}

/// The settable attributes of a queue, with AWS's defaults.
public struct QueueConfiguration: Sendable, Codable, Equatable {
    public var delaySeconds = 0
    public var maximumMessageSize = 1_048_576
    public var messageRetentionPeriod = 345_600
    public var receiveMessageWaitTimeSeconds = 0
    public var visibilityTimeout = 30
    public var policy: String?
    /// The RedrivePolicy attribute as set (JSON text), and its parsed form.
    public var redrivePolicyText: String?
    public var redrivePolicy: RedrivePolicy?
    public var redriveAllowPolicy: String?
    public var fifoQueue = false
    public var contentBasedDeduplication = false
    public var deduplicationScope = "queue"
    public var fifoThroughputLimit = "perQueue"
    public var kmsMasterKeyId: String?
    public var kmsDataKeyReusePeriodSeconds = 300
    public var sqsManagedSseEnabled = true
    /// DeduplicationScope as the queue was created: later changes do not alter deduplication (as in AWS).
    public var creationDeduplicationScope: String?

    public init() {}

    /// Attributes that can be set with CreateQueue and SetQueueAttributes.
    static let settable: Set<String> = [
        "DelaySeconds", "MaximumMessageSize", "MessageRetentionPeriod", "ReceiveMessageWaitTimeSeconds",
        "VisibilityTimeout", "Policy", "RedrivePolicy", "RedriveAllowPolicy", "FifoQueue",
        "ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit", "KmsMasterKeyId",
        "KmsDataKeyReusePeriodSeconds", "SqsManagedSseEnabled",
    ]

    /// Attributes GetQueueAttributes reports, in the order AWS lists them.
    static let readable: [String] = [
        "Policy", "VisibilityTimeout", "MaximumMessageSize", "MessageRetentionPeriod",
        "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "CreatedTimestamp",
        "LastModifiedTimestamp", "QueueArn", "ApproximateNumberOfMessagesDelayed", "DelaySeconds",
        "ReceiveMessageWaitTimeSeconds", "RedrivePolicy", "FifoQueue", "ContentBasedDeduplication",
        "KmsMasterKeyId", "KmsDataKeyReusePeriodSeconds", "DeduplicationScope", "FifoThroughputLimit",
        "RedriveAllowPolicy", "SqsManagedSseEnabled",
    ]

    static let fifoOnly: Set<String> = [
        "FifoQueue", "ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit",
    ]

    /// Applies attributes from a request, validating each as SQS does.
    /// `creating` allows FifoQueue, which cannot change after creation.
    mutating func apply(_ attributes: [String: String], fifo: Bool, creating: Bool) throws {
        for name in attributes.keys.sorted() {
            guard let value = attributes[name] else { continue }
            guard Self.settable.contains(name) else {
                throw SQSErrors.invalidAttributeName(name)
            }
            if !fifo, Self.fifoOnly.contains(name) {
                if name == "DeduplicationScope" || name == "FifoThroughputLimit" {
                    throw AWSError(
                        "InvalidAttributeName", "You can specify the \(name) only when FifoQueue is set to true.")
                }
                throw SQSErrors.invalidAttributeName(name)
            }
            switch name {
            case "DelaySeconds": delaySeconds = try Self.integer(name, value, 0...900)
            case "MaximumMessageSize": maximumMessageSize = try Self.integer(name, value, 1024...1_048_576)
            case "MessageRetentionPeriod": messageRetentionPeriod = try Self.integer(name, value, 60...1_209_600)
            case "ReceiveMessageWaitTimeSeconds": receiveMessageWaitTimeSeconds = try Self.integer(name, value, 0...20)
            case "VisibilityTimeout": visibilityTimeout = try Self.integer(name, value, 0...43_200)
            case "KmsDataKeyReusePeriodSeconds":
                kmsDataKeyReusePeriodSeconds = try Self.integer(name, value, 60...86_400)
            case "Policy":
                if value.isEmpty {
                    policy = nil
                } else {
                    guard Self.isJSONObject(value) else { throw SQSErrors.invalidAttributeValue(name) }
                    policy = value
                }
            case "RedrivePolicy":
                if value.isEmpty {
                    redrivePolicy = nil
                    redrivePolicyText = nil
                } else {
                    redrivePolicy = try Self.parseRedrivePolicy(value)
                    redrivePolicyText = value
                }
            case "RedriveAllowPolicy":
                if value.isEmpty {
                    redriveAllowPolicy = nil
                } else {
                    try Self.validateRedriveAllowPolicy(value)
                    redriveAllowPolicy = value
                }
            case "FifoQueue":
                let flag = try Self.boolean(name, value)
                if creating {
                    guard flag == fifo else {
                        throw SQSErrors.invalidAttributeValue(name)
                    }
                    fifoQueue = flag
                } else if flag != fifoQueue {
                    throw SQSErrors.invalidAttributeValue(name, reason: "Modifying queue type is not supported.")
                }
            case "ContentBasedDeduplication": contentBasedDeduplication = try Self.boolean(name, value)
            case "DeduplicationScope":
                guard ["messageGroup", "queue"].contains(value) else { throw SQSErrors.invalidAttributeValue(name) }
                deduplicationScope = value
            case "FifoThroughputLimit":
                guard ["perQueue", "perMessageGroupId"].contains(value) else {
                    throw SQSErrors.invalidAttributeValue(name)
                }
                fifoThroughputLimit = value
            case "KmsMasterKeyId":
                kmsMasterKeyId = value.isEmpty ? nil : value
                if kmsMasterKeyId != nil { sqsManagedSseEnabled = false }
            case "SqsManagedSseEnabled":
                sqsManagedSseEnabled = try Self.boolean(name, value)
                if sqsManagedSseEnabled, attributes["KmsMasterKeyId"].map({ !$0.isEmpty }) == true {
                    throw AWSError(
                        "InvalidAttributeName",
                        "You can use one type of server-side encryption (SSE) at one time. You can either enable KMS SSE or SQS SSE."
                    )
                }
                if sqsManagedSseEnabled { kmsMasterKeyId = nil }
            default:
                throw SQSErrors.invalidAttributeName(name)
            }
        }
        if fifo, deduplicationScope == "queue", fifoThroughputLimit == "perMessageGroupId",
            attributes["DeduplicationScope"] != nil || attributes["FifoThroughputLimit"] != nil
        {
            throw SQSErrors.invalidAttributeValue(
                "FifoThroughputLimit",
                reason:
                    "The perMessageGroupId value is allowed only when the value for DeduplicationScope is messageGroup."
            )
        }
    }

    /// The attribute values as GetQueueAttributes reports them (settable ones only).
    func value(of name: String) -> String? {
        switch name {
        case "DelaySeconds": return String(delaySeconds)
        case "MaximumMessageSize": return String(maximumMessageSize)
        case "MessageRetentionPeriod": return String(messageRetentionPeriod)
        case "ReceiveMessageWaitTimeSeconds": return String(receiveMessageWaitTimeSeconds)
        case "VisibilityTimeout": return String(visibilityTimeout)
        case "Policy": return policy
        case "RedrivePolicy":
            guard let redrivePolicy else { return nil }
            return
                "{\"deadLetterTargetArn\":\"\(redrivePolicy.deadLetterTargetArn)\",\"maxReceiveCount\":\(redrivePolicy.maxReceiveCount)}"
        case "RedriveAllowPolicy": return redriveAllowPolicy
        case "FifoQueue": return fifoQueue ? "true" : nil
        case "ContentBasedDeduplication": return fifoQueue ? String(contentBasedDeduplication) : nil
        case "DeduplicationScope": return fifoQueue ? deduplicationScope : nil
        case "FifoThroughputLimit": return fifoQueue ? fifoThroughputLimit : nil
        case "KmsMasterKeyId": return kmsMasterKeyId
        case "KmsDataKeyReusePeriodSeconds": return kmsMasterKeyId == nil ? nil : String(kmsDataKeyReusePeriodSeconds)
        case "SqsManagedSseEnabled": return String(sqsManagedSseEnabled)
        default: return nil
        }
    }

    private static func integer(_ name: String, _ text: String, _ range: ClosedRange<Int>) throws -> Int {
        guard let number = Int(text), range.contains(number) else { throw SQSErrors.invalidAttributeValue(name) }
        return number
    }

    private static func boolean(_ name: String, _ text: String) throws -> Bool {
        switch text.lowercased() {
        case "true": return true
        case "false": return false
        default: throw SQSErrors.invalidAttributeValue(name)
        }
    }

    static func isJSONObject(_ text: String) -> Bool {
        StrictJSON.object(text) != nil
    }

    /// Parses a RedrivePolicy; AWS rejects a bad one as an invalid parameter value quoting it
    /// ("Value {} for parameter RedrivePolicy is invalid. Reason: ...", as AWS answers clients).
    static func parseRedrivePolicy(_ text: String) throws -> RedrivePolicy {
        func invalid(_ reason: String) -> AWSError {
            SQSErrors.invalidParameter("RedrivePolicy", value: text, reason: reason)
        }
        guard let object = StrictJSON.object(text) else { throw invalid("Redrive policy is not a valid JSON map.") }
        guard let arn = object["deadLetterTargetArn"] as? String else {
            throw invalid("Redrive policy does not contain mandatory attribute: deadLetterTargetArn.")
        }
        let rawCount = object["maxReceiveCount"]
        let count: Int?
        if let text = rawCount as? String { count = Int(text) } else { count = (rawCount as? NSNumber)?.intValue }
        guard let count else { throw invalid("Redrive policy does not contain mandatory attribute: maxReceiveCount.") }
        guard (1...1000).contains(count) else {
            throw invalid(
                "Invalid value for maxReceiveCount: \(count), valid values are from 1 to 1000 both inclusive.")
        }
        guard QueueKey(arn: arn) != nil else { throw invalid("Dead letter target does not exist.") }
        return RedrivePolicy(deadLetterTargetArn: arn, maxReceiveCount: count)
    }

    static func validateRedriveAllowPolicy(_ text: String) throws {
        guard let object = StrictJSON.object(text), let permission = object["redrivePermission"] as? String
        else {
            throw SQSErrors.invalidAttributeValue("RedriveAllowPolicy")
        }
        switch permission {
        case "allowAll", "denyAll":
            if object["sourceQueueArns"] != nil {
                throw SQSErrors.invalidAttributeValue(
                    "RedriveAllowPolicy", reason: "Only byQueue redrivePermission may specify sourceQueueArns.")
            }
        case "byQueue":
            guard let arns = object["sourceQueueArns"] as? [String], (1...10).contains(arns.count) else {
                throw SQSErrors.invalidAttributeValue(
                    "RedriveAllowPolicy", reason: "byQueue redrivePermission requires 1 to 10 sourceQueueArns.")
            }
        default:
            throw SQSErrors.invalidAttributeValue("RedriveAllowPolicy")
        }
    }

    /// Whether the RedriveAllowPolicy of a dead-letter queue lets `source` use it.
    func allowsRedrive(from source: QueueKey) -> Bool {
        guard let redriveAllowPolicy, let data = redriveAllowPolicy.data(using: .utf8),
            let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
            let permission = object["redrivePermission"] as? String
        else { return true }
        switch permission {
        case "denyAll": return false
        case "byQueue": return ((object["sourceQueueArns"] as? [String]) ?? []).contains(source.arn)
        default: return true
        }
    }
}
