import CoreMetrics
import DequeModule
import SwitchyardCore

/// The one internal delivery mechanism: every producer hands its deliveries here, and this actor
/// makes them, with retries, backoff and dead-letter targets, whatever the target kind.
///
/// A delivery is stored before it is attempted (the producer waits for that commit before it
/// acknowledges), attempted by the transport of its target kind, and forgotten once it succeeded
/// or was moved to its dead-letter target; after a crash, whatever is still stored is attempted
/// again, so delivery is at least once. Each delivery runs in its own task, so a slow or dead
/// target never holds up another; deliveries that share an ordered lane (FIFO) run one after the
/// other, in the order they were requested.
public actor DeliveryEngine {
    private let store: any DeliveryStore
    private let clock: any ServiceClock
    private var transports: [DeliveryTargetKind: any DeliveryTransport]
    private var jobs: [Int64: DeliveryJob] = [:]
    private var nextId: Int64 = 1
    /// The last delivery of each ordered lane that is still running, by lane; a lane is dropped once
    /// its last delivery ends, so lanes do not accumulate (one per FIFO group and subscription).
    private var laneTails: [String: (id: Int64, task: Task<Void, Never>)] = [:]
    private var records = Deque<DeliveryRecord>()
    /// Bumped by reset, so that attempts already under way stop touching state.
    private var generation = 0
    private let recordLimit = 1000
    /// Where outcomes are counted (`switchyard_deliveries_total` by kind and outcome), if anywhere.
    private let metrics: (any MetricsFactory)?
    /// Producers' listeners for outcomes, by the name requests give in their `report`.
    private var observers: [String: any DeliveryObserver] = [:]

    public init(
        store: any DeliveryStore, clock: any ServiceClock = SystemClock(),
        transports: [DeliveryTargetKind: any DeliveryTransport] = [:], metrics: (any MetricsFactory)? = nil
    ) throws {
        self.metrics = metrics
        self.store = store
        self.clock = clock
        self.transports = transports
        for job in try store.loadJobs() {
            jobs[job.id] = job
            nextId = max(nextId, job.id + 1)
        }
        store.lineage?.onBroken { [weak self] in try await self?.reloadAfterFailedWrite() }
    }

    /// A write failed to commit, so the jobs in memory may not be the jobs stored: stops every
    /// attempt under way and resumes the stored jobs instead (at least once: a delivery made but not
    /// yet forgotten in storage is made again).
    func reloadAfterFailedWrite() throws {
        guard let lineage = store.lineage, lineage.isBroken else { return }
        let stored = try store.loadJobs()
        generation += 1
        jobs.removeAll()
        laneTails.removeAll()
        for job in stored {
            jobs[job.id] = job
            nextId = max(nextId, job.id + 1)
        }
        lineage.recovered()
        resume()
    }

    /// Adds the transports of the target kinds a module delivers to. The server registers every
    /// module's before it resumes stored deliveries; a kind nobody registered fails its attempts
    /// with a reason (recorded and dead-lettered).
    public func register(_ added: [DeliveryTargetKind: any DeliveryTransport]) {
        transports.merge(added) { _, new in new }
    }

    /// Registers a producer's listener for the outcomes of requests whose `report` names it. Modules
    /// register theirs when they start, before stored deliveries resume.
    public func register(observer: any DeliveryObserver, named name: String) {
        observers[name] = observer
    }

    /// Attempts the deliveries that were stored before a restart, in the order they were requested.
    public func resume() {
        for id in jobs.keys.sorted() { schedule(id, after: nil) }
    }

    /// Takes deliveries: the returned ticket resolves once each is durable, either made already (a
    /// target whose transport delivers durably inline, attempted here while the producer waits) or
    /// stored as a job that is attempted from then on.
    public func enqueue(_ requests: [DeliveryRequest]) async -> CommitTicket {
        guard !requests.isEmpty else { return .alreadyCommitted }
        var created: [DeliveryJob] = []
        var inline: [DeliveryRequest] = []
        for request in requests {
            // Ordered deliveries always become jobs: concurrent inline attempts could reach the
            // target out of order, while a lane's jobs run strictly one after the other.
            // So are those whose outcome someone waits to hear: a job knows when it was requested and
            // reads the target's answer.
            if transport(for: request.target.kind).deliversDurablyInline, request.orderedLane == nil,
                request.report == nil
            {
                inline.append(request)
            } else {
                created.append(newJob(request))
            }
        }
        var ticket = created.isEmpty ? CommitTicket.alreadyCommitted : store.submit(put: created, delete: [])
        for job in created { schedule(job.id, after: ticket) }
        guard !inline.isEmpty else { return ticket }
        // One batch per target kind, so a transport can make its deliveries together.
        var outcomes = [DeliveryOutcome](repeating: .delivered, count: inline.count)
        let byKind = Dictionary(grouping: inline.indices) { inline[$0].target.kind }
        for (kind, indices) in byKind {
            let made = await transport(for: kind).attemptAll(indices.map { inline[$0] })
            for (index, outcome) in zip(indices, made) { outcomes[index] = outcome }
        }
        for (request, outcome) in zip(inline, outcomes) {
            var job = DeliveryJob(id: nextId, request: request, attempts: 1)
            nextId += 1
            switch outcome {
            case .delivered:
                record(job, .delivered, reason: nil)
            case .failed(let reason):
                if let moved = giveUp(job, reason: reason, stored: false) { ticket = moved }
            case .retry, .postpone:
                let delay: Int64
                if case .retry(let reason) = outcome {
                    guard let retryDelay = request.retry.delayMillis(beforeRetry: 1) else {
                        if let moved = giveUp(job, reason: reason, stored: false) { ticket = moved }
                        continue
                    }
                    delay = retryDelay
                } else {
                    job.attempts = 0
                    job.postponements = 1
                    delay = RetryPolicy.postponementDelayMillis(1)
                }
                job.notBefore = clock.nowMillis() + delay
                track(job)
                ticket = store.submit(put: [job], delete: [])
                schedule(job.id, after: ticket)
            }
        }
        return ticket
    }

    private func transport(for kind: DeliveryTargetKind) -> any DeliveryTransport {
        transports[kind] ?? UnavailableTransport(reason: "\(kind.targetsName) are not available in Switchyard yet")
    }

    /// Makes one attempt now and returns its outcome and the target's answer, storing nothing: for
    /// producers whose caller waits for the answer (a synchronous invocation, an enrichment) and
    /// retries or fails itself.
    public func deliverNow(_ request: DeliveryRequest) async -> (DeliveryOutcome, [UInt8]?) {
        let (outcome, response) = await transport(for: request.target.kind).attemptWithResponse(request)
        let job = DeliveryJob(id: 0, request: request, attempts: 1)
        switch outcome {
        case .delivered: record(job, .delivered, reason: nil)
        case .failed(let reason), .retry(let reason), .postpone(let reason): record(job, .failed, reason: reason)
        }
        return (outcome, response)
    }

    private func newJob(_ request: DeliveryRequest) -> DeliveryJob {
        let job = DeliveryJob(id: nextId, request: request, createdAt: clock.nowMillis())
        nextId += 1
        track(job)
        return job
    }

    /// Holds a job in memory until it ends.
    private func track(_ job: DeliveryJob) {
        jobs[job.id] = job
    }

    private func forget(_ id: Int64) {
        jobs[id] = nil
    }

    /// The most recent outcomes, newest last.
    public func recentRecords(limit: Int = 100) -> [DeliveryRecord] { Array(records.suffix(limit)) }

    public var pendingCount: Int { jobs.count }

    /// Forgets every pending delivery and record (the reset endpoint).
    public func reset() -> CommitTicket {
        generation += 1
        jobs.removeAll()
        laneTails.removeAll()
        records.removeAll()
        return store.wipe()
    }

    private func schedule(_ id: Int64, after ticket: CommitTicket?) {
        guard let job = jobs[id] else { return }
        let lane = job.request.orderedLane
        let previous = lane.flatMap { laneTails[$0]?.task }
        let generation = self.generation
        let task = Task {
            if let ticket {
                do { try await ticket.wait() } catch {
                    self.abandon(id, generation: generation)
                    if let lane { self.release(lane, after: id) }
                    return
                }
            }
            await previous?.value
            await self.run(id, generation: generation)
            if let lane { self.release(lane, after: id) }
        }
        if let lane { laneTails[lane] = (id, task) }
    }

    /// Drops a lane whose last scheduled delivery has ended.
    private func release(_ lane: String, after id: Int64) {
        if laneTails[lane]?.id == id { laneTails[lane] = nil }
    }

    /// Ordered lanes with a delivery still scheduled or running.
    var openLaneCount: Int { laneTails.count }

    /// The producer's commit failed, so it did not acknowledge: nothing to deliver.
    private func abandon(_ id: Int64, generation: Int) {
        guard generation == self.generation else { return }
        forget(id)
    }

    private func run(_ id: Int64, generation: Int) async {
        while true {
            guard generation == self.generation, var job = jobs[id] else { return }
            let wait = job.notBefore - clock.nowMillis()
            if wait > 0 {
                try? await Task.sleep(for: .milliseconds(wait))
                continue
            }
            let transport = transport(for: job.request.target.kind)
            var outcome: DeliveryOutcome
            var response: [UInt8]?
            if job.request.report == nil {
                outcome = await transport.attempt(job.request)
            } else {
                (outcome, response) = await transport.attemptWithResponse(job.request)
            }
            guard generation == self.generation, jobs[id] != nil else { return }
            job.attempts += 1
            switch outcome {
            case .delivered:
                forget(id)
                _ = store.submit(put: [], delete: [id])
                record(job, .delivered, reason: nil, response: response)
                return
            case .failed(let reason):
                giveUp(job, reason: reason, stored: true, response: response)
                return
            case .retry, .postpone:
                let delay: Int64
                let reason: String
                switch outcome {
                case .postpone(let why):
                    // Not an attempt the policy counts.
                    job.attempts -= 1
                    job.postponements = (job.postponements ?? 0) + 1
                    delay = RetryPolicy.postponementDelayMillis(job.postponements ?? 1)
                    reason = why
                case .retry(let why):
                    guard let retryDelay = job.request.retry.delayMillis(beforeRetry: job.attempts) else {
                        giveUp(job, reason: why, stored: true, response: response)
                        return
                    }
                    delay = retryDelay
                    reason = why
                default: return
                }
                if let maximumAge = job.request.retry.maximumEventAgeSeconds, let createdAt = job.createdAt,
                    clock.nowMillis() + delay - createdAt > Int64(maximumAge) * 1000
                {
                    giveUp(
                        job, reason: reason, stored: true, response: response, eventAgeExceeded: true,
                        recordedReason: "\(reason); the maximum event age of \(maximumAge) s has passed")
                    return
                }
                job.notBefore = clock.nowMillis() + delay
                jobs[id] = job
                // Immediate retries are not worth a write; a waiting one is stored with its attempt count.
                if delay > 0 { _ = store.submit(put: [job], delete: []) }
            }
        }
    }

    /// No attempt is left: the payload moves to the dead-letter target (as a delivery of its own,
    /// in the same commit that forgets this one, if it was stored), or the failure is recorded.
    /// Returns the ticket of the stored dead-letter delivery, if one was made.
    @discardableResult
    private func giveUp(
        _ job: DeliveryJob, reason: String, stored: Bool, response: [UInt8]? = nil, eventAgeExceeded: Bool = false,
        recordedReason: String? = nil
    ) -> CommitTicket? {
        forget(job.id)
        guard let deadLetter = job.request.deadLetter, deadLetter != job.request.target else {
            if stored { _ = store.submit(put: [], delete: [job.id]) }
            record(job, .failed, reason: recordedReason ?? reason, response: response)
            return nil
        }
        var request = job.request
        request.target = deadLetter
        request.deadLetter = nil
        request.retry = .managedEndpoint
        request.orderedLane = request.orderedLane.map { "\($0)#dead-letter" }
        // The outcome reported is the original delivery's; the dead-letter target learns why it failed.
        request.report = nil
        var failure = [
            DeliveryRequest.failureReasonKey: reason, DeliveryRequest.failedAttemptsKey: String(job.attempts),
        ]
        if eventAgeExceeded { failure[DeliveryRequest.eventAgeExceededKey] = "true" }
        request.metadata = (request.metadata ?? [:]).merging(failure) { $1 }
        let moved = newJob(request)
        let ticket = store.submit(put: [moved], delete: stored ? [job.id] : [])
        record(job, .deadLettered, reason: recordedReason ?? reason, response: response)
        schedule(moved.id, after: ticket)
        return ticket
    }

    private func record(
        _ job: DeliveryJob, _ status: DeliveryRecord.Status, reason: String?, response: [UInt8]? = nil
    ) {
        if let report = job.request.report, let observer = observers[report.observer] {
            let observed = ObservedDelivery(
                request: job.request, status: status, attempts: job.attempts, reason: reason, response: response,
                dwellMillis: job.createdAt.map { max(0, clock.nowMillis() - $0) } ?? 0)
            Task { await observer.observe(observed) }
        }
        records.append(
            DeliveryRecord(
                jobId: job.id, origin: job.request.origin, target: job.request.target.address, status: status,
                attempts: job.attempts, reason: reason, at: clock.nowMillis()))
        if records.count > recordLimit { records.removeFirst() }
        if let metrics {
            Counter(
                label: "switchyard_deliveries_total",
                dimensions: [("kind", job.request.target.kind.rawValue), ("outcome", status.rawValue)], factory: metrics
            ).increment()
        }
    }
}
