import Foundation
import SwitchyardMatching
import SwitchyardModels
import SwitchyardWire

extension EventBridgeService {
    /// The most an entry may weigh (its Time, Source, DetailType, Detail and Resources), as AWS counts.
    static let maximumEntryBytes = 256 * 1024

    public func putEvents(_ input: EventBridge.PutEventsRequest, context: RequestContext) async throws
        -> EventBridge.PutEventsResponse
    {
        var results: [EventBridge.PutEventsResultEntry] = []
        var accepted: [RoutedEvent] = []
        let now = clock.nowMillis()
        for entry in input.entries {
            do {
                let event = try await routedEvent(entry, at: now, context: context)
                accepted.append(event)
                results.append(EventBridge.PutEventsResultEntry(eventId: event.id))
            } catch let failure as AWSError {
                results.append(EventBridge.PutEventsResultEntry(errorCode: failure.code, errorMessage: failure.message))
            }
        }
        try await engine.route(accepted).wait()
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
        guard case .object? = try? OrderedJSON.parse(Array(detailText.utf8)),
            let detail = try? OrderedJSON.parse(Array(detailText.utf8))
        else {
            throw AWSError("MalformedDetail", "Detail is malformed.")
        }
        let size =
            source.utf8.count + detailType.utf8.count + detailText.utf8.count
            + (entry.resources ?? []).reduce(0) { $0 + $1.utf8.count } + (entry.time == nil ? 0 : 14)
        guard size <= Self.maximumEntryBytes else {
            throw AWSError("ValidationException", "Total size of the entries in the request is over the limit.")
        }
        let bus = try busKey(entry.eventBusName, context)
        guard await engine.busExists(bus) else {
            throw AWSError("ResourceNotFoundException", "Event bus \(bus.name) does not exist.")
        }
        let id = RandomUUID.make().lowercased()
        let time = entry.time.map { Int64(($0.timeIntervalSince1970 * 1000).rounded(.down)) } ?? now
        let envelope = OrderedJSON.object([
            ("version", .scalar(.string("0"))),
            ("id", .scalar(.string(id))),
            ("detail-type", .scalar(.string(detailType))),
            ("source", .scalar(.string(source))),
            ("account", .scalar(.string(context.account))),
            ("time", .scalar(.string(Timestamp.iso8601(time)))),
            ("region", .scalar(.string(bus.region))),
            ("resources", .array((entry.resources ?? []).map { .scalar(.string($0)) })),
            ("detail", detail),
        ])
        return RoutedEvent(bus: bus, envelope: envelope, id: id, traceHeader: entry.traceHeader, ingestedAt: now)
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
