import Foundation
import SwitchyardDelivery
import SwitchyardMatching
import SwitchyardPlatform
import SwitchyardWire

/// Reads a stream (Kinesis) for an event source mapping, shard by shard and in order: a shard's
/// children start once it is read to its end. Each batch (up to the batch size, gathered for up to
/// the batching window) invokes the function with Kinesis's event; a failed batch is retried from
/// the same record (halved each time with BisectBatchOnFunctionError) until it succeeds, its retries
/// run out or its records grow too old: then its description goes to the on-failure destination and
/// reading moves past it. With ReportBatchItemFailures, reading resumes at the first failed record.
/// Checkpoints are stored with the mapping after every batch, so a restart resumes where it was.
struct StreamMappingPoller {
    let uuid: String
    let service: LambdaService
    let reader: any StreamSourceReader

    /// A batch that failed and is being retried: where it starts, and how many records it may take.
    private struct Retry {
        var attempts: Int
        var limit: Int
    }

    func run() async {
        var retries: [String: Retry] = [:]
        var batchingSince: [String: ContinuousClock.Instant] = [:]
        while !Task.isCancelled {
            guard let mapping = await service.engine.mapping(uuid), mapping.enabled, var settings = mapping.stream
            else { return }
            guard let shards = await reader.shards(of: mapping.eventSourceArn) else {
                try? await Task.sleep(for: .seconds(1))
                continue
            }
            let finished = Set(settings.finishedShards)
            let ready = shards.readable(finished: finished)
            var progressed = false
            for shard in ready {
                guard !Task.isCancelled else { return }
                do {
                    let known = settings.checkpoints[shard.id]
                    let checkpoint = try await reader.checkpoint(
                        known, of: mapping.eventSourceArn, shard: shard, position: settings.startingPosition,
                        timestamp: settings.startingPositionTimestamp)
                    if known == nil {
                        settings.checkpoints[shard.id] = checkpoint
                        try await store(settings)
                    }
                    if settings.parallelizationFactor > 1 {
                        // Several batches of a shard at once, records of one partition key in order.
                        let read = try await reader.read(
                            mapping.eventSourceArn, shard: shard.id, after: checkpoint,
                            limit: mapping.batchSize * settings.parallelizationFactor)
                        if read.records.isEmpty {
                            if read.exhausted {
                                settings.finishedShards.append(shard.id)
                                try await store(settings)
                                progressed = true
                            }
                            continue
                        }
                        progressed = true
                        let succeeded = await processWindow(
                            read.records, shard: shard.id, mapping: mapping, settings: settings)
                        settings.checkpoints[shard.id] = read.checkpoint
                        settings.lastProcessingResult = succeeded ? "OK" : "PROBLEM: Function call failed"
                        try await store(settings)
                        continue
                    }
                    let limit = retries[shard.id]?.limit ?? mapping.batchSize
                    let read = try await reader.read(
                        mapping.eventSourceArn, shard: shard.id, after: checkpoint, limit: limit)
                    if read.records.isEmpty {
                        if read.exhausted {
                            settings.finishedShards.append(shard.id)
                            try await store(settings)
                            progressed = true
                        }
                        continue
                    }
                    // The batching window: a batch smaller than the batch size waits for more.
                    if read.records.count < limit, mapping.maximumBatchingWindowInSeconds > 0, retries[shard.id] == nil,
                        !read.exhausted
                    {
                        let since = batchingSince[shard.id] ?? .now
                        batchingSince[shard.id] = since
                        if ContinuousClock.now - since < .seconds(mapping.maximumBatchingWindowInSeconds) { continue }
                    }
                    batchingSince[shard.id] = nil
                    progressed = true
                    let outcome = await handle(read.records, shard: shard.id, mapping: mapping, settings: settings)
                    switch outcome {
                    case .done(let through):
                        retries[shard.id] = nil
                        settings.checkpoints[shard.id] = through
                        settings.lastProcessingResult = "OK"
                    case .failed:
                        var retry = retries[shard.id] ?? Retry(attempts: 0, limit: read.records.count)
                        retry.attempts += 1
                        if settings.bisectBatchOnFunctionError { retry.limit = max(1, read.records.count / 2) }
                        settings.lastProcessingResult = "PROBLEM: Function call failed"
                        if settings.maximumRetryAttempts >= 0, retry.attempts > settings.maximumRetryAttempts {
                            await sendToDestination(
                                read.records, shard: shard.id, mapping: mapping, settings: settings,
                                condition: "RetryAttemptsExhausted", attempts: retry.attempts)
                            settings.checkpoints[shard.id] = read.records.last?.checkpoint ?? checkpoint
                            retries[shard.id] = nil
                        } else {
                            retries[shard.id] = retry
                        }
                    case .partial(let through, let failedFrom):
                        // Resume at the first failed record; the rest of the batch comes again.
                        settings.checkpoints[shard.id] = through
                        var retry = retries[shard.id] ?? Retry(attempts: 0, limit: mapping.batchSize)
                        retry.attempts += 1
                        if settings.maximumRetryAttempts >= 0, retry.attempts > settings.maximumRetryAttempts {
                            let rest = Array(read.records[failedFrom...])
                            await sendToDestination(
                                rest, shard: shard.id, mapping: mapping, settings: settings,
                                condition: "RetryAttemptsExhausted", attempts: retry.attempts, partial: true)
                            settings.checkpoints[shard.id] = read.records.last?.checkpoint ?? through
                            retries[shard.id] = nil
                        } else {
                            retries[shard.id] = retry
                        }
                    }
                    try await store(settings)
                } catch {
                    try? await Task.sleep(for: .milliseconds(500))
                }
            }
            if !progressed {
                await waitForAny(ready, arn: mapping.eventSourceArn, settings: settings)
            } else if retries.values.contains(where: { $0.attempts > 0 }) {
                // A batch that failed is tried again after a short pause.
                try? await Task.sleep(for: .milliseconds(500))
            }
        }
    }

    /// ParallelizationFactor above 1: the window's records are split into that many lanes by their
    /// partition key's hash (so that one key's records stay in order), and the lanes run at once,
    /// each in batches of the batch size, each batch retried (and bisected) as a single batch would
    /// be. The window is done when every lane is; answers whether every batch succeeded.
    private func processWindow(
        _ records: [StreamSourceRecord], shard: String, mapping: EventSourceMappingRecord,
        settings: StreamMappingSettings
    ) async -> Bool {
        let factor = settings.parallelizationFactor
        var lanes = [[StreamSourceRecord]](repeating: [], count: factor)
        for record in records {
            let hash = record.partitionKey.utf8.reduce(UInt32(2_166_136_261)) { ($0 ^ UInt32($1)) &* 16_777_619 }
            lanes[Int(hash % UInt32(factor))].append(record)
        }
        return await withTaskGroup(of: Bool.self) { group in
            for lane in lanes where !lane.isEmpty {
                group.addTask { await processLane(lane, shard: shard, mapping: mapping, settings: settings) }
            }
            var all = true
            for await succeeded in group where !succeeded { all = false }
            return all
        }
    }

    /// One lane of a window, batch after batch, each retried until it succeeds or is given up on.
    private func processLane(
        _ records: [StreamSourceRecord], shard: String, mapping: EventSourceMappingRecord,
        settings: StreamMappingSettings
    ) async -> Bool {
        var remaining = records[...]
        var allSucceeded = true
        var attempts = 0
        var limit = mapping.batchSize
        while !remaining.isEmpty, !Task.isCancelled {
            let batch = Array(remaining.prefix(limit))
            switch await handle(batch, shard: shard, mapping: mapping, settings: settings) {
            case .done:
                remaining = remaining.dropFirst(batch.count)
                attempts = 0
                limit = mapping.batchSize
            case .partial(_, let failedFrom):
                remaining = remaining.dropFirst(failedFrom)
                attempts += 1
                if settings.maximumRetryAttempts >= 0, attempts > settings.maximumRetryAttempts {
                    let rest = Array(batch[failedFrom...])
                    await sendToDestination(
                        rest, shard: shard, mapping: mapping, settings: settings, condition: "RetryAttemptsExhausted",
                        attempts: attempts, partial: true)
                    remaining = remaining.dropFirst(rest.count)
                    attempts = 0
                    allSucceeded = false
                } else {
                    try? await Task.sleep(for: .milliseconds(500))
                }
            case .failed:
                attempts += 1
                if settings.bisectBatchOnFunctionError { limit = max(1, batch.count / 2) }
                if settings.maximumRetryAttempts >= 0, attempts > settings.maximumRetryAttempts {
                    await sendToDestination(
                        batch, shard: shard, mapping: mapping, settings: settings, condition: "RetryAttemptsExhausted",
                        attempts: attempts)
                    remaining = remaining.dropFirst(batch.count)
                    attempts = 0
                    limit = mapping.batchSize
                    allSucceeded = false
                } else {
                    try? await Task.sleep(for: .milliseconds(500))
                }
            }
        }
        return allSucceeded
    }

    /// Saves the mapping's reading state, unless the mapping changed meanwhile (it is deleted or
    /// its settings were updated: the update wins).
    private func store(_ settings: StreamMappingSettings) async throws {
        guard var mapping = await service.engine.mapping(uuid) else { throw CancellationError() }
        mapping.stream?.checkpoints = settings.checkpoints
        mapping.stream?.finishedShards = settings.finishedShards
        mapping.stream?.lastProcessingResult = settings.lastProcessingResult
        try await service.engine.save(mapping)
    }

    /// Waits until any of the shards may have records (or a second passes).
    private func waitForAny(_ shards: [StreamSourceShard], arn: String, settings: StreamMappingSettings) async {
        guard !shards.isEmpty else {
            try? await Task.sleep(for: .seconds(1))
            return
        }
        await withTaskGroup(of: Void.self) { group in
            for shard in shards {
                let checkpoint = settings.checkpoints[shard.id] ?? "0"
                group.addTask {
                    await reader.waitForRecords(arn, shard: shard.id, after: checkpoint, timeout: .seconds(1))
                }
            }
            await group.next()
            group.cancelAll()
        }
    }

    private enum Outcome {
        /// Every record handled: continue after this checkpoint.
        case done(String)
        /// The function failed (or could not run).
        case failed
        /// The function reported item failures: continue after `through`, the first failure at `failedFrom`.
        case partial(through: String, failedFrom: Int)
    }

    private func handle(
        _ records: [StreamSourceRecord], shard: String, mapping: EventSourceMappingRecord,
        settings: StreamMappingSettings
    ) async -> Outcome {
        guard let last = records.last else { return .failed }
        let nowMillis = Int64(Date().timeIntervalSince1970 * 1000)
        var fresh = records
        if settings.maximumRecordAgeInSeconds >= 0 {
            let oldest = nowMillis - Int64(settings.maximumRecordAgeInSeconds) * 1000
            let expired = records.filter { $0.arrivalMillis < oldest }
            if !expired.isEmpty {
                await sendToDestination(
                    expired, shard: shard, mapping: mapping, settings: settings, condition: "RecordAgeExceeded",
                    attempts: 1)
                fresh = records.filter { $0.arrivalMillis >= oldest }
            }
        }
        let role = await service.role(of: mapping.functionArn)
        let filters = mapping.filterPatterns.compactMap { try? EventPattern(json: $0) }
        let events = fresh.map { KinesisEvent.record($0, shard: shard, mapping: mapping, role: role) }
        let kept = zip(fresh, events).filter { record, event in
            filters.isEmpty
                || SourceRecordDocument.parse(KinesisEvent.filterable(event, record)).map { document in
                    filters.contains { $0.matches(MatchableEvent(document)) }
                } == true
        }
        guard !kept.isEmpty else { return .done(last.checkpoint) }
        let payload = Array(OrderedJSON.object([("Records", .array(kept.map(\.1)))]).text.utf8)
        guard let response = await service.invokeForStream(payload, mapping: mapping) else { return .failed }
        guard mapping.reportsBatchItemFailures else { return .done(last.checkpoint) }
        guard let failed = KinesisEvent.firstFailure(response, records: kept.map(\.0)) else {
            return .done(last.checkpoint)
        }
        guard let index = records.firstIndex(where: { $0.sequenceNumber == failed }) else { return .failed }
        // A failure at the first record: the checkpoint stays where it was before the batch.
        let through = index == 0 ? previousCheckpoint(records) : records[index - 1].checkpoint
        return .partial(through: through, failedFrom: index)
    }

    /// The checkpoint just before a batch: one less than its first record's (the reader's tokens
    /// are positions that count records).
    private func previousCheckpoint(_ records: [StreamSourceRecord]) -> String {
        guard let first = records.first, let value = UInt64(first.checkpoint), value > 0 else { return "0" }
        return String(value - 1)
    }

    /// The on-failure destination's record of records given up on.
    private func sendToDestination(
        _ records: [StreamSourceRecord], shard: String, mapping: EventSourceMappingRecord,
        settings: StreamMappingSettings, condition: String, attempts: Int, partial: Bool = false
    ) async {
        guard let destination = settings.onFailureDestination,
            let batchInfo = StreamSourceRecord.batchInfo(records, shard: shard, streamArn: mapping.eventSourceArn)
        else { return }
        var members: [(key: String, value: OrderedJSON)] = [
            (
                "requestContext",
                .object([
                    ("requestId", .string(UUID().uuidString.lowercased())),
                    ("functionArn", .string(mapping.functionArn)),
                    ("condition", .string(condition)), ("approximateInvokeCount", .integer(attempts)),
                ])
            )
        ]
        if condition != "RecordAgeExceeded" {
            members.append(
                (
                    "responseContext",
                    .object([
                        ("statusCode", .integer(200)), ("executedVersion", .string("$LATEST")),
                        ("functionError", partial ? .scalar(.null) : .string("Unhandled")),
                    ])
                ))
        }
        members += [
            ("version", .string("1.0")), ("timestamp", .string(KinesisEvent.iso(Date()))),
            ("KinesisBatchInfo", batchInfo),
        ]
        var target = LambdaService.destinationTarget(destination)
        var metadata: [String: String]?
        if destination.hasPrefix("arn:aws:s3:::") {
            // An S3 destination gets the records too, under a key by mapping, shard and time.
            let role = await service.role(of: mapping.functionArn)
            members.append(
                (
                    "payload",
                    .object([
                        (
                            "Records",
                            .array(
                                records.map {
                                    KinesisEvent.record($0, shard: shard, mapping: mapping, role: role)
                                })
                        )
                    ])
                ))
            target = DeliveryTarget(kind: .s3Object, resource: destination)
            metadata = [
                "Key": KinesisEvent.failureKey(mapping: mapping, shard: shard), "ContentType": "application/json",
            ]
        }
        _ = try? await service.deliveries.enqueue([
            DeliveryRequest(
                target: target, body: DeliveryPayload(OrderedJSON.object(members).text), metadata: metadata,
                retry: .managedEndpoint, origin: mapping.arn)
        ]).wait()
    }
}

/// Kinesis records as Lambda hands them to functions.
enum KinesisEvent {
    static func record(_ record: StreamSourceRecord, shard: String, mapping: EventSourceMappingRecord, role: String)
        -> OrderedJSON
    {
        .object(
            [("kinesis", .object(record.kinesisFields))]
                + record.eventFields(
                    shard: shard, role: role, region: mapping.region, streamArn: mapping.eventSourceArn))
    }

    /// The record as filter criteria see it: `data` as the JSON it holds (in the `kinesis` member and
    /// at the top, where filters name it, as SQS's `body`), when it holds JSON.
    static func filterable(_ event: OrderedJSON, _ record: StreamSourceRecord) -> String {
        guard case .object(var members) = event, let parsed = record.dataAsJSON,
            let index = members.firstIndex(where: { $0.key == "kinesis" }),
            case .object(var kinesis) = members[index].value,
            let dataIndex = kinesis.firstIndex(where: { $0.key == "data" })
        else { return event.text }
        kinesis[dataIndex].value = parsed
        members[index].value = .object(kinesis)
        members.append(("data", parsed))
        return OrderedJSON.object(members).text
    }

    /// The sequence number of the first failed item a ReportBatchItemFailures answer names (the
    /// first record when the answer is malformed), or nil when all succeeded.
    static func firstFailure(_ response: [UInt8], records: [StreamSourceRecord]) -> String? {
        let trimmed = String(decoding: response, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty || trimmed == "null" || trimmed == "{}" { return nil }
        guard let document = try? JSONSerialization.jsonObject(with: Data(trimmed.utf8)) as? [String: Any],
            let failures = document["batchItemFailures"], !(failures is NSNull)
        else { return nil }
        guard let list = failures as? [[String: Any]] else { return records.first?.sequenceNumber }
        if list.isEmpty { return nil }
        var lowest: String?
        for failure in list {
            guard let id = failure["itemIdentifier"] as? String, !id.isEmpty,
                records.contains(where: { $0.sequenceNumber == id })
            else { return records.first?.sequenceNumber }
            if let current = lowest, current <= id { continue }
            lowest = id
        }
        return lowest
    }

    /// `aws/lambda/<mapping>/<shard>/<yyyy>/<MM>/<dd>/<yyyy-MM-ddTHH.mm.ss>-<uuid>`, as Lambda names
    /// the objects it writes to an S3 on-failure destination.
    static func failureKey(mapping: EventSourceMappingRecord, shard: String, at date: Date = Date()) -> String {
        let day = UTCDateFormats.string(date, "yyyy/MM/dd")
        let time = UTCDateFormats.string(date, "yyyy-MM-dd'T'HH.mm.ss")
        return "aws/lambda/\(mapping.uuid)/\(shard)/\(day)/\(time)-\(UUID().uuidString.lowercased())"
    }

    static func iso(_ date: Date) -> String { Timestamps.iso8601(date) }
}
