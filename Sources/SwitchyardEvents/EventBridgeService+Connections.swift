import Foundation
import SwitchyardModels
import SwitchyardWire

extension EventBridgeService {
    static var authShape: Int? { EventBridge.model.shapeIndex["CreateConnectionAuthRequestParameters"] }

    static func storedAuth(_ parameters: EventBridge.CreateConnectionAuthRequestParameters) -> String {
        guard let shape = authShape else { return "{}" }
        return ShapeJSON.write(parameters.awsValue, shape: shape, model: EventBridge.model)
    }

    static func auth(_ record: ConnectionRecord) -> EventBridge.CreateConnectionAuthRequestParameters? {
        guard let shape = authShape,
            let value = try? ShapeJSON.read(record.authParameters, shape: shape, model: EventBridge.model)
        else { return nil }
        return try? EventBridge.CreateConnectionAuthRequestParameters(awsValue: value)
    }

    /// The auth parameters as DescribeConnection shows them: without passwords, keys and secrets.
    static func shownAuth(_ record: ConnectionRecord) -> EventBridge.ConnectionAuthResponseParameters? {
        guard let auth = auth(record) else { return nil }
        return EventBridge.ConnectionAuthResponseParameters(
            basicAuthParameters: auth.basicAuthParameters.map {
                EventBridge.ConnectionBasicAuthResponseParameters(username: $0.username)
            },
            oAuthParameters: auth.oAuthParameters.map {
                EventBridge.ConnectionOAuthResponseParameters(
                    clientParameters: EventBridge.ConnectionOAuthClientResponseParameters(
                        clientID: $0.clientParameters.clientID),
                    authorizationEndpoint: $0.authorizationEndpoint, httpMethod: $0.httpMethod,
                    oAuthHttpParameters: $0.oAuthHttpParameters)
            },
            apiKeyAuthParameters: auth.apiKeyAuthParameters.map {
                EventBridge.ConnectionApiKeyAuthResponseParameters(apiKeyName: $0.apiKeyName)
            },
            invocationHttpParameters: auth.invocationHttpParameters)
    }

    static func checkAuth(_ type: String, _ parameters: EventBridge.CreateConnectionAuthRequestParameters) throws {
        let present: Bool
        switch type {
        case "BASIC": present = parameters.basicAuthParameters != nil
        case "API_KEY": present = parameters.apiKeyAuthParameters != nil
        default: present = parameters.oAuthParameters != nil
        }
        guard present else {
            throw EventBridgeErrors.validation("The authorization parameters for \(type) must be provided.")
        }
    }

    public func createConnection(_ input: EventBridge.CreateConnectionRequest, context: RequestContext) async throws
        -> EventBridge.CreateConnectionResponse
    {
        try Self.checkAuth(input.authorizationType, input.authParameters)
        let now = clock.nowMillis()
        let oauth = input.authorizationType == "OAUTH_CLIENT_CREDENTIALS"
        let record = ConnectionRecord(
            account: context.account, region: context.region, name: input.name, uuid: RandomUUID.make().lowercased(),
            description: input.description, authorizationType: input.authorizationType,
            authParameters: Self.storedAuth(input.authParameters), state: oauth ? "AUTHORIZING" : "AUTHORIZED",
            createdAt: now, modifiedAt: now, authorizedAt: oauth ? nil : now,
            secretId: RandomUUID.make().lowercased() + "-" + String(RandomUUID.make().lowercased().prefix(6)))
        try await engine.createConnection(record).wait()
        return EventBridge.CreateConnectionResponse(
            connectionArn: record.arn, connectionState: record.state, creationTime: Self.date(now),
            lastModifiedTime: Self.date(now))
    }

    public func describeConnection(_ input: EventBridge.DescribeConnectionRequest, context: RequestContext) async throws
        -> EventBridge.DescribeConnectionResponse
    {
        let record = try await engine.connection(account: context.account, region: context.region, name: input.name)
        return EventBridge.DescribeConnectionResponse(
            connectionArn: record.arn, name: record.name, description: record.description,
            connectionState: record.state, authorizationType: record.authorizationType, secretArn: record.secretArn,
            authParameters: Self.shownAuth(record), creationTime: Self.date(record.createdAt),
            lastModifiedTime: Self.date(record.modifiedAt), lastAuthorizedTime: record.authorizedAt.map(Self.date))
    }

    public func listConnections(_ input: EventBridge.ListConnectionsRequest, context: RequestContext) async throws
        -> EventBridge.ListConnectionsResponse
    {
        let records = await engine.listConnections(account: context.account, region: context.region).filter { record in
            (input.namePrefix.map { record.name.hasPrefix($0) } ?? true)
                && (input.connectionState.map { record.state == $0 } ?? true)
        }
        let (page, next) = try Page.of(records, limit: input.limit, token: input.nextToken) { $0.name }
        return EventBridge.ListConnectionsResponse(
            connections: page.map { record in
                EventBridge.Connection(
                    connectionArn: record.arn, name: record.name, connectionState: record.state,
                    authorizationType: record.authorizationType, creationTime: Self.date(record.createdAt),
                    lastModifiedTime: Self.date(record.modifiedAt),
                    lastAuthorizedTime: record.authorizedAt.map(Self.date))
            }, nextToken: next)
    }

    public func updateConnection(_ input: EventBridge.UpdateConnectionRequest, context: RequestContext) async throws
        -> EventBridge.UpdateConnectionResponse
    {
        let (record, ticket) = try await engine.updateConnection(
            account: context.account, region: context.region, name: input.name
        ) { record in
            if let description = input.description { record.description = description }
            if let type = input.authorizationType { record.authorizationType = type }
            guard let update = input.authParameters, var auth = Self.auth(record) else { return }
            if let basic = update.basicAuthParameters {
                auth.basicAuthParameters = EventBridge.CreateConnectionBasicAuthRequestParameters(
                    username: basic.username ?? auth.basicAuthParameters?.username ?? "",
                    password: basic.password ?? auth.basicAuthParameters?.password ?? "")
            }
            if let key = update.apiKeyAuthParameters {
                auth.apiKeyAuthParameters = EventBridge.CreateConnectionApiKeyAuthRequestParameters(
                    apiKeyName: key.apiKeyName ?? auth.apiKeyAuthParameters?.apiKeyName ?? "",
                    apiKeyValue: key.apiKeyValue ?? auth.apiKeyAuthParameters?.apiKeyValue ?? "")
            }
            if let parameters = update.invocationHttpParameters { auth.invocationHttpParameters = parameters }
            record.authParameters = Self.storedAuth(auth)
        }
        try await ticket.wait()
        return EventBridge.UpdateConnectionResponse(
            connectionArn: record.arn, connectionState: record.state, creationTime: Self.date(record.createdAt),
            lastModifiedTime: Self.date(record.modifiedAt), lastAuthorizedTime: record.authorizedAt.map(Self.date))
    }

    public func deleteConnection(_ input: EventBridge.DeleteConnectionRequest, context: RequestContext) async throws
        -> EventBridge.DeleteConnectionResponse
    {
        let (record, ticket) = try await engine.deleteConnection(
            account: context.account, region: context.region, name: input.name)
        try await ticket.wait()
        return EventBridge.DeleteConnectionResponse(
            connectionArn: record.arn, connectionState: record.state, creationTime: Self.date(record.createdAt),
            lastModifiedTime: Self.date(record.modifiedAt), lastAuthorizedTime: record.authorizedAt.map(Self.date))
    }

    public func deauthorizeConnection(_ input: EventBridge.DeauthorizeConnectionRequest, context: RequestContext)
        async throws -> EventBridge.DeauthorizeConnectionResponse
    {
        let (record, ticket) = try await engine.updateConnection(
            account: context.account, region: context.region, name: input.name
        ) { $0.state = "DEAUTHORIZED" }
        try await ticket.wait()
        return EventBridge.DeauthorizeConnectionResponse(
            connectionArn: record.arn, connectionState: "DEAUTHORIZING", creationTime: Self.date(record.createdAt),
            lastModifiedTime: Self.date(record.modifiedAt), lastAuthorizedTime: record.authorizedAt.map(Self.date))
    }

    // MARK: API destinations

    public func createApiDestination(_ input: EventBridge.CreateApiDestinationRequest, context: RequestContext)
        async throws -> EventBridge.CreateApiDestinationResponse
    {
        let now = clock.nowMillis()
        let record = APIDestinationRecord(
            account: context.account, region: context.region, name: input.name, uuid: RandomUUID.make().lowercased(),
            description: input.description, connectionArn: input.connectionArn,
            invocationEndpoint: input.invocationEndpoint, httpMethod: input.httpMethod,
            rateLimitPerSecond: input.invocationRateLimitPerSecond ?? 300, createdAt: now, modifiedAt: now)
        try await engine.createAPIDestination(record).wait()
        return EventBridge.CreateApiDestinationResponse(
            apiDestinationArn: record.arn, apiDestinationState: await engine.destinationState(record),
            creationTime: Self.date(now), lastModifiedTime: Self.date(now))
    }

    public func describeApiDestination(_ input: EventBridge.DescribeApiDestinationRequest, context: RequestContext)
        async throws -> EventBridge.DescribeApiDestinationResponse
    {
        let record = try await engine.apiDestination(account: context.account, region: context.region, name: input.name)
        return EventBridge.DescribeApiDestinationResponse(
            apiDestinationArn: record.arn, name: record.name, description: record.description,
            apiDestinationState: await engine.destinationState(record), connectionArn: record.connectionArn,
            invocationEndpoint: record.invocationEndpoint, httpMethod: record.httpMethod,
            invocationRateLimitPerSecond: record.rateLimitPerSecond, creationTime: Self.date(record.createdAt),
            lastModifiedTime: Self.date(record.modifiedAt))
    }

    public func listApiDestinations(_ input: EventBridge.ListApiDestinationsRequest, context: RequestContext)
        async throws -> EventBridge.ListApiDestinationsResponse
    {
        let records = await engine.listAPIDestinations(account: context.account, region: context.region).filter {
            record in
            (input.namePrefix.map { record.name.hasPrefix($0) } ?? true)
                && (input.connectionArn.map { record.connectionArn == $0 } ?? true)
        }
        let (page, next) = try Page.of(records, limit: input.limit, token: input.nextToken) { $0.name }
        var listed: [EventBridge.ApiDestination] = []
        for record in page {
            listed.append(
                EventBridge.ApiDestination(
                    apiDestinationArn: record.arn, name: record.name,
                    apiDestinationState: await engine.destinationState(record), connectionArn: record.connectionArn,
                    invocationEndpoint: record.invocationEndpoint, httpMethod: record.httpMethod,
                    invocationRateLimitPerSecond: record.rateLimitPerSecond, creationTime: Self.date(record.createdAt),
                    lastModifiedTime: Self.date(record.modifiedAt)))
        }
        return EventBridge.ListApiDestinationsResponse(apiDestinations: listed, nextToken: next)
    }

    public func updateApiDestination(_ input: EventBridge.UpdateApiDestinationRequest, context: RequestContext)
        async throws -> EventBridge.UpdateApiDestinationResponse
    {
        let (record, ticket) = try await engine.updateAPIDestination(
            account: context.account, region: context.region, name: input.name
        ) { record in
            if let description = input.description { record.description = description }
            if let arn = input.connectionArn { record.connectionArn = arn }
            if let endpoint = input.invocationEndpoint { record.invocationEndpoint = endpoint }
            if let method = input.httpMethod { record.httpMethod = method }
            if let limit = input.invocationRateLimitPerSecond { record.rateLimitPerSecond = limit }
        }
        try await ticket.wait()
        return EventBridge.UpdateApiDestinationResponse(
            apiDestinationArn: record.arn, apiDestinationState: await engine.destinationState(record),
            creationTime: Self.date(record.createdAt), lastModifiedTime: Self.date(record.modifiedAt))
    }

    public func deleteApiDestination(_ input: EventBridge.DeleteApiDestinationRequest, context: RequestContext)
        async throws -> EventBridge.DeleteApiDestinationResponse
    {
        try await engine.deleteAPIDestination(account: context.account, region: context.region, name: input.name).wait()
        return EventBridge.DeleteApiDestinationResponse()
    }
}
