import Foundation
import SwitchyardCore
import SwitchyardDelivery
import SwitchyardEvents
import SwitchyardMatching
import SwitchyardModels
import SwitchyardPlatform
import SwitchyardWire

/// EventBridge Pipes' state and work: pipes, their state transitions, and a background task that
/// reads each running pipe's source, filters, shapes and delivers its records.
public actor PipesEngine {
    var pipes: [String: PipeRecord] = [:]
    /// Pipes whose last batch is still being read or delivered.
    private var busy: Set<String> = []
    /// Stream batches that failed and are being retried, by pipe ARN and shard (kept in memory: after
    /// a restart a batch starts its retries over).
    var streamRetries: [String: StreamRetry] = [:]
    let store: any PipesStore
    let deliveries: DeliveryEngine
    let sources: EventSourceReaders
    let clock: any ServiceClock
    /// How long a transitional state (CREATING, STARTING, STOPPING, UPDATING, DELETING) lasts.
    static let transition: Int64 = 1_000

    public init(
        store: any PipesStore, deliveries: DeliveryEngine, sources: EventSourceReaders,
        clock: any ServiceClock = SystemClock()
    ) throws {
        self.store = store
        self.deliveries = deliveries
        self.sources = sources
        self.clock = clock
        for pipe in try store.loadPipes() { pipes[pipe.storageKey] = pipe }
    }

    public var pipeCount: Int { pipes.count }

    public func reset() -> CommitTicket {
        pipes = [:]
        return store.wipe()
    }

    public func pipe(account: String, region: String, name: String) throws -> PipeRecord {
        guard let pipe = pipes["\(account)/\(region)/\(name)"], pipe.currentState != "DELETED" else {
            throw AWSError("NotFoundException", "Pipe \(name) does not exist.")
        }
        return pipe
    }

    public func create(_ record: PipeRecord) throws -> CommitTicket {
        guard pipes[record.storageKey] == nil else {
            throw AWSError("ConflictException", "Pipe \(record.name) already exists.")
        }
        pipes[record.storageKey] = record
        return store.submit([.putPipe(record)])
    }

    /// Changes a pipe and puts it in a transitional state that settles into its desired state.
    public func change(
        account: String, region: String, name: String, state: String, _ change: (inout PipeRecord) throws -> Void
    ) throws -> (PipeRecord, CommitTicket) {
        var record = try pipe(account: account, region: region, name: name)
        try change(&record)
        record.currentState = state
        record.modifiedAt = clock.nowMillis()
        record.settlesAt = record.modifiedAt + Self.transition
        pipes[record.storageKey] = record
        return (record, store.submit([.putPipe(record)]))
    }

    public func list(account: String, region: String) -> [PipeRecord] {
        pipes.values.filter { $0.account == account && $0.region == region }.sorted { $0.name < $1.name }
    }

    public func updateTags(arn: String, _ change: (inout [String: String]) -> Void) throws -> CommitTicket {
        guard var record = pipes.values.first(where: { $0.arn == arn }) else {
            throw AWSError("NotFoundException", "Pipe \(arn.split(separator: "/").last ?? "") does not exist.")
        }
        change(&record.tags)
        pipes[record.storageKey] = record
        return store.submit([.putPipe(record)])
    }

    public func tags(arn: String) throws -> [String: String] {
        guard let record = pipes.values.first(where: { $0.arn == arn }) else {
            throw AWSError("NotFoundException", "Pipe \(arn.split(separator: "/").last ?? "") does not exist.")
        }
        return record.tags
    }

    /// Settles the pipes whose transition is over: CREATING, STARTING and UPDATING become the
    /// desired state, STOPPING becomes STOPPED, DELETING removes the pipe.
    func settle() {
        let now = clock.nowMillis()
        var changes: [PipesChange] = []
        for (key, pipe) in pipes {
            guard let settles = pipe.settlesAt, settles <= now else { continue }
            var settled = pipe
            settled.settlesAt = nil
            switch pipe.currentState {
            case "DELETING":
                pipes[key] = nil
                streamRetries = streamRetries.filter { !$0.key.hasPrefix(pipe.arn + "#") }
                changes.append(.deletePipe(storageKey: key))
                continue
            case "STOPPING": settled.currentState = "STOPPED"
            default: settled.currentState = pipe.desiredState
            }
            pipes[key] = settled
            changes.append(.putPipe(settled))
        }
        if !changes.isEmpty { _ = store.submit(changes) }
    }

    /// Starts reading, filtering and delivering one batch of every running pipe that is not still
    /// busy with its last one (a batch may wait out its batching window without holding up others).
    public func tick() async {
        settle()
        for pipe in pipes.values where pipe.currentState == "RUNNING" && !busy.contains(pipe.storageKey) {
            busy.insert(pipe.storageKey)
            Task {
                if let reader = sources.streams.reader(for: pipe.source) {
                    await self.processStream(pipe, reader: reader)
                } else {
                    await Self.process(pipe, sources: self.sources, deliveries: self.deliveries)
                }
                self.finished(pipe.storageKey)
            }
        }
    }

    private func finished(_ key: String) {
        busy.remove(key)
    }

    /// Runs `tick` until cancelled.
    public func run() async {
        while !Task.isCancelled {
            await tick()
            try? await Task.sleep(for: .milliseconds(200))
        }
    }

    /// The enrichment's answer for a batch: a JSON array is one record per element, anything else
    /// one record; nil when the enrichment failed.
    static func enrich(_ records: [String], with enrichment: String, pipe: PipeRecord, deliveries: DeliveryEngine)
        async -> [OrderedJSON]?
    {
        let request = DeliveryRequest(
            target: TargetDelivery.deliveryTarget(enrichment),
            body: DeliveryPayload("[" + records.joined(separator: ",") + "]"),
            retry: .eventBridge(maximumRetryAttempts: 0), origin: pipe.arn,
            source: DeliverySource(service: "pipes.amazonaws.com", arn: pipe.arn, account: pipe.account))
        let (outcome, response) = await deliveries.deliverNow(request)
        guard outcome == .delivered else { return nil }
        guard let response, !response.isEmpty, let answer = try? OrderedJSON.parse(response) else { return [] }
        if case .array(let elements) = answer { return elements }
        if case .scalar(.null) = answer { return [] }
        return [answer]
    }

    static func process(_ pipe: PipeRecord, sources: EventSourceReaders, deliveries: DeliveryEngine) async {
        guard let reader = sources.reader(for: pipe.source) else { return }
        let parameters = PipeShapes.sourceParameters(pipe)
        let batch = parameters?.sqsQueueParameters?.batchSize ?? 10
        guard
            var records = try? await reader.receive(
                from: pipe.source, maximum: batch, waitSeconds: 0, visibilitySeconds: nil),
            !records.isEmpty
        else { return }
        // A batching window gathers more messages until the batch is full or the window has passed.
        let window = Double(parameters?.sqsQueueParameters?.maximumBatchingWindowInSeconds ?? 0)
        let closes = Date().addingTimeInterval(window)
        while records.count < batch, Date() < closes, !Task.isCancelled {
            let more =
                (try? await reader.receive(
                    from: pipe.source, maximum: batch - records.count, waitSeconds: 0, visibilitySeconds: nil)) ?? []
            records += more
            if more.isEmpty { try? await Task.sleep(for: .milliseconds(200)) }
        }
        let filters = (parameters?.filterCriteria?.filters ?? []).compactMap { $0.pattern }
            .compactMap { try? EventPattern(json: $0) }
        let targetParameters = PipeShapes.targetParameters(pipe)
        var documents: [OrderedJSON] = []
        var passed: [String] = []
        var passedRecords: [SourceRecord] = []
        for record in records {
            guard let document = SourceRecordDocument.parse(record.json) else { continue }
            if !filters.isEmpty, !filters.contains(where: { $0.matches(MatchableEvent(document)) }) { continue }
            documents.append(document)
            passed.append(record.json)
            passedRecords.append(record)
        }
        if let enrichment = pipe.enrichment, !documents.isEmpty {
            // The batch, as the source wrote its records, goes to the enrichment (a function or an API
            // destination), synchronously; what it answers is what the target gets. A failure leaves
            // the records in the source.
            guard let enriched = await enrich(passed, with: enrichment, pipe: pipe, deliveries: deliveries) else {
                return
            }
            documents = enriched
        }
        let requests = PipeDelivery.requests(for: documents, pipe: pipe, parameters: targetParameters)
        var done = records
        if PipeDelivery.isFunction(pipe), PipeDelivery.invokesSynchronously(targetParameters),
            let request = requests.first
        {
            // The function gets the batch and answers: a failure leaves the batch in the source, and
            // `batchItemFailures` the messages it names (when no enrichment changed the records).
            let (outcome, response) = await deliveries.deliverNow(request)
            guard outcome == .delivered else { return }
            let failed = pipe.enrichment == nil ? PipeDelivery.failedItems(response) : []
            let passedIds = Set(passedRecords.map(\.id))
            done = records.filter { !passedIds.contains($0.id) || !failed.contains($0.id) }
        } else {
            do {
                try await deliveries.enqueue(requests).wait()
            } catch {
                // Left in the source: they come back after their visibility timeout.
                return
            }
        }
        // Delivered, or filtered out: either way the source is done with them, as on AWS.
        try? await reader.acknowledge(done, from: pipe.source)
    }
}
