import Foundation
import SwitchyardDelivery
import SwitchyardEvents
import SwitchyardMatching
import SwitchyardPlatform
import SwitchyardWire

/// Pipes whose source is a stream (Kinesis): each shard read in order from the pipe's checkpoint
/// (children after their parents), records shaped as Pipes hands them on (Kinesis's fields without
/// the `kinesis` wrapper), filtered on their data, enriched and delivered; the checkpoint moves
/// once the batch is delivered. A batch whose enrichment or synchronous function fails is read
/// again (from its first failed record when the function names `batchItemFailures`; halved with
/// AUTOMATIC_BISECT) until it succeeds, its retries (MaximumRetryAttempts) run out or its records
/// grow older than MaximumRecordAgeInSeconds: then its description goes to the dead-letter queue and
/// reading moves past it.
extension PipesEngine {
    func processStream(_ pipe: PipeRecord, reader: any StreamSourceReader) async {
        guard let shards = await reader.shards(of: pipe.source) else { return }
        let parameters = PipeShapes.sourceParameters(pipe)?.kinesisStreamParameters
        let finished = Set(pipe.finishedShards ?? [])
        var checkpoints = pipe.streamCheckpoints ?? [:]
        var done = pipe.finishedShards ?? []
        let ready = shards.readable(finished: finished)

        let filters = (PipeShapes.sourceParameters(pipe)?.filterCriteria?.filters ?? []).compactMap { $0.pattern }
            .compactMap { try? EventPattern(json: $0) }
        let targetParameters = PipeShapes.targetParameters(pipe)
        for shard in ready {
            do {
                let checkpoint = try await reader.checkpoint(
                    checkpoints[shard.id], of: pipe.source, shard: shard,
                    position: parameters?.startingPosition ?? "LATEST", timestamp: parameters?.startingPositionTimestamp
                )
                let retryKey = "\(pipe.arn)#\(shard.id)"
                let retry = streamRetries[retryKey]
                let read = try await reader.read(
                    pipe.source, shard: shard.id, after: checkpoint, limit: retry?.limit ?? parameters?.batchSize ?? 100
                )
                if read.records.isEmpty {
                    checkpoints[shard.id] = checkpoint
                    if read.exhausted { done.append(shard.id) }
                    continue
                }
                // A batching window waits for a full batch until its oldest record is that old; the
                // records are read again from the same checkpoint next time.
                let windowMillis = Int64(parameters?.maximumBatchingWindowInSeconds ?? 0) * 1000
                let nowMillis = Int64(Date().timeIntervalSince1970 * 1000)
                if retry == nil, read.records.count < (parameters?.batchSize ?? 100), !read.exhausted,
                    let oldest = read.records.first, nowMillis - oldest.arrivalMillis < windowMillis
                {
                    continue
                }
                var batch = read.records
                if let maximumAge = parameters?.maximumRecordAgeInSeconds, maximumAge >= 0 {
                    let oldest = nowMillis - Int64(maximumAge) * 1000
                    let expired = batch.filter { $0.arrivalMillis < oldest }
                    // A shard's records arrive in order, so the expired ones lead the batch: reading
                    // moves past them whatever becomes of the rest.
                    if let lastExpired = expired.last {
                        await deadLetter(
                            expired, pipe: pipe, shard: shard.id, condition: "RecordAgeExceeded", attempts: 0)
                        batch.removeAll { $0.arrivalMillis < oldest }
                        checkpoints[shard.id] = lastExpired.checkpoint
                    }
                }
                var documents: [OrderedJSON] = []
                var passed: [String] = []
                for record in batch {
                    let document = Self.document(record, shard: shard.id, pipe: pipe)
                    if !filters.isEmpty {
                        guard let matchable = SourceRecordDocument.parse(Self.filterable(document, record)),
                            filters.contains(where: { $0.matches(MatchableEvent(matchable)) })
                        else { continue }
                    }
                    documents.append(document)
                    passed.append(document.text)
                }
                // The first record of the batch that failed, if any did (all of it: index 0).
                var failedFrom: Int?
                if let enrichment = pipe.enrichment, !documents.isEmpty {
                    if let enriched = await Self.enrich(passed, with: enrichment, pipe: pipe, deliveries: deliveries) {
                        documents = enriched
                    } else {
                        failedFrom = 0
                    }
                }
                if failedFrom == nil {
                    let requests = PipeDelivery.requests(for: documents, pipe: pipe, parameters: targetParameters)
                    if PipeDelivery.isFunction(pipe), PipeDelivery.invokesSynchronously(targetParameters),
                        let request = requests.first
                    {
                        let (outcome, response) = await deliveries.deliverNow(request)
                        let failedItems = PipeDelivery.failedItems(response)
                        if outcome != .delivered {
                            failedFrom = 0
                        } else if !failedItems.isEmpty {
                            failedFrom = batch.firstIndex { failedItems.contains($0.sequenceNumber) }
                        }
                    } else {
                        try await deliveries.enqueue(requests).wait()
                    }
                }
                guard let failedFrom else {
                    streamRetries[retryKey] = nil
                    checkpoints[shard.id] = read.checkpoint
                    continue
                }
                // Done up to the first failure; the rest is retried, or given up on.
                let failed = Array(batch[failedFrom...])
                if failedFrom > 0 { checkpoints[shard.id] = batch[failedFrom - 1].checkpoint }
                var next = retry ?? StreamRetry(attempts: 0, limit: parameters?.batchSize ?? 100)
                next.attempts += 1
                if parameters?.onPartialBatchItemFailure == "AUTOMATIC_BISECT" {
                    next.limit = max(1, failed.count / 2)
                }
                if let maximum = parameters?.maximumRetryAttempts, maximum >= 0, next.attempts > maximum {
                    await deadLetter(
                        failed, pipe: pipe, shard: shard.id, condition: "RetryAttemptsExhausted",
                        attempts: next.attempts)
                    streamRetries[retryKey] = nil
                    checkpoints[shard.id] = read.checkpoint
                } else {
                    streamRetries[retryKey] = next
                }
            } catch {
                continue
            }
        }
        guard var current = pipes[pipe.storageKey],
            current.streamCheckpoints != checkpoints || current.finishedShards != done
        else { return }
        current.streamCheckpoints = checkpoints
        current.finishedShards = done
        pipes[pipe.storageKey] = current
        _ = store.submit([.putPipe(current)])
    }

    /// Sends the description of records given up on to the pipe's dead-letter queue (an SQS queue or
    /// an SNS topic), as Lambda describes a stream batch to its on-failure destination; without a
    /// dead-letter queue they are dropped, as AWS drops them.
    func deadLetter(_ records: [StreamSourceRecord], pipe: PipeRecord, shard: String, condition: String, attempts: Int)
        async
    {
        guard let arn = PipeShapes.sourceParameters(pipe)?.kinesisStreamParameters?.deadLetterConfig?.arn,
            let batchInfo = StreamSourceRecord.batchInfo(records, shard: shard, streamArn: pipe.source)
        else { return }
        let description = OrderedJSON.object([
            (
                "requestContext",
                .object([
                    ("requestId", .string(RandomUUID.make())), ("pipeArn", .string(pipe.arn)),
                    ("condition", .string(condition)), ("approximateInvokeCount", .integer(attempts)),
                ])
            ),
            ("version", .string("1.0")),
            ("timestamp", .string(Timestamps.iso8601(Date()))),
            ("KinesisBatchInfo", batchInfo),
        ])
        _ = try? await deliveries.enqueue([
            DeliveryRequest(
                target: TargetDelivery.deliveryTarget(arn), body: DeliveryPayload(description.text),
                retry: .managedEndpoint, origin: pipe.arn,
                source: DeliverySource(service: "pipes.amazonaws.com", arn: pipe.arn, account: pipe.account))
        ]).wait()
    }

    /// A Kinesis record as Pipes passes it on: Lambda's fields without the `kinesis` wrapper.
    static func document(_ record: StreamSourceRecord, shard: String, pipe: PipeRecord) -> OrderedJSON {
        .object(
            record.kinesisFields
                + record.eventFields(shard: shard, role: pipe.roleArn, region: pipe.region, streamArn: pipe.source))
    }

    /// The record as filters see it: `data` as the JSON it holds, when it holds JSON.
    static func filterable(_ document: OrderedJSON, _ record: StreamSourceRecord) -> String {
        guard case .object(var members) = document, let parsed = record.dataAsJSON,
            let index = members.firstIndex(where: { $0.key == "data" })
        else { return document.text }
        members[index].value = parsed
        return OrderedJSON.object(members).text
    }
}

/// A stream batch that failed: how often, and how many records its next reading may take (halved by
/// AUTOMATIC_BISECT).
struct StreamRetry: Sendable {
    var attempts: Int
    var limit: Int
}
