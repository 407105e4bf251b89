import Foundation
import SwitchyardModels
import SwitchyardWire

/// PutRecord(s), GetShardIterator and GetRecords.
extension KinesisService {
    /// The most a PutRecords call may carry, data and partition keys together.
    static let putRecordsLimit = 10 * 1024 * 1024

    public func putRecord(_ input: Kinesis.PutRecordInput, context: RequestContext) async throws
        -> Kinesis.PutRecordOutput
    {
        let key = try streamKey(name: input.streamName, arn: input.streamARN, context: context)
        let record = try await checked(
            partitionKey: input.partitionKey, explicitHashKey: input.explicitHashKey, data: input.data, key: key,
            path: "data")
        let stream = try await engine.stream(key)
        let result = try await engine.put(key, [record])[0]
        guard let sequenceNumber = result.sequenceNumber else {
            throw KinesisErrors.throttled(result.shardId, key: key)
        }
        // AWS names the encryption only when there is some.
        return Kinesis.PutRecordOutput(
            shardId: result.shardId, sequenceNumber: sequenceNumber,
            encryptionType: stream?.encryptionType == "KMS" ? "KMS" : nil)
    }

    public func putRecords(_ input: Kinesis.PutRecordsInput, context: RequestContext) async throws
        -> Kinesis.PutRecordsOutput
    {
        let key = try streamKey(name: input.streamName, arn: input.streamARN, context: context)
        var records: [RecordInput] = []
        var total = 0
        for (index, entry) in input.records.enumerated() {
            let record = try await checked(
                partitionKey: entry.partitionKey, explicitHashKey: entry.explicitHashKey, data: entry.data, key: key,
                path: "records.\(index + 1).member.data")
            total += record.data.count + record.partitionKey.utf8.count
            records.append(record)
        }
        if total > Self.putRecordsLimit {
            throw KinesisErrors.invalid("Records size exceeds \(Self.putRecordsLimit / 1024 / 1024) MB limit")
        }
        let stream = try await engine.stream(key)
        let results = try await engine.put(key, records)
        return Kinesis.PutRecordsOutput(
            failedRecordCount: results.filter { $0.sequenceNumber == nil }.count,
            records: results.map { result in
                guard let sequenceNumber = result.sequenceNumber else {
                    let failure = KinesisErrors.throttled(result.shardId, key: key)
                    return Kinesis.PutRecordsResultEntry(errorCode: failure.code, errorMessage: failure.message)
                }
                return Kinesis.PutRecordsResultEntry(sequenceNumber: sequenceNumber, shardId: result.shardId)
            },
            encryptionType: stream?.encryptionType == "KMS" ? "KMS" : nil)
    }

    /// A record checked against the stream's limits.
    private func checked(partitionKey: String, explicitHashKey: String?, data: Data, key: String, path: String)
        async throws -> RecordInput
    {
        var hash: UInt128?
        if let explicitHashKey {
            guard let parsed = HashKeys.parse(explicitHashKey) else {
                throw KinesisErrors.invalid(
                    "Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was \(explicitHashKey)"
                )
            }
            hash = parsed
        }
        // A stream still being created is not found by producers.
        guard let stream = try await engine.stream(key), stream.status != "CREATING" else {
            throw KinesisErrors.streamNotFound(key: key)
        }
        let size = data.count + partitionKey.utf8.count
        let limit = stream.maxRecordSizeKiB * 1024
        if size > limit {
            // Coral's words, with the Java buffer it held the data in.
            throw AWSError(
                "ValidationException",
                "1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=\(data.count) cap=\(data.count)]' at '\(path)' failed to satisfy constraint: Member must have length less than or equal to \(limit)"
            )
        }
        return RecordInput(partitionKey: partitionKey, explicitHashKey: hash, data: Array(data))
    }

    public func getShardIterator(_ input: Kinesis.GetShardIteratorInput, context: RequestContext) async throws
        -> Kinesis.GetShardIteratorOutput
    {
        let ordinal = try Self.shardOrdinal(
            input.shardId, streamName: input.streamName, arn: input.streamARN, context: context)
        let key = try streamKey(name: input.streamName, arn: input.streamARN, context: context)
        guard let stream = try await engine.stream(key), stream.status != "CREATING",
            let shard = stream.shards.first(where: { $0.ordinal == ordinal })
        else { throw KinesisErrors.shardMissing(ShardRecord.id(ordinal), key: key) }
        let wantsSequence = ["AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER"].contains(input.shardIteratorType)
        if wantsSequence != (input.startingSequenceNumber != nil), input.shardIteratorType != "AT_TIMESTAMP" {
            throw KinesisErrors.invalid(
                "Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified \(input.shardIteratorType) and \(wantsSequence ? "no StartingSequenceNumber" : "also a StartingSequenceNumber")."
            )
        }
        let shardKey = ShardKey(incarnation: stream.incarnation, ordinal: shard.ordinal)
        let position: UInt64
        switch input.shardIteratorType {
        case "TRIM_HORIZON":
            position = 0
        case "LATEST":
            position = stream.counter
        case "AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER":
            let text = input.startingSequenceNumber ?? ""
            guard let sequence = SequenceNumber(text) else {
                throw KinesisErrors.invalid(
                    "StartingSequenceNumber \(text) used in GetShardIterator on shard \(shard.id) in stream \(stream.name) under account \(stream.account) is invalid."
                )
            }
            guard sequence.shard == shard.ordinal else {
                throw KinesisErrors.invalid(
                    "Invalid StartingSequenceNumber. It encodes \(ShardRecord.id(sequence.shard)), while it was used in a call to a shard with \(shard.id)"
                )
            }
            position = input.shardIteratorType == "AT_SEQUENCE_NUMBER" ? max(sequence.counter, 1) - 1 : sequence.counter
        case "AT_TIMESTAMP":
            guard let timestamp = input.timestamp else {
                throw KinesisErrors.invalid(
                    "Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. Current request has no timestamp parameter."
                )
            }
            let millis = Int64((timestamp.timeIntervalSince1970 * 1000).rounded(.down))
            if millis > KinesisEngine.now() {
                throw KinesisErrors.invalid(
                    "The timestampInMillis parameter cannot be greater than the currentTimestampInMillis. timestampInMillis: \(millis), currentTimestampInMillis: \(KinesisEngine.now())"
                )
            }
            position = engine.log.position(shardKey, atOrAfter: millis) ?? stream.counter
        default:
            throw KinesisErrors.invalid("Invalid ShardIteratorType \(input.shardIteratorType).")
        }
        let token = ShardIteratorToken(
            account: stream.account, region: stream.region, stream: stream.name, incarnation: stream.incarnation,
            shard: shard.ordinal, position: position, issuedAt: KinesisEngine.now())
        return Kinesis.GetShardIteratorOutput(shardIterator: token.text)
    }

    public func getRecords(_ input: Kinesis.GetRecordsInput, context: RequestContext) async throws
        -> Kinesis.GetRecordsOutput
    {
        // AWS takes an iterator in literal double quotes too.
        var text = input.shardIterator
        if text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") { text = String(text.dropFirst().dropLast()) }
        guard let token = ShardIteratorToken(text) else {
            throw KinesisErrors.invalid("Invalid ShardIterator.")
        }
        let now = KinesisEngine.now()
        if now - token.issuedAt > ShardIteratorToken.lifetimeMillis {
            throw AWSError(
                "ExpiredIteratorException",
                "Iterator expired. The iterator was created at time \(Self.iteratorTime(token.issuedAt)) while right now it is \(Self.iteratorTime(now)) which is further in the future than the tolerated delay of \(ShardIteratorToken.lifetimeMillis) milliseconds."
            )
        }
        let key = StreamRecord.key(account: token.account, region: token.region, name: token.stream)
        guard let stream = try await engine.stream(key), stream.incarnation == token.incarnation,
            let shard = stream.shards.first(where: { $0.ordinal == token.shard })
        else { throw KinesisErrors.shardMissing(ShardRecord.id(token.shard), key: key) }
        guard engine.quotas.admitRead(ShardKey(incarnation: stream.incarnation, ordinal: shard.ordinal)) else {
            throw KinesisErrors.throttled(shard.id, key: key)
        }
        let read = try await engine.read(stream, shard: shard, after: token.position, limit: input.limit ?? 10_000)
        var next = token
        next.position = read.position
        next.issuedAt = now
        next.nonce = UInt32.random(in: 0...UInt32.max)
        return Kinesis.GetRecordsOutput(
            records: read.records.map { Self.shape($0, shard: shard.ordinal, stream: stream) },
            nextShardIterator: read.exhausted ? nil : next.text, millisBehindLatest: Int(read.millisBehindLatest),
            childShards: read.exhausted ? Self.children(of: shard, in: stream) : nil)
    }

    static func shape(_ record: StoredRecord, shard: Int, stream: StreamRecord) -> Kinesis.Record {
        Kinesis.Record(
            sequenceNumber: SequenceNumber(millis: record.millis, counter: record.counter, shard: shard).text,
            approximateArrivalTimestamp: date(record.millis), data: Data(record.data),
            partitionKey: record.partitionKey,
            encryptionType: stream.encryptionType == "KMS" ? "KMS" : nil)
    }

    static func children(of shard: ShardRecord, in stream: StreamRecord) -> [Kinesis.ChildShard] {
        stream.shards.filter { $0.parent == shard.ordinal || $0.adjacentParent == shard.ordinal }.map { child in
            Kinesis.ChildShard(
                shardId: child.id,
                parentShards: [child.parent, child.adjacentParent].compactMap { $0 }.map(ShardRecord.id),
                hashKeyRange: Kinesis.HashKeyRange(
                    startingHashKey: child.startingHashKey, endingHashKey: child.endingHashKey))
        }
    }

    /// How the expiry message writes times: `Fri Nov 27 10:00:00 UTC 2026` in UTC.
    static func iteratorTime(_ millis: Int64) -> String {
        UTCDateFormats.string(date(millis), "EEE MMM dd HH:mm:ss 'UTC' yyyy")
    }
}
