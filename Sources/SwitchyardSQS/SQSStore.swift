import SwitchyardCore

/// A queue as storage keeps it.
public struct QueueRecord: Sendable, Codable, Equatable {
    public var id: Int64
    public var key: QueueKey
    public var configuration: QueueConfiguration
    public var tags: [String: String]
    public var createdAt: Int64
    public var lastModifiedAt: Int64
    public var lastSequenceNumber: Int64
}

/// A change to SQS state that must be durable before the response that caused it is sent.
public enum SQSChange: Sendable {
    case putQueue(QueueRecord)
    case deleteQueue(queueId: Int64)
    case putMessage(queueId: Int64, SQSMessage)
    /// A receive or visibility change: only the delivery state of the message moves.
    case updateDelivery(seq: Int64, visibleAt: Int64, receiveCount: Int, firstReceiveAt: Int64?, receiptToken: String?)
    case deleteMessages([Int64])
    case purgeQueue(queueId: Int64)
    case putDeduplication(queueId: Int64, key: String, DeduplicationRecord)
    /// Forgets deduplication records that expired before the given time.
    case pruneDeduplication(queueId: Int64, before: Int64)
    /// A message move task as it now stands (started, progressed, cancelled or ended).
    case putMoveTask(MoveTaskRecord)
    /// Forgets finished move tasks, by handle.
    case deleteMoveTasks([String])
}

/// Everything SQS loads at start-up.
public struct SQSSnapshot: Sendable {
    public var queues: [QueueRecord] = []
    public var messages: [(queueId: Int64, message: SQSMessage)] = []
    public var deduplication: [(queueId: Int64, key: String, record: DeduplicationRecord)] = []
    /// Message move tasks, oldest first.
    public var moveTasks: [MoveTaskRecord] = []

    public init() {}
}

/// Where SQS keeps its state. Narrow on purpose: the engine holds the working state in memory and
/// storage only has to persist changes, in order, and give them all back at start-up.
public protocol SQSStore: Sendable {
    /// Everything stored, to rebuild the in-memory state.
    func load() throws -> SQSSnapshot

    /// Persists changes in order; the ticket resolves once they are durable.
    func submit(_ changes: [SQSChange]) -> CommitTicket

    /// Removes every queue and message.
    func wipe() -> CommitTicket

    /// The lineage of this store's writes, which breaks when one fails (nil: writes never fail).
    var lineage: WriteLineage? { get }
}

/// Keeps nothing: for `--storage memory` and for tests.
public struct MemorySQSStore: SQSStore {
    public init() {}
    public func load() throws -> SQSSnapshot { SQSSnapshot() }
    public func submit(_ changes: [SQSChange]) -> CommitTicket { .alreadyCommitted }
    public func wipe() -> CommitTicket { .alreadyCommitted }
    public var lineage: WriteLineage? { nil }
}
