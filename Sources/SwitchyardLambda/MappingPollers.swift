import Foundation
import SwitchyardMatching
import SwitchyardPlatform

/// The pollers of enabled event source mappings: each reads its queue in batches (up to the batch
/// size, waiting up to the batching window to fill one), drops records no filter matches, invokes the
/// function with `{"Records": [...]}` and deletes what was processed. A failed invocation deletes
/// nothing: the messages come back after their visibility timeout, and the queue's redrive policy
/// applies. With `ReportBatchItemFailures`, only the items the function names stay.
actor MappingPollers {
    private let sources: EventSourceReaders
    private var tasks: [String: [Task<Void, Never>]] = [:]

    init(sources: EventSourceReaders) {
        self.sources = sources
    }

    /// Pollers per mapping: its ScalingConfig's maximum concurrency, at most this many locally.
    static let defaultConcurrency = 2

    /// Starts, restarts or stops the pollers of a mapping to match it (nil: deleted).
    func sync(_ uuid: String, mapping: EventSourceMappingRecord?, service: LambdaService) {
        for task in tasks[uuid] ?? [] { task.cancel() }
        tasks[uuid] = nil
        guard let mapping, mapping.enabled else { return }
        if mapping.stream != nil {
            // Streams: one reader per mapping, which keeps each shard in order.
            guard let reader = sources.streams.reader(for: mapping.eventSourceArn) else { return }
            let poller = StreamMappingPoller(uuid: uuid, service: service, reader: reader)
            tasks[uuid] = [Task { await poller.run() }]
            return
        }
        let count = min(mapping.maximumConcurrency ?? Self.defaultConcurrency, 10)
        let sources = self.sources
        tasks[uuid] = (0..<max(1, count)).map { _ in
            Task { await Self.poll(mapping, sources: sources, service: service) }
        }
    }

    func stopAll() {
        for task in tasks.values.flatMap({ $0 }) { task.cancel() }
        tasks.removeAll()
    }

    private static func poll(_ mapping: EventSourceMappingRecord, sources: EventSourceReaders, service: LambdaService)
        async
    {
        let filters = mapping.filterPatterns.compactMap { try? EventPattern(json: $0) }
        while !Task.isCancelled {
            guard let reader = sources.reader(for: mapping.eventSourceArn) else {
                try? await Task.sleep(for: .seconds(1))
                continue
            }
            let records = await batch(mapping, reader: reader)
            guard !Task.isCancelled else { return }
            if records.isEmpty { continue }
            var kept: [SourceRecord] = []
            var dropped: [SourceRecord] = []
            for record in records {
                if filters.isEmpty
                    || SourceRecordDocument.parse(record.json).map({ document in
                        filters.contains { $0.matches(MatchableEvent(document)) }
                    }) == true
                {
                    kept.append(record)
                } else {
                    dropped.append(record)
                }
            }
            // Records no filter matches are done with, as on AWS.
            try? await reader.acknowledge(dropped, from: mapping.eventSourceArn)
            guard !kept.isEmpty else { continue }
            let batched = mapping.maximumBatchingWindowInSeconds > 0
            let documents = kept.map { batched ? ($0.batchedJSON ?? $0.json) : $0.json }
            let payload = Array(("{\"Records\":[" + documents.joined(separator: ",") + "]}").utf8)
            guard let processed = await service.deliverBatch(payload, mapping: mapping, records: kept) else {
                // The function is gone or cannot run: wait before trying again.
                try? await Task.sleep(for: .seconds(1))
                continue
            }
            try? await reader.acknowledge(processed, from: mapping.eventSourceArn)
        }
    }

    /// Up to the batch size, gathered for at most the batching window (the first receive waits up to
    /// a second so that an idle queue is polled without spinning).
    private static func batch(_ mapping: EventSourceMappingRecord, reader: any EventSourceReader) async
        -> [SourceRecord]
    {
        var records: [SourceRecord] = []
        let deadline = ContinuousClock.now + .seconds(mapping.maximumBatchingWindowInSeconds)
        repeat {
            let wanted = min(10, mapping.batchSize - records.count)
            let wait = records.isEmpty ? 1 : 0
            guard
                let received = try? await reader.receive(
                    from: mapping.eventSourceArn, maximum: wanted, waitSeconds: wait, visibilitySeconds: nil)
            else {
                try? await Task.sleep(for: .seconds(1))
                return records
            }
            records += received
            if received.isEmpty, !records.isEmpty {
                try? await Task.sleep(for: .milliseconds(100))
            }
        } while !Task.isCancelled && records.count < mapping.batchSize && !records.isEmpty
            && ContinuousClock.now < deadline
        return records
    }
}
