import Foundation
import SwitchyardWire

/// Logs Insights queries: each runs in the background over its groups' events, newest first, and
/// its answer is kept (durably) for seven days. A query a restart interrupted runs again.
extension LogsEngine {
    /// Events read per page while a query runs.
    static let queryPageSize = 10_000
    /// AWS keeps a query's results this long (milliseconds).
    static let queryRetention: Int64 = 7 * 86_400_000
    /// Queries an account may have running at once.
    static let concurrentQueries = 100

    /// Stores a query (durably, before StartQuery answers) and starts it.
    func start(_ query: LogsQueryRecord, parsed: InsightsQuery) async throws {
        let running = queries.values.filter { $0.account == query.account && $0.isActive }.count
        guard running < Self.concurrentQueries else {
            throw AWSError(
                "LimitExceededException",
                "Account maximum query concurrency limit of [\(Self.concurrentQueries)] reached.")
        }
        try await save(query)
        // The query runs off the engine, which goes on taking events while it reads them.
        Task.detached { await Self.run(query.key, parsed, engine: self) }
    }

    func save(_ query: LogsQueryRecord) async throws {
        queries[query.key] = query
        try await store.submit([.putQuery(query)]).wait()
    }

    /// Runs again every query a restart left unfinished.
    func resumeQueries() async {
        for (key, query) in queries where query.isActive {
            if let parsed = try? InsightsParser.parse(query.queryString) { await Self.run(key, parsed, engine: self) }
        }
    }

    /// Marks a scheduled query running; nil when it is no longer to run (stopped, gone).
    private func markRunning(_ key: String) -> LogsQueryRecord? {
        guard var query = queries[key], query.isActive else { return nil }
        query.status = "Running"
        queries[key] = query
        return query
    }

    private func isRunning(_ key: String) -> Bool { queries[key]?.status == "Running" }

    /// Stores a run's answer, unless the query was stopped while it ran (it stays cancelled).
    private func finish(_ key: String, run: InsightsRun, failed: Bool) async {
        guard var finished = queries[key], finished.status == "Running" else { return }
        finished.status = failed ? "Failed" : "Complete"
        finished.results = run.results().map { row in row.map { LogsResultField(field: $0.field, value: $0.value) } }
        finished.recordsScanned = Double(run.recordsScanned)
        finished.recordsMatched = Double(run.recordsMatched)
        finished.bytesScanned = Double(run.bytesScanned)
        try? await save(finished)
    }

    private static func run(_ key: String, _ parsed: InsightsQuery, engine: LogsEngine) async {
        guard let query = await engine.markRunning(key) else { return }
        var run = InsightsRun(parsed, cap: query.limit ?? 10_000)
        var failed = false
        do {
            try await feed(&run, query: query, engine: engine)
        } catch {
            failed = true
        }
        await engine.finish(key, run: run, failed: failed)
    }

    /// Feeds the groups' events of the query's time range to the run, newest first across all
    /// groups, a page of each group at a time.
    private static func feed(_ run: inout InsightsRun, query: LogsQueryRecord, engine: LogsEngine) async throws {
        let start = query.startTime * 1000
        let end = query.endTime * 1000 + 999
        var pages = query.groupNames.map { name in
            (
                name: name, key: LogGroupRecord.key(account: query.account, region: query.region, name: name),
                events: [StoredLogEvent](), next: 0, before: EventCursor?.none, done: false
            )
        }
        while !run.isSatisfied {
            var refilled = false
            for index in pages.indices where !pages[index].done && pages[index].next >= pages[index].events.count {
                let page = try await engine.events(
                    EventQuery(
                        groupKey: pages[index].key, streams: nil, streamPrefix: nil, startTime: start,
                        endTime: end + 1, after: nil, before: pages[index].before, ascending: false,
                        limit: queryPageSize))
                pages[index].events = page
                pages[index].next = 0
                pages[index].done = page.count < queryPageSize
                if let last = page.last { pages[index].before = EventCursor(timestamp: last.timestamp, id: last.id) }
                refilled = true
            }
            // Between pages, a stopped query ends.
            if refilled, await !engine.isRunning(query.key) { return }
            var newest: Int?
            for index in pages.indices where pages[index].next < pages[index].events.count {
                let candidate = pages[index].events[pages[index].next]
                if let chosen = newest {
                    let current = pages[chosen].events[pages[chosen].next]
                    if EventCursor(timestamp: current.timestamp, id: current.id)
                        < EventCursor(timestamp: candidate.timestamp, id: candidate.id)
                    {
                        newest = index
                    }
                } else {
                    newest = index
                }
            }
            guard let chosen = newest else { return }
            let event = pages[chosen].events[pages[chosen].next]
            pages[chosen].next += 1
            let row = InsightsFields.row(
                event, account: query.account, group: pages[chosen].name, pointer: pointer(pages[chosen].key, event),
                discover: run.discovers)
            run.add(row, bytes: event.message.utf8.count)
        }
    }

    /// An event's `@ptr`: base64 of its group key, time and id (what GetLogRecord reads back).
    static func pointer(_ groupKey: String, _ event: StoredLogEvent) -> String {
        Data("\(groupKey)|\(event.timestamp)|\(event.id)".utf8).base64EncodedString()
    }

    /// The event a `@ptr` names, if it is the account's and still stored.
    func event(pointer: String, account: String) async throws -> (group: LogGroupRecord, event: StoredLogEvent)? {
        guard let data = Data(base64Encoded: pointer), let text = String(data: data, encoding: .utf8) else {
            return nil
        }
        let parts = text.split(separator: "|").map(String.init)
        guard parts.count == 3, let timestamp = Int64(parts[1]), let id = Int64(parts[2]),
            let group = self.group(parts[0]), group.account == account
        else { return nil }
        let candidates = try await events(
            EventQuery(
                groupKey: group.key, streams: nil, streamPrefix: nil, startTime: timestamp, endTime: timestamp + 1,
                after: nil, before: nil, ascending: true, limit: Self.queryPageSize))
        return candidates.first { $0.id == id }.map { (group, $0) }
    }

    /// Cancels a running query; false when it is not running.
    func stop(_ key: String) async throws -> Bool {
        guard var query = queries[key], query.isActive else { return false }
        query.status = "Cancelled"
        try await save(query)
        return true
    }

    /// Drops queries older than AWS keeps them.
    func forgetOldQueries() async {
        let cutoff = Self.now() - Self.queryRetention
        let old = queries.values.filter { $0.createTime < cutoff }.map(\.key)
        guard !old.isEmpty else { return }
        for key in old { queries[key] = nil }
        try? await store.submit(old.map { .deleteQuery(key: $0) }).wait()
    }

    // MARK: Query definitions

    func save(_ definition: LogsQueryDefinitionRecord) async throws {
        queryDefinitions[definition.key] = definition
        try await store.submit([.putQueryDefinition(definition)]).wait()
    }

    func deleteQueryDefinition(_ key: String) async throws -> Bool {
        guard queryDefinitions.removeValue(forKey: key) != nil else { return false }
        try await store.submit([.deleteQueryDefinition(key: key)]).wait()
        return true
    }
}
