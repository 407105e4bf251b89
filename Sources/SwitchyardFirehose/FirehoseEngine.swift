import DequeModule
import Foundation
import SwitchyardCore
import SwitchyardDelivery
import SwitchyardPlatform

/// The delivery streams and their buffers.
///
/// Records are committed to the durable buffer before PutRecord answers. Each stream's records
/// accumulate until its buffering hints say to deliver (the size reached, or the interval since
/// the oldest record passed, whichever comes first); that cut is a batch, which the stream's one
/// worker delivers in order, and which leaves the durable buffer only once it is delivered or in
/// error output. After a restart, buffered records are delivered as their interval runs out.
actor FirehoseEngine {
    private let table: JSONRecordTable<DeliveryStreamRecord>
    private let buffer: any RecordBufferStore
    let deliveries: DeliveryEngine
    let logs: LogWriters
    let sources: EventSourceReaders
    let clock: any ServiceClock
    /// A cap on every stream's buffering interval (SWITCHYARD_FIREHOSE_MAX_BUFFER_SECONDS), for tests
    /// that cannot wait the default five minutes; nil honours the hints exactly.
    private let maximumIntervalMillis: Int64?

    private(set) var streams: [String: DeliveryStreamRecord] = [:]
    private var settings: [String: DeliverySettings] = [:]
    private var pending: [String: PendingRecords] = [:]
    /// The next buffered record's sequence, one counter for every stream (the buffer table's rowid).
    private var nextSequence: Int64 = 1
    private var batches: [String: Deque<[BufferedRecord]>] = [:]
    private var workers: [String: Task<Void, Never>] = [:]
    private var readers: [String: Task<Void, Never>] = [:]
    private var counters: [String: StreamCounters] = [:]
    /// Bytes each stream holds that are not delivered yet: pending, batched, being delivered.
    private var backlog: [String: Int] = [:]
    /// What a stream may hold undelivered before producers are told to slow down (by default twice
    /// the largest buffer a destination can ask for), so that a slow or failing destination cannot
    /// take the server's memory.
    private let backlogLimit: Int

    /// A put that would take a stream's backlog over its limit.
    struct SlowDown: Error {}

    /// Records of a stream not yet cut into a batch.
    struct PendingRecords {
        var records: Deque<BufferedRecord> = []
        var bytes = 0
    }

    init(
        table: JSONRecordTable<DeliveryStreamRecord>, buffer: any RecordBufferStore, deliveries: DeliveryEngine,
        logs: LogWriters, sources: EventSourceReaders, clock: any ServiceClock = SystemClock(),
        maximumIntervalMillis: Int64?, backlogLimit: Int = 256 << 20
    ) throws {
        self.backlogLimit = backlogLimit
        self.table = table
        self.buffer = buffer
        self.deliveries = deliveries
        self.logs = logs
        self.sources = sources
        self.clock = clock
        self.maximumIntervalMillis = maximumIntervalMillis
        for stream in try table.loadAll() {
            streams[stream.key] = stream
            settings[stream.key] = DeliverySettings(stream.destination, maximumIntervalMillis: maximumIntervalMillis)
        }
        for (key, records) in try buffer.loadAll() {
            guard streams[key] != nil else { continue }
            var waiting = PendingRecords()
            for record in records {
                waiting.records.append(record)
                waiting.bytes += record.data.count
            }
            pending[key] = waiting
            backlog[key] = waiting.bytes
            nextSequence = max(nextSequence, (records.last?.sequence ?? 0) + 1)
        }
    }

    /// Starts the readers of Kinesis-sourced streams; then cuts due batches until cancelled.
    func run() async {
        for stream in streams.values { startReader(stream) }
        while !Task.isCancelled {
            cutDueBatches()
            try? await Task.sleep(for: .milliseconds(100))
        }
    }

    // MARK: Streams

    func stream(_ key: String) -> DeliveryStreamRecord? { streams[key] }

    var streamCount: Int { streams.count }

    func create(_ stream: DeliveryStreamRecord) async throws {
        guard streams[stream.key] == nil else {
            throw FirehoseErrors.inUse("Firehose \(stream.name) under accountId \(stream.account) already exists")
        }
        streams[stream.key] = stream
        settings[stream.key] = DeliverySettings(stream.destination, maximumIntervalMillis: maximumIntervalMillis)
        try await table.put(stream, key: stream.key).wait()
        startReader(stream)
    }

    /// Replaces a stream's record (tags, encryption, destination updates), keeping the reading
    /// positions its Kinesis reader moved meanwhile.
    func update(_ stream: DeliveryStreamRecord) async throws {
        guard let current = streams[stream.key] else { return }
        var stream = stream
        stream.checkpoints = current.checkpoints
        stream.finishedShards = current.finishedShards
        streams[stream.key] = stream
        settings[stream.key] = DeliverySettings(stream.destination, maximumIntervalMillis: maximumIntervalMillis)
        try await table.put(stream, key: stream.key).wait()
    }

    /// Deletes a stream with whatever it still buffers, as AWS does.
    func delete(_ key: String) async throws {
        streams[key] = nil
        settings[key] = nil
        pending[key] = nil
        batches[key] = nil
        counters[key] = nil
        backlog[key] = nil
        workers.removeValue(forKey: key)?.cancel()
        readers.removeValue(forKey: key)?.cancel()
        _ = buffer.removeStream(key)
        try await table.delete(key: key).wait()
    }

    func reset() async throws {
        for task in workers.values { task.cancel() }
        for task in readers.values { task.cancel() }
        workers = [:]
        readers = [:]
        streams = [:]
        settings = [:]
        pending = [:]
        batches = [:]
        counters = [:]
        backlog = [:]
        _ = buffer.wipe()
        try await table.wipe().wait()
    }

    // MARK: Records

    /// Takes records into a stream's buffer; returns once they are durable. Throws `SlowDown`, taking
    /// nothing, when the stream's backlog would pass its limit.
    func put(_ key: String, _ data: [[UInt8]], origins: [KinesisRecordOrigin?]? = nil) async throws {
        let incoming = data.reduce(0) { $0 + $1.count }
        guard (backlog[key] ?? 0) + incoming <= backlogLimit || backlog[key] ?? 0 == 0 else { throw SlowDown() }
        backlog[key, default: 0] += incoming
        let now = clock.nowMillis()
        var sequence = nextSequence
        var records: [BufferedRecord] = []
        records.reserveCapacity(data.count)
        for (index, bytes) in data.enumerated() {
            records.append(
                BufferedRecord(sequence: sequence, arrivalMillis: now, data: bytes, kinesis: origins?[index]))
            sequence += 1
        }
        nextSequence = sequence
        var waiting = pending[key] ?? PendingRecords()
        for record in records {
            waiting.records.append(record)
            waiting.bytes += record.data.count
        }
        pending[key] = waiting
        counters[key, default: StreamCounters()].incomingRecords += records.count
        counters[key, default: StreamCounters()].incomingBytes += incoming
        let ticket = buffer.append(stream: key, records)
        cutFullBatches(key)
        try await ticket.wait()
    }

    /// Cuts batches of a stream whose buffered size reached its hint.
    private func cutFullBatches(_ key: String) {
        guard let limit = settings[key]?.bufferBytes else { return }
        while let waiting = pending[key], waiting.bytes >= limit {
            var batch: [BufferedRecord] = []
            var bytes = 0
            var rest = waiting
            while let next = rest.records.first, batch.isEmpty || bytes + next.data.count <= limit {
                batch.append(next)
                bytes += next.data.count
                rest.records.removeFirst()
            }
            rest.bytes -= bytes
            pending[key] = rest
            enqueue(key, batch)
        }
    }

    /// Cuts every stream's buffer whose oldest record waited its interval.
    private func cutDueBatches() {
        let now = clock.nowMillis()
        for (key, waiting) in pending {
            guard let oldest = waiting.records.first, let interval = settings[key]?.bufferMillis,
                now - oldest.arrivalMillis >= interval
            else { continue }
            pending[key] = PendingRecords()
            enqueue(key, Array(waiting.records))
        }
    }

    private func enqueue(_ key: String, _ batch: [BufferedRecord]) {
        guard !batch.isEmpty else { return }
        batches[key, default: []].append(batch)
        guard workers[key] == nil else { return }
        workers[key] = Task { await self.work(key) }
    }

    private func nextBatch(_ key: String) -> (DeliveryStreamRecord, DeliverySettings, [BufferedRecord])? {
        guard let stream = streams[key], let settings = settings[key], let batch = batches[key]?.popFirst() else {
            workers[key] = nil
            return nil
        }
        return (stream, settings, batch)
    }

    /// The stream's worker: its batches one after the other, in order.
    private func work(_ key: String) async {
        while !Task.isCancelled, let (stream, settings, batch) = nextBatch(key) {
            let delivery = BatchDelivery(
                stream: stream, settings: settings, deliveries: deliveries, logs: logs, clock: clock,
                report: { report in await self.record(key, report) })
            await delivery.deliver(batch)
            guard !Task.isCancelled, let first = batch.first?.sequence, let last = batch.last?.sequence else { return }
            _ = buffer.remove(stream: key, first...last)
            delivered(key, bytes: batch.reduce(0) { $0 + $1.data.count })
        }
    }

    private func delivered(_ key: String, bytes: Int) {
        guard let held = backlog[key] else { return }
        backlog[key] = max(0, held - bytes)
    }

    private func record(_ key: String, _ report: DeliveryReport) {
        guard streams[key] != nil else { return }
        var counts = counters[key, default: StreamCounters()]
        counts.deliveredRecords += report.records
        counts.deliveredBytes += report.bytes
        counts.objects += report.objects
        counts.failedRecords += report.failedRecords
        counts.lastDeliveryMillis = clock.nowMillis()
        counters[key] = counts
    }

    /// What each stream took and delivered since the server started, for the operational endpoint.
    func statistics() -> [StreamStatistics] {
        streams.values.sorted { $0.key < $1.key }.map { stream in
            StreamStatistics(
                arn: stream.arn, counters: counters[stream.key] ?? StreamCounters(),
                buffered: (pending[stream.key]?.records.count ?? 0)
                    + (batches[stream.key]?.reduce(0) { $0 + $1.count } ?? 0))
        }
    }

    // MARK: Kinesis sources

    private func startReader(_ stream: DeliveryStreamRecord) {
        guard stream.type == "KinesisStreamAsSource", readers[stream.key] == nil,
            let arn = stream.source?.kinesisStreamARN
        else { return }
        let key = stream.key
        readers[key] = Task { await KinesisSourceReader(engine: self, key: key, streamARN: arn).run() }
    }

    /// Records read from a Kinesis shard, taken into the buffer, then the shard's checkpoint.
    func ingest(
        _ key: String, records: [StreamSourceRecord], shard: String, checkpoint: String, exhausted: Bool
    ) async throws {
        guard var stream = streams[key] else { return }
        if !records.isEmpty {
            try await put(
                key, records.map(\.data),
                origins: records.map {
                    KinesisRecordOrigin(
                        shardId: shard, partitionKey: $0.partitionKey, sequenceNumber: $0.sequenceNumber,
                        arrivalMillis: $0.arrivalMillis)
                })
        }
        guard let current = streams[key] else { return }
        stream = current
        var checkpoints = stream.checkpoints ?? [:]
        checkpoints[shard] = checkpoint
        stream.checkpoints = checkpoints
        if exhausted, !(stream.finishedShards ?? []).contains(shard) {
            stream.finishedShards = (stream.finishedShards ?? []) + [shard]
        }
        guard stream != current else { return }
        streams[key] = stream
        _ = table.put(stream, key: key)
    }
}

/// A stream's counts and what it still buffers.
struct StreamStatistics: Sendable {
    var arn: String
    var counters: StreamCounters
    var buffered: Int

    /// The counts as gauges (`switchyard_firehose_*`), labelled with the stream's ARN.
    var samples: [MetricSample] {
        let labels = [("delivery_stream", arn)]
        return [
            ("incoming_records", counters.incomingRecords), ("incoming_bytes", counters.incomingBytes),
            ("delivered_records", counters.deliveredRecords), ("delivered_bytes", counters.deliveredBytes),
            ("delivered_objects", counters.objects), ("failed_records", counters.failedRecords),
            ("buffered_records", buffered),
        ].map { MetricSample(name: "switchyard_firehose_\($0.0)", labels: labels, value: Double($0.1)) }
    }

    var json: [String: Any] {
        [
            "deliveryStreamARN": arn, "incomingRecords": counters.incomingRecords,
            "incomingBytes": counters.incomingBytes, "deliveredRecords": counters.deliveredRecords,
            "deliveredBytes": counters.deliveredBytes, "objects": counters.objects,
            "failedRecords": counters.failedRecords, "bufferedRecords": buffered,
            "lastDeliveryMillis": counters.lastDeliveryMillis ?? 0,
        ]
    }
}

/// Counts of one stream since the server started.
struct StreamCounters: Sendable {
    var incomingRecords = 0
    var incomingBytes = 0
    var deliveredRecords = 0
    var deliveredBytes = 0
    var objects = 0
    var failedRecords = 0
    var lastDeliveryMillis: Int64?
}
