import DequeModule
import Foundation
import SwitchyardCore
import SwitchyardWire

/// The SQS state machine: every queue and message of every account and region on this server.
///
/// One actor owns the working state, in memory, and turns each operation into storage changes. It
/// submits those changes before returning, in the order it made them, and hands back the storage's
/// ticket: callers await the ticket outside the actor, so that the actor keeps serving while the
/// writer group-commits, and a response is sent only once its effects are durable.
public actor SQSEngine {
    let store: any SQSStore
    let clock: any ServiceClock
    var queues: [QueueKey: QueueState] = [:]
    var queuesById: [Int64: QueueState] = [:]
    var nextSeq: Int64 = 1
    var nextQueueId: Int64 = 1
    var waiters: [Int64: [Waiter]] = [:]
    var nextWaiterId = 0
    var receiveAttempts: [String: ReceiveAttempt] = [:]
    /// The receive attempts' ids in the order they were made, which is the order they expire in.
    var receiveAttemptOrder = Deque<(expiresAt: Int64, attemptId: String)>()
    var moveTasks: [MoveTask] = []
    /// When each recently deleted queue went, for the 60-second wait before its name can be reused.
    /// In memory only: a restart (or a reset) forgets it.
    var recentlyDeleted: [QueueKey: Int64] = [:]
    /// Parsed queue policies by their text, for requests of other accounts and services.
    var policyCache: [String: ResourcePolicy] = [:]
    /// Set at shutdown: receives answer at once instead of waiting for messages.
    var longPollsEnded = false
    /// The most messages all queues held at one sweep since memory was last given back.
    var heldHighWater = 0

    /// Loads everything the store holds.
    public init(store: any SQSStore, clock: any ServiceClock = SystemClock()) throws {
        self.store = store
        self.clock = clock
        let loaded = Self.build(try store.load())
        queues = loaded.queues
        queuesById = loaded.queuesById
        nextSeq = loaded.nextSeq
        nextQueueId = loaded.nextQueueId
        moveTasks = loaded.moveTasks
        store.lineage?.onBroken { [weak self] in try await self?.reloadAfterFailedWrite() }
    }

    /// Queues and messages as storage holds them, with the next free seq and queue id.
    private static func build(_ snapshot: SQSSnapshot) -> (
        queues: [QueueKey: QueueState], queuesById: [Int64: QueueState], nextSeq: Int64, nextQueueId: Int64,
        moveTasks: [MoveTask]
    ) {
        var queues: [QueueKey: QueueState] = [:]
        var queuesById: [Int64: QueueState] = [:]
        var nextSeq: Int64 = 1
        var nextQueueId: Int64 = 1
        for record in snapshot.queues {
            let queue = QueueState(
                id: record.id, key: record.key, configuration: record.configuration, tags: record.tags,
                createdAt: record.createdAt)
            queue.lastModifiedAt = record.lastModifiedAt
            queue.lastSequenceNumber = record.lastSequenceNumber
            queues[record.key] = queue
            queuesById[record.id] = queue
            nextQueueId = max(nextQueueId, record.id + 1)
        }
        for (queueId, message) in snapshot.messages {
            nextSeq = max(nextSeq, message.seq + 1)
            guard let queue = queuesById[queueId] else { continue }
            queue.insert(message)
            if let number = message.sequenceNumber.flatMap(Int64.init) {
                queue.lastSequenceNumber = max(queue.lastSequenceNumber, number)
            }
        }
        for queue in queuesById.values where queue.isFIFO { queue.sortGroupsAfterLoad() }
        for (queueId, key, record) in snapshot.deduplication {
            guard let queue = queuesById[queueId] else { continue }
            queue.rememberDeduplication(key, record)
            if let number = Int64(record.sequenceNumber) {
                queue.lastSequenceNumber = max(queue.lastSequenceNumber, number)
            }
        }
        return (queues, queuesById, nextSeq, nextQueueId, snapshot.moveTasks.map(MoveTask.init(record:)))
    }

    /// A write failed to commit, so memory is ahead of storage: replaces every queue and message
    /// with what storage holds. Long polls keep waiting (on the reloaded queues); ids already handed
    /// out are not reused.
    func reloadAfterFailedWrite() throws {
        guard let lineage = store.lineage, lineage.isBroken else { return }
        let loaded = Self.build(try store.load())
        queues = loaded.queues
        queuesById = loaded.queuesById
        nextSeq = max(nextSeq, loaded.nextSeq)
        nextQueueId = max(nextQueueId, loaded.nextQueueId)
        receiveAttempts.removeAll()
        receiveAttemptOrder.removeAll()
        lineage.recovered()
        for queueId in Array(waiters.keys) { wakeAll(queueId) }
    }

    /// Deletes messages past their queue's retention period, durably; returns how many.
    @discardableResult
    public func sweepExpiredMessages() async throws -> Int {
        let now = clock.nowMillis()
        var expired: [Int64] = []
        for queue in queuesById.values { expired += queue.sweepExpired(now: now) }
        guard !expired.isEmpty else { return 0 }
        try await store.submit([.deleteMessages(expired)]).wait()
        return expired.count
    }

    /// Sweeps expired messages once a second until the task is cancelled, and gives back the memory
    /// of queues that have shrunk.
    public nonisolated func runRetentionSweeper() async {
        var trimDue = false
        var lastTrim = ContinuousClock.now
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(1))
            _ = try? await sweepExpiredMessages()
            await forgetExpiredRecords()
            if await compactSparseQueues() { trimDue = true }
            // Trimming walks the allocator's free lists and makes later allocations fault their pages
            // in again: done off the actor, after much was freed, at most every ten seconds.
            if trimDue, ContinuousClock.now - lastTrim >= .seconds(10) {
                AllocatorTuning.releaseFreeMemory()
                trimDue = false
                lastTrim = .now
            }
        }
    }

    /// Received messages of a queue still within their visibility timeout.
    public func inFlightCount(_ key: QueueKey) -> Int {
        queues[key]?.inFlightCount(now: clock.nowMillis()) ?? 0
    }

    /// Number of queues and messages held, for the health endpoint.
    /// Every queue's messages: visible, in flight, delayed.
    func depths() -> [(QueueKey, (Int, Int, Int))] {
        let now = clock.nowMillis()
        return queues.map { ($0.key, $0.value.counts(now: now)) }
    }

    public func statistics() -> (queues: Int, messages: Int) {
        (queues.count, queues.values.reduce(0) { $0 + $1.messages.count })
    }

    func queue(_ key: QueueKey) throws -> QueueState {
        guard let queue = queues[key] else { throw SQSErrors.queueDoesNotExist() }
        return queue
    }

    func record(of queue: QueueState) -> QueueRecord {
        QueueRecord(
            id: queue.id, key: queue.key, configuration: queue.configuration, tags: queue.tags,
            createdAt: queue.createdAt, lastModifiedAt: queue.lastModifiedAt,
            lastSequenceNumber: queue.lastSequenceNumber)
    }

    var nowSeconds: Int64 { clock.nowMillis() / 1000 }

    // MARK: Queues

    /// Creates a queue, or confirms an existing one whose attributes match (CreateQueue is idempotent).
    public func createQueue(_ key: QueueKey, attributes: [String: String], tags: [String: String]) throws
        -> CommitTicket
    {
        var configuration = QueueConfiguration()
        if key.isFIFO { configuration.fifoQueue = true }
        if attributes["FifoQueue"]?.lowercased() == "true", !key.isFIFO {
            throw SQSErrors.invalidParameter(
                "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length."
            )
        }
        try configuration.apply(attributes, fifo: key.isFIFO, creating: true)
        if key.isFIFO { configuration.creationDeduplicationScope = configuration.deduplicationScope }
        if let existing = queues[key] {
            for name in attributes.keys.sorted()
            where existing.configuration.value(of: name) != configuration.value(of: name) {
                throw SQSErrors.queueNameExists(name)
            }
            return .alreadyCommitted
        }
        if let deletedAt = recentlyDeleted[key] {
            if clock.nowMillis() - deletedAt < 60_000 {
                throw AWSError(
                    "QueueDeletedRecently",
                    "You must wait 60 seconds after deleting a queue before you can create another with the same name.")
            }
            recentlyDeleted[key] = nil
        }
        try validateRedriveTarget(configuration, for: key)
        let now = nowSeconds
        let queue = QueueState(id: nextQueueId, key: key, configuration: configuration, tags: tags, createdAt: now)
        nextQueueId += 1
        queues[key] = queue
        queuesById[queue.id] = queue
        return store.submit([.putQueue(record(of: queue))])
    }

    func validateRedriveTarget(_ configuration: QueueConfiguration, for key: QueueKey) throws {
        guard let policy = configuration.redrivePolicy, let target = QueueKey(arn: policy.deadLetterTargetArn) else {
            return
        }
        func invalid(_ reason: String) -> AWSError {
            SQSErrors.invalidParameter("RedrivePolicy", value: configuration.redrivePolicyText ?? "", reason: reason)
        }
        // A dead-letter queue is in the source queue's account and region, as AWS requires.
        guard target.account == key.account, target.region == key.region, let deadLetterQueue = queues[target] else {
            throw invalid("Dead letter target does not exist.")
        }
        if deadLetterQueue.isFIFO != key.isFIFO {
            throw invalid("Dead-letter queue must be same type of queue as the source.")
        }
        if !deadLetterQueue.configuration.allowsRedrive(from: key) {
            throw invalid("Queue \(key.arn) is not allowed to use \(target.arn) as a dead-letter queue.")
        }
    }

    public func deleteQueue(_ key: QueueKey) throws -> CommitTicket {
        let queue = try queue(key)
        queues[key] = nil
        queuesById[queue.id] = nil
        recentlyDeleted[key] = clock.nowMillis()
        wakeAll(queue.id)
        return store.submit([.deleteQueue(queueId: queue.id)])
    }

    public func queueExists(_ key: QueueKey) -> Bool { queues[key] != nil }

    /// Queues of an account and region whose names start with `prefix`, sorted by name.
    public func listQueues(account: String, region: String, prefix: String?) -> [QueueKey] {
        queues.keys.filter { $0.account == account && $0.region == region && $0.name.hasPrefix(prefix ?? "") }.sorted()
    }

    /// The requested attributes of a queue ("All" for every one).
    public func attributes(of key: QueueKey, names: [String]) throws -> [String: String] {
        let queue = try queue(key)
        var wanted = Set<String>()
        for name in names {
            if name == "All" {
                wanted.formUnion(QueueConfiguration.readable)
            } else if QueueConfiguration.readable.contains(name) {
                wanted.insert(name)
            } else {
                throw SQSErrors.invalidAttributeName(name)
            }
        }
        let now = clock.nowMillis()
        let counts = wanted.contains(where: { $0.hasPrefix("Approximate") }) ? queue.counts(now: now) : (0, 0, 0)
        var result: [String: String] = [:]
        for name in wanted {
            switch name {
            case "ApproximateNumberOfMessages": result[name] = String(counts.0)
            case "ApproximateNumberOfMessagesNotVisible": result[name] = String(counts.1)
            case "ApproximateNumberOfMessagesDelayed": result[name] = String(counts.2)
            case "CreatedTimestamp": result[name] = String(queue.createdAt)
            case "LastModifiedTimestamp": result[name] = String(queue.lastModifiedAt)
            case "QueueArn": result[name] = key.arn
            default: result[name] = queue.configuration.value(of: name)
            }
        }
        return result
    }

    public func setAttributes(_ key: QueueKey, _ attributes: [String: String]) throws -> CommitTicket {
        let queue = try queue(key)
        var configuration = queue.configuration
        try configuration.apply(attributes, fifo: queue.isFIFO, creating: false)
        try validateRedriveTarget(configuration, for: key)
        queue.configuration = configuration
        queue.lastModifiedAt = nowSeconds
        return store.submit([.putQueue(record(of: queue))])
    }

    public func tags(of key: QueueKey) throws -> [String: String] { try queue(key).tags }

    public func tag(_ key: QueueKey, _ tags: [String: String]) throws -> CommitTicket {
        let queue = try queue(key)
        let merged = queue.tags.merging(tags) { $1 }
        if merged.count > 50 {
            throw SQSErrors.invalidParameter("Too many tags added for queue \(key.name).")
        }
        queue.tags = merged
        return store.submit([.putQueue(record(of: queue))])
    }

    public func untag(_ key: QueueKey, _ tagKeys: [String]) throws -> CommitTicket {
        let queue = try queue(key)
        for tagKey in tagKeys { queue.tags[tagKey] = nil }
        return store.submit([.putQueue(record(of: queue))])
    }

    /// Queues whose RedrivePolicy names this queue as their dead-letter queue.
    public func deadLetterSources(of key: QueueKey) throws -> [QueueKey] {
        _ = try queue(key)
        return queues.values.filter { $0.configuration.redrivePolicy?.deadLetterTargetArn == key.arn }.map(\.key)
            .sorted()
    }

    /// Replaces the queue's access policy (AddPermission and RemovePermission).
    public func updatePolicy(_ key: QueueKey, _ transform: @Sendable (String?) throws -> String?) throws -> CommitTicket
    {
        let queue = try queue(key)
        queue.configuration.policy = try transform(queue.configuration.policy)
        queue.lastModifiedAt = nowSeconds
        return store.submit([.putQueue(record(of: queue))])
    }

    public func purge(_ key: QueueKey) throws -> CommitTicket {
        let queue = try queue(key)
        let now = clock.nowMillis()
        guard now >= queue.purgeAllowedAt else {
            throw AWSError(
                "PurgeQueueInProgress", "Only one PurgeQueue operation on \(key.name) is allowed every 60 seconds.",
                httpStatus: 403)
        }
        queue.purgeAllowedAt = now + 60_000
        _ = queue.removeAll()
        queue.clearDeduplication()
        return store.submit([.purgeQueue(queueId: queue.id)])
    }

    /// Wipes every queue of every account (the reset endpoints).
    public func reset() -> CommitTicket {
        for queue in queuesById.values { wakeAll(queue.id) }
        queues.removeAll()
        queuesById.removeAll()
        receiveAttempts.removeAll()
        receiveAttemptOrder.removeAll()
        recentlyDeleted.removeAll()
        for task in moveTasks { task.abandoned = true }
        moveTasks.removeAll()
        return store.wipe()
    }
}
