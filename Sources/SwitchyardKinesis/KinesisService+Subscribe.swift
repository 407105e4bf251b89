import Foundation
import SwitchyardModels
import SwitchyardWire

/// SubscribeToShard: an enhanced fan-out consumer's records pushed over the event stream as they
/// arrive, for five minutes, each event carrying the continuation sequence number to subscribe
/// again from.
extension KinesisService {
    /// How long one subscription lasts.
    static let subscriptionMillis: Int64 = 300_000
    /// An event goes out at least this often, empty if no records came.
    static let heartbeat = Duration.seconds(5)

    /// Answered as an event stream by the module (`subscribeToShardStream`); the typed output
    /// cannot carry one.
    public func subscribeToShard(_ input: Kinesis.SubscribeToShardInput, context: RequestContext) async throws
        -> Kinesis.SubscribeToShardOutput
    {
        throw AWSError("InternalFailureException", "SubscribeToShard is answered as an event stream.")
    }

    func subscribeToShardStream(_ input: Kinesis.SubscribeToShardInput, context: RequestContext) async throws
        -> AWSValue
    {
        let (consumer, stream) = try await consumer(
            streamARN: nil, consumerName: nil, consumerARN: input.consumerARN)
        guard consumer.status == "ACTIVE" else {
            throw AWSError(
                "ResourceInUseException",
                "Consumer \(consumer.name) with creation timestamp \(consumer.createdAt / 1000) under stream: \(stream.name) , account \(stream.account) is not in ACTIVE status."
            )
        }
        guard let shard = stream.shards.first(where: { $0.id == input.shardId }) else {
            throw KinesisErrors.shardNotFound(input.shardId, stream)
        }
        let position = try startingPosition(input.startingPosition, stream: stream, shard: shard)
        try await engine.startSubscription(
            consumer: consumer.arn,
            described: "\(stream.account):\(stream.name):\(shard.id):\(consumer.name)", shard: shard.ordinal)
        let subscription = ShardSubscription(
            engine: engine, streamKey: stream.key, incarnation: stream.incarnation, shard: shard.ordinal,
            position: position, until: KinesisEngine.now() + Self.subscriptionMillis)
        var members = AWSStructure()
        members.append("EventStream", .events(EventSource { try await subscription.next() }))
        return .structure(members)
    }

    /// Where a subscription starts: the position just before the first record to send.
    func startingPosition(_ start: Kinesis.StartingPosition, stream: StreamRecord, shard: ShardRecord) throws
        -> UInt64
    {
        switch start.type {
        case "TRIM_HORIZON": return 0
        case "LATEST": return stream.counter
        case "AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER":
            guard let text = start.sequenceNumber, let sequence = SequenceNumber(text), sequence.shard == shard.ordinal
            else {
                throw KinesisErrors.invalid(
                    "StartingSequenceNumber \(start.sequenceNumber ?? "null") used in SubscribeToShard on shard \(shard.id) in stream \(stream.name) under account \(stream.account) is invalid."
                )
            }
            return start.type == "AT_SEQUENCE_NUMBER" ? max(sequence.counter, 1) - 1 : sequence.counter
        case "AT_TIMESTAMP":
            guard let timestamp = start.timestamp else {
                throw KinesisErrors.invalid("Timestamp is required for AT_TIMESTAMP StartingPosition.")
            }
            let millis = Int64(timestamp.timeIntervalSince1970 * 1000)
            return engine.log.position(
                ShardKey(incarnation: stream.incarnation, ordinal: shard.ordinal), atOrAfter: millis)
                ?? stream.counter
        default:
            throw KinesisErrors.invalid("Invalid StartingPosition type \(start.type).")
        }
    }
}

/// One subscription's progress through its shard: each call waits for records (or the heartbeat)
/// and returns the next event; after the last event of a closed shard or at the end of five
/// minutes it ends.
actor ShardSubscription {
    let engine: KinesisEngine
    let streamKey: String
    let incarnation: String
    let shard: Int
    private var position: UInt64
    private let until: Int64
    private var ended = false

    init(engine: KinesisEngine, streamKey: String, incarnation: String, shard: Int, position: UInt64, until: Int64) {
        self.engine = engine
        self.streamKey = streamKey
        self.incarnation = incarnation
        self.shard = shard
        self.position = position
        self.until = until
    }

    func next() async throws -> StreamEvent? {
        guard !ended else { return nil }
        let key = ShardKey(incarnation: incarnation, ordinal: shard)
        var waited = false
        while true {
            guard KinesisEngine.now() < until else { return nil }
            let generation = engine.signals.generation(key)
            guard let stream = try await engine.stream(streamKey), stream.incarnation == incarnation,
                let shardRecord = stream.shards.first(where: { $0.ordinal == shard })
            else {
                ended = true
                throw AWSError("ResourceNotFoundException", "The stream or shard no longer exists.")
            }
            let read = try await engine.read(stream, shard: shardRecord, after: position, limit: 10_000)
            if !read.records.isEmpty || read.exhausted || waited {
                let lastMillis = read.records.last?.millis ?? stream.lastMillis
                position = read.position
                if read.exhausted { ended = true }
                let event = Kinesis.SubscribeToShardEvent(
                    records: read.records.map { KinesisService.shape($0, shard: shard, stream: stream) },
                    continuationSequenceNumber: SequenceNumber(millis: lastMillis, counter: position, shard: shard)
                        .text,
                    millisBehindLatest: Int(read.millisBehindLatest),
                    childShards: read.exhausted ? KinesisService.children(of: shardRecord, in: stream) : nil)
                var value = event.awsValue
                // A closed shard's last event has no continuation, only its children.
                if read.exhausted, case .structure(var members) = value {
                    members["ContinuationSequenceNumber"] = nil
                    value = .structure(members)
                }
                return StreamEvent(name: "SubscribeToShardEvent", value: value)
            }
            await engine.signals.wait(key, since: generation, timeout: KinesisService.heartbeat)
            try Task.checkCancellation()
            waited = true
        }
    }
}
