import Foundation
import SwitchyardCore
import SwitchyardDelivery
import SwitchyardEvents
import SwitchyardModels
import SwitchyardWire

/// EventBridge Scheduler's state and clock: groups, schedules, and a background task that invokes
/// each enabled schedule's target when it is due, through the delivery engine.
public actor SchedulerEngine {
    var groups: [String: ScheduleGroupRecord] = [:]
    var schedules: [String: ScheduleRecord] = [:]
    /// When each schedule fires next (epoch milliseconds), flexible window included.
    var nextFirings: [String: Int64] = [:]
    let store: any SchedulerStore
    let deliveries: DeliveryEngine
    let clock: any ServiceClock

    public init(store: any SchedulerStore, deliveries: DeliveryEngine, clock: any ServiceClock = SystemClock()) throws {
        self.store = store
        self.deliveries = deliveries
        self.clock = clock
        for group in try store.loadGroups() { groups[group.storageKey] = group }
        for schedule in try store.loadSchedules() { schedules[schedule.storageKey] = schedule }
    }

    public var scheduleCount: Int { schedules.count }

    public func reset() -> CommitTicket {
        groups = [:]
        schedules = [:]
        nextFirings = [:]
        return store.wipe()
    }

    // MARK: Groups

    /// A group that exists: a created one, or the default group of any account and region.
    func group(account: String, region: String, name: String) -> ScheduleGroupRecord? {
        if let group = groups["\(account)/\(region)/\(name)"] { return group }
        guard name == "default" else { return nil }
        return ScheduleGroupRecord(account: account, region: region, name: name, tags: [:], createdAt: 0, modifiedAt: 0)
    }

    public func existingGroup(account: String, region: String, name: String) throws -> ScheduleGroupRecord {
        guard let group = group(account: account, region: region, name: name) else {
            throw AWSError("ResourceNotFoundException", "Schedule group \(name) does not exist.")
        }
        return group
    }

    public func createGroup(_ record: ScheduleGroupRecord) throws -> CommitTicket {
        guard group(account: record.account, region: record.region, name: record.name) == nil else {
            throw AWSError("ConflictException", "Schedule group \(record.name) already exists.")
        }
        groups[record.storageKey] = record
        return store.submit([.putGroup(record)])
    }

    /// Deletes a group and every schedule in it.
    public func deleteGroup(account: String, region: String, name: String) throws -> CommitTicket {
        guard name != "default" else {
            throw AWSError("ValidationException", "You cannot delete the default group.")
        }
        let record = try existingGroup(account: account, region: region, name: name)
        groups[record.storageKey] = nil
        var changes: [SchedulerChange] = [.deleteGroup(storageKey: record.storageKey)]
        for schedule in schedules.values where schedule.groupKey == record.storageKey {
            schedules[schedule.storageKey] = nil
            nextFirings[schedule.storageKey] = nil
            changes.append(.deleteSchedule(storageKey: schedule.storageKey))
        }
        return store.submit(changes)
    }

    public func updateGroupTags(arn: String, _ change: (inout [String: String]) -> Void) throws -> CommitTicket {
        guard var record = groups.values.first(where: { $0.arn == arn }) ?? defaultGroup(arn: arn) else {
            throw AWSError(
                "ResourceNotFoundException", "Schedule group \(arn.split(separator: "/").last ?? "") does not exist.")
        }
        change(&record.tags)
        record.modifiedAt = clock.nowMillis()
        if record.createdAt == 0 { record.createdAt = record.modifiedAt }
        groups[record.storageKey] = record
        return store.submit([.putGroup(record)])
    }

    public func groupTags(arn: String) throws -> [String: String] {
        guard let record = groups.values.first(where: { $0.arn == arn }) ?? defaultGroup(arn: arn) else {
            throw AWSError(
                "ResourceNotFoundException", "Schedule group \(arn.split(separator: "/").last ?? "") does not exist.")
        }
        return record.tags
    }

    private func defaultGroup(arn: String) -> ScheduleGroupRecord? {
        let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[5] == "schedule-group/default" else { return nil }
        return group(account: String(parts[4]), region: String(parts[3]), name: "default")
    }

    public func listGroups(account: String, region: String) -> [ScheduleGroupRecord] {
        var all = groups.values.filter { $0.account == account && $0.region == region }
        if !all.contains(where: { $0.name == "default" }),
            let implicit = group(account: account, region: region, name: "default")
        {
            all.append(implicit)
        }
        return all.sorted { $0.name < $1.name }
    }

    // MARK: Schedules

    public func schedule(account: String, region: String, group: String, name: String) throws -> ScheduleRecord {
        guard let record = schedules["\(account)/\(region)/\(group)/\(name)"] else {
            throw AWSError("ResourceNotFoundException", "Schedule \(name) does not exist.")
        }
        return record
    }

    /// Creates a schedule, or replaces one (`replacing`), in a group that exists.
    public func putSchedule(_ record: ScheduleRecord, replacing: Bool) throws -> CommitTicket {
        _ = try existingGroup(account: record.account, region: record.region, name: record.group)
        let existing = schedules[record.storageKey]
        if replacing, existing == nil {
            throw AWSError("ResourceNotFoundException", "Schedule \(record.name) does not exist.")
        }
        if !replacing, existing != nil {
            throw AWSError("ConflictException", "Schedule \(record.name) already exists.")
        }
        var stored = record
        if let existing {
            stored.createdAt = existing.createdAt
            stored.lastFiredAt = existing.lastFiredAt
        }
        schedules[record.storageKey] = stored
        nextFirings[record.storageKey] = nil
        return store.submit([.putSchedule(stored)])
    }

    public func deleteSchedule(account: String, region: String, group: String, name: String) throws -> CommitTicket {
        let record = try schedule(account: account, region: region, group: group, name: name)
        schedules[record.storageKey] = nil
        nextFirings[record.storageKey] = nil
        return store.submit([.deleteSchedule(storageKey: record.storageKey)])
    }

    public func listSchedules(account: String, region: String) -> [ScheduleRecord] {
        schedules.values.filter { $0.account == account && $0.region == region }
            .sorted { ($0.group, $0.name) < ($1.group, $1.name) }
    }

    // MARK: Firing

    /// Invokes the targets of every enabled schedule that is due. A recurring schedule fires once per
    /// due time and makes up none missed while the server was down; a one-time schedule missed
    /// during downtime fires once when the server is back.
    public func fireDue() async {
        let now = clock.nowMillis()
        var requests: [DeliveryRequest] = []
        var changes: [SchedulerChange] = []
        for (key, schedule) in schedules where schedule.enabled {
            guard let expression = SchedulerExpression(schedule.expression) else { continue }
            guard let zone = schedule.timeZone.flatMap(TimeZone.init(identifier:)) ?? TimeZone(identifier: "UTC")
            else { continue }
            if expression.isOneTime, schedule.lastFiredAt != nil { continue }
            guard let due = nextFirings[key] ?? firstFiring(schedule, expression, now: now, zone: zone) else {
                continue
            }
            nextFirings[key] = due
            guard due <= now else { continue }
            if let end = schedule.endDate, due > end { continue }
            if let request = Self.request(for: schedule, at: due) { requests.append(request) }
            var fired = schedule
            fired.lastFiredAt = now
            let finished = expression.isOneTime
            if finished, schedule.actionAfterCompletion == "DELETE" {
                schedules[key] = nil
                nextFirings[key] = nil
                changes.append(.deleteSchedule(storageKey: key))
                continue
            }
            schedules[key] = fired
            changes.append(.putSchedule(fired))
            nextFirings[key] =
                finished
                ? Int64.max
                : expression.nextFiring(after: now, origin: schedule.startDate ?? schedule.createdAt, timeZone: zone)
                    .map { $0 + flexibleOffset(schedule) }
        }
        guard !requests.isEmpty || !changes.isEmpty else { return }
        let ticket = store.submit(changes)
        try? await deliveries.enqueue(requests).wait()
        try? await ticket.wait()
    }

    private func firstFiring(_ schedule: ScheduleRecord, _ expression: SchedulerExpression, now: Int64, zone: TimeZone)
        -> Int64?
    {
        if expression.isOneTime { return expression.nextFiring(after: now, origin: now, timeZone: zone) }
        let after = max(now, (schedule.startDate ?? 0) - 1)
        return expression.nextFiring(after: after, origin: schedule.startDate ?? schedule.createdAt, timeZone: zone)
            .map { $0 + flexibleOffset(schedule) }
    }

    /// A flexible time window moves each firing to a random moment within it.
    private func flexibleOffset(_ schedule: ScheduleRecord) -> Int64 {
        guard schedule.flexibleMode == "FLEXIBLE", let minutes = schedule.flexibleWindowMinutes, minutes > 0 else {
            return 0
        }
        return Int64.random(in: 0..<(Int64(minutes) * 60_000))
    }

    /// Runs `fireDue` every second until cancelled.
    public func run() async {
        while !Task.isCancelled {
            await fireDue()
            try? await Task.sleep(for: .seconds(1))
        }
    }

    /// The delivery a firing makes: the target's input to a queue or topic, or an event built from
    /// it for an event bus, with the schedule's retry policy and dead-letter queue.
    static func request(for schedule: ScheduleRecord, at due: Int64) -> DeliveryRequest? {
        guard let shape = Scheduler.model.shapeIndex["Target"],
            let value = try? ShapeJSON.read(schedule.target, shape: shape, model: Scheduler.model),
            let target = try? Scheduler.Target(awsValue: value)
        else { return nil }
        if target.arn.hasPrefix("arn:aws:scheduler:::aws-sdk:") {
            return UniversalTarget.request(target, schedule: schedule)
        }
        let destination = TargetDelivery.deliveryTarget(target.arn)
        var body = target.input ?? "{}"
        if destination.kind == .eventBus, let parameters = target.eventBridgeParameters {
            let detail =
                (try? OrderedJSON.parse(Array(body.utf8))).flatMap { parsed -> OrderedJSON? in
                    if case .object = parsed { return parsed }
                    return nil
                } ?? .object([])
            body =
                EventEnvelope.make(
                    id: RandomUUID.make().lowercased(), detailType: parameters.detailType, source: parameters.source,
                    account: schedule.account, timeMillis: due, region: schedule.region, resources: [schedule.arn],
                    detail: detail
                ).text
        }
        return delivery(
            to: destination, body: body, groupId: target.sqsParameters?.messageGroupId, deduplicationId: nil,
            target: target, schedule: schedule)
    }

    /// A firing's delivery with the target's retry policy (Scheduler's defaults: 185 attempts within
    /// 24 hours) and dead-letter queue, from the schedule.
    static func delivery(
        to destination: DeliveryTarget, body: String, groupId: String?, deduplicationId: String?,
        target: Scheduler.Target, schedule: ScheduleRecord
    ) -> DeliveryRequest {
        DeliveryRequest(
            target: destination, body: DeliveryPayload(body), messageGroupId: groupId,
            messageDeduplicationId: deduplicationId,
            retry: .eventBridge(
                maximumRetryAttempts: target.retryPolicy?.maximumRetryAttempts ?? 185,
                maximumEventAgeSeconds: target.retryPolicy?.maximumEventAgeInSeconds ?? 86_400),
            deadLetter: target.deadLetterConfig?.arn.map { .sqs(arn: $0) }, origin: schedule.arn,
            source: DeliverySource(service: "scheduler.amazonaws.com", arn: schedule.arn, account: schedule.account)
        )
        // Scheduler invokes functions asynchronously: Lambda accepts the event and retries it itself.
        .invokingAsynchronously()
    }
}
