import Foundation
import SwitchyardCore
import SwitchyardEvents
import SwitchyardModels
import SwitchyardWire

/// EventBridge Scheduler's API over the engine: schedule groups, schedules and group tags.
public struct SchedulerService: SchedulerAPI {
    let engine: SchedulerEngine
    let clock: any ServiceClock

    public init(engine: SchedulerEngine, clock: any ServiceClock = SystemClock()) {
        self.engine = engine
        self.clock = clock
    }

    static func date(_ millis: Int64) -> Date { Date(timeIntervalSince1970: Double(millis) / 1000) }
    static func millis(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded(.down)) }

    static func targetJSON(_ target: Scheduler.Target) -> String {
        guard let shape = Scheduler.model.shapeIndex["Target"] else { return "{}" }
        return ShapeJSON.write(target.awsValue, shape: shape, model: Scheduler.model)
    }

    static func target(_ record: ScheduleRecord) -> Scheduler.Target? {
        guard let shape = Scheduler.model.shapeIndex["Target"],
            let value = try? ShapeJSON.read(record.target, shape: shape, model: Scheduler.model)
        else { return nil }
        return try? Scheduler.Target(awsValue: value)
    }

    /// A schedule from a create or update request, checked as Scheduler checks it.
    func record(
        name: String, group: String?, expression: String, timeZone: String?, start: Date?, end: Date?,
        state: String?, window: Scheduler.FlexibleTimeWindow, action: String?, description: String?, kms: String?,
        target: Scheduler.Target, context: RequestContext
    ) throws -> ScheduleRecord {
        guard SchedulerExpression(expression) != nil else {
            throw AWSError("ValidationException", "Invalid Schedule Expression \(expression).")
        }
        if let timeZone, TimeZone(identifier: timeZone) == nil {
            throw AWSError("ValidationException", "Invalid Schedule Expression Timezone \(timeZone).")
        }
        if window.mode == "FLEXIBLE", window.maximumWindowInMinutes == nil {
            throw AWSError(
                "ValidationException",
                "MaximumWindowInMinutes must be provided when FlexibleTimeWindow mode is FLEXIBLE.")
        }
        if let start, let end, end <= start {
            throw AWSError("ValidationException", "The provided start date must be before the end date.")
        }
        let now = clock.nowMillis()
        return ScheduleRecord(
            account: context.account, region: context.region, group: group ?? "default", name: name,
            description: description, expression: expression, timeZone: timeZone, startDate: start.map(Self.millis),
            endDate: end.map(Self.millis), enabled: state != "DISABLED", flexibleMode: window.mode,
            flexibleWindowMinutes: window.maximumWindowInMinutes, actionAfterCompletion: action, kmsKeyArn: kms,
            target: Self.targetJSON(target), targetArn: target.arn, createdAt: now, modifiedAt: now)
    }

    public func createSchedule(_ input: Scheduler.CreateScheduleInput, context: RequestContext) async throws
        -> Scheduler.CreateScheduleOutput
    {
        let schedule = try record(
            name: input.name, group: input.groupName, expression: input.scheduleExpression,
            timeZone: input.scheduleExpressionTimezone, start: input.startDate, end: input.endDate, state: input.state,
            window: input.flexibleTimeWindow, action: input.actionAfterCompletion, description: input.description,
            kms: input.kmsKeyArn, target: input.target, context: context)
        try await engine.putSchedule(schedule, replacing: false).wait()
        return Scheduler.CreateScheduleOutput(scheduleArn: schedule.arn)
    }

    public func updateSchedule(_ input: Scheduler.UpdateScheduleInput, context: RequestContext) async throws
        -> Scheduler.UpdateScheduleOutput
    {
        let schedule = try record(
            name: input.name, group: input.groupName, expression: input.scheduleExpression,
            timeZone: input.scheduleExpressionTimezone, start: input.startDate, end: input.endDate, state: input.state,
            window: input.flexibleTimeWindow, action: input.actionAfterCompletion, description: input.description,
            kms: input.kmsKeyArn, target: input.target, context: context)
        try await engine.putSchedule(schedule, replacing: true).wait()
        return Scheduler.UpdateScheduleOutput(scheduleArn: schedule.arn)
    }

    public func getSchedule(_ input: Scheduler.GetScheduleInput, context: RequestContext) async throws
        -> Scheduler.GetScheduleOutput
    {
        let schedule = try await engine.schedule(
            account: context.account, region: context.region, group: input.groupName ?? "default", name: input.name)
        return Scheduler.GetScheduleOutput(
            actionAfterCompletion: schedule.actionAfterCompletion ?? "NONE", arn: schedule.arn,
            creationDate: Self.date(schedule.createdAt), description: schedule.description,
            endDate: schedule.endDate.map(Self.date),
            flexibleTimeWindow: Scheduler.FlexibleTimeWindow(
                maximumWindowInMinutes: schedule.flexibleWindowMinutes, mode: schedule.flexibleMode),
            groupName: schedule.group, kmsKeyArn: schedule.kmsKeyArn,
            lastModificationDate: Self.date(schedule.modifiedAt), name: schedule.name,
            scheduleExpression: schedule.expression, scheduleExpressionTimezone: schedule.timeZone ?? "UTC",
            startDate: schedule.startDate.map(Self.date), state: schedule.enabled ? "ENABLED" : "DISABLED",
            target: Self.target(schedule))
    }

    public func deleteSchedule(_ input: Scheduler.DeleteScheduleInput, context: RequestContext) async throws
        -> Scheduler.DeleteScheduleOutput
    {
        try await engine.deleteSchedule(
            account: context.account, region: context.region, group: input.groupName ?? "default", name: input.name
        ).wait()
        return Scheduler.DeleteScheduleOutput()
    }

    public func listSchedules(_ input: Scheduler.ListSchedulesInput, context: RequestContext) async throws
        -> Scheduler.ListSchedulesOutput
    {
        let all = await engine.listSchedules(account: context.account, region: context.region).filter { schedule in
            (input.groupName.map { schedule.group == $0 } ?? true)
                && (input.namePrefix.map { schedule.name.hasPrefix($0) } ?? true)
                && (input.state.map { $0 == (schedule.enabled ? "ENABLED" : "DISABLED") } ?? true)
        }
        let (page, next) = try Page.of(all, limit: input.maxResults, token: input.nextToken) {
            "\($0.group)/\($0.name)"
        }
        return Scheduler.ListSchedulesOutput(
            nextToken: next,
            schedules: page.map { schedule in
                Scheduler.ScheduleSummary(
                    arn: schedule.arn, creationDate: Self.date(schedule.createdAt), groupName: schedule.group,
                    lastModificationDate: Self.date(schedule.modifiedAt), name: schedule.name,
                    state: schedule.enabled ? "ENABLED" : "DISABLED",
                    target: Scheduler.TargetSummary(arn: schedule.targetArn))
            })
    }

    // MARK: Groups

    public func createScheduleGroup(_ input: Scheduler.CreateScheduleGroupInput, context: RequestContext) async throws
        -> Scheduler.CreateScheduleGroupOutput
    {
        let now = clock.nowMillis()
        var tags: [String: String] = [:]
        for tag in input.tags ?? [] { tags[tag.key] = tag.value }
        let group = ScheduleGroupRecord(
            account: context.account, region: context.region, name: input.name, tags: tags, createdAt: now,
            modifiedAt: now)
        try await engine.createGroup(group).wait()
        return Scheduler.CreateScheduleGroupOutput(scheduleGroupArn: group.arn)
    }

    public func getScheduleGroup(_ input: Scheduler.GetScheduleGroupInput, context: RequestContext) async throws
        -> Scheduler.GetScheduleGroupOutput
    {
        let group = try await engine.existingGroup(account: context.account, region: context.region, name: input.name)
        return Scheduler.GetScheduleGroupOutput(
            arn: group.arn, creationDate: Self.date(group.createdAt), lastModificationDate: Self.date(group.modifiedAt),
            name: group.name, state: "ACTIVE")
    }

    public func deleteScheduleGroup(_ input: Scheduler.DeleteScheduleGroupInput, context: RequestContext) async throws
        -> Scheduler.DeleteScheduleGroupOutput
    {
        try await engine.deleteGroup(account: context.account, region: context.region, name: input.name).wait()
        return Scheduler.DeleteScheduleGroupOutput()
    }

    public func listScheduleGroups(_ input: Scheduler.ListScheduleGroupsInput, context: RequestContext) async throws
        -> Scheduler.ListScheduleGroupsOutput
    {
        let all = await engine.listGroups(account: context.account, region: context.region).filter { group in
            input.namePrefix.map { group.name.hasPrefix($0) } ?? true
        }
        let (page, next) = try Page.of(all, limit: input.maxResults, token: input.nextToken) { $0.name }
        return Scheduler.ListScheduleGroupsOutput(
            nextToken: next,
            scheduleGroups: page.map { group in
                Scheduler.ScheduleGroupSummary(
                    arn: group.arn, creationDate: Self.date(group.createdAt),
                    lastModificationDate: Self.date(group.modifiedAt), name: group.name, state: "ACTIVE")
            })
    }

    // MARK: Tags

    public func tagResource(_ input: Scheduler.TagResourceInput, context: RequestContext) async throws
        -> Scheduler.TagResourceOutput
    {
        try await engine.updateGroupTags(arn: input.resourceArn) { tags in
            for tag in input.tags { tags[tag.key] = tag.value }
        }.wait()
        return Scheduler.TagResourceOutput()
    }

    public func untagResource(_ input: Scheduler.UntagResourceInput, context: RequestContext) async throws
        -> Scheduler.UntagResourceOutput
    {
        try await engine.updateGroupTags(arn: input.resourceArn) { tags in
            for key in input.tagKeys { tags[key] = nil }
        }.wait()
        return Scheduler.UntagResourceOutput()
    }

    public func listTagsForResource(_ input: Scheduler.ListTagsForResourceInput, context: RequestContext) async throws
        -> Scheduler.ListTagsForResourceOutput
    {
        let tags = try await engine.groupTags(arn: input.resourceArn)
        return Scheduler.ListTagsForResourceOutput(
            tags: tags.sorted { $0.key < $1.key }.map { Scheduler.Tag(key: $0.key, value: $0.value) })
    }
}
