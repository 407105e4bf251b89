import Foundation
import SwitchyardDelivery
import SwitchyardEvents
import SwitchyardMatching
import SwitchyardPlatform
import SwitchyardWire

/// Pipes whose source is a stream (Kinesis): each shard read in order from the pipe's checkpoint
/// (children after their parents), records shaped as Pipes hands them on (Kinesis's fields without
/// the `kinesis` wrapper), filtered on their data, enriched and delivered; the checkpoint moves
/// once the batch is delivered.
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
                let read = try await reader.read(
                    pipe.source, shard: shard.id, after: checkpoint, limit: parameters?.batchSize ?? 100)
                if read.records.isEmpty {
                    checkpoints[shard.id] = checkpoint
                    if read.exhausted { done.append(shard.id) }
                    continue
                }
                // A batching window waits for a full batch until its oldest record is that old; the
                // records are read again from the same checkpoint next time.
                let windowMillis = Int64(parameters?.maximumBatchingWindowInSeconds ?? 0) * 1000
                if read.records.count < (parameters?.batchSize ?? 100), !read.exhausted,
                    let oldest = read.records.first,
                    Int64(Date().timeIntervalSince1970 * 1000) - oldest.arrivalMillis < windowMillis
                {
                    continue
                }
                var documents: [OrderedJSON] = []
                var passed: [String] = []
                for record in read.records {
                    let document = Self.document(record, shard: shard.id, pipe: pipe)
                    if !filters.isEmpty {
                        guard let matchable = SourceRecordDocument.parse(Self.filterable(document, record)),
                            filters.contains(where: { $0.matches(MatchableEvent(matchable)) })
                        else { continue }
                    }
                    documents.append(document)
                    passed.append(document.text)
                }
                if let enrichment = pipe.enrichment, !documents.isEmpty {
                    guard let enriched = await Self.enrich(passed, with: enrichment, pipe: pipe, deliveries: deliveries)
                    else { return }
                    documents = enriched
                }
                let requests = PipeDelivery.requests(for: documents, pipe: pipe, parameters: targetParameters)
                if PipeDelivery.isFunction(pipe), PipeDelivery.invokesSynchronously(targetParameters),
                    let request = requests.first
                {
                    // The function gets the batch; a failure, or any record it reports failed, reads
                    // the batch again.
                    let (outcome, response) = await deliveries.deliverNow(request)
                    guard outcome == .delivered, PipeDelivery.failedItems(response).isEmpty else { continue }
                } else {
                    try await deliveries.enqueue(requests).wait()
                }
                checkpoints[shard.id] = read.checkpoint
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
