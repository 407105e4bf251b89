import Foundation
import SwitchyardDelivery
import SwitchyardEvents
import SwitchyardModels
import SwitchyardWire

/// The model's parameter shapes of a pipe, read back from the JSON they were stored as.
enum PipeShapes {
    static func read<Shape: AWSValueConvertible>(_ text: String?, _ name: String, as type: Shape.Type) -> Shape? {
        guard let text, let index = Pipes.model.shapeIndex[name],
            let value = try? ShapeJSON.read(text, shape: index, model: Pipes.model)
        else { return nil }
        return try? Shape(awsValue: value)
    }

    static func write(_ value: AWSValue?, _ name: String) -> String? {
        guard let value, let index = Pipes.model.shapeIndex[name] else { return nil }
        return ShapeJSON.write(value, shape: index, model: Pipes.model)
    }

    static func sourceParameters(_ pipe: PipeRecord) -> Pipes.PipeSourceParameters? {
        read(pipe.sourceParameters, "PipeSourceParameters", as: Pipes.PipeSourceParameters.self)
    }

    static func targetParameters(_ pipe: PipeRecord) -> Pipes.PipeTargetParameters? {
        read(pipe.targetParameters, "PipeTargetParameters", as: Pipes.PipeTargetParameters.self)
    }
}

/// How a record reaches a pipe's target: shaped by the input template, sent to the target's kind
/// with EventBridge's retry policy.
enum PipeDelivery {
    static func request(for record: OrderedJSON, pipe: PipeRecord, parameters: Pipes.PipeTargetParameters?)
        -> DeliveryRequest?
    {
        var body = record.text
        if let template = parameters?.inputTemplate {
            var values: [String: OrderedJSON?] = [
                "aws.pipes.pipe-arn": .scalar(.string(pipe.arn)), "aws.pipes.pipe-name": .scalar(.string(pipe.name)),
                "aws.pipes.source-arn": .scalar(.string(pipe.source)),
                "aws.pipes.target-arn": .scalar(.string(pipe.target)),
                "aws.pipes.event.ingestion-time": .scalar(
                    .string(Timestamp.iso8601(Int64(Date().timeIntervalSince1970 * 1000)))),
                "aws.pipes.event": record, "aws.pipes.event.json": record,
            ]
            for name in InputTransformation.placeholders(in: template) where name.hasPrefix("$") {
                values[name] = JSONPath(name)?.value(in: record)
            }
            guard let filled = InputTransformation.fill(template, values: values) else { return nil }
            body = filled
        }
        let target = TargetDelivery.deliveryTarget(pipe.target)
        if target.kind == .eventBus {
            let bus = parameters?.eventBridgeEventBusParameters
            let detail = (try? OrderedJSON.parse(Array(body.utf8))) ?? .scalar(.string(body))
            body =
                EventEnvelope.make(
                    id: RandomUUID.make().lowercased(), detailType: bus?.detailType ?? "Event from aws:sqs",
                    source: bus?.source ?? "Pipe \(pipe.name)", account: pipe.account,
                    timeMillis: Int64(Date().timeIntervalSince1970 * 1000), region: pipe.region,
                    resources: bus?.resources ?? [], detail: detail
                ).text
        }
        // A Kinesis target takes its partition key from the target parameters (a JSON path into the
        // record, or a fixed value).
        var metadata: [String: String]?
        if let key = parameters?.kinesisStreamParameters?.partitionKey {
            let resolved = key.hasPrefix("$") ? JSONPath(key)?.value(in: record) : nil
            metadata = ["PartitionKey": resolved?.plainText ?? key]
        }
        return DeliveryRequest(
            target: target, body: DeliveryPayload(body), metadata: metadata,
            messageGroupId: parameters?.sqsQueueParameters?.messageGroupId,
            messageDeduplicationId: parameters?.sqsQueueParameters?.messageDeduplicationId, retry: .eventBridge(),
            origin: pipe.arn,
            source: DeliverySource(service: "pipes.amazonaws.com", arn: pipe.arn, account: pipe.account))
    }
}
