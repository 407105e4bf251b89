import SwitchyardDelivery
import SwitchyardWire

/// How an event reaches one target of a rule: the payload the target's input settings make of it,
/// the target kind its ARN names, and the retry policy and dead-letter queue the target was given.
public enum TargetDelivery {
    /// The delivery, or nil when the target's template makes nothing deliverable.
    static func request(for event: RoutedEvent, rule: RuleRecord, target: TargetRecord) -> DeliveryRequest? {
        guard let body = InputTransformation.payload(of: event, rule: rule, target: target) else { return nil }
        var metadata: [String: String]?
        if let values = target.pathParameterValues {
            metadata = ["PathParameterValues": OrderedJSON.array(values.map { .scalar(.string($0)) }).text]
        }
        if let query = target.queryStringParameters {
            metadata = (metadata ?? [:]).merging(
                [
                    "QueryStringParameters": OrderedJSON.object(
                        query.sorted { $0.key < $1.key }.map { ($0.key, .scalar(.string($0.value))) }
                    ).text
                ]
            ) { $1 }
        }
        if target.arn.hasPrefix("arn:aws:ecs:"), let parameters = ecsParameters(target) {
            metadata = (metadata ?? [:]).merging(["EcsParameters": parameters]) { $1 }
        }
        if target.arn.hasPrefix("arn:aws:kinesis:") {
            metadata = (metadata ?? [:]).merging(["PartitionKey": partitionKey(of: event, target: target)]) { $1 }
        }
        return DeliveryRequest(
            target: deliveryTarget(target.arn), body: DeliveryPayload(body), headers: target.headerParameters,
            metadata: metadata, messageGroupId: target.messageGroupId,
            retry: .eventBridge(
                maximumRetryAttempts: target.maximumRetryAttempts ?? 185,
                maximumEventAgeSeconds: target.maximumEventAgeInSeconds ?? 86_400),
            deadLetter: target.deadLetterArn.map { .sqs(arn: $0) }, origin: rule.arn,
            source: DeliverySource(service: "events.amazonaws.com", arn: rule.arn, account: rule.bus.account),
            traceHeader: event.traceHeader
        ).invokingAsynchronously()
    }

    /// An ECS target's EcsParameters (task definition, count, launch type, ...) as JSON, for the ECS
    /// transport that runs the tasks.
    static func ecsParameters(_ target: TargetRecord) -> String? {
        otherParameter("EcsParameters", of: target)?.text
    }

    /// A Kinesis target's partition key: the value at its KinesisParameters' PartitionKeyPath, or the
    /// event's id when it has none (or the path finds nothing).
    static func partitionKey(of event: RoutedEvent, target: TargetRecord) -> String {
        guard case .scalar(.string(let path))? = otherParameter("KinesisParameters", of: target)?["PartitionKeyPath"],
            let value = JSONPath(path)?.value(in: event.envelope)
        else { return event.id }
        return value.plainText
    }

    /// One of the parameters a target keeps as given (ECS, Kinesis, ...), as JSON.
    static func otherParameter(_ name: String, of target: TargetRecord) -> OrderedJSON? {
        guard let text = target.otherParameters else { return nil }
        return (try? OrderedJSON.parse(Array(text.utf8)))?[name]
    }

    /// The delivery target an ARN names, by its service (and, for EventBridge, its resource type).
    public static func deliveryTarget(_ arn: String) -> DeliveryTarget {
        let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        let service = parts.count > 2 ? String(parts[2]) : ""
        let resource = parts.count > 5 ? String(parts[5]) : ""
        switch service {
        case "sqs": return .sqs(arn: arn)
        case "sns": return DeliveryTarget(kind: .snsTopic, resource: arn)
        case "lambda": return .lambda(arn: arn)
        case "firehose": return .firehose(arn: arn)
        case "events" where resource.hasPrefix("event-bus/"): return DeliveryTarget(kind: .eventBus, resource: arn)
        case "events" where resource.hasPrefix("api-destination/"):
            return DeliveryTarget(kind: DeliveryTargetKind(rawValue: "api-destination"), resource: arn)
        default: return DeliveryTarget(kind: DeliveryTargetKind(rawValue: service), resource: arn)
        }
    }
}
