import Foundation
import SwitchyardModels
import SwitchyardWire

// Account-wide resource policies: which services may write to the account's log groups.
extension LogsService {
    public func putResourcePolicy(_ input: CloudWatchLogs.PutResourcePolicyRequest, context: RequestContext)
        async throws -> CloudWatchLogs.PutResourcePolicyResponse
    {
        if input.resourceArn != nil || input.expectedRevisionId != nil {
            throw Self.resourceScopedNotBuilt("PutResourcePolicy")
        }
        guard let name = input.policyName, let document = input.policyDocument else {
            throw AWSError("InvalidParameterException", "policyName and policyDocument are required.")
        }
        guard StrictJSON.object(document) != nil else {
            throw AWSError("InvalidParameterException", "The policy document is not valid JSON.")
        }
        let policy = LogsResourcePolicyRecord(
            account: context.account, region: context.region, name: name, document: document,
            lastUpdatedTime: LogsEngine.now())
        try await engine.putResourcePolicy(policy)
        // The answer to Put holds the document as given; listings hold IAM's normal form of it.
        return CloudWatchLogs.PutResourcePolicyResponse(
            resourcePolicy: CloudWatchLogs.ResourcePolicy(
                policyName: name, policyDocument: document, lastUpdatedTime: Int(policy.lastUpdatedTime),
                policyScope: "ACCOUNT"))
    }

    public func describeResourcePolicies(
        _ input: CloudWatchLogs.DescribeResourcePoliciesRequest, context: RequestContext
    ) async throws -> CloudWatchLogs.DescribeResourcePoliciesResponse {
        if input.resourceArn != nil || input.policyScope == "RESOURCE" {
            throw Self.resourceScopedNotBuilt("DescribeResourcePolicies")
        }
        let all = await engine.resourcePolicies(account: context.account, region: context.region)
        let page = try Self.page(all, token: input.nextToken, limit: input.limit ?? 50)
        return CloudWatchLogs.DescribeResourcePoliciesResponse(
            resourcePolicies: page.items.map { policy in
                CloudWatchLogs.ResourcePolicy(
                    policyName: policy.name, policyDocument: PolicyNormalForm.text(policy.document),
                    lastUpdatedTime: Int(policy.lastUpdatedTime), policyScope: "ACCOUNT")
            }, nextToken: page.next)
    }

    public func deleteResourcePolicy(_ input: CloudWatchLogs.DeleteResourcePolicyRequest, context: RequestContext)
        async throws
    {
        if input.resourceArn != nil || input.expectedRevisionId != nil {
            throw Self.resourceScopedNotBuilt("DeleteResourcePolicy")
        }
        let name = input.policyName ?? ""
        try await engine.deleteResourcePolicy(
            key: LogsResourcePolicyRecord.key(account: context.account, region: context.region, name: name),
            name: name)
    }

    /// Policies scoped to one log group (`resourceArn`, revision ids) are not built; account-wide
    /// ones are.
    static func resourceScopedNotBuilt(_ operation: String) -> AWSError {
        AWSError.notImplemented(
            "CloudWatchLogs", "\(operation) with resourceArn or expectedRevisionId (resource-scoped policies)")
    }
}

/// The form in which AWS hands back a policy it stored: `Version` first (2008-10-17 when the
/// document named none), then `Statement`; each statement's elements in IAM's order, and lists of
/// one principal, action or resource written as that one value.
enum PolicyNormalForm {
    static let statementOrder = [
        "Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition",
    ]
    static let collapsible: Set<String> = ["Action", "NotAction", "Resource", "NotResource"]

    static func text(_ document: String) -> String {
        guard let parsed = try? OrderedJSON.parse(Array(document.utf8)), case .object(let members) = parsed else {
            return document
        }
        var result: [(key: String, value: OrderedJSON)] = [("Version", parsed["Version"] ?? .string("2008-10-17"))]
        if let id = parsed["Id"] { result.append(("Id", id)) }
        if let statement = parsed["Statement"] {
            switch statement {
            case .array(let items): result.append(("Statement", .array(items.map(normalStatement))))
            default: result.append(("Statement", .array([normalStatement(statement)])))
            }
        }
        result += members.filter { !["Version", "Id", "Statement"].contains($0.key) }
        return OrderedJSON.object(result).text
    }

    static func normalStatement(_ statement: OrderedJSON) -> OrderedJSON {
        guard case .object(let members) = statement else { return statement }
        func value(_ key: String, _ value: OrderedJSON) -> OrderedJSON {
            if collapsible.contains(key) { return single(value) }
            if key == "Principal" || key == "NotPrincipal", case .object(let kinds) = value {
                return .object(kinds.map { ($0.key, single($0.value)) })
            }
            return value
        }
        let known = statementOrder.compactMap { key in
            members.first { $0.key == key }.map { (key, value(key, $0.value)) }
        }
        let others = members.filter { !statementOrder.contains($0.key) }
        return .object(known + others)
    }

    static func single(_ value: OrderedJSON) -> OrderedJSON {
        if case .array(let items) = value, items.count == 1 { return items[0] }
        return value
    }
}
