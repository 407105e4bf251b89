import SwitchyardModels
import SwitchyardWire

/// A policy document that takes part in a simulation, under the name AWS reports it by.
struct SimulatedPolicy {
    /// `SourcePolicyId`: the policy's name, or `PolicyInputList.<n>` for a document given inline.
    let id: String
    /// `SourcePolicyType` as AWS answers it.
    let type: String
    let policy: ResourcePolicy
    /// Where each statement stands in the document, in document order.
    let spans: [(start: TextPosition, end: TextPosition)]

    static let identityType = "IAM Policy"
    static let resourceType = "resource"

    /// Reads a document; one that IAM would not store is MalformedPolicyDocument.
    init(id: String, type: String, document: String, kind: PolicyDocuments.Kind) throws {
        try PolicyDocuments.validate(document, kind: kind)
        guard let policy = try? ResourcePolicy(json: document) else {
            throw IAMErrors.malformedPolicy("Syntax errors in policy.")
        }
        self.id = id
        self.type = type
        self.policy = policy
        self.spans = Self.statementSpans(document)
    }

    /// The statements' places. AWS's positions are 1-based lines and columns; its start column
    /// stands one past the statement's opening brace and its end column just past the closing brace
    /// (one recording: a statement whose brace is at column 40 starts at 41 and ends at 113, one past
    /// its closing brace at 112).
    static func statementSpans(_ document: String) -> [(start: TextPosition, end: TextPosition)] {
        let bytes = Array(document.utf8)
        guard let root = try? LocatedJSON.parse(bytes), case .object(let members) = root.value,
            let statement = members.first(where: { $0.key == "Statement" })?.value
        else { return [] }
        let located: [LocatedJSON]
        if case .array(let items) = statement.value { located = items } else { located = [statement] }
        return located.map { item in
            var start = TextPosition(bytes, offset: item.start)
            start.column += 1
            return (start, TextPosition(bytes, offset: item.end))
        }
    }

    /// The statement at `index` as a simulation lists it.
    func matched(_ index: Int) -> IAM.Statement {
        let span = index < spans.count ? spans[index] : nil
        return IAM.Statement(
            sourcePolicyId: id, sourcePolicyType: type,
            startPosition: span.map { IAM.Position(line: $0.start.line, column: $0.start.column) },
            endPosition: span.map { IAM.Position(line: $0.end.line, column: $0.end.column) })
    }
}

/// A 1-based line and column in a document.
struct TextPosition {
    var line: Int
    var column: Int

    /// The place of byte `offset`: its line, and its column counted from 1.
    init(_ bytes: [UInt8], offset: Int) {
        var line = 1
        var lineStart = 0
        for index in 0..<min(offset, bytes.count) where bytes[index] == UInt8(ascii: "\n") {
            line += 1
            lineStart = index + 1
        }
        self.line = line
        self.column = offset - lineStart + 1
    }
}

/// What IAM's policy simulator decides for actions on resources, from identity policies, an
/// optional permissions boundary and an optional resource policy, as IAM evaluates them: an
/// explicit Deny anywhere wins; else an identity Allow that the boundary also allows, or, in the
/// resource owner's account, a resource policy's Allow for the caller.
struct PolicySimulation {
    var identity: [SimulatedPolicy]
    /// Empty: no boundary applies.
    var boundary: [SimulatedPolicy]
    var resourcePolicy: SimulatedPolicy?
    /// Who calls, for the resource policy's principals.
    var caller: PolicyPrincipal
    /// Whether the resource belongs to the caller's account; across accounts both the identity
    /// policies and the resource policy must allow.
    var sameAccount: Bool
    var context: [String: String]

    func result(action: String, resource: String) -> IAM.EvaluationResult {
        let request = AccessRequest(principal: caller, action: action, resource: resource, context: context)
        func deciding(_ policies: [SimulatedPolicy], ignoringPrincipal: Bool) -> [(SimulatedPolicy, Int, Bool)] {
            policies.flatMap { policy in
                policy.policy.deciding(request, ignoringPrincipal: ignoringPrincipal).map {
                    (policy, $0.index, $0.allows)
                }
            }
        }
        let fromIdentity = deciding(identity, ignoringPrincipal: true)
        let fromResource = deciding(resourcePolicy.map { [$0] } ?? [], ignoringPrincipal: false)
        let fromBoundary = deciding(boundary, ignoringPrincipal: true)
        let boundaryAllows = boundary.isEmpty || (fromBoundary.contains { $0.2 } && !fromBoundary.contains { !$0.2 })

        let denials = (fromIdentity + fromResource).filter { !$0.2 }
        let identityAllows = fromIdentity.contains { $0.2 } && boundaryAllows
        let resourceAllows = fromResource.contains { $0.2 }
        let decision: String
        let matched: [(SimulatedPolicy, Int, Bool)]
        if !denials.isEmpty {
            (decision, matched) = ("explicitDeny", denials)
        } else if resourcePolicy == nil
            ? identityAllows
            : sameAccount ? identityAllows || resourceAllows : identityAllows && resourceAllows
        {
            let allowing = (identityAllows ? fromIdentity : []) + fromResource
            (decision, matched) = ("allowed", allowing.filter { $0.2 })
        } else {
            (decision, matched) = ("implicitDeny", [])
        }
        let statements = matched.map { $0.0.matched($0.1) }
        let missing = Set(
            (identity + boundary + (resourcePolicy.map { [$0] } ?? [])).flatMap {
                $0.policy.missingConditionKeys(request)
            }
        ).sorted()
        let boundaryDetail =
            boundary.isEmpty ? nil : IAM.PermissionsBoundaryDecisionDetail(allowedByPermissionsBoundary: boundaryAllows)
        return IAM.EvaluationResult(
            evalActionName: action, evalResourceName: resource, evalDecision: decision,
            matchedStatements: statements, missingContextValues: missing,
            organizationsDecisionDetail: IAM.OrganizationsDecisionDetail(allowedByOrganizations: true),
            permissionsBoundaryDecisionDetail: boundaryDetail, evalDecisionDetails: [:],
            resourceSpecificResults: [
                IAM.ResourceSpecificResult(
                    evalResourceName: resource, evalResourceDecision: decision, matchedStatements: statements,
                    missingContextValues: missing, permissionsBoundaryDecisionDetail: boundaryDetail)
            ])
    }
}
