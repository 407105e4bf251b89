import Foundation
import SwitchyardModels
import SwitchyardWire

extension EventBridgeService {
    /// What a resource ARN names: a bus, or a rule on a bus.
    enum Resource {
        case bus(BusKey)
        case rule(BusKey, String)
    }

    func resource(_ arn: String, _ context: RequestContext) throws -> Resource {
        let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", parts[2] == "events" else {
            throw EventBridgeErrors.validation(
                "Parameter \(arn) is not valid. Reason: Provided Arn is not in correct format.")
        }
        let account = String(parts[4])
        let region = String(parts[3])
        let path = parts[5]
        if path.hasPrefix("event-bus/") {
            return .bus(BusKey(account: account, region: region, name: String(path.dropFirst(10))))
        }
        if path.hasPrefix("rule/") {
            let names = path.dropFirst(5).split(separator: "/", maxSplits: 1).map(String.init)
            let bus = names.count == 2 ? names[0] : "default"
            return .rule(BusKey(account: account, region: region, name: bus), names.last ?? "")
        }
        throw AWSError("ResourceNotFoundException", "Resource \(arn) does not exist.")
    }

    public func tagResource(_ input: EventBridge.TagResourceRequest, context: RequestContext) async throws
        -> EventBridge.TagResourceResponse
    {
        try await changeTags(input.resourceARN, context) { tags in
            for tag in input.tags { tags[tag.key] = tag.value }
        }
        return EventBridge.TagResourceResponse()
    }

    public func untagResource(_ input: EventBridge.UntagResourceRequest, context: RequestContext) async throws
        -> EventBridge.UntagResourceResponse
    {
        try await changeTags(input.resourceARN, context) { tags in
            for key in input.tagKeys { tags[key] = nil }
        }
        return EventBridge.UntagResourceResponse()
    }

    public func listTagsForResource(_ input: EventBridge.ListTagsForResourceRequest, context: RequestContext)
        async throws -> EventBridge.ListTagsForResourceResponse
    {
        let tags: [String: String]
        switch try resource(input.resourceARN, context) {
        case .bus(let key): tags = try await engine.describeBus(key).tags
        case .rule(let bus, let name): tags = try await engine.rule(name, on: bus).tags
        }
        return EventBridge.ListTagsForResourceResponse(
            tags: tags.sorted { $0.key < $1.key }.map { EventBridge.Tag(key: $0.key, value: $0.value) })
    }

    private func changeTags(
        _ arn: String, _ context: RequestContext, _ change: @Sendable (inout [String: String]) -> Void
    )
        async throws
    {
        switch try resource(arn, context) {
        case .bus(let key):
            let (_, ticket) = try await engine.updateBus(key) { change(&$0.tags) }
            try await ticket.wait()
        case .rule(let bus, let name):
            let (_, ticket) = try await engine.updateRule(name, on: bus) { change(&$0.tags) }
            try await ticket.wait()
        }
    }

    // MARK: Permissions

    public func putPermission(_ input: EventBridge.PutPermissionRequest, context: RequestContext) async throws {
        let bus = try busKey(input.eventBusName, context)
        if let policy = input.policy {
            guard case .object? = try? OrderedJSON.parse(Array(policy.utf8)) else {
                throw EventBridgeErrors.validation("Policy is not valid JSON.")
            }
            let (_, ticket) = try await engine.updateBus(bus) { $0.policy = policy }
            try await ticket.wait()
            return
        }
        guard let statementId = input.statementId, let principal = input.principal, let action = input.action else {
            throw EventBridgeErrors.validation(
                "Parameter(s) Action, Principal and StatementId must be specified when Policy is not.")
        }
        guard action == "events:PutEvents" else {
            throw EventBridgeErrors.validation("Provided value in parameter 'action' is not supported.")
        }
        var statement: [(key: String, value: OrderedJSON)] = [
            ("Sid", .scalar(.string(statementId))), ("Effect", .scalar(.string("Allow"))),
            (
                "Principal",
                principal == "*"
                    ? .scalar(.string("*"))
                    : .object([("AWS", .scalar(.string("arn:aws:iam::\(principal):root")))])
            ),
            ("Action", .scalar(.string(action))), ("Resource", .scalar(.string(bus.arn))),
        ]
        if let condition = input.condition {
            statement.append(
                (
                    "Condition",
                    .object([
                        (condition.type, .object([(condition.key, .scalar(.string(condition.value)))]))
                    ])
                ))
        }
        let (_, ticket) = try await engine.updateBus(bus) { record in
            var statements = Self.statements(of: record.policy).filter { $0["Sid"] != .scalar(.string(statementId)) }
            statements.append(.object(statement))
            record.policy = Self.policy(statements)
        }
        try await ticket.wait()
    }

    public func removePermission(_ input: EventBridge.RemovePermissionRequest, context: RequestContext) async throws {
        let bus = try busKey(input.eventBusName, context)
        let current = try await engine.describeBus(bus)
        if input.removeAllPermissions == true {
            let (_, ticket) = try await engine.updateBus(bus) { $0.policy = nil }
            try await ticket.wait()
            return
        }
        guard let statementId = input.statementId else {
            throw EventBridgeErrors.validation("Parameter StatementId must be specified.")
        }
        let statements = Self.statements(of: current.policy)
        let remaining = statements.filter { $0["Sid"] != .scalar(.string(statementId)) }
        guard remaining.count < statements.count else {
            throw AWSError("ResourceNotFoundException", "Statement with the provided id does not exist.")
        }
        let (_, ticket) = try await engine.updateBus(bus) {
            $0.policy = remaining.isEmpty ? nil : Self.policy(remaining)
        }
        try await ticket.wait()
    }

    static func statements(of policy: String?) -> [OrderedJSON] {
        guard let policy, let parsed = try? OrderedJSON.parse(Array(policy.utf8)) else { return [] }
        switch parsed["Statement"] {
        case .array(let items)?: return items
        case let single?: return [single]
        case nil: return []
        }
    }

    static func policy(_ statements: [OrderedJSON]) -> String {
        OrderedJSON.object([("Version", .scalar(.string("2012-10-17"))), ("Statement", .array(statements))]).text
    }
}
