import DequeModule
import Foundation
import HeapModule
import OrderedCollections

/// When a message is next due: ordered by time, then by arrival.
struct ScheduleEntry: Comparable {
    var visibleAt: Int64
    var seq: Int64

    static func < (lhs: ScheduleEntry, rhs: ScheduleEntry) -> Bool {
        lhs.visibleAt != rhs.visibleAt ? lhs.visibleAt < rhs.visibleAt : lhs.seq < rhs.seq
    }
}

/// A due message waiting to be received, ordered by arrival (seq) so that a message whose visibility
/// timeout ran out comes before newer ones, as in AWS.
struct ReadyEntry: Comparable {
    var seq: Int64
    var visibleAt: Int64

    static func < (lhs: ReadyEntry, rhs: ReadyEntry) -> Bool { lhs.seq < rhs.seq }
}

/// A FIFO deduplication record: a later send with the same key within 5 minutes is accepted but not enqueued.
public struct DeduplicationRecord: Sendable, Codable, Equatable {
    public var messageId: String
    public var sequenceNumber: String
    public var expiresAt: Int64
}

/// A deduplication key and when its record expires, ordered by expiry for pruning.
struct DeduplicationExpiry: Comparable {
    var expiresAt: Int64
    var key: String

    static func < (lhs: DeduplicationExpiry, rhs: DeduplicationExpiry) -> Bool { lhs.expiresAt < rhs.expiresAt }
}

/// Everything SQS knows about one queue, in memory. Only the engine actor touches it.
///
/// Standard queues keep one min-heap of (visibleAt, seq) over all messages, so a receive costs
/// O(k log n) whatever the backlog; entries made stale by deletes and visibility changes are skipped
/// when they surface. FIFO queues keep each message group's messages in order, and a group with a
/// message in flight is passed over until that message is deleted or becomes visible again.
final class QueueState {
    let id: Int64
    let key: QueueKey
    var configuration: QueueConfiguration
    var tags: [String: String]
    var createdAt: Int64
    var lastModifiedAt: Int64
    var messages = MessageTable()
    private(set) var deduplication: [String: DeduplicationRecord] = [:]
    /// The records' expiries, so that pruning visits only what expired.
    private var deduplicationExpiry = Heap<DeduplicationExpiry>()
    var lastSequenceNumber: Int64 = 0
    var purgeAllowedAt: Int64 = 0

    private var schedule = Heap<ScheduleEntry>()
    private var ready = Heap<ReadyEntry>()
    /// Received messages whose visibility timeout may still be running, and when each runs out.
    private var inFlight = Set<Int64>()
    private var inFlightExpiry = Heap<ScheduleEntry>()
    /// Messages in the order they arrived, for the retention sweep (entries of deleted messages are skipped).
    private var arrivals = Deque<(sentAt: Int64, seq: Int64)>()
    private var groups: [String: Deque<Int64>] = [:]
    private var groupOrder = OrderedSet<String>()
    /// The most entries any of the structures above has held since they were last compacted: their
    /// storage keeps the capacity of that peak after the entries are gone (see `compactIfSparse`).
    private var highWater = 0
    private var deduplicationHighWater = 0

    init(id: Int64, key: QueueKey, configuration: QueueConfiguration, tags: [String: String], createdAt: Int64) {
        self.id = id
        self.key = key
        self.configuration = configuration
        self.tags = tags
        self.createdAt = createdAt
        self.lastModifiedAt = createdAt
    }

    var isFIFO: Bool { configuration.fifoQueue }

    /// Adds a message (new, redriven, or loaded from storage).
    func insert(_ message: SQSMessage) {
        messages.insert(message)
        arrivals.append((message.sentAt, message.seq))
        highWater = max(highWater, messages.count, arrivals.count)
        if let group = message.messageGroupId, isFIFO {
            groups[group, default: Deque()].append(message.seq)
            groupOrder.append(group)
        } else {
            schedule.insert(ScheduleEntry(visibleAt: message.visibleAt, seq: message.seq))
        }
    }

    /// Rebuilds group order after loading, since storage returns messages by seq, not in group order.
    func sortGroupsAfterLoad() {
        for (group, seqs) in groups { groups[group] = Deque(seqs.sorted()) }
        let heads = groupOrder.compactMap { group in groups[group]?.first.map { (group, $0) } }
        groupOrder = OrderedSet(heads.sorted { $0.1 < $1.1 }.map(\.0))
    }

    @discardableResult
    func remove(_ seq: Int64) -> SQSMessage? {
        guard let message = messages.removeValue(forKey: seq) else { return nil }
        inFlight.remove(seq)
        if let group = message.messageGroupId, isFIFO, var members = groups[group] {
            if members.first == seq {
                members.removeFirst()
            } else if let index = members.firstIndex(of: seq) {
                members.remove(at: index)
            }
            if members.isEmpty {
                groups[group] = nil
                groupOrder.remove(group)
            } else {
                groups[group] = members
            }
        }
        return message
    }

    func removeAll() -> [Int64] {
        let all = messages.seqs
        messages.removeAll()
        schedule = Heap()
        ready = Heap()
        arrivals.removeAll()
        inFlight.removeAll()
        inFlightExpiry = Heap()
        groups.removeAll()
        groupOrder.removeAll()
        return all
    }

    /// Changes when a message is next visible; a received message counts as in flight until then.
    func setVisibleAt(_ seq: Int64, _ visibleAt: Int64) {
        guard let message = messages[seq] else { return }
        messages[seq]?.visibleAt = visibleAt
        if !isFIFO { schedule.insert(ScheduleEntry(visibleAt: visibleAt, seq: seq)) }
        if message.receiptToken != nil {
            inFlight.insert(seq)
            inFlightExpiry.insert(ScheduleEntry(visibleAt: visibleAt, seq: seq))
        }
        highWater = max(highWater, schedule.count, inFlightExpiry.count)
    }

    /// Puts a message's delivery state back as it was before a receive that never reached its client.
    func restoreDelivery(_ seq: Int64, _ prior: PriorDelivery) {
        guard var message = messages[seq] else { return }
        message.visibleAt = prior.visibleAt
        message.receiveCount = prior.receiveCount
        message.firstReceiveAt = prior.firstReceiveAt
        message.receiptToken = prior.receiptToken
        message.lastReceivedAt = prior.lastReceivedAt
        messages[seq] = message
        inFlight.remove(seq)
        if !isFIFO { schedule.insert(ScheduleEntry(visibleAt: prior.visibleAt, seq: seq)) }
    }

    /// How many received messages are still invisible (the in-flight quota counts these).
    func inFlightCount(now: Int64) -> Int {
        while let first = inFlightExpiry.min, first.visibleAt <= now {
            inFlightExpiry.removeMin()
            if let message = messages[first.seq], message.visibleAt == first.visibleAt {
                inFlight.remove(first.seq)
            }
        }
        return inFlight.count
    }

    /// Removes messages older than the retention period, oldest first; returns their seqs.
    ///
    /// Arrival order is send order, so the sweep stops at the first message still within retention.
    /// Messages redriven from another queue keep their original send time and may sit behind newer
    /// ones; receives drop those when they meet them.
    func sweepExpired(now: Int64) -> [Int64] {
        var expired: [Int64] = []
        let cutoff = now - Int64(configuration.messageRetentionPeriod) * 1000
        while let first = arrivals.first {
            guard let message = messages[first.seq] else {
                arrivals.removeFirst()
                continue
            }
            guard message.sentAt <= cutoff else { break }
            arrivals.removeFirst()
            remove(first.seq)
            expired.append(first.seq)
        }
        return expired
    }

    func isExpired(_ message: SQSMessage, now: Int64) -> Bool {
        message.sentAt + Int64(configuration.messageRetentionPeriod) * 1000 <= now
    }

    /// The next messages that may be received now, oldest first, at most `limit`.
    /// Expired messages met on the way are removed and reported.
    func takeReceivable(limit: Int, now: Int64) -> (messages: [Int64], expired: [Int64]) {
        isFIFO ? takeReceivableFIFO(limit: limit, now: now) : takeReceivableStandard(limit: limit, now: now)
    }

    private func takeReceivableStandard(limit: Int, now: Int64) -> (messages: [Int64], expired: [Int64]) {
        var taken: [Int64] = []
        var expired: [Int64] = []
        var seen = Set<Int64>()
        while let top = schedule.min, top.visibleAt <= now {
            schedule.removeMin()
            guard let message = messages[top.seq], message.visibleAt == top.visibleAt else { continue }
            ready.insert(ReadyEntry(seq: top.seq, visibleAt: top.visibleAt))
        }
        while taken.count < limit, let top = ready.min {
            ready.removeMin()
            guard let message = messages[top.seq], message.visibleAt == top.visibleAt, message.visibleAt <= now,
                seen.insert(top.seq).inserted
            else { continue }
            if isExpired(message, now: now) {
                remove(top.seq)
                expired.append(top.seq)
                continue
            }
            taken.append(top.seq)
        }
        return (taken, expired)
    }

    private func takeReceivableFIFO(limit: Int, now: Int64) -> (messages: [Int64], expired: [Int64]) {
        var taken: [Int64] = []
        var expired: [Int64] = []
        // Groups are served in the order their first message became receivable (sent, or returned by
        // a visibility timeout running out or being changed), as AWS does.
        var heads: [(visibleAt: Int64, seq: Int64, group: String)] = []
        for group in groupOrder {
            guard let head = groups[group]?.first, let message = messages[head], message.visibleAt <= now else {
                continue
            }
            heads.append((message.visibleAt, head, group))
        }
        heads.sort { ($0.visibleAt, $0.seq) < ($1.visibleAt, $1.seq) }
        for (_, _, group) in heads {
            guard taken.count < limit, let members = groups[group] else { break }
            for seq in members {
                guard taken.count < limit, let message = messages[seq] else { break }
                if message.visibleAt > now { break }  // in flight or delayed: the rest of the group waits
                if isExpired(message, now: now) {
                    expired.append(seq)
                    continue
                }
                taken.append(seq)
            }
        }
        for seq in expired { remove(seq) }
        return (taken, expired)
    }

    /// The earliest future moment a message may become receivable, for long polls to wake at.
    func nextVisibleAt(after now: Int64) -> Int64? {
        if isFIFO {
            var earliest: Int64?
            for group in groupOrder {
                guard let head = groups[group]?.first, let message = messages[head], message.visibleAt > now else {
                    continue
                }
                earliest = min(earliest ?? message.visibleAt, message.visibleAt)
            }
            return earliest
        }
        while let top = ready.min {
            if let message = messages[top.seq], message.visibleAt == top.visibleAt { return now }
            ready.removeMin()
        }
        while let top = schedule.min {
            if let message = messages[top.seq], message.visibleAt == top.visibleAt {
                return top.visibleAt > now ? top.visibleAt : now
            }
            schedule.removeMin()
        }
        return nil
    }

    /// ApproximateNumberOfMessages, ...NotVisible and ...Delayed.
    func counts(now: Int64) -> (visible: Int, notVisible: Int, delayed: Int) {
        var visible = 0
        var notVisible = 0
        var delayed = 0
        for message in messages.values {
            if message.visibleAt <= now {
                visible += 1
            } else if message.receiptToken != nil {
                notVisible += 1
            } else {
                delayed += 1
            }
        }
        return (visible, notVisible, delayed)
    }

    /// The next FIFO sequence number: 20 digits, increasing within the queue.
    func nextSequenceNumber(now: Int64) -> String {
        lastSequenceNumber = max(lastSequenceNumber + 1, now * 1_000_000)
        let digits = String(lastSequenceNumber)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits
    }

    private var lastDeduplicationPrune: Int64 = 0

    /// Drops expired deduplication records, at most once a second so that a send never pays for a
    /// full sweep. Returns true when it swept, so that storage can sweep too.
    func pruneDeduplication(now: Int64) -> Bool {
        guard now - lastDeduplicationPrune >= 1000 else { return false }
        lastDeduplicationPrune = now
        while let oldest = deduplicationExpiry.min, oldest.expiresAt <= now {
            deduplicationExpiry.removeMin()
            // A key sent again after expiring has a newer record, which stays.
            if let record = deduplication[oldest.key], record.expiresAt <= now { deduplication[oldest.key] = nil }
        }
        return true
    }

    /// Forgets every deduplication record (PurgeQueue).
    func clearDeduplication() {
        deduplication.removeAll()
        deduplicationExpiry = Heap()
    }

    /// Remembers a deduplication record (a new send, or one loaded from storage).
    func rememberDeduplication(_ key: String, _ record: DeduplicationRecord) {
        deduplication[key] = record
        deduplicationExpiry.insert(DeduplicationExpiry(expiresAt: record.expiresAt, key: key))
        deduplicationHighWater = max(deduplicationHighWater, deduplicationExpiry.count)
    }

    /// Entries of the structures beside the message table, stale ones included (for tests and
    /// diagnostics: what compaction drops).
    var indexEntries: Int { schedule.count + ready.count + inFlightExpiry.count + arrivals.count + inFlight.count }

    /// Entries below which compaction is not worth its copy: the capacity a queue may keep unused is
    /// then about a megabyte.
    static let compactionFloor = 16_384

    /// Gives back the memory of entries that are gone, when the queue holds a quarter or less of its peak.
    ///
    /// Swift's collections keep their capacity when entries are removed, so a queue that once held a
    /// backlog of a million messages would keep the tables, heaps and deques sized for it after
    /// draining, until a restart. The heaps and the arrival order also keep stale entries (deleted
    /// messages, superseded visibility times) until those surface, which with long visibility
    /// timeouts, or one old message at the head of the arrival order, can be far more than the queue
    /// holds. Rebuilding drops both; the retention sweep calls this once a second, and since a
    /// rebuild needs the peak to have been four times what is left, its cost is paid for by the
    /// inserts that made the peak. Returns how many entries' room it gave back (0 if it did nothing).
    @discardableResult
    func compactIfSparse() -> Int {
        var released = 0
        let held = max(messages.count, schedule.count, ready.count, inFlightExpiry.count, arrivals.count)
        highWater = max(highWater, held)
        if highWater >= Self.compactionFloor, highWater >= 4 * max(messages.count, 1) {
            let peak = highWater
            compactMessages()
            released += peak - highWater
        }
        deduplicationHighWater = max(deduplicationHighWater, deduplicationExpiry.count)
        if deduplicationHighWater >= Self.compactionFloor, deduplicationHighWater >= 4 * max(deduplication.count, 1) {
            let peak = deduplicationHighWater
            compactDeduplication()
            released += peak - deduplicationHighWater
        }
        return released
    }

    private func compactMessages() {
        messages.compact()
        let current = { [messages] (entry: ScheduleEntry) in messages[entry.seq]?.visibleAt == entry.visibleAt }
        schedule = Heap(schedule.unordered.filter(current))
        ready = Heap(ready.unordered.filter { messages[$0.seq]?.visibleAt == $0.visibleAt })
        inFlightExpiry = Heap(inFlightExpiry.unordered.filter(current))
        var liveInFlight = Set<Int64>(minimumCapacity: inFlight.count)
        for seq in inFlight where messages[seq] != nil { liveInFlight.insert(seq) }
        inFlight = liveInFlight
        arrivals = Deque(arrivals.filter { messages[$0.seq] != nil })
        groups = groups.mapValues { Deque($0) }
        groupOrder = OrderedSet(groupOrder)
        highWater = max(messages.count, schedule.count, ready.count, inFlightExpiry.count, arrivals.count)
    }

    private func compactDeduplication() {
        var records = [String: DeduplicationRecord](minimumCapacity: deduplication.count)
        for (key, record) in deduplication { records[key] = record }
        deduplication = records
        deduplicationExpiry = Heap(deduplicationExpiry.unordered.filter { deduplication[$0.key] != nil })
        deduplicationHighWater = deduplicationExpiry.count
    }
}
