import Foundation
import SwitchyardModels
import SwitchyardWire

extension EventBridgeService {
    // MARK: Endpoints

    static var routingShape: Int? { EventBridge.model.shapeIndex["RoutingConfig"] }

    static func routing(_ record: EndpointRecord) -> EventBridge.RoutingConfig? {
        guard let shape = routingShape,
            let value = try? ShapeJSON.read(record.routingConfig, shape: shape, model: EventBridge.model)
        else { return nil }
        return try? EventBridge.RoutingConfig(awsValue: value)
    }

    static func checkEndpointBuses(_ buses: [EventBridge.EndpointEventBus]) throws {
        let regions = Set(buses.map { $0.eventBusArn.split(separator: ":").dropFirst(3).first.map(String.init) ?? "" })
        guard buses.count == 2, regions.count == 2 else {
            throw EventBridgeErrors.validation(
                "An endpoint needs two event buses with the same name in two different Regions.")
        }
    }

    public func createEndpoint(_ input: EventBridge.CreateEndpointRequest, context: RequestContext) async throws
        -> EventBridge.CreateEndpointResponse
    {
        try Self.checkEndpointBuses(input.eventBuses)
        let now = clock.nowMillis()
        let id = String(RandomUUID.make().lowercased().replacingOccurrences(of: "-", with: "").prefix(10)) + ".veo"
        let record = EndpointRecord(
            account: context.account, region: context.region, name: input.name, description: input.description,
            routingConfig: Self.routingShape.map {
                ShapeJSON.write(input.routingConfig.awsValue, shape: $0, model: EventBridge.model)
            } ?? "{}", replicationState: input.replicationConfig?.state ?? "ENABLED",
            eventBusArns: input.eventBuses.map(\.eventBusArn), roleArn: input.roleArn, endpointId: id,
            createdAt: now, modifiedAt: now)
        try await engine.putEndpoint(record, creating: true).wait()
        return EventBridge.CreateEndpointResponse(
            name: record.name, arn: record.arn, routingConfig: input.routingConfig,
            replicationConfig: EventBridge.ReplicationConfig(state: record.replicationState),
            eventBuses: input.eventBuses, roleArn: input.roleArn, state: "ACTIVE")
    }

    func endpointShape(_ record: EndpointRecord) -> EventBridge.DescribeEndpointResponse {
        EventBridge.DescribeEndpointResponse(
            name: record.name, description: record.description, arn: record.arn, routingConfig: Self.routing(record),
            replicationConfig: EventBridge.ReplicationConfig(state: record.replicationState),
            eventBuses: record.eventBusArns.map { EventBridge.EndpointEventBus(eventBusArn: $0) },
            roleArn: record.roleArn, endpointId: record.endpointId, endpointUrl: record.url, state: "ACTIVE",
            creationTime: Self.date(record.createdAt), lastModifiedTime: Self.date(record.modifiedAt))
    }

    public func describeEndpoint(_ input: EventBridge.DescribeEndpointRequest, context: RequestContext) async throws
        -> EventBridge.DescribeEndpointResponse
    {
        let region = input.homeRegion ?? context.region
        return endpointShape(try await engine.endpoint(account: context.account, region: region, name: input.name))
    }

    public func updateEndpoint(_ input: EventBridge.UpdateEndpointRequest, context: RequestContext) async throws
        -> EventBridge.UpdateEndpointResponse
    {
        var record = try await engine.endpoint(account: context.account, region: context.region, name: input.name)
        if let description = input.description { record.description = description }
        if let routing = input.routingConfig, let shape = Self.routingShape {
            record.routingConfig = ShapeJSON.write(routing.awsValue, shape: shape, model: EventBridge.model)
        }
        if let state = input.replicationConfig?.state { record.replicationState = state }
        if let buses = input.eventBuses {
            try Self.checkEndpointBuses(buses)
            record.eventBusArns = buses.map(\.eventBusArn)
        }
        if let role = input.roleArn { record.roleArn = role }
        record.modifiedAt = clock.nowMillis()
        try await engine.putEndpoint(record, creating: false).wait()
        let shown = endpointShape(record)
        return EventBridge.UpdateEndpointResponse(
            name: shown.name, arn: shown.arn, routingConfig: shown.routingConfig,
            replicationConfig: shown.replicationConfig, eventBuses: shown.eventBuses, roleArn: shown.roleArn,
            endpointId: shown.endpointId, endpointUrl: shown.endpointUrl, state: shown.state)
    }

    public func deleteEndpoint(_ input: EventBridge.DeleteEndpointRequest, context: RequestContext) async throws
        -> EventBridge.DeleteEndpointResponse
    {
        try await engine.deleteEndpoint(account: context.account, region: context.region, name: input.name).wait()
        return EventBridge.DeleteEndpointResponse()
    }

    public func listEndpoints(_ input: EventBridge.ListEndpointsRequest, context: RequestContext) async throws
        -> EventBridge.ListEndpointsResponse
    {
        let all = await engine.listEndpoints(account: context.account).filter { record in
            (input.namePrefix.map { record.name.hasPrefix($0) } ?? true)
                && (input.homeRegion.map { record.region == $0 } ?? true)
        }
        let (page, next) = try Page.of(all, limit: input.maxResults, token: input.nextToken) { $0.name }
        return EventBridge.ListEndpointsResponse(
            endpoints: page.map { record in
                let shown = endpointShape(record)
                return EventBridge.Endpoint(
                    name: shown.name, description: shown.description, arn: shown.arn,
                    routingConfig: shown.routingConfig, replicationConfig: shown.replicationConfig,
                    eventBuses: shown.eventBuses, roleArn: shown.roleArn, endpointId: shown.endpointId,
                    endpointUrl: shown.endpointUrl, state: shown.state, creationTime: shown.creationTime,
                    lastModifiedTime: shown.lastModifiedTime)
            }, nextToken: next)
    }

    // MARK: Partner event sources (the partner's side)

    public func createPartnerEventSource(_ input: EventBridge.CreatePartnerEventSourceRequest, context: RequestContext)
        async throws -> EventBridge.CreatePartnerEventSourceResponse
    {
        guard input.name.hasPrefix("aws.partner/") else {
            throw EventBridgeErrors.validation("Event source names must start with aws.partner/.")
        }
        let record = PartnerSourceRecord(
            region: context.region, name: input.name, partnerAccount: context.account,
            customerAccount: input.account, state: "PENDING", createdAt: clock.nowMillis())
        try await engine.createPartnerSource(record).wait()
        return EventBridge.CreatePartnerEventSourceResponse(eventSourceArn: record.arn)
    }

    public func describePartnerEventSource(
        _ input: EventBridge.DescribePartnerEventSourceRequest, context: RequestContext
    ) async throws -> EventBridge.DescribePartnerEventSourceResponse {
        guard
            let record = await engine.partnerSources(
                named: input.name, region: context.region, partner: context.account
            )
            .first
        else { throw AWSError("ResourceNotFoundException", "Event source \(input.name) does not exist.") }
        return EventBridge.DescribePartnerEventSourceResponse(arn: record.arn, name: record.name)
    }

    public func listPartnerEventSources(_ input: EventBridge.ListPartnerEventSourcesRequest, context: RequestContext)
        async throws -> EventBridge.ListPartnerEventSourcesResponse
    {
        var seen: Set<String> = []
        let sources = await engine.partnerSources(region: context.region, partner: context.account).filter {
            $0.name.hasPrefix(input.namePrefix) && seen.insert($0.name).inserted
        }
        let (page, next) = try Page.of(sources, limit: input.limit, token: input.nextToken) { $0.name }
        return EventBridge.ListPartnerEventSourcesResponse(
            partnerEventSources: page.map { EventBridge.PartnerEventSource(arn: $0.arn, name: $0.name) },
            nextToken: next)
    }

    public func listPartnerEventSourceAccounts(
        _ input: EventBridge.ListPartnerEventSourceAccountsRequest, context: RequestContext
    ) async throws -> EventBridge.ListPartnerEventSourceAccountsResponse {
        let sources = await engine.partnerSources(
            named: input.eventSourceName, region: context.region, partner: context.account)
        guard !sources.isEmpty else {
            throw AWSError("ResourceNotFoundException", "Event source \(input.eventSourceName) does not exist.")
        }
        let (page, next) = try Page.of(sources, limit: input.limit, token: input.nextToken) { $0.customerAccount }
        return EventBridge.ListPartnerEventSourceAccountsResponse(
            partnerEventSourceAccounts: page.map {
                EventBridge.PartnerEventSourceAccount(
                    account: $0.customerAccount, creationTime: Self.date($0.createdAt), state: $0.state)
            }, nextToken: next)
    }

    public func deletePartnerEventSource(_ input: EventBridge.DeletePartnerEventSourceRequest, context: RequestContext)
        async throws
    {
        try await engine.deletePartnerSource(
            region: context.region, customer: input.account, name: input.name, partner: context.account
        ).wait()
    }

    /// A partner's events go to the event bus each customer associated with the source.
    public func putPartnerEvents(_ input: EventBridge.PutPartnerEventsRequest, context: RequestContext) async throws
        -> EventBridge.PutPartnerEventsResponse
    {
        var results: [EventBridge.PutPartnerEventsResultEntry] = []
        var accepted: [RoutedEvent] = []
        let now = clock.nowMillis()
        for entry in input.entries {
            guard let source = entry.source, !source.isEmpty, let detailType = entry.detailType,
                let detailText = entry.detail, let detail = try? OrderedJSON.parse(Array(detailText.utf8)),
                case .object = detail
            else {
                results.append(
                    EventBridge.PutPartnerEventsResultEntry(
                        errorCode: "InvalidArgument",
                        errorMessage: "Source, DetailType and a JSON object Detail are required."))
                continue
            }
            let id = RandomUUID.make().lowercased()
            for record in await engine.partnerSources(named: source, region: context.region, partner: context.account)
            where record.state == "ACTIVE" {
                let bus = BusKey(account: record.customerAccount, region: context.region, name: source)
                let time = entry.time.map { Int64($0.timeIntervalSince1970 * 1000) } ?? now
                let envelope = EventEnvelope.make(
                    id: id, detailType: detailType, source: source, account: record.customerAccount, timeMillis: time,
                    region: context.region, resources: entry.resources ?? [], detail: detail)
                accepted.append(RoutedEvent(bus: bus, envelope: envelope, id: id, traceHeader: nil, ingestedAt: now))
            }
            results.append(EventBridge.PutPartnerEventsResultEntry(eventId: id))
        }
        try await engine.route(accepted)
        return EventBridge.PutPartnerEventsResponse(
            failedEntryCount: results.filter { $0.errorCode != nil }.count, entries: results)
    }

    // MARK: Event sources (the customer's side)

    func eventSourceShape(_ record: PartnerSourceRecord) -> EventBridge.EventSource {
        EventBridge.EventSource(
            arn: record.arn, createdBy: record.partnerAccount, creationTime: Self.date(record.createdAt),
            name: record.name, state: record.state)
    }

    public func describeEventSource(_ input: EventBridge.DescribeEventSourceRequest, context: RequestContext)
        async throws -> EventBridge.DescribeEventSourceResponse
    {
        let record = try await engine.eventSource(region: context.region, customer: context.account, name: input.name)
        let shown = eventSourceShape(record)
        return EventBridge.DescribeEventSourceResponse(
            arn: shown.arn, createdBy: shown.createdBy, creationTime: shown.creationTime, name: shown.name,
            state: shown.state)
    }

    public func listEventSources(_ input: EventBridge.ListEventSourcesRequest, context: RequestContext) async throws
        -> EventBridge.ListEventSourcesResponse
    {
        let sources = await engine.eventSources(region: context.region, customer: context.account).filter { record in
            input.namePrefix.map { record.name.hasPrefix($0) } ?? true
        }
        let (page, next) = try Page.of(sources, limit: input.limit, token: input.nextToken) { $0.name }
        return EventBridge.ListEventSourcesResponse(eventSources: page.map(eventSourceShape), nextToken: next)
    }

    public func activateEventSource(_ input: EventBridge.ActivateEventSourceRequest, context: RequestContext)
        async throws
    {
        try await engine.setEventSourceState(
            region: context.region, customer: context.account, name: input.name, state: "ACTIVE"
        ).wait()
    }

    public func deactivateEventSource(_ input: EventBridge.DeactivateEventSourceRequest, context: RequestContext)
        async throws
    {
        try await engine.setEventSourceState(
            region: context.region, customer: context.account, name: input.name, state: "DELETED"
        ).wait()
    }
}
