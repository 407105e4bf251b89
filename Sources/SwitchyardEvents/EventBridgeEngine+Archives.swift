import Foundation
import SwitchyardCore
import SwitchyardMatching
import SwitchyardWire

extension EventBridgeEngine {
    /// The changes that keep an event in the archives of its bus whose patterns it matches.
    func archive(_ event: RoutedEvent, _ matchable: MatchableEvent) -> [EventBridgeChange] {
        var changes: [EventBridgeChange] = []
        for (key, archive) in archives where archive.source == event.bus {
            if let pattern = archivePatterns[key], !pattern.matches(matchable) { continue }
            let text = event.envelope.text
            let time = Self.eventTime(event.envelope) ?? event.ingestedAt
            let kept = ArchivedEvent(time: time, envelope: text)
            archived[key, default: []].append(kept)
            archives[key]?.eventCount += 1
            archives[key]?.sizeBytes += text.utf8.count
            changes.append(.archiveEvent(archive: key, kept))
            if let updated = archives[key] { changes.append(.putArchive(updated)) }
        }
        return changes
    }

    /// Drops the events an archive has kept longer than its `RetentionDays` (0 or none keeps them
    /// for ever, as on AWS), by each event's own time, and counts them out of its event count and
    /// size. Returns how many went.
    @discardableResult
    public func expireArchivedEvents() async throws -> Int {
        let now = clock.nowMillis()
        var changes: [EventBridgeChange] = []
        var expired = 0
        for (key, var record) in archives {
            guard let days = record.retentionDays, days > 0, let events = archived[key] else { continue }
            let cutoff = now - Int64(days) * 86_400_000
            guard events.contains(where: { $0.time < cutoff }) else { continue }
            let kept = events.filter { $0.time >= cutoff }
            expired += events.count - kept.count
            record.eventCount = kept.count
            record.sizeBytes = kept.reduce(0) { $0 + $1.envelope.utf8.count }
            archived[key] = kept
            archives[key] = record
            changes += [.expireArchivedEvents(archive: key, before: cutoff), .putArchive(record)]
        }
        guard !changes.isEmpty else { return 0 }
        try await store.submit(changes).wait()
        return expired
    }

    /// Applies archives' retention once a minute until the task is cancelled.
    public func runArchiveRetention() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(60))
            _ = try? await expireArchivedEvents()
        }
    }

    /// An envelope's `time`, in epoch milliseconds.
    static func eventTime(_ envelope: OrderedJSON) -> Int64? {
        guard case .scalar(.string(let text))? = envelope["time"] else { return nil }
        return Timestamp.millis(iso8601: text)
    }

    public func createArchive(_ record: ArchiveRecord, pattern: EventPattern?) throws -> CommitTicket {
        guard archives[record.storageKey] == nil else {
            throw AWSError("ResourceAlreadyExistsException", "Archive \(record.name) already exists.")
        }
        guard bus(record.source) != nil else { throw EventBridgeErrors.busNotFound(record.source.name) }
        archives[record.storageKey] = record
        archivePatterns[record.storageKey] = pattern
        return store.submit([.putArchive(record)])
    }

    public func archive(account: String, region: String, name: String) throws -> ArchiveRecord {
        guard let archive = archives["\(account)/\(region)/\(name)"] else {
            throw AWSError("ResourceNotFoundException", "Archive \(name) does not exist.")
        }
        return archive
    }

    public func updateArchive(
        account: String, region: String, name: String, _ change: (inout ArchiveRecord) -> Void, pattern: EventPattern??
    ) throws -> (ArchiveRecord, CommitTicket) {
        var record = try archive(account: account, region: region, name: name)
        change(&record)
        archives[record.storageKey] = record
        if let pattern { archivePatterns[record.storageKey] = pattern }
        return (record, store.submit([.putArchive(record)]))
    }

    public func deleteArchive(account: String, region: String, name: String) throws -> CommitTicket {
        let record = try archive(account: account, region: region, name: name)
        archives[record.storageKey] = nil
        archivePatterns[record.storageKey] = nil
        archived[record.storageKey] = nil
        return store.submit([.deleteArchive(storageKey: record.storageKey)])
    }

    public func listArchives(account: String, region: String) -> [ArchiveRecord] {
        archives.values.filter { $0.account == account && $0.region == region }.sorted { $0.name < $1.name }
    }

    // MARK: Replays

    public func startReplay(_ record: ReplayRecord) throws -> CommitTicket {
        guard replays[record.storageKey] == nil else {
            throw AWSError("ResourceAlreadyExistsException", "Replay \(record.name) already exists.")
        }
        let active = replays.values.filter { ["STARTING", "RUNNING", "CANCELLING"].contains($0.state) }
        guard active.count < 10 else {
            throw AWSError("LimitExceededException", "The requested resource exceeds the maximum number allowed.")
        }
        replays[record.storageKey] = record
        return store.submit([.putReplay(record)])
    }

    public func replay(account: String, region: String, name: String) throws -> ReplayRecord {
        guard let replay = replays["\(account)/\(region)/\(name)"] else {
            throw AWSError("ResourceNotFoundException", "Replay \(name) does not exist.")
        }
        return replay
    }

    public func listReplays(account: String, region: String) -> [ReplayRecord] {
        replays.values.filter { $0.account == account && $0.region == region }.sorted { $0.name < $1.name }
    }

    public func cancelReplay(account: String, region: String, name: String) throws -> (ReplayRecord, CommitTicket) {
        var record = try replay(account: account, region: region, name: name)
        guard record.state == "STARTING" || record.state == "RUNNING" else {
            throw AWSError("IllegalStatusException", "Replay \(name) is not in a valid state for this operation.")
        }
        record.state = "CANCELLING"
        replays[record.storageKey] = record
        return (record, store.submit([.putReplay(record)]))
    }

    /// Replays an archive's events from the chosen time window onto the destination bus, each
    /// carrying `replay-name`, to the rules the filter names (all of the bus's rules without one).
    public func runReplay(_ key: String) async {
        guard var record = replays[key] else { return }
        if record.state == "CANCELLING" {
            record.state = "CANCELLED"
            replays[key] = record
            try? await store.submit([.putReplay(record)]).wait()
            return
        }
        guard record.state == "STARTING" else { return }
        record.state = "RUNNING"
        replays[key] = record
        let archiveKey = archives.values.first { $0.arn == record.archiveArn }?.storageKey ?? ""
        let selected = (archived[archiveKey] ?? []).filter {
            $0.time >= record.eventStartTime && $0.time < record.eventEndTime
        }
        let parts = record.destinationArn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        if parts.count == 6 {
            let bus = BusKey(account: String(parts[4]), region: String(parts[3]), name: String(parts[5].dropFirst(10)))
            var events: [RoutedEvent] = []
            for kept in selected {
                guard case .object(var members)? = try? OrderedJSON.parse(Array(kept.envelope.utf8)),
                    case .scalar(.string(let id))? = members.first(where: { $0.key == "id" })?.value
                else { continue }
                let position = (members.firstIndex { $0.key == "region" } ?? members.count - 1) + 1
                members.insert(("replay-name", .scalar(.string(record.name))), at: min(position, members.count))
                var event = RoutedEvent(
                    bus: bus, envelope: .object(members), id: id, traceHeader: nil, ingestedAt: clock.nowMillis())
                event.replayName = record.name
                event.onlyRules = record.filterArns.map(Set.init)
                events.append(event)
            }
            try? await route(events)
        }
        guard var finished = replays[key] else { return }
        finished.state = finished.state == "CANCELLING" ? "CANCELLED" : "COMPLETED"
        finished.endedAt = clock.nowMillis()
        finished.lastReplayedTime = selected.last?.time
        replays[key] = finished
        try? await store.submit([.putReplay(finished)]).wait()
    }
}
