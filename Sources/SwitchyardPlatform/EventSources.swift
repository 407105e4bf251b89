import Synchronization

/// One record read from an event source another module owns: a queue's message, a stream's record.
public struct SourceRecord: Sendable {
    /// The record's JSON form, as AWS writes it for its consumers.
    public var json: String
    /// What `acknowledge` needs to remove it (a receipt handle).
    public var handle: String
    /// The record's own id (a message id), which consumers report partial failures by.
    public var id: String
    /// The X-Ray trace header the record carries (a message's AWSTraceHeader), for the invocation it
    /// leads to.
    public var traceHeader: String?
    /// The record's form when a Lambda event source mapping gathered it over a batching window, where
    /// AWS writes it differently (an SQS message without attributes then carries
    /// `"md5OfMessageAttributes": null`); nil when it is `json`.
    public var batchedJSON: String?

    public init(
        json: String, handle: String, id: String = "", traceHeader: String? = nil, batchedJSON: String? = nil
    ) {
        self.json = json
        self.handle = handle
        self.id = id
        self.traceHeader = traceHeader
        self.batchedJSON = batchedJSON
    }
}

/// Reads records from one kind of event source, for consumers in other modules (EventBridge Pipes
/// now; Lambda event source mappings later): the owner of the source registers it.
public protocol EventSourceReader: Sendable {
    /// Up to `maximum` records of the source the ARN names, waiting up to `waitSeconds` for the
    /// first; they stay invisible to other readers for `visibilitySeconds` unless acknowledged.
    func receive(from arn: String, maximum: Int, waitSeconds: Int, visibilitySeconds: Int?) async throws
        -> [SourceRecord]

    /// Removes records that were processed.
    func acknowledge(_ records: [SourceRecord], from arn: String) async throws
}

/// The readers of every kind of event source, by the ARN's service (`sqs`, `kinesis`).
public final class EventSourceReaders: Sendable {
    private let readers = Mutex<[String: any EventSourceReader]>([:])
    /// Readers of stream sources, read shard by shard from checkpoints (Kinesis).
    public let streams = StreamSourceReaders()

    public init() {}

    public func register(_ readers: [String: any EventSourceReader]) {
        self.readers.withLock { $0.merge(readers) { _, new in new } }
    }

    /// The reader for the source an ARN names, if its service registered one.
    public func reader(for arn: String) -> (any EventSourceReader)? {
        let service = arn.split(separator: ":", maxSplits: 3, omittingEmptySubsequences: false).dropFirst(2).first
        return service.flatMap { name in readers.withLock { $0[String(name)] } }
    }
}
