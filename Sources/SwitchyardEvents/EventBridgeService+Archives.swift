import Foundation
import SwitchyardMatching
import SwitchyardModels
import SwitchyardWire

extension EventBridgeService {
    /// How long a replay stays STARTING before its events go out (AWS takes minutes; a moment here
    /// still lets a client see the state and cancel).
    static let replayStartDelay: Duration = .seconds(1)

    func compile(_ text: String?) throws -> EventPattern? {
        guard let text else { return nil }
        do {
            return try EventPattern(json: text)
        } catch let invalid as EventPattern.Invalid {
            throw EventBridgeErrors.invalidPattern(invalid.message)
        }
    }

    public func createArchive(_ input: EventBridge.CreateArchiveRequest, context: RequestContext) async throws
        -> EventBridge.CreateArchiveResponse
    {
        let source = try busKey(input.eventSourceArn, context)
        let pattern = try compile(input.eventPattern)
        let record = ArchiveRecord(
            account: context.account, region: context.region, name: input.archiveName, source: source,
            description: input.description, eventPattern: input.eventPattern, retentionDays: input.retentionDays,
            createdAt: clock.nowMillis(), eventCount: 0, sizeBytes: 0)
        try await engine.createArchive(record, pattern: pattern).wait()
        return EventBridge.CreateArchiveResponse(
            archiveArn: record.arn, state: "ENABLED", creationTime: Self.date(record.createdAt))
    }

    public func describeArchive(_ input: EventBridge.DescribeArchiveRequest, context: RequestContext) async throws
        -> EventBridge.DescribeArchiveResponse
    {
        let archive = try await engine.archive(
            account: context.account, region: context.region, name: input.archiveName)
        return EventBridge.DescribeArchiveResponse(
            archiveArn: archive.arn, archiveName: archive.name, eventSourceArn: archive.source.arn,
            description: archive.description, eventPattern: archive.eventPattern, state: "ENABLED",
            retentionDays: archive.retentionDays ?? 0, sizeBytes: archive.sizeBytes, eventCount: archive.eventCount,
            creationTime: Self.date(archive.createdAt))
    }

    public func updateArchive(_ input: EventBridge.UpdateArchiveRequest, context: RequestContext) async throws
        -> EventBridge.UpdateArchiveResponse
    {
        guard input.eventPattern != nil || input.retentionDays != nil || input.description != nil else {
            throw EventBridgeErrors.validation(
                "At least one of EventPattern, RetentionDays or Description must be provided.")
        }
        let pattern: EventPattern?? = input.eventPattern == nil ? nil : .some(try compile(input.eventPattern))
        let (archive, ticket) = try await engine.updateArchive(
            account: context.account, region: context.region, name: input.archiveName,
            { archive in
                if let description = input.description { archive.description = description }
                if let text = input.eventPattern { archive.eventPattern = text }
                if let days = input.retentionDays { archive.retentionDays = days }
            }, pattern: pattern)
        try await ticket.wait()
        return EventBridge.UpdateArchiveResponse(
            archiveArn: archive.arn, state: "ENABLED", creationTime: Self.date(archive.createdAt))
    }

    public func deleteArchive(_ input: EventBridge.DeleteArchiveRequest, context: RequestContext) async throws
        -> EventBridge.DeleteArchiveResponse
    {
        try await engine.deleteArchive(account: context.account, region: context.region, name: input.archiveName).wait()
        return EventBridge.DeleteArchiveResponse()
    }

    public func listArchives(_ input: EventBridge.ListArchivesRequest, context: RequestContext) async throws
        -> EventBridge.ListArchivesResponse
    {
        var source: BusKey?
        if let arn = input.eventSourceArn {
            let key = try busKey(arn, context)
            guard await engine.busExists(key) else { throw EventBridgeErrors.busNotFound(key.name) }
            source = key
        }
        let archives = await engine.listArchives(account: context.account, region: context.region).filter { archive in
            (input.namePrefix.map { archive.name.hasPrefix($0) } ?? true)
                && (source.map { archive.source == $0 } ?? true)
                && (input.state.map { $0 == "ENABLED" } ?? true)
        }
        let (page, next) = try Page.of(archives, limit: input.limit, token: input.nextToken) { $0.name }
        return EventBridge.ListArchivesResponse(
            archives: page.map { archive in
                EventBridge.Archive(
                    archiveName: archive.name, eventSourceArn: archive.source.arn, state: "ENABLED",
                    retentionDays: archive.retentionDays ?? 0, sizeBytes: archive.sizeBytes,
                    eventCount: archive.eventCount, creationTime: Self.date(archive.createdAt))
            }, nextToken: next)
    }

    // MARK: Replays

    public func startReplay(_ input: EventBridge.StartReplayRequest, context: RequestContext) async throws
        -> EventBridge.StartReplayResponse
    {
        let destination = try busKey(input.destination.arn, context)
        guard await engine.busExists(destination) else { throw EventBridgeErrors.busNotFound(destination.name) }
        let start = Int64(input.eventStartTime.timeIntervalSince1970 * 1000)
        let end = Int64(input.eventEndTime.timeIntervalSince1970 * 1000)
        guard start < end else {
            throw EventBridgeErrors.validation(
                "Parameter EventEndTime is not valid. Reason: EventStartTime must be before EventEndTime.")
        }
        let archiveName = input.eventSourceArn.split(separator: "/", maxSplits: 1).last.map(String.init) ?? ""
        guard input.eventSourceArn.contains(":archive/"),
            let archive = try? await engine.archive(account: context.account, region: context.region, name: archiveName)
        else {
            throw EventBridgeErrors.validation(
                "Parameter EventSourceArn is not valid. Reason: Archive \(archiveName) does not exist.")
        }
        guard archive.source == destination else {
            throw EventBridgeErrors.validation(
                "Parameter Destination.Arn is not valid. Reason: Cross event bus replay is not permitted.")
        }
        let record = ReplayRecord(
            account: context.account, region: context.region, name: input.replayName, description: input.description,
            archiveArn: archive.arn, destinationArn: destination.arn, filterArns: input.destination.filterArns,
            eventStartTime: start, eventEndTime: end, state: "STARTING", startedAt: clock.nowMillis())
        try await engine.startReplay(record).wait()
        let engine = self.engine
        Task {
            try? await Task.sleep(for: Self.replayStartDelay)
            await engine.runReplay(record.storageKey)
        }
        return EventBridge.StartReplayResponse(
            replayArn: record.arn, state: "STARTING", replayStartTime: Self.date(record.startedAt))
    }

    public func describeReplay(_ input: EventBridge.DescribeReplayRequest, context: RequestContext) async throws
        -> EventBridge.DescribeReplayResponse
    {
        let replay = try await engine.replay(account: context.account, region: context.region, name: input.replayName)
        return EventBridge.DescribeReplayResponse(
            replayName: replay.name, replayArn: replay.arn, description: replay.description, state: replay.state,
            eventSourceArn: replay.archiveArn,
            destination: EventBridge.ReplayDestination(arn: replay.destinationArn, filterArns: replay.filterArns),
            eventStartTime: Self.date(replay.eventStartTime), eventEndTime: Self.date(replay.eventEndTime),
            eventLastReplayedTime: replay.lastReplayedTime.map(Self.date), replayStartTime: Self.date(replay.startedAt),
            replayEndTime: replay.endedAt.map(Self.date))
    }

    public func listReplays(_ input: EventBridge.ListReplaysRequest, context: RequestContext) async throws
        -> EventBridge.ListReplaysResponse
    {
        let replays = await engine.listReplays(account: context.account, region: context.region).filter { replay in
            (input.namePrefix.map { replay.name.hasPrefix($0) } ?? true)
                && (input.eventSourceArn.map { replay.archiveArn == $0 } ?? true)
                && (input.state.map { replay.state == $0 } ?? true)
        }
        let (page, next) = try Page.of(replays, limit: input.limit, token: input.nextToken) { $0.name }
        return EventBridge.ListReplaysResponse(
            replays: page.map { replay in
                EventBridge.Replay(
                    replayName: replay.name, eventSourceArn: replay.archiveArn, state: replay.state,
                    eventStartTime: Self.date(replay.eventStartTime), eventEndTime: Self.date(replay.eventEndTime),
                    eventLastReplayedTime: replay.lastReplayedTime.map(Self.date),
                    replayStartTime: Self.date(replay.startedAt), replayEndTime: replay.endedAt.map(Self.date))
            }, nextToken: next)
    }

    public func cancelReplay(_ input: EventBridge.CancelReplayRequest, context: RequestContext) async throws
        -> EventBridge.CancelReplayResponse
    {
        let (replay, ticket) = try await engine.cancelReplay(
            account: context.account, region: context.region, name: input.replayName)
        try await ticket.wait()
        return EventBridge.CancelReplayResponse(replayArn: replay.arn, state: replay.state)
    }
}
