import Foundation
import SwitchyardModels
import SwitchyardWire

/// A generated SES v1 shape kept as JSON (receipt rules and filters are stored as given).
enum StoredSESShape {
    static func write<Value: AWSValueConvertible>(_ value: Value) -> String { ShapeJSON.write(value, model: SES.model) }

    static func read<Value: AWSValueConvertible>(_ type: Value.Type, _ text: String) -> Value? {
        try? ShapeJSON.read(type, text, model: SES.model)
    }
}

// MARK: Receipt rule sets, rules and filters (stored; inbound mail is not received)

extension SESV1Service {
    func ruleSet(_ scope: SESScope, _ name: String) async throws -> ReceiptRuleSetRecord {
        guard let set = await engine.ruleSet(scope, name) else { throw SESFailure.ruleSetMissing(name) }
        return set
    }

    static func rules(_ set: ReceiptRuleSetRecord) -> [SES.ReceiptRule] {
        set.rules.compactMap { StoredSESShape.read(SES.ReceiptRule.self, $0) }
    }

    static func metadata(_ set: ReceiptRuleSetRecord) -> SES.ReceiptRuleSetMetadata {
        SES.ReceiptRuleSetMetadata(name: set.name, createdTimestamp: date(set.createdMillis))
    }

    func createReceiptRuleSet(_ input: SES.CreateReceiptRuleSetRequest, context: RequestContext) async throws
        -> SES.CreateReceiptRuleSetResponse
    {
        try await run {
            let scope = Self.scope(context)
            guard await engine.ruleSet(scope, input.ruleSetName) == nil else {
                throw SESFailure.ruleSetExists(input.ruleSetName)
            }
            try await engine.putRuleSet(
                ReceiptRuleSetRecord(
                    scope: scope, name: input.ruleSetName, createdMillis: SESEngine.nowMillis(), rules: []))
            return SES.CreateReceiptRuleSetResponse()
        }
    }

    func cloneReceiptRuleSet(_ input: SES.CloneReceiptRuleSetRequest, context: RequestContext) async throws
        -> SES.CloneReceiptRuleSetResponse
    {
        try await run {
            let scope = Self.scope(context)
            let original = try await ruleSet(scope, input.originalRuleSetName)
            guard await engine.ruleSet(scope, input.ruleSetName) == nil else {
                throw SESFailure.ruleSetExists(input.ruleSetName)
            }
            try await engine.putRuleSet(
                ReceiptRuleSetRecord(
                    scope: scope, name: input.ruleSetName, createdMillis: SESEngine.nowMillis(), rules: original.rules))
            return SES.CloneReceiptRuleSetResponse()
        }
    }

    func deleteReceiptRuleSet(_ input: SES.DeleteReceiptRuleSetRequest, context: RequestContext) async throws
        -> SES.DeleteReceiptRuleSetResponse
    {
        try await run {
            let scope = Self.scope(context)
            if await engine.account(scope).activeReceiptRuleSet == input.ruleSetName {
                throw AWSError("CannotDeleteException", "Cannot delete active rule set: \(input.ruleSetName)")
            }
            try await engine.deleteRuleSet(scope, input.ruleSetName)
            return SES.DeleteReceiptRuleSetResponse()
        }
    }

    func describeReceiptRuleSet(_ input: SES.DescribeReceiptRuleSetRequest, context: RequestContext) async throws
        -> SES.DescribeReceiptRuleSetResponse
    {
        try await run {
            let set = try await ruleSet(Self.scope(context), input.ruleSetName)
            return SES.DescribeReceiptRuleSetResponse(metadata: Self.metadata(set), rules: Self.rules(set))
        }
    }

    func listReceiptRuleSets(_ input: SES.ListReceiptRuleSetsRequest, context: RequestContext) async throws
        -> SES.ListReceiptRuleSetsResponse
    {
        let all = await engine.ruleSets(Self.scope(context))
        let (page, next) = Self.page(all, name: \.name, token: input.nextToken, limit: 100)
        return SES.ListReceiptRuleSetsResponse(ruleSets: page.map(Self.metadata), nextToken: next)
    }

    func setActiveReceiptRuleSet(_ input: SES.SetActiveReceiptRuleSetRequest, context: RequestContext) async throws
        -> SES.SetActiveReceiptRuleSetResponse
    {
        try await run {
            let scope = Self.scope(context)
            if let name = input.ruleSetName { _ = try await ruleSet(scope, name) }
            try await engine.updateAccount(scope) { $0.activeReceiptRuleSet = input.ruleSetName }
            return SES.SetActiveReceiptRuleSetResponse()
        }
    }

    func describeActiveReceiptRuleSet(_ input: SES.DescribeActiveReceiptRuleSetRequest, context: RequestContext)
        async throws -> SES.DescribeActiveReceiptRuleSetResponse
    {
        let scope = Self.scope(context)
        guard let name = await engine.account(scope).activeReceiptRuleSet, let set = await engine.ruleSet(scope, name)
        else { return SES.DescribeActiveReceiptRuleSetResponse() }
        return SES.DescribeActiveReceiptRuleSetResponse(metadata: Self.metadata(set), rules: Self.rules(set))
    }

    /// Changes a rule set's rules in place.
    func changeRules(
        _ scope: SESScope, _ setName: String, _ change: (inout [SES.ReceiptRule]) throws -> Void
    ) async throws {
        var set = try await ruleSet(scope, setName)
        var rules = Self.rules(set)
        try change(&rules)
        set.rules = rules.map(StoredSESShape.write)
        try await engine.putRuleSet(set)
    }

    static func insert(_ rule: SES.ReceiptRule, after: String?, into rules: inout [SES.ReceiptRule]) throws {
        if let after {
            guard let index = rules.firstIndex(where: { $0.name == after }) else { throw SESFailure.ruleMissing(after) }
            rules.insert(rule, at: index + 1)
        } else {
            rules.insert(rule, at: 0)
        }
    }

    func createReceiptRule(_ input: SES.CreateReceiptRuleRequest, context: RequestContext) async throws
        -> SES.CreateReceiptRuleResponse
    {
        try await run {
            try await changeRules(Self.scope(context), input.ruleSetName) { rules in
                guard !rules.contains(where: { $0.name == input.rule.name }) else {
                    throw SESFailure.ruleExists(input.rule.name)
                }
                try Self.insert(input.rule, after: input.after, into: &rules)
            }
            return SES.CreateReceiptRuleResponse()
        }
    }

    func updateReceiptRule(_ input: SES.UpdateReceiptRuleRequest, context: RequestContext) async throws
        -> SES.UpdateReceiptRuleResponse
    {
        try await run {
            try await changeRules(Self.scope(context), input.ruleSetName) { rules in
                guard let index = rules.firstIndex(where: { $0.name == input.rule.name }) else {
                    throw SESFailure.ruleMissing(input.rule.name)
                }
                rules[index] = input.rule
            }
            return SES.UpdateReceiptRuleResponse()
        }
    }

    func deleteReceiptRule(_ input: SES.DeleteReceiptRuleRequest, context: RequestContext) async throws
        -> SES.DeleteReceiptRuleResponse
    {
        try await run {
            try await changeRules(Self.scope(context), input.ruleSetName) { rules in
                rules.removeAll { $0.name == input.ruleName }
            }
            return SES.DeleteReceiptRuleResponse()
        }
    }

    func describeReceiptRule(_ input: SES.DescribeReceiptRuleRequest, context: RequestContext) async throws
        -> SES.DescribeReceiptRuleResponse
    {
        try await run {
            let set = try await ruleSet(Self.scope(context), input.ruleSetName)
            guard let rule = Self.rules(set).first(where: { $0.name == input.ruleName }) else {
                throw SESFailure.ruleMissing(input.ruleName)
            }
            return SES.DescribeReceiptRuleResponse(rule: rule)
        }
    }

    func reorderReceiptRuleSet(_ input: SES.ReorderReceiptRuleSetRequest, context: RequestContext) async throws
        -> SES.ReorderReceiptRuleSetResponse
    {
        try await run {
            try await changeRules(Self.scope(context), input.ruleSetName) { rules in
                let byName = Dictionary(rules.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
                guard Set(input.ruleNames) == Set(byName.keys), input.ruleNames.count == rules.count else {
                    throw SESFailure.invalidParameter("The rule names must name every rule of the set exactly once.")
                }
                rules = input.ruleNames.compactMap { byName[$0] }
            }
            return SES.ReorderReceiptRuleSetResponse()
        }
    }

    func setReceiptRulePosition(_ input: SES.SetReceiptRulePositionRequest, context: RequestContext) async throws
        -> SES.SetReceiptRulePositionResponse
    {
        try await run {
            try await changeRules(Self.scope(context), input.ruleSetName) { rules in
                guard let index = rules.firstIndex(where: { $0.name == input.ruleName }) else {
                    throw SESFailure.ruleMissing(input.ruleName)
                }
                let rule = rules.remove(at: index)
                try Self.insert(rule, after: input.after, into: &rules)
            }
            return SES.SetReceiptRulePositionResponse()
        }
    }

    func createReceiptFilter(_ input: SES.CreateReceiptFilterRequest, context: RequestContext) async throws
        -> SES.CreateReceiptFilterResponse
    {
        try await run {
            try await engine.updateAccount(Self.scope(context)) { account in
                guard account.receiptFilters[input.filter.name] == nil else {
                    throw SESFailure.filterExists(input.filter.name)
                }
                account.receiptFilters[input.filter.name] = StoredSESShape.write(input.filter)
                account.receiptFilterOrder.append(input.filter.name)
            }
            return SES.CreateReceiptFilterResponse()
        }
    }

    func deleteReceiptFilter(_ input: SES.DeleteReceiptFilterRequest, context: RequestContext) async throws
        -> SES.DeleteReceiptFilterResponse
    {
        try await run {
            try await engine.updateAccount(Self.scope(context)) { account in
                account.receiptFilters[input.filterName] = nil
                account.receiptFilterOrder.removeAll { $0 == input.filterName }
            }
            return SES.DeleteReceiptFilterResponse()
        }
    }

    func listReceiptFilters(_ input: SES.ListReceiptFiltersRequest, context: RequestContext) async throws
        -> SES.ListReceiptFiltersResponse
    {
        let account = await engine.account(Self.scope(context))
        return SES.ListReceiptFiltersResponse(
            filters: account.receiptFilterOrder.compactMap { name in
                account.receiptFilters[name].flatMap { StoredSESShape.read(SES.ReceiptFilter.self, $0) }
            })
    }
}
