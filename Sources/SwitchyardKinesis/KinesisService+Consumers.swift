import Foundation
import SwitchyardModels
import SwitchyardWire

/// Enhanced fan-out consumers.
extension KinesisService {
    /// Consumers a stream may have at once.
    static let consumerLimit = 20

    public func registerStreamConsumer(_ input: Kinesis.RegisterStreamConsumerInput, context: RequestContext)
        async throws -> Kinesis.RegisterStreamConsumerOutput
    {
        let key = try streamKey(name: nil, arn: input.streamARN, context: context)
        try Self.checkTags(input.tags ?? [:], adding: 0)
        var created: ConsumerRecord?
        let transition = await engine.transitionMillis
        _ = try await engine.update(key) { stream in
            if stream.consumers.contains(where: { $0.name == input.consumerName }) {
                throw AWSError(
                    "ResourceInUseException",
                    "Consumer \(input.consumerName) under stream \(stream.name) already exists for account \(stream.account)."
                )
            }
            if stream.consumers.count >= Self.consumerLimit {
                throw KinesisErrors.limit(
                    "Consumer limit of \(Self.consumerLimit) has been reached for stream \(stream.name) under account \(stream.account)."
                )
            }
            let now = KinesisEngine.now()
            let consumer = ConsumerRecord(
                name: input.consumerName, arn: "\(stream.arn)/consumer/\(input.consumerName):\(now / 1000)",
                status: "CREATING", createdAt: now, tags: input.tags ?? [:])
            stream.consumers.append(consumer)
            // The consumer becomes ACTIVE when the stream's pending transition settles.
            if stream.settlesAt == nil { stream.settlesAt = now + transition }

            created = consumer
        }
        guard let consumer = created else { throw AWSError("InternalFailureException", "No consumer.") }

        return Kinesis.RegisterStreamConsumerOutput(consumer: Self.shape(consumer))
    }

    public func deregisterStreamConsumer(_ input: Kinesis.DeregisterStreamConsumerInput, context: RequestContext)
        async throws
    {
        let (key, name) = try consumerReference(
            streamARN: input.streamARN, consumerName: input.consumerName, consumerARN: input.consumerARN)
        _ = try await engine.update(key, requireActive: false) { stream in
            guard
                let index = stream.consumers.firstIndex(where: { Self.matches($0, name: name, arn: input.consumerARN) })
            else { throw Self.consumerNotFound(name, stream) }
            stream.consumers.remove(at: index)
        }
    }

    public func describeStreamConsumer(_ input: Kinesis.DescribeStreamConsumerInput, context: RequestContext)
        async throws -> Kinesis.DescribeStreamConsumerOutput
    {
        let (consumer, stream) = try await consumer(
            streamARN: input.streamARN, consumerName: input.consumerName, consumerARN: input.consumerARN)
        return Kinesis.DescribeStreamConsumerOutput(
            consumerDescription: Kinesis.ConsumerDescription(
                consumerName: consumer.name, consumerARN: consumer.arn, consumerStatus: consumer.status,
                consumerCreationTimestamp: Self.date(consumer.createdAt), streamARN: stream.arn))
    }

    public func listStreamConsumers(_ input: Kinesis.ListStreamConsumersInput, context: RequestContext) async throws
        -> Kinesis.ListStreamConsumersOutput
    {
        let stream = try await stream(name: nil, arn: input.streamARN, context: context)
        var consumers = stream.consumers
        if let token = input.nextToken {
            guard let page = PageToken(token, kind: "consumers") else {
                throw KinesisErrors.invalid("Invalid NextToken.")
            }
            consumers = Array(consumers.drop { $0.name != page.after }.dropFirst())
        }
        let limit = min(input.maxResults ?? 100, 100)
        let page = Array(consumers.prefix(limit))
        let more = consumers.count > page.count
        return Kinesis.ListStreamConsumersOutput(
            consumers: page.map(Self.shape),
            nextToken: more ? page.last.map { PageToken(kind: "consumers", after: $0.name).text } : nil)
    }

    static func shape(_ consumer: ConsumerRecord) -> Kinesis.Consumer {
        Kinesis.Consumer(
            consumerName: consumer.name, consumerARN: consumer.arn, consumerStatus: consumer.status,
            consumerCreationTimestamp: date(consumer.createdAt))
    }

    static func matches(_ consumer: ConsumerRecord, name: String?, arn: String?) -> Bool {
        if let arn { return consumer.arn == arn }
        return consumer.name == name
    }

    static func consumerNotFound(_ name: String?, _ stream: StreamRecord) -> AWSError {
        AWSError(
            "ResourceNotFoundException",
            "Consumer \(name ?? "") under stream \(stream.name) under account \(stream.account) not found.")
    }

    /// The stream key and consumer name a request names by ConsumerARN or by StreamARN and ConsumerName.
    func consumerReference(streamARN: String?, consumerName: String?, consumerARN: String?) throws
        -> (String, String?)
    {
        if let consumerARN {
            guard let parsed = Self.parseConsumerARN(consumerARN) else {
                throw KinesisErrors.invalid("Invalid ConsumerARN \(consumerARN).")
            }
            return (parsed.streamKey, parsed.consumer)
        }
        guard let streamARN, let consumerName else {
            throw KinesisErrors.invalid("Either ConsumerARN or both ConsumerName and StreamARN must be provided.")
        }
        guard let parsed = Self.parseStreamARN(streamARN) else {
            throw KinesisErrors.invalid("Invalid StreamARN \(streamARN).")
        }
        return (StreamRecord.key(account: parsed.account, region: parsed.region, name: parsed.name), consumerName)
    }

    func consumer(streamARN: String?, consumerName: String?, consumerARN: String?) async throws
        -> (ConsumerRecord, StreamRecord)
    {
        let (key, name) = try consumerReference(
            streamARN: streamARN, consumerName: consumerName, consumerARN: consumerARN)
        guard let stream = try await engine.stream(key) else { throw KinesisErrors.streamNotFound(key: key) }
        guard let consumer = stream.consumers.first(where: { Self.matches($0, name: name, arn: consumerARN) }) else {
            throw Self.consumerNotFound(name, stream)
        }
        return (consumer, stream)
    }
}
