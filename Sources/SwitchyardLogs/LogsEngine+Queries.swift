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
        Task { await self.run(query.key, parsed) }
    }

    func save(_ query: LogsQueryRecord) async throws {
        queries[query.key] = query
        try await store.submit([.putQuery(query)]).wait()
    }

    /// Runs again every query a restart left unfinished.
    func resumeQueries() async {
        for (key, query) in queries where query.isActive {
            if let parsed = try? InsightsParser.parse(query.queryString) { await run(key, parsed) }
        }
    }

    private func run(_ key: String, _ parsed: InsightsQuery) async {
        guard var query = queries[key], query.isActive else { return }
        query.status = "Running"
        queries[key] = query
        var run = InsightsRun(parsed, cap: query.limit ?? 10_000)
        let groups = query.groupNames.map { LogGroupRecord.key(account: query.account, region: query.region, name: $0) }
        var failed = false
        do {
            try await feed(
                &run, groups: groups, from: query.startTime * 1000, through: query.endTime * 1000 + 999, key: key)
        } catch {
            failed = true
        }
        // A query stopped while it ran stays cancelled.
        guard var finished = queries[key], finished.status == "Running" else { return }
        finished.status = failed ? "Failed" : "Complete"
        finished.results = run.results().map { row in row.map { LogsResultField(field: $0.field, value: $0.value) } }
        finished.recordsScanned = Double(run.recordsScanned)
        finished.recordsMatched = Double(run.recordsMatched)
        finished.bytesScanned = Double(run.bytesScanned)
        try? await save(finished)
    }

    /// Feeds the groups' events of the time range to the run, newest first across all groups.
    private func feed(_ run: inout InsightsRun, groups: [String], from start: Int64, through end: Int64, key: String)
        async throws
    {
        var pages = groups.map {
            (group: $0, events: [StoredLogEvent](), next: 0, before: EventCursor?.none, done: false)
        }
        while !run.isSatisfied, queries[key]?.status == "Running" {
            for index in pages.indices where !pages[index].done && pages[index].next >= pages[index].events.count {
                let page = try await events(
                    EventQuery(
                        groupKey: pages[index].group, streams: nil, streamPrefix: nil, startTime: start,
                        endTime: end + 1, after: nil, before: pages[index].before, ascending: false,
                        limit: Self.queryPageSize))
                pages[index].events = page
                pages[index].next = 0
                pages[index].done = page.count < Self.queryPageSize
                if let last = page.last { pages[index].before = EventCursor(timestamp: last.timestamp, id: last.id) }
            }
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
            guard let group = self.group(pages[chosen].group) else { continue }
            let row = InsightsFields.row(
                event, account: group.account, group: group.name, pointer: Self.pointer(group.key, event),
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
