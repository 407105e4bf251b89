import Foundation
import SwitchyardModels
import SwitchyardWire

// The policy simulator: which actions an entity's policies, or given documents, allow.
extension IAMService {
    public func simulatePrincipalPolicy(_ input: IAM.SimulatePrincipalPolicyRequest, context: RequestContext)
        async throws -> IAM.SimulatePolicyResponse
    {
        let (held, heldBoundary) = try await engine.simulationPolicies(
            of: input.policySourceArn, account: context.account)
        var identity = try held.map {
            try SimulatedPolicy(
                id: $0.name, type: SimulatedPolicy.identityType, document: $0.document, kind: .identity)
        }
        identity += try Self.inputPolicies(input.policyInputList)
        var boundary =
            try heldBoundary.map {
                [
                    try SimulatedPolicy(
                        id: $0.name, type: SimulatedPolicy.identityType, document: $0.document, kind: .identity)
                ]
            } ?? []
        if let given = input.permissionsBoundaryPolicyInputList, !given.isEmpty {
            boundary = try Self.inputPolicies(given, prefix: "PermissionsBoundaryPolicyInputList")
        }
        return try Self.simulate(
            identity: identity, boundary: boundary, resourcePolicy: input.resourcePolicy,
            caller: input.callerArn ?? input.policySourceArn, resourceOwner: input.resourceOwner,
            actions: input.actionNames, resources: input.resourceArns, contextEntries: input.contextEntries,
            marker: input.marker, maxItems: input.maxItems)
    }

    public func simulateCustomPolicy(_ input: IAM.SimulateCustomPolicyRequest, context: RequestContext)
        async throws -> IAM.SimulatePolicyResponse
    {
        try Self.simulate(
            identity: try Self.inputPolicies(input.policyInputList),
            boundary: try Self.inputPolicies(
                input.permissionsBoundaryPolicyInputList, prefix: "PermissionsBoundaryPolicyInputList"),
            resourcePolicy: input.resourcePolicy, caller: input.callerArn, resourceOwner: input.resourceOwner,
            actions: input.actionNames, resources: input.resourceArns, contextEntries: input.contextEntries,
            marker: input.marker, maxItems: input.maxItems)
    }

    /// Documents given in the request, named `PolicyInputList.<n>` (from 1) as AWS names them.
    static func inputPolicies(_ documents: [String]?, prefix: String = "PolicyInputList") throws
        -> [SimulatedPolicy]
    {
        try (documents ?? []).enumerated().map { index, document in
            try SimulatedPolicy(
                id: "\(prefix).\(index + 1)", type: SimulatedPolicy.identityType, document: document, kind: .identity)
        }
    }

    /// One result per action and resource (`*` when none are named), a page at a time.
    static func simulate(
        identity: [SimulatedPolicy], boundary: [SimulatedPolicy], resourcePolicy: String?, caller: String?,
        resourceOwner: String?, actions: [String], resources: [String]?, contextEntries: [IAM.ContextEntry]?,
        marker: String?, maxItems: Int?
    ) throws -> IAM.SimulatePolicyResponse {
        let callerAccount = caller.flatMap { ARN.parts($0).map { String($0[4]) } }
        let principal =
            caller.map { PolicyPrincipal(account: callerAccount, identifier: $0, isService: false) }
            ?? PolicyPrincipal(account: nil, identifier: "*", isService: false)
        let ownerAccount = resourceOwner.flatMap { ARN.parts($0).map { String($0[4]) } }
        var context: [String: String] = [:]
        for entry in contextEntries ?? [] {
            if let name = entry.contextKeyName, let value = entry.contextKeyValues?.first { context[name] = value }
        }
        let simulation = PolicySimulation(
            identity: identity, boundary: boundary,
            resourcePolicy: try resourcePolicy.map {
                try SimulatedPolicy(
                    id: "ResourcePolicy", type: SimulatedPolicy.resourceType, document: $0, kind: .resource)
            },
            caller: principal, sameAccount: ownerAccount == nil || ownerAccount == callerAccount, context: context)
        let pairs = actions.flatMap { action in (resources ?? ["*"]).map { (action, $0) } }
        let page = try Self.page(pairs, marker, maxItems)
        return IAM.SimulatePolicyResponse(
            evaluationResults: page.items.map { simulation.result(action: $0.0, resource: $0.1) },
            isTruncated: page.isTruncated, marker: page.marker)
    }
}

// The context keys a simulation would need.
extension IAMService {
    public func getContextKeysForCustomPolicy(
        _ input: IAM.GetContextKeysForCustomPolicyRequest, context: RequestContext
    ) async throws -> IAM.GetContextKeysForPolicyResponse {
        _ = try Self.inputPolicies(input.policyInputList)
        return IAM.GetContextKeysForPolicyResponse(contextKeyNames: PolicyContextKeys.names(in: input.policyInputList))
    }

    public func getContextKeysForPrincipalPolicy(
        _ input: IAM.GetContextKeysForPrincipalPolicyRequest, context: RequestContext
    ) async throws -> IAM.GetContextKeysForPolicyResponse {
        let (held, _) = try await engine.simulationPolicies(of: input.policySourceArn, account: context.account)
        let given = input.policyInputList ?? []
        _ = try Self.inputPolicies(given)
        return IAM.GetContextKeysForPolicyResponse(
            contextKeyNames: PolicyContextKeys.names(in: held.map(\.document) + given))
    }
}
