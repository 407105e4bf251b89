import Crypto
import Foundation
import SwitchyardCore
import SwitchyardWire

/// A message as a sender hands it over.
public struct OutgoingMessage: Sendable {
    public var body: String
    public var delaySeconds: Int?
    public var attributes: [String: MessageAttribute]
    public var systemAttributes: [String: MessageAttribute]
    public var messageGroupId: String?
    public var messageDeduplicationId: String?
    /// The X-Amzn-Trace-Id header of the request, stored as AWSTraceHeader unless given explicitly.
    public var traceHeader: String?

    public init(
        body: String, delaySeconds: Int? = nil, attributes: [String: MessageAttribute] = [:],
        systemAttributes: [String: MessageAttribute] = [:], messageGroupId: String? = nil,
        messageDeduplicationId: String? = nil
    ) {
        self.body = body
        self.delaySeconds = delaySeconds
        self.attributes = attributes
        self.systemAttributes = systemAttributes
        self.messageGroupId = messageGroupId
        self.messageDeduplicationId = messageDeduplicationId
    }

    /// Counted against MaximumMessageSize and the batch limit: body and user attributes.
    public var size: Int {
        body.utf8.count + attributes.reduce(0) { $0 + $1.value.size(name: $1.key) }
    }
}

/// What SendMessage answers for one accepted message.
public struct SendResult: Sendable, Equatable {
    public var messageId: String
    public var md5OfBody: String
    public var md5OfMessageAttributes: String?
    public var md5OfMessageSystemAttributes: String?
    public var sequenceNumber: String?
}

/// How a ReceiveMessage call wants its messages.
public struct ReceiveRequest: Sendable {
    public var maxMessages: Int
    public var visibilityTimeout: Int?
    public var waitSeconds: Int?
    public var attemptId: String?

    public init(maxMessages: Int = 1, visibilityTimeout: Int? = nil, waitSeconds: Int? = nil, attemptId: String? = nil)
    {
        self.maxMessages = maxMessages
        self.visibilityTimeout = visibilityTimeout
        self.waitSeconds = waitSeconds
        self.attemptId = attemptId
    }
}

/// One received message with the receipt handle of this receive.
public struct ReceivedMessage: Sendable {
    public var message: SQSMessage
    public var receiptHandle: String
    /// The message's delivery state before this receive, to hand it back untouched if the answer
    /// never reaches the client.
    var prior: PriorDelivery?
}

/// What a receive changes on a message.
struct PriorDelivery: Sendable {
    var visibleAt: Int64
    var receiveCount: Int
    var firstReceiveAt: Int64?
    var receiptToken: String?
    var lastReceivedAt: Int64?

    init(_ message: SQSMessage) {
        visibleAt = message.visibleAt
        receiveCount = message.receiveCount
        firstReceiveAt = message.firstReceiveAt
        receiptToken = message.receiptToken
        lastReceivedAt = message.lastReceivedAt
    }
}

/// A FIFO ReceiveRequestAttemptId remembered for 5 minutes, so that a retried receive returns the same messages.
struct ReceiveAttempt {
    var queueId: Int64
    var handles: [(seq: Int64, token: String)]
    var expiresAt: Int64
}

extension SQSEngine {
    /// Sends messages (one for SendMessage, up to ten for SendMessageBatch). Entries fail one by one;
    /// a missing queue fails the whole call.
    public func send(_ key: QueueKey, _ entries: [OutgoingMessage], senderId: String, batch: Bool = false) throws
        -> ([Result<SendResult, AWSError>], CommitTicket)
    {
        let queue = try queue(key)
        if batch, queue.isFIFO {
            // In a batch, a FIFO entry without its group or deduplication id fails the whole request.
            for entry in entries {
                if entry.messageGroupId == nil {
                    throw AWSError.invalidParameterValue("The request must contain the parameter MessageGroupId.")
                }
                if entry.messageDeduplicationId == nil, !queue.configuration.contentBasedDeduplication {
                    throw AWSError.invalidParameterValue(
                        "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly"
                    )
                }
            }
        }
        let now = clock.nowMillis()
        var changes: [SQSChange] = []
        changes.reserveCapacity(entries.count)
        var results: [Result<SendResult, AWSError>] = []
        results.reserveCapacity(entries.count)
        var becameVisible = 0
        for entry in entries {
            do {
                let (result, visible) = try accept(
                    entry, into: queue, senderId: senderId, now: now, inBatch: batch, changes: &changes)
                if visible { becameVisible += 1 }
                results.append(.success(result))
            } catch let error as AWSError {
                results.append(.failure(error))
            }
        }
        if becameVisible > 0 { wake(queue.id, count: becameVisible) }
        return (results, changes.isEmpty ? .alreadyCommitted : store.submit(changes))
    }

    /// Sends one message to each of several queues in one step and one commit (a fan-out from
    /// another service). Each send fails on its own, a missing queue included, and so does a send
    /// into another account's queue whose policy does not let `source` send.
    public func sendToEach(_ sends: [(QueueKey, OutgoingMessage)], senderId: String, source: ServiceSender? = nil)
        -> ([Result<SendResult, AWSError>], CommitTicket)
    {
        let now = clock.nowMillis()
        var changes: [SQSChange] = []
        changes.reserveCapacity(sends.count)
        var results: [Result<SendResult, AWSError>] = []
        results.reserveCapacity(sends.count)
        for (key, entry) in sends {
            do {
                if let source {
                    try authorize(key, "SendMessage", principal: source.principal, context: source.context)
                }
                let queue = try queue(key)
                let (result, visible) = try accept(entry, into: queue, senderId: senderId, now: now, changes: &changes)
                if visible { wake(queue.id, count: 1) }
                results.append(.success(result))
            } catch let error as AWSError {
                results.append(.failure(error))
            } catch {
                results.append(.failure(.internalFailure()))
            }
        }
        return (results, changes.isEmpty ? .alreadyCommitted : store.submit(changes))
    }

    private func accept(
        _ entry: OutgoingMessage, into queue: QueueState, senderId: String, now: Int64, inBatch: Bool = false,
        changes: inout [SQSChange]
    ) throws -> (SendResult, Bool) {
        try MessageValidation.validateBody(entry.body)
        try MessageValidation.validateAttributes(entry.attributes)
        try MessageValidation.validateSystemAttributes(entry.systemAttributes)
        let limit = queue.configuration.maximumMessageSize
        if entry.size > limit {
            // A batch entry's parameters "cannot be validated" where a single message's "are invalid" (recorded).
            throw AWSError.invalidParameterValue(
                "One or more parameters \(inBatch ? "cannot be validated" : "are invalid"). Reason: Message must be shorter than \(limit) bytes."
            )
        }
        if let delay = entry.delaySeconds {
            // FIFO queues delay only per queue; an explicit 0 is accepted (and the queue's delay applies).
            if queue.isFIFO, delay != 0 {
                throw SQSErrors.invalidParameter(
                    "DelaySeconds", value: String(delay),
                    reason: "The request include parameter that is not valid for this queue type.")
            }
            guard (0...900).contains(delay) else {
                throw SQSErrors.invalidParameter(
                    "DelaySeconds", value: String(delay), reason: "DelaySeconds must be >= 0 and <= 900")
            }
        }
        var deduplicationKey: String?
        var deduplicationId: String?
        if queue.isFIFO {
            guard let group = entry.messageGroupId else { throw AWSError.missingParameter("MessageGroupId") }
            try MessageValidation.validateFIFOToken(group, parameter: "MessageGroupId")
            if let explicit = entry.messageDeduplicationId {
                try MessageValidation.validateFIFOToken(explicit, parameter: "MessageDeduplicationId")
                deduplicationId = explicit
            } else if queue.configuration.contentBasedDeduplication {
                deduplicationId = Hex.encode(SHA256.hash(data: Array(entry.body.utf8)))
            } else {
                throw AWSError.invalidParameterValue(
                    "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly"
                )
            }
            if let deduplicationId {
                deduplicationKey =
                    (queue.configuration.creationDeduplicationScope ?? queue.configuration.deduplicationScope)
                        == "messageGroup"
                    ? "\(group)\u{1}\(deduplicationId)" : deduplicationId
            }
        } else {
            if entry.messageDeduplicationId != nil {
                throw SQSErrors.invalidParameter(
                    "MessageDeduplicationId", value: entry.messageDeduplicationId ?? "",
                    reason: "The request include parameter that is not valid for this queue type.")
            }
            if let group = entry.messageGroupId {
                try MessageValidation.validateFIFOToken(group, parameter: "MessageGroupId")
            }
        }
        let md5OfBody = MessageDigest.md5OfBody(entry.body)
        let md5OfAttributes = MessageDigest.md5OfAttributes(entry.attributes)
        let md5OfSystem = MessageDigest.md5OfAttributes(entry.systemAttributes)
        var systemAttributes = entry.systemAttributes
        if let traceHeader = entry.traceHeader, systemAttributes["AWSTraceHeader"] == nil {
            systemAttributes["AWSTraceHeader"] = MessageAttribute(dataType: "String", stringValue: traceHeader)
        }
        if queue.isFIFO, queue.pruneDeduplication(now: now) {
            changes.append(.pruneDeduplication(queueId: queue.id, before: now))
        }
        if let deduplicationKey, let previous = queue.deduplication[deduplicationKey], previous.expiresAt > now {
            // Accepted but not enqueued again: the answer names the message already sent.
            return (
                SendResult(
                    messageId: previous.messageId, md5OfBody: md5OfBody, md5OfMessageAttributes: md5OfAttributes,
                    md5OfMessageSystemAttributes: md5OfSystem, sequenceNumber: previous.sequenceNumber), false
            )
        }
        let delay =
            queue.isFIFO ? queue.configuration.delaySeconds : entry.delaySeconds ?? queue.configuration.delaySeconds
        let sequenceNumber = queue.isFIFO ? queue.nextSequenceNumber(now: now) : nil
        let message = SQSMessage(
            seq: nextSeq, id: .random(), body: entry.body, attributes: entry.attributes,
            systemAttributes: systemAttributes, md5OfMessageAttributes: md5OfAttributes,
            md5OfMessageSystemAttributes: md5OfSystem, sentAt: now, senderId: senderId,
            messageGroupId: entry.messageGroupId, messageDeduplicationId: deduplicationId,
            sequenceNumber: sequenceNumber,
            deadLetterQueueSourceArn: nil, visibleAt: now + Int64(delay) * 1000, receiveCount: 0, firstReceiveAt: nil,
            receiptToken: nil)
        nextSeq += 1
        let messageId = message.messageId
        queue.insert(message)
        changes.append(.putMessage(queueId: queue.id, message))
        if let deduplicationKey, let sequenceNumber {
            let remembered = DeduplicationRecord(
                messageId: messageId, sequenceNumber: sequenceNumber, expiresAt: now + 300_000)
            queue.rememberDeduplication(deduplicationKey, remembered)
            changes.append(.putDeduplication(queueId: queue.id, key: deduplicationKey, remembered))
        }
        return (
            SendResult(
                messageId: messageId, md5OfBody: md5OfBody, md5OfMessageAttributes: md5OfAttributes,
                md5OfMessageSystemAttributes: md5OfSystem, sequenceNumber: sequenceNumber), delay == 0
        )
    }

    /// Receives up to `maxMessages`, long-polling up to `waitSeconds` (or the queue's
    /// ReceiveMessageWaitTimeSeconds) until at least one message is available.
    public func receive(_ key: QueueKey, _ request: ReceiveRequest) async throws -> ([ReceivedMessage], CommitTicket) {
        var queue = try queue(key)
        let wait = request.waitSeconds ?? queue.configuration.receiveMessageWaitTimeSeconds
        let deadline = clock.nowMillis() + Int64(wait) * 1000
        while true {
            // The same queue, not one deleted and made again meanwhile (its state object is replaced
            // when storage is reloaded, its id is not).
            guard let current = queues[key], current.id == queue.id else { throw SQSErrors.queueDoesNotExist() }
            queue = current
            // A poll whose client is gone takes nothing: its messages would go invisible unseen.
            if Task.isCancelled { throw CancellationError() }
            let (received, ticket) = try receiveNow(queue, request)
            let now = clock.nowMillis()
            if !received.isEmpty || now >= deadline || longPollsEnded {
                if !received.isEmpty, queue.nextVisibleAt(after: now).map({ $0 <= now }) == true {
                    wake(queue.id, count: 1)  // more remain: let another waiting receiver have them
                }
                return (received, ticket)
            }
            let wakeAt = min(deadline, queue.nextVisibleAt(after: now) ?? deadline)
            await waitForMessages(queueId: queue.id, untilMillis: wakeAt)
        }
    }

    private func receiveNow(_ queue: QueueState, _ request: ReceiveRequest) throws -> ([ReceivedMessage], CommitTicket)
    {
        let now = clock.nowMillis()
        if let attemptId = request.attemptId, queue.isFIFO,
            let repeated = repeatAttempt(attemptId, queue: queue, now: now)
        {
            return (repeated, .alreadyCommitted)
        }
        let visibility = Int64(request.visibilityTimeout ?? queue.configuration.visibilityTimeout) * 1000
        let room = SQSLimits.maxInFlight - queue.inFlightCount(now: now)
        guard room > 0 else {
            // Standard queues answer OverLimit; FIFO queues just return nothing.
            if queue.isFIFO { return ([], .alreadyCommitted) }
            throw SQSErrors.overLimit()
        }
        let (taken, expired) = queue.takeReceivable(limit: min(request.maxMessages, room), now: now)
        var changes: [SQSChange] = []
        if !expired.isEmpty { changes.append(.deleteMessages(expired)) }
        var received: [ReceivedMessage] = []
        let deadLetterQueue = queue.configuration.redrivePolicy.flatMap { QueueKey(arn: $0.deadLetterTargetArn) }
            .flatMap { queues[$0] }
        for seq in taken {
            guard var message = queue.messages[seq] else { continue }
            if let policy = queue.configuration.redrivePolicy, let deadLetterQueue,
                message.receiveCount >= policy.maxReceiveCount
            {
                transfer(
                    seq, from: queue, to: deadLetterQueue, sourceArn: queue.key.arn, now: now, changes: &changes,
                    keepReceiveCount: true)
                continue
            }
            let prior = PriorDelivery(message)
            message.receiveCount += 1
            message.firstReceiveAt = message.firstReceiveAt ?? now
            message.receiptToken = String(UInt64.random(in: 0...UInt64.max), radix: 36)
            message.lastReceivedAt = now
            message.visibleAt = now + visibility
            queue.messages[seq] = message
            queue.setVisibleAt(seq, message.visibleAt)
            changes.append(
                .updateDelivery(
                    seq: seq, visibleAt: message.visibleAt, receiveCount: message.receiveCount,
                    firstReceiveAt: message.firstReceiveAt, receiptToken: message.receiptToken))
            let handle = ReceiptHandle(queueId: queue.id, seq: seq, token: message.receiptToken ?? "")
            received.append(ReceivedMessage(message: message, receiptHandle: handle.encoded, prior: prior))
        }
        if let attemptId = request.attemptId, queue.isFIFO, !received.isEmpty {
            let expiresAt = now + 300_000
            receiveAttempts[attemptId] = ReceiveAttempt(
                queueId: queue.id, handles: received.map { ($0.message.seq, $0.message.receiptToken ?? "") },
                expiresAt: expiresAt)
            receiveAttemptOrder.append((expiresAt, attemptId))
        }
        return (received, changes.isEmpty ? .alreadyCommitted : store.submit(changes))
    }

    /// The messages of an earlier receive with the same attempt id, if they are all still in flight under it.
    private func repeatAttempt(_ attemptId: String, queue: QueueState, now: Int64) -> [ReceivedMessage]? {
        guard let attempt = receiveAttempts[attemptId] else { return nil }
        guard attempt.queueId == queue.id, attempt.expiresAt > now else {
            receiveAttempts[attemptId] = nil
            return nil
        }
        var repeated: [ReceivedMessage] = []
        for (seq, token) in attempt.handles {
            guard let message = queue.messages[seq], message.receiptToken == token, message.isInFlight(now: now) else {
                receiveAttempts[attemptId] = nil
                return nil
            }
            repeated.append(
                ReceivedMessage(
                    message: message, receiptHandle: ReceiptHandle(queueId: queue.id, seq: seq, token: token).encoded))
        }
        return repeated
    }

    /// Moves a message to another queue, visible at once (dead-letter redrive and message move
    /// tasks). `sourceArn` is what DeadLetterQueueSourceArn will report, if anything. A dead-lettered
    /// message keeps its receive count, as AWS's does; a moved one starts afresh.
    func transfer(
        _ seq: Int64, from source: QueueState, to target: QueueState, sourceArn: String?, now: Int64,
        changes: inout [SQSChange], keepReceiveCount: Bool = false
    ) {
        guard var message = source.remove(seq) else { return }
        message.deadLetterQueueSourceArn = sourceArn
        if !keepReceiveCount {
            message.receiveCount = 0
            message.firstReceiveAt = nil
        }
        message.receiptToken = nil
        message.visibleAt = now
        target.insert(message)
        changes.append(.putMessage(queueId: target.id, message))
        wake(target.id, count: 1)
    }

    /// Deletes messages by receipt handle. A handle of an earlier receive, or of a message already
    /// deleted, succeeds without deleting anything, as SQS documents.
    public func delete(_ key: QueueKey, receiptHandles: [String]) throws -> ([Result<Void, AWSError>], CommitTicket) {
        let queue = try queue(key)
        let now = clock.nowMillis()
        var results: [Result<Void, AWSError>] = []
        var deleted: [Int64] = []
        for text in receiptHandles {
            guard let handle = ReceiptHandle(text), handle.queueId == queue.id else {
                results.append(.failure(SQSErrors.receiptHandleInvalid(text)))
                continue
            }
            if let message = queue.messages[handle.seq] {
                // A FIFO queue takes only the current handle of a message still in flight; a standard
                // queue deletes with any handle issued for the message, as AWS does.
                if queue.isFIFO, message.receiptToken != handle.token || !message.isInFlight(now: now) {
                    results.append(.failure(SQSErrors.receiptHandleExpired(text)))
                    continue
                }
                queue.remove(handle.seq)
                deleted.append(handle.seq)
                if queue.isFIFO, waiters[queue.id] != nil {
                    wake(queue.id, count: 1)  // the group's next message may be receivable now
                }
            }
            results.append(.success(()))
        }
        return (results, deleted.isEmpty ? .alreadyCommitted : store.submit([.deleteMessages(deleted)]))
    }

    /// The message a ChangeMessageVisibility entry may act on, or the error SQS answers for it.
    private func inFlightMessage(_ text: String, newTimeout timeout: Int, in queue: QueueState, now: Int64) throws
        -> (ReceiptHandle, SQSMessage)
    {
        guard let handle = ReceiptHandle(text), handle.queueId == queue.id else {
            throw SQSErrors.receiptHandleInvalid(text)
        }
        guard (0...SQSLimits.maxVisibilityTimeout).contains(timeout) else {
            throw SQSErrors.invalidParameter(
                "VisibilityTimeout", value: String(timeout),
                reason: "VisibilityTimeout must be an integer between 0 and 43200")
        }
        guard let message = queue.messages[handle.seq], message.receiptToken != nil else {
            throw SQSErrors.invalidParameter(
                "ReceiptHandle", value: text,
                reason: "Message does not exist or is not available for visibility timeout change.")
        }
        // A FIFO queue takes only the current handle of a message in flight; a standard queue takes
        // any handle issued for the message, in flight or visible again (AWS answers 200 for both).
        if queue.isFIFO {
            guard message.receiptToken == handle.token, message.isInFlight(now: now) else {
                throw SQSErrors.receiptHandleExpired(text)
            }
        }
        let receivedAt = message.lastReceivedAt ?? message.firstReceiveAt ?? now
        guard now + Int64(timeout) * 1000 - receivedAt <= Int64(SQSLimits.maxVisibilityTimeout) * 1000 else {
            throw SQSErrors.invalidParameter(
                "VisibilityTimeout", value: String(timeout),
                reason: "Total VisibilityTimeout for the message is beyond the limit [43200 seconds]")
        }
        return (handle, message)
    }

    /// Changes the visibility timeout of received messages.
    public func changeVisibility(_ key: QueueKey, _ entries: [(receiptHandle: String, timeout: Int)]) throws
        -> ([Result<Void, AWSError>], CommitTicket)
    {
        let queue = try queue(key)
        let now = clock.nowMillis()
        var results: [Result<Void, AWSError>] = []
        var changes: [SQSChange] = []
        var becameVisible = 0
        for (text, timeout) in entries {
            let handle: ReceiptHandle
            let message: SQSMessage
            do {
                (handle, message) = try inFlightMessage(text, newTimeout: timeout, in: queue, now: now)
            } catch let error as AWSError {
                results.append(.failure(error))
                continue
            }
            let visibleAt = now + Int64(timeout) * 1000
            queue.setVisibleAt(handle.seq, visibleAt)
            if timeout == 0 { becameVisible += 1 }
            changes.append(
                .updateDelivery(
                    seq: handle.seq, visibleAt: visibleAt, receiveCount: message.receiveCount,
                    firstReceiveAt: message.firstReceiveAt, receiptToken: message.receiptToken))
            results.append(.success(()))
        }
        if becameVisible > 0 { wake(queue.id, count: becameVisible) }
        return (results, changes.isEmpty ? .alreadyCommitted : store.submit(changes))
    }
}
