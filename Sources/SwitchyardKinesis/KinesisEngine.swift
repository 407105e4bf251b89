import Foundation
import SwitchyardCore
import SwitchyardWire

/// Kinesis's state: streams (metadata in memory, stored as JSON records) and their records (in the
/// record log). Streams go through AWS's CREATING / UPDATING / DELETING states for
/// `transitionMillis` (0 by default: settled by the next call).
actor KinesisEngine {
    let streamsTable: JSONRecordTable<StreamRecord>
    let settingsTable: JSONRecordTable<AccountSettingsRecord>
    let log: any RecordLog
    let transitionMillis: Int64
    /// AWS's per-shard throughput quotas, when emulated.
    let quotas: ShardQuotas

    /// Kept current in memory; stored when what matters after a restart changes (record counters are
    /// recovered from the record log instead).
    var streams: [String: StreamRecord] = [:]
    private(set) var accountSettings: [String: AccountSettingsRecord] = [:]
    /// Wakes readers waiting for a shard's next records (SubscribeToShard).
    let signals = ShardSignals()
    /// When each consumer last subscribed to each shard (`<consumer ARN>#<ordinal>`), epoch millis.
    var subscriptions: [String: Int64] = [:]

    init(
        streams: JSONRecordTable<StreamRecord>, settings: JSONRecordTable<AccountSettingsRecord>, log: any RecordLog,
        transitionMillis: Int64, quotas: ShardQuotas = ShardQuotas(enabled: false)
    ) throws {
        self.quotas = quotas
        self.streamsTable = streams
        self.settingsTable = settings
        self.log = log
        self.transitionMillis = transitionMillis
        let recovered = try log.recover()
        var newest: [String: (UInt64, Int64)] = [:]
        for (shard, last) in recovered {
            let known = newest[shard.incarnation] ?? (0, 0)
            newest[shard.incarnation] = (max(known.0, last.counter), max(known.1, last.millis))
        }
        for var stream in try streams.loadAll() {
            if let (counter, millis) = newest[stream.incarnation] {
                stream.counter = max(stream.counter, counter)
                stream.lastMillis = max(stream.lastMillis, millis)
            }
            self.streams[stream.key] = stream
        }
        for settings in try settings.loadAll() { accountSettings[settings.account] = settings }
        // Records of streams deleted while their records were being removed.
        let live = Set(self.streams.values.map(\.incarnation))
        for incarnation in Set(recovered.keys.map(\.incarnation)) where !live.contains(incarnation) {
            log.drop(incarnation: incarnation)
        }
    }

    static func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    var streamCount: Int { streams.count }

    // MARK: Streams

    /// The stream under a key, its pending state change applied if its time has come.
    func stream(_ key: String) async throws -> StreamRecord? {
        guard var stream = streams[key] else { return nil }
        guard let settlesAt = stream.settlesAt, settlesAt <= Self.now() else { return stream }
        switch stream.status {
        case "DELETING":
            try await remove(stream)
            return nil
        default:
            stream.status = "ACTIVE"
            stream.settlesAt = nil
            for index in stream.consumers.indices where stream.consumers[index].status == "CREATING" {
                stream.consumers[index].status = "ACTIVE"
            }
            try await save(stream)
            return stream
        }
    }

    func streams(account: String, region: String) async throws -> [StreamRecord] {
        var found: [StreamRecord] = []
        for key in streams.keys.sorted() {
            guard let candidate = streams[key], candidate.account == account, candidate.region == region else {
                continue
            }
            if let stream = try await stream(key) { found.append(stream) }
        }
        return found.sorted { $0.name < $1.name }
    }

    func create(_ stream: StreamRecord) async throws {
        guard streams[stream.key] == nil else {
            throw AWSError(
                "ResourceInUseException", "Stream \(stream.name) under account \(stream.account) already exists.")
        }
        var created = stream
        created.settlesAt = Self.now() + transitionMillis
        try await save(created)
    }

    func save(_ stream: StreamRecord) async throws {
        streams[stream.key] = stream
        try await streamsTable.put(stream, key: stream.key).wait()
    }

    /// Marks a stream DELETING; it is gone once the transition ends.
    func delete(_ stream: StreamRecord) async throws {
        var deleting = stream
        deleting.status = "DELETING"
        deleting.settlesAt = Self.now() + transitionMillis
        for index in deleting.consumers.indices { deleting.consumers[index].status = "DELETING" }
        if transitionMillis == 0 {
            try await remove(deleting)
        } else {
            try await save(deleting)
        }
    }

    private func remove(_ stream: StreamRecord) async throws {
        streams[stream.key] = nil
        try await streamsTable.delete(key: stream.key).wait()
        log.drop(incarnation: stream.incarnation)
        signals.signalAll(incarnation: stream.incarnation)
    }

    /// Changes a stream that exists and is ACTIVE (or, when `requireActive` is false, any state
    /// but DELETING), storing the result.
    func update(
        _ key: String, requireActive: Bool = true, _ change: (inout StreamRecord) throws -> Void
    ) async throws -> StreamRecord {
        guard var stream = try await stream(key) else { throw KinesisErrors.streamNotFound(key: key) }
        if requireActive, stream.status != "ACTIVE" { throw KinesisErrors.notActive(stream) }
        try change(&stream)
        try await save(stream)
        return stream
    }

    // MARK: Account settings

    func settings(_ account: String) -> AccountSettingsRecord? { accountSettings[account] }

    func save(_ settings: AccountSettingsRecord) async throws {
        accountSettings[settings.account] = settings
        try await settingsTable.put(settings, key: settings.account).wait()
    }

    // MARK: Retention

    /// Forgets records older than each stream's retention, and closed shards whose records are all gone.
    func applyRetention() async {
        let now = Self.now()
        for (key, stream) in streams {
            let cutoff = now - Int64(stream.retentionHours) * 3_600_000
            for shard in stream.shards {
                log.trim(ShardKey(incarnation: stream.incarnation, ordinal: shard.ordinal), before: cutoff)
            }
            let expired = stream.shards.filter { ($0.closedAt ?? .max) < cutoff }
            guard !expired.isEmpty, var updated = streams[key] else { continue }
            updated.shards.removeAll { ($0.closedAt ?? .max) < cutoff }
            try? await save(updated)
        }
    }

    func runRetention(every interval: Duration) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            await applyRetention()
        }
    }

    func reset() async throws {
        streams.removeAll()
        accountSettings.removeAll()
        try await streamsTable.wipe().wait()
        try await settingsTable.wipe().wait()
        log.wipe()
    }
}

/// An account's Kinesis settings (the minimum throughput billing commitment).
struct AccountSettingsRecord: Sendable, Codable, Equatable {
    var account: String
    var commitmentStatus: String
    var startedAt: Int64?
    var endedAt: Int64?
}

extension KinesisEngine {
    /// AWS refuses a second subscription of one consumer to one shard within five seconds.
    func startSubscription(consumer: String, described: String, shard: Int) throws {
        let key = "\(consumer)#\(shard)"
        let now = Self.now()
        subscriptions = subscriptions.filter { now - $0.value < 5000 }
        if subscriptions[key] != nil {
            throw AWSError(
                "ResourceInUseException",
                "Another active subscription exists for this consumer: \(described)")
        }
        subscriptions[key] = now
    }
}
