import Foundation
import SwitchyardMatching
import SwitchyardModels
import SwitchyardWire

extension EventBridgeService {
    public func putRule(_ input: EventBridge.PutRuleRequest, context: RequestContext) async throws
        -> EventBridge.PutRuleResponse
    {
        let bus = try busKey(input.eventBusName, context)
        // An empty schedule expression beside a pattern is taken as none (tools send "" for unset).
        let scheduleExpression = input.scheduleExpression.flatMap { $0.isEmpty ? nil : $0 }
        guard input.eventPattern != nil || scheduleExpression != nil else {
            throw EventBridgeErrors.validation("Parameter(s) EventPattern or ScheduleExpression must be specified.")
        }
        var pattern: EventPattern?
        if let text = input.eventPattern {
            do {
                pattern = try EventPattern(json: text)
            } catch let invalid as EventPattern.Invalid {
                throw EventBridgeErrors.invalidPattern(invalid.message)
            }
        }
        if let expression = scheduleExpression {
            guard bus.name == "default" else {
                throw EventBridgeErrors.validation("ScheduleExpression is supported only on the default event bus.")
            }
            guard ScheduleExpression(expression) != nil else {
                throw EventBridgeErrors.validation("Parameter ScheduleExpression is not valid.")
            }
        }
        var record = RuleRecord(bus: bus, name: input.name, createdBy: context.account)
        record.eventPattern = input.eventPattern
        record.scheduleExpression = scheduleExpression
        record.enabled = input.state.map { $0 != "DISABLED" } ?? true
        record.description = input.description
        record.roleArn = input.roleArn
        for tag in input.tags ?? [] { record.tags[tag.key] = tag.value }
        try await engine.putRule(record, pattern: pattern).wait()
        return EventBridge.PutRuleResponse(ruleArn: record.arn)
    }

    public func describeRule(_ input: EventBridge.DescribeRuleRequest, context: RequestContext) async throws
        -> EventBridge.DescribeRuleResponse
    {
        let rule = try await engine.rule(input.name, on: try busKey(input.eventBusName, context))
        return EventBridge.DescribeRuleResponse(
            name: rule.name, arn: rule.arn, eventPattern: rule.eventPattern,
            scheduleExpression: rule.scheduleExpression, state: rule.enabled ? "ENABLED" : "DISABLED",
            description: rule.description, roleArn: rule.roleArn, managedBy: rule.managedBy,
            eventBusName: rule.bus.name, createdBy: rule.createdBy)
    }

    public func enableRule(_ input: EventBridge.EnableRuleRequest, context: RequestContext) async throws {
        try await setState(input.name, input.eventBusName, enabled: true, context)
    }

    public func disableRule(_ input: EventBridge.DisableRuleRequest, context: RequestContext) async throws {
        try await setState(input.name, input.eventBusName, enabled: false, context)
    }

    private func setState(_ name: String, _ busName: String?, enabled: Bool, _ context: RequestContext) async throws {
        let (_, ticket) = try await engine.updateRule(name, on: try busKey(busName, context)) { $0.enabled = enabled }
        try await ticket.wait()
    }

    public func deleteRule(_ input: EventBridge.DeleteRuleRequest, context: RequestContext) async throws {
        try await engine.deleteRule(
            input.name, on: try busKey(input.eventBusName, context), force: input.force ?? false
        )
        .wait()
    }

    public func listRules(_ input: EventBridge.ListRulesRequest, context: RequestContext) async throws
        -> EventBridge.ListRulesResponse
    {
        let rules = try await engine.listRules(on: try busKey(input.eventBusName, context)).filter { rule in
            input.namePrefix.map { rule.name.hasPrefix($0) } ?? true
        }
        let (page, next) = try Page.of(rules, limit: input.limit, token: input.nextToken) { $0.name }
        return EventBridge.ListRulesResponse(
            rules: page.map { rule in
                EventBridge.Rule(
                    name: rule.name, arn: rule.arn, eventPattern: rule.eventPattern,
                    state: rule.enabled ? "ENABLED" : "DISABLED", description: rule.description,
                    scheduleExpression: rule.scheduleExpression, roleArn: rule.roleArn, managedBy: rule.managedBy,
                    eventBusName: rule.bus.name)
            }, nextToken: next)
    }

    public func listRuleNamesByTarget(_ input: EventBridge.ListRuleNamesByTargetRequest, context: RequestContext)
        async throws -> EventBridge.ListRuleNamesByTargetResponse
    {
        let rules = try await engine.listRules(on: try busKey(input.eventBusName, context)).filter { rule in
            rule.targets.contains { $0.arn == input.targetArn }
        }
        let (page, next) = try Page.of(rules, limit: input.limit, token: input.nextToken) { $0.name }
        return EventBridge.ListRuleNamesByTargetResponse(ruleNames: page.map(\.name), nextToken: next)
    }

    // MARK: Targets

    public func putTargets(_ input: EventBridge.PutTargetsRequest, context: RequestContext) async throws
        -> EventBridge.PutTargetsResponse
    {
        let bus = try busKey(input.eventBusName, context)
        let failed: [EventBridge.PutTargetsResultEntry] = []
        var accepted: [TargetRecord] = []
        for target in input.targets {
            let given = [target.input != nil, target.inputPath != nil, target.inputTransformer != nil]
            if given.filter({ $0 }).count > 1 {
                throw EventBridgeErrors.validation(
                    "Only one of Input, InputPath, or InputTransformer must be provided for target \(target.id).")
            }
            if let path = target.inputPath, JSONPath(path) == nil {
                throw EventBridgeErrors.validation("Target \(target.id) has an invalid InputPath: \(path).")
            }
            if target.arn.hasPrefix("arn:aws:sqs:"), target.arn.hasSuffix(".fifo"),
                target.sqsParameters?.messageGroupId == nil
            {
                throw EventBridgeErrors.validation(
                    "Parameter(s) SqsParameters must be specified for target: \(target.id).")
            }
            if let transformer = target.inputTransformer {
                let map = transformer.inputPathsMap ?? [:]
                if let unknown = InputTransformation.unknownPlaceholders(transformer.inputTemplate, map: map).first {
                    throw EventBridgeErrors.validation(
                        "InputTemplate for target \(target.id) contains invalid placeholder \(unknown).")
                }
                for (name, path) in map {
                    guard JSONPath(path) != nil else {
                        throw EventBridgeErrors.validation(
                            "Target \(target.id) has an invalid InputPathsMap: path \(path) of \(name) is not valid.")
                    }
                    guard !name.hasPrefix("aws.") else {
                        throw EventBridgeErrors.validation(
                            "InputTransformer for target \(target.id) has a reserved name in InputPathsMap: \(name).")
                    }
                }
            }
            accepted.append(Self.record(target))
        }
        let (_, ticket) = try await engine.updateRule(input.rule, on: bus) { rule in
            for target in accepted {
                if let position = rule.targets.firstIndex(where: { $0.id == target.id }) {
                    rule.targets[position] = target
                } else {
                    rule.targets.append(target)
                }
            }
            guard rule.targets.count <= 5 else {
                throw AWSError(
                    "LimitExceededException", "The requested resource exceeds the maximum number allowed.")
            }
        }
        try await ticket.wait()
        return EventBridge.PutTargetsResponse(failedEntryCount: failed.count, failedEntries: failed)
    }

    public func removeTargets(_ input: EventBridge.RemoveTargetsRequest, context: RequestContext) async throws
        -> EventBridge.RemoveTargetsResponse
    {
        let (_, ticket) = try await engine.updateRule(input.rule, on: try busKey(input.eventBusName, context)) { rule in
            rule.targets.removeAll { input.ids.contains($0.id) }
        }
        try await ticket.wait()
        return EventBridge.RemoveTargetsResponse(failedEntryCount: 0, failedEntries: [])
    }

    public func listTargetsByRule(_ input: EventBridge.ListTargetsByRuleRequest, context: RequestContext) async throws
        -> EventBridge.ListTargetsByRuleResponse
    {
        let rule = try await engine.rule(input.rule, on: try busKey(input.eventBusName, context))
        let (page, next) = try Page.of(rule.targets, limit: input.limit, token: input.nextToken) { $0.id }
        return EventBridge.ListTargetsByRuleResponse(targets: page.compactMap(Self.target), nextToken: next)
    }

    /// A target as stored: the fields delivery reads, and the whole target as given.
    static func record(_ target: EventBridge.Target) -> TargetRecord {
        var record = TargetRecord(id: target.id, arn: target.arn)
        record.roleArn = target.roleArn
        record.input = target.input
        record.inputPath = target.inputPath
        record.inputPathsMap = target.inputTransformer?.inputPathsMap
        record.inputTemplate = target.inputTransformer?.inputTemplate
        record.messageGroupId = target.sqsParameters?.messageGroupId
        record.deadLetterArn = target.deadLetterConfig?.arn
        record.maximumRetryAttempts = target.retryPolicy?.maximumRetryAttempts
        record.maximumEventAgeInSeconds = target.retryPolicy?.maximumEventAgeInSeconds
        record.pathParameterValues = target.httpParameters?.pathParameterValues
        record.headerParameters = target.httpParameters?.headerParameters
        record.queryStringParameters = target.httpParameters?.queryStringParameters
        if let shape = EventBridge.model.shapeIndex["Target"] {
            record.otherParameters = ShapeJSON.write(target.awsValue, shape: shape, model: EventBridge.model)
        }
        return record
    }

    /// The target as it was given.
    static func target(_ record: TargetRecord) -> EventBridge.Target? {
        if let text = record.otherParameters, let shape = EventBridge.model.shapeIndex["Target"],
            let value = try? ShapeJSON.read(text, shape: shape, model: EventBridge.model),
            let target = try? EventBridge.Target(awsValue: value)
        {
            return target
        }
        return EventBridge.Target(id: record.id, arn: record.arn, input: record.input, inputPath: record.inputPath)
    }
}
