import Foundation
import SwitchyardMatching
import SwitchyardModels
import SwitchyardWire

extension EventBridgeService {
    public func putEvents(_ input: EventBridge.PutEventsRequest, context: RequestContext) async throws
        -> EventBridge.PutEventsResponse
    {
        let total = input.entries.reduce(0) { sum, entry in
            sum
                + PutEventsLimits.size(
                    source: entry.source, detailType: entry.detailType, detail: entry.detail,
                    resources: entry.resources,
                    hasTime: entry.time != nil)
        }
        guard total <= PutEventsLimits.maximumTotalBytes else {
            throw AWSError("ValidationException", "Total size of the entries in the request is over the limit.")
        }
        var results: [EventBridge.PutEventsResultEntry] = []
        var accepted: [RoutedEvent] = []
        let now = clock.nowMillis()
        for entry in input.entries {
            do {
                let event = try await routedEvent(entry, at: now, context: context)
                // An event for a bus that does not exist is acknowledged and goes nowhere, as on AWS.
                if await engine.busExists(event.bus) { accepted.append(event) }
                results.append(EventBridge.PutEventsResultEntry(eventId: event.id))
            } catch let failure as AWSError {
                results.append(EventBridge.PutEventsResultEntry(errorCode: failure.code, errorMessage: failure.message))
            }
        }
        try await engine.route(accepted)
        return EventBridge.PutEventsResponse(
            failedEntryCount: results.filter { $0.errorCode != nil }.count, entries: results)
    }

    /// The event an entry makes, or the entry's error.
    func routedEvent(_ entry: EventBridge.PutEventsRequestEntry, at now: Int64, context: RequestContext) async throws
        -> RoutedEvent
    {
        func required(_ value: String?, _ name: String) throws -> String {
            guard let value, !value.isEmpty else {
                throw AWSError(
                    "InvalidArgument", "Parameter \(name) is not valid. Reason: \(name) is a required argument.")
            }
            return value
        }
        let source = try required(entry.source, "Source")
        let detailType = try required(entry.detailType, "DetailType")
        let detailText = try required(entry.detail, "Detail")
        guard let detail = try? OrderedJSON.parse(Array(detailText.utf8)), case .object = detail else {
            throw AWSError("MalformedDetail", "Detail is malformed.")
        }
        let bus = try busKey(entry.eventBusName, context)
        if bus.account != context.account, !(await engine.allowsPutEvents(on: bus, from: context.account)) {
            throw AWSError(
                "AccessDeniedException",
                "User: \(context.principalArn) is not authorized to perform: events:PutEvents on resource: \(bus.arn)"
            )
        }
        let id = RandomUUID.make().lowercased()
        let time = entry.time.map { Int64(($0.timeIntervalSince1970 * 1000).rounded(.down)) } ?? now
        let envelope = EventEnvelope.make(
            id: id, detailType: detailType, source: source, account: context.account, timeMillis: time,
            region: context.region, resources: entry.resources ?? [], detail: detail)
        // The entry's own TraceHeader, else the request's X-Ray header (an SDK with tracing on sends it).
        return RoutedEvent(
            bus: bus, envelope: envelope, id: id, traceHeader: entry.traceHeader ?? context.traceHeader, ingestedAt: now
        )
    }

    public func testEventPattern(_ input: EventBridge.TestEventPatternRequest, context: RequestContext) async throws
        -> EventBridge.TestEventPatternResponse
    {
        let pattern: EventPattern
        do {
            pattern = try EventPattern(json: input.eventPattern)
        } catch let invalid as EventPattern.Invalid {
            throw EventBridgeErrors.invalidPattern(invalid.message)
        }
        guard case .object(let members)? = try? OrderedJSON.parse(Array(input.event.utf8)) else {
            throw EventBridgeErrors.validation("Parameter Event is not valid.")
        }
        let present = Set(members.map(\.key))
        for field in ["id", "account", "source", "time", "region", "detail-type"] where !present.contains(field) {
            throw EventBridgeErrors.validation("Parameter Event is not valid.")
        }
        return EventBridge.TestEventPatternResponse(result: pattern.matches(MatchableEvent(.object(members))))
    }
}
