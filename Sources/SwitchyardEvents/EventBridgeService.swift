import Foundation
import SwitchyardCore
import SwitchyardMatching
import SwitchyardModels
import SwitchyardWire

/// EventBridge's API over the engine: buses, rules, targets, events, tags and bus permissions.
/// Operations not listed here answer NotImplemented, naming themselves (the generated defaults).
public struct EventBridgeService: EventBridgeAPI {
    let engine: EventBridgeEngine
    let clock: any ServiceClock

    public init(engine: EventBridgeEngine, clock: any ServiceClock = SystemClock()) {
        self.engine = engine
        self.clock = clock
    }

    /// The bus a name or ARN names, for the caller (the default bus when none is named).
    func busKey(_ nameOrArn: String?, _ context: RequestContext) throws -> BusKey {
        guard let given = nameOrArn, !given.isEmpty else {
            return BusKey(account: context.account, region: context.region, name: "default")
        }
        guard given.hasPrefix("arn:") else {
            return BusKey(account: context.account, region: context.region, name: given)
        }
        let parts = given.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[2] == "events", parts[5].hasPrefix("event-bus/") else {
            throw EventBridgeErrors.validation(
                "Parameter \(given) is not valid. Reason: Provided Arn is not in correct format.")
        }
        return BusKey(account: String(parts[4]), region: String(parts[3]), name: String(parts[5].dropFirst(10)))
    }

    // MARK: Buses

    public func createEventBus(_ input: EventBridge.CreateEventBusRequest, context: RequestContext) async throws
        -> EventBridge.CreateEventBusResponse
    {
        let key = BusKey(account: context.account, region: context.region, name: input.name)
        if input.name.contains("/"), input.eventSourceName == nil {
            throw EventBridgeErrors.validation("Event bus name must not contain '/'.")
        }
        if let source = input.eventSourceName {
            // A partner event bus takes its source's name and makes the source active.
            guard source == input.name else {
                throw EventBridgeErrors.validation("The event bus name must be the same as the event source name.")
            }
            _ = try await engine.eventSource(region: context.region, customer: context.account, name: source)
        }
        var record = BusRecord(key: key, createdAt: clock.nowMillis())
        record.description = input.description
        record.kmsKeyIdentifier = input.kmsKeyIdentifier
        record.deadLetterArn = input.deadLetterConfig?.arn
        for tag in input.tags ?? [] { record.tags[tag.key] = tag.value }
        try await engine.createBus(record).wait()
        if let source = input.eventSourceName {
            try await engine.setEventSourceState(
                region: context.region, customer: context.account, name: source, state: "ACTIVE"
            ).wait()
        }
        return EventBridge.CreateEventBusResponse(
            eventBusArn: key.arn, description: input.description, kmsKeyIdentifier: input.kmsKeyIdentifier,
            deadLetterConfig: input.deadLetterConfig)
    }

    public func describeEventBus(_ input: EventBridge.DescribeEventBusRequest, context: RequestContext) async throws
        -> EventBridge.DescribeEventBusResponse
    {
        let bus = try await engine.describeBus(try busKey(input.name, context))
        return EventBridge.DescribeEventBusResponse(
            name: bus.key.name, arn: bus.key.arn, description: bus.description,
            kmsKeyIdentifier: bus.kmsKeyIdentifier,
            deadLetterConfig: bus.deadLetterArn.map { EventBridge.DeadLetterConfig(arn: $0) }, policy: bus.policy,
            creationTime: Self.date(bus.createdAt), lastModifiedTime: Self.date(bus.modifiedAt))
    }

    public func updateEventBus(_ input: EventBridge.UpdateEventBusRequest, context: RequestContext) async throws
        -> EventBridge.UpdateEventBusResponse
    {
        let (bus, ticket) = try await engine.updateBus(try busKey(input.name, context)) { bus in
            if let description = input.description { bus.description = description }
            if let key = input.kmsKeyIdentifier { bus.kmsKeyIdentifier = key.isEmpty ? nil : key }
            if let letter = input.deadLetterConfig { bus.deadLetterArn = letter.arn }
        }
        try await ticket.wait()
        return EventBridge.UpdateEventBusResponse(
            arn: bus.key.arn, name: bus.key.name, kmsKeyIdentifier: bus.kmsKeyIdentifier,
            description: bus.description,
            deadLetterConfig: bus.deadLetterArn.map { EventBridge.DeadLetterConfig(arn: $0) })
    }

    public func deleteEventBus(_ input: EventBridge.DeleteEventBusRequest, context: RequestContext) async throws {
        try await engine.deleteBus(try busKey(input.name, context)).wait()
    }

    public func listEventBuses(_ input: EventBridge.ListEventBusesRequest, context: RequestContext) async throws
        -> EventBridge.ListEventBusesResponse
    {
        let buses = await engine.listBuses(account: context.account, region: context.region).filter { bus in
            input.namePrefix.map { bus.key.name.hasPrefix($0) } ?? true
        }
        let (page, next) = try Page.of(buses, limit: input.limit, token: input.nextToken) { $0.key.name }
        return EventBridge.ListEventBusesResponse(
            eventBuses: page.map { bus in
                EventBridge.EventBus(
                    name: bus.key.name, arn: bus.key.arn, description: bus.description, policy: bus.policy,
                    creationTime: Self.date(bus.createdAt), lastModifiedTime: Self.date(bus.modifiedAt))
            }, nextToken: next)
    }

    static func date(_ millis: Int64) -> Date { Date(timeIntervalSince1970: Double(millis) / 1000) }
}
