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
    /// The deliveries of a batch. A function gets the whole batch as one JSON array (even of one
    /// record), each element shaped by the input template, as Pipes invokes Lambda; every other
    /// target gets a delivery per record (what its batch API would carry).
    static func requests(for records: [OrderedJSON], pipe: PipeRecord, parameters: Pipes.PipeTargetParameters?)
        -> [DeliveryRequest]
    {
        guard isFunction(pipe) else {
            return records.compactMap { request(for: $0, pipe: pipe, parameters: parameters) }
        }
        guard !records.isEmpty else { return [] }
        let elements = records.compactMap { record -> OrderedJSON? in
            guard let body = body(for: record, pipe: pipe, parameters: parameters) else { return nil }
            return (try? OrderedJSON.parse(Array(body.utf8))) ?? .string(body)
        }
        let invocation = DeliveryRequest(
            target: TargetDelivery.deliveryTarget(pipe.target),
            body: DeliveryPayload(OrderedJSON.array(elements).text),
            retry: .eventBridge(), origin: pipe.arn,
            source: DeliverySource(service: "pipes.amazonaws.com", arn: pipe.arn, account: pipe.account))
        // FIRE_AND_FORGET is an asynchronous invocation: Lambda accepts it and retries it itself.
        return [invokesSynchronously(parameters) ? invocation : invocation.invokingAsynchronously()]
    }

    static func isFunction(_ pipe: PipeRecord) -> Bool {
        TargetDelivery.deliveryTarget(pipe.target).kind == .lambda
    }

    /// Whether the pipe waits for its function's answer (REQUEST_RESPONSE, the default) rather than
    /// invoking it asynchronously (FIRE_AND_FORGET).
    static func invokesSynchronously(_ parameters: Pipes.PipeTargetParameters?) -> Bool {
        parameters?.lambdaFunctionParameters?.invocationType != "FIRE_AND_FORGET"
    }

    /// The ids of the records a function's answer reports as failed (`batchItemFailures`).
    static func failedItems(_ response: [UInt8]?) -> Set<String> {
        guard let response, let answer = try? OrderedJSON.parse(response),
            case .array(let failures)? = answer["batchItemFailures"]
        else { return [] }
        var ids: Set<String> = []
        for failure in failures {
            if case .scalar(.string(let id))? = failure["itemIdentifier"] { ids.insert(id) }
        }
        return ids
    }

    static func request(for record: OrderedJSON, pipe: PipeRecord, parameters: Pipes.PipeTargetParameters?)
        -> DeliveryRequest?
    {
        guard let body = body(for: record, pipe: pipe, parameters: parameters) else { return nil }
        return wrapped(body, record: record, pipe: pipe, parameters: parameters)
    }

    /// A record as the target gets it: the record's JSON, or the input template filled from it.
    static func body(for record: OrderedJSON, pipe: PipeRecord, parameters: Pipes.PipeTargetParameters?) -> String? {
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
        return body
    }

    /// One record's delivery: an event bus gets the body as an event's detail, a stream its
    /// partition key, a FIFO queue its group and deduplication ids.
    static func wrapped(_ body: String, record: OrderedJSON, pipe: PipeRecord, parameters: Pipes.PipeTargetParameters?)
        -> DeliveryRequest
    {
        var body = body
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
