import CompressNIO
import Foundation
import NIOCore
import SwitchyardCore
import SwitchyardDelivery
import SwitchyardPlatform
import SwitchyardWire

/// CloudWatch Logs' state: groups and streams in memory (small), events in the store, and the
/// subscription filters that send matching events on through the delivery engine.
actor LogsEngine {
    let store: any LogsStore
    let deliveries: DeliveryEngine
    private(set) var groups: [String: LogGroupRecord] = [:]
    private var streams: [String: [String: LogStreamRecord]] = [:]
    private var nextEventId: Int64
    private(set) var patterns: [String: FilterPattern] = [:]
    /// Account-wide resource policies by key.
    private var policies: [String: LogsResourcePolicyRecord] = [:]
    /// Destinations by `<account>/<region>/<name>`.
    private(set) var destinations: [String: LogsDestinationRecord] = [:]
    /// Export tasks by `<account>/<region>/<id>`.
    var exportTasks: [String: LogsExportTaskRecord] = [:]
    /// Logs Insights queries by `<account>/<region>/<id>`.
    var queries: [String: LogsQueryRecord] = [:]
    /// Saved queries by `<account>/<region>/<id>`.
    var queryDefinitions: [String: LogsQueryDefinitionRecord] = [:]
    /// Vended-log delivery sources, destinations and deliveries by their keys.
    var deliveryObjects: [String: LogsDeliveryObject] = [:]
    /// Open Live Tail sessions, fed every appended batch.
    let liveTails = LiveTails()

    init(store: any LogsStore, deliveries: DeliveryEngine) throws {
        self.store = store
        self.deliveries = deliveries
        for group in try store.loadGroups() { groups[group.key] = group }
        for stream in try store.loadStreams() { streams[stream.groupKey, default: [:]][stream.name] = stream }
        for policy in try store.loadPolicies() { policies[policy.key] = policy }
        for destination in try store.loadDestinations() { destinations[destination.key] = destination }
        for task in try store.loadExportTasks() { exportTasks[task.key] = task }
        for query in try store.loadQueries() { queries[query.key] = query }
        for definition in try store.loadQueryDefinitions() { queryDefinitions[definition.key] = definition }
        for object in try store.loadDeliveryObjects() { deliveryObjects[object.key] = object }
        nextEventId = try store.lastEventId() + 1
    }

    // MARK: Resource policies

    /// The account's resource policies in a region, by name.
    func resourcePolicies(account: String, region: String) -> [LogsResourcePolicyRecord] {
        policies.values.filter { $0.account == account && $0.region == region }.sorted { $0.name < $1.name }
    }

    /// Creates or replaces a resource policy; a region holds at most ten, replacing one counts none.
    func putResourcePolicy(_ policy: LogsResourcePolicyRecord) async throws {
        if policies[policy.key] == nil,
            resourcePolicies(account: policy.account, region: policy.region).count >= Self.maximumResourcePolicies
        {
            throw AWSError("LimitExceededException", "Resource limit exceeded.")
        }
        policies[policy.key] = policy
        try await store.submit([.putPolicy(policy)]).wait()
    }

    func deleteResourcePolicy(key: String, name: String) async throws {
        guard policies.removeValue(forKey: key) != nil else {
            throw AWSError("ResourceNotFoundException", "Policy with name [\(name)] does not exist.")
        }
        try await store.submit([.deletePolicy(key: key)]).wait()
    }

    static let maximumResourcePolicies = 10

    var groupCount: Int { groups.count }

    func group(_ key: String) -> LogGroupRecord? { groups[key] }

    func groups(account: String, region: String) -> [LogGroupRecord] {
        groups.values.filter { $0.account == account && $0.region == region }.sorted { $0.name < $1.name }
    }

    func streams(of groupKey: String) -> [LogStreamRecord] {
        (streams[groupKey] ?? [:]).values.sorted { $0.name < $1.name }
    }

    func stream(_ groupKey: String, _ name: String) -> LogStreamRecord? { streams[groupKey]?[name] }

    func createGroup(_ group: LogGroupRecord) async throws {
        guard groups[group.key] == nil else {
            throw AWSError("ResourceAlreadyExistsException", "The specified log group already exists")
        }
        try await save(group)
    }

    func save(_ group: LogGroupRecord) async throws {
        groups[group.key] = group
        try await store.submit([.putGroup(group)]).wait()
    }

    func deleteGroup(_ key: String) async throws {
        groups[key] = nil
        streams[key] = nil
        try await store.submit([.deleteGroup(key: key)]).wait()
    }

    func createStream(_ groupKey: String, _ name: String) async throws {
        guard streams[groupKey]?[name] == nil else {
            throw AWSError("ResourceAlreadyExistsException", "The specified log stream already exists")
        }
        let stream = LogStreamRecord(groupKey: groupKey, name: name, creationTime: Self.now(), sequence: 0)
        streams[groupKey, default: [:]][name] = stream
        try await store.submit([.putStream(stream)]).wait()
    }

    func deleteStream(_ groupKey: String, _ name: String) async throws {
        streams[groupKey]?[name] = nil
        try await store.submit([.deleteStream(groupKey: groupKey, name: name)]).wait()
    }

    /// Appends events already checked (in order, within the accepted window) to a stream; sends
    /// them to the group's subscription filters. Answers the next sequence token.
    func append(_ groupKey: String, _ streamName: String, _ lines: [LogLine]) async throws -> String {
        guard var stream = streams[groupKey]?[streamName], let group = groups[groupKey] else {
            throw AWSError("ResourceNotFoundException", "The specified log stream does not exist.")
        }
        let ingestion = Self.now()
        var events: [StoredLogEvent] = []
        events.reserveCapacity(lines.count)
        for line in lines {
            events.append(
                StoredLogEvent(
                    id: nextEventId, stream: streamName, timestamp: line.timestamp, ingestionTime: ingestion,
                    message: line.message))
            nextEventId += 1
        }
        stream.sequence += 1
        if let first = events.first?.timestamp {
            stream.firstEventTimestamp = min(stream.firstEventTimestamp ?? first, first)
        }
        if let last = events.last?.timestamp {
            stream.lastEventTimestamp = max(stream.lastEventTimestamp ?? last, last)
        }
        stream.lastIngestionTime = ingestion
        streams[groupKey]?[streamName] = stream
        let ticket = store.submit([.append(groupKey: groupKey, events: events), .putStream(stream)])
        let subscriptions = subscriptionDeliveries(group, stream: streamName, events: events)
        try await ticket.wait()
        await liveTails.ingest(groupKey: groupKey, stream: streamName, events: events)
        if !subscriptions.isEmpty { try await deliveries.enqueue(subscriptions).wait() }
        return String(format: "%056d", stream.sequence)
    }

    /// Writes lines for another module, creating the group and stream as needed.
    func write(account: String, region: String, group name: String, stream: String, lines: [LogLine]) async {
        let key = LogGroupRecord.key(account: account, region: region, name: name)
        if groups[key] == nil {
            try? await save(
                LogGroupRecord(
                    account: account, region: region, name: name, creationTime: Self.now(), logGroupClass: "STANDARD",
                    deletionProtection: false, tags: [:], subscriptionFilters: []))
        }
        if streams[key]?[stream] == nil { try? await createStream(key, stream) }
        _ = try? await append(key, stream, lines.sorted { $0.timestamp < $1.timestamp })
    }

    func events(_ query: EventQuery) async throws -> [StoredLogEvent] {
        try await store.events(query)
    }

    /// Compiled filter patterns kept for reuse, at most.
    static let patternCacheLimit = 1024

    func pattern(_ text: String) throws -> FilterPattern {
        if let compiled = patterns[text] { return compiled }
        let compiled = try FilterPattern(text)
        // FilterLogEvents brings patterns of its own (often a request id to find): forget them all
        // now and then rather than keep every one; filters' patterns come back on their next use.
        if patterns.count >= Self.patternCacheLimit { patterns.removeAll() }
        patterns[text] = compiled
        return compiled
    }

    /// The payload each subscription filter gets: its matching events, gzipped; for functions also
    /// base64'd in `{"awslogs": {"data": ...}}`, as Lambda receives them, for Kinesis and Firehose
    /// streams the gzipped bytes as the record.
    private func subscriptionDeliveries(_ group: LogGroupRecord, stream: String, events: [StoredLogEvent])
        -> [DeliveryRequest]
    {
        var requests: [DeliveryRequest] = []
        for filter in group.subscriptionFilters {
            guard let pattern = try? pattern(filter.pattern) else { continue }
            let matching = events.filter { pattern.matches($0.message) }
            guard !matching.isEmpty else { continue }
            let document = OrderedJSON.object([
                ("messageType", .string("DATA_MESSAGE")), ("owner", .string(group.account)),
                ("logGroup", .string(group.name)), ("logStream", .string(stream)),
                ("subscriptionFilters", .array([.string(filter.name)])),
                (
                    "logEvents",
                    .array(
                        matching.map { event in
                            .object([
                                ("id", .string(Self.eventId(event))), ("timestamp", .integer(Int(event.timestamp))),
                                ("message", .string(event.message)),
                            ])
                        })
                ),
            ])
            if let target = deliveryArn(filter),
                let request = Self.subscriptionRequest(
                    document, filter: filter, target: target, group: group, stream: stream)
            {
                requests.append(request)
            }
        }
        return requests
    }

    /// A subscription's delivery of a gzipped document to the filter's destination.
    /// `target`: the filter's destination, or the stream its logs destination stands for.
    static func subscriptionRequest(
        _ document: OrderedJSON, filter: SubscriptionFilterRecord, target targetArn: String, group: LogGroupRecord,
        stream: String
    ) -> DeliveryRequest? {
        var buffer = ByteBuffer(string: document.text)
        guard let compressed = try? buffer.compress(with: .gzip()) else { return nil }
        let bytes = Array(compressed.readableBytesView)
        let vendor = ARN.parts(targetArn)?[2]
        let target: DeliveryTarget
        var body = DeliveryPayload(bytes: bytes)
        var metadata: [String: String]?
        switch vendor {
        case "kinesis":
            target = DeliveryTarget(kind: DeliveryTargetKind(rawValue: "kinesis"), resource: targetArn)
            // ByLogStream keeps a stream's events in one shard; Random spreads them.
            metadata = ["PartitionKey": filter.distribution == "Random" ? UUID().uuidString : stream]
        case "firehose":
            target = .firehose(arn: targetArn)
        default:
            target = .lambda(arn: targetArn)
            let data = Data(bytes).base64EncodedString()
            body = DeliveryPayload(OrderedJSON.object([("awslogs", .object([("data", .string(data))]))]).text)
        }
        return DeliveryRequest(
            target: target, body: body, metadata: metadata,
            retry: vendor == "lambda" ? .asynchronousInvocation() : .managedEndpoint,
            origin: "\(group.arn):subscription-filter:\(filter.name)",
            source: DeliverySource(service: "logs.amazonaws.com", arn: group.arn + ":*", account: group.account)
        ).invokingAsynchronously()
    }

    /// The test message CloudWatch Logs sends a stream destination when a subscription filter is
    /// put: a CONTROL_MESSAGE, which consumers (Firehose's CloudWatchLogProcessing) skip.
    func sendControlMessage(to filter: SubscriptionFilterRecord, of group: LogGroupRecord) async throws {
        guard let targetArn = deliveryArn(filter) else { return }
        let vendor = ARN.parts(targetArn)?[2]
        let name = vendor == "kinesis" ? "Kinesis" : "Firehose"
        let document = OrderedJSON.object([
            ("messageType", .string("CONTROL_MESSAGE")), ("owner", .string("CloudwatchLogs")),
            ("logGroup", .string("")), ("logStream", .string("")), ("subscriptionFilters", .array([])),
            (
                "logEvents",
                .array([
                    .object([
                        ("id", .string("")), ("timestamp", .integer(Int(Self.now()))),
                        ("message", .string("CWL CONTROL MESSAGE: Checking health of destination \(name).")),
                    ])
                ])
            ),
        ])
        guard
            let request = Self.subscriptionRequest(
                document, filter: filter, target: targetArn, group: group, stream: "")
        else { return }
        try await deliveries.enqueue([request]).wait()
    }

    func save(_ destination: LogsDestinationRecord) async throws {
        destinations[destination.key] = destination
        try await store.submit([.putDestination(destination)]).wait()
    }

    func deleteDestination(_ key: String) async throws {
        destinations[key] = nil
        try await store.submit([.deleteDestination(key: key)]).wait()
    }

    /// The destination a `arn:aws:logs:<region>:<account>:destination:<name>` ARN names.
    func destination(arn: String) -> LogsDestinationRecord? {
        guard let parts = ARN.parts(arn), parts.count == 6, parts[5].hasPrefix("destination:") else { return nil }
        return destinations[
            LogsDestinationRecord.key(
                account: String(parts[4]), region: String(parts[3]), name: String(parts[5].dropFirst(12)))]
    }

    /// Where a subscription filter's deliveries go: its destination ARN, or, for a destination, the
    /// stream the destination stands for.
    func deliveryArn(_ filter: SubscriptionFilterRecord) -> String? {
        guard ARN.parts(filter.destinationArn)?[2] == "logs" else { return filter.destinationArn }
        return destination(arn: filter.destinationArn)?.targetArn
    }

    /// Event ids as AWS writes them: a long string of digits.
    static func eventId(_ event: StoredLogEvent) -> String {
        String(format: "%020lld%036lld", event.timestamp, event.id)
    }

    static func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    /// Removes events older than their group's retention, now and then.
    func runRetention(every interval: Duration) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            let now = Self.now()
            let changes: [LogsChange] = groups.values.compactMap { group in
                group.retentionInDays.map { .trim(groupKey: group.key, before: now - Int64($0) * 86_400_000) }
            }
            if !changes.isEmpty { try? await store.submit(changes).wait() }
            await forgetOldQueries()
        }
    }

    func reset() async throws {
        groups.removeAll()
        streams.removeAll()
        policies.removeAll()
        destinations.removeAll()
        exportTasks.removeAll()
        queries.removeAll()
        queryDefinitions.removeAll()
        deliveryObjects.removeAll()
        try await store.wipe().wait()
    }
}

/// The Logs module's writer for other modules.
struct EngineLogWriter: LogWriter {
    let engine: LogsEngine

    func write(account: String, region: String, group: String, stream: String, lines: [LogLine]) async {
        await engine.write(account: account, region: region, group: group, stream: stream, lines: lines)
    }
}
