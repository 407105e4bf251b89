import Foundation
import SwitchyardModels
import SwitchyardWire

/// Tags, resource policies, reserved concurrency and account settings.
extension LambdaService {
    public func tagResource(_ input: Lambda.TagResourceRequest, context: RequestContext) async throws {
        if var mapping = try await taggedMapping(input.resource, context: context) {
            mapping.tags = (mapping.tags ?? [:]).merging(input.tags) { $1 }
            try await engine.save(mapping)
            return
        }
        var function = try await taggedFunction(input.resource, context: context)
        guard !input.tags.isEmpty else {
            throw LambdaErrors.invalidParameter("An error occurred and the request cannot be processed.")
        }
        function.tags.merge(input.tags) { _, new in new }
        if function.tags.count > 50 {
            throw LambdaErrors.invalidParameter("Number of tags exceeds resource tag limit.")
        }
        // Tags are part of the function's revision.
        function.latest.revisionId = UUID().uuidString.lowercased()
        try await engine.save(function)
    }

    public func untagResource(_ input: Lambda.UntagResourceRequest, context: RequestContext) async throws {
        if var mapping = try await taggedMapping(input.resource, context: context) {
            for key in input.tagKeys { mapping.tags?[key] = nil }
            try await engine.save(mapping)
            return
        }
        var function = try await taggedFunction(input.resource, context: context)
        for key in input.tagKeys { function.tags[key] = nil }
        function.latest.revisionId = UUID().uuidString.lowercased()
        try await engine.save(function)
    }

    public func listTags(_ input: Lambda.ListTagsRequest, context: RequestContext) async throws
        -> Lambda.ListTagsResponse
    {
        if let mapping = try await taggedMapping(input.resource, context: context) {
            return Lambda.ListTagsResponse(tags: mapping.tags ?? [:])
        }
        let function = try await taggedFunction(input.resource, context: context)
        return Lambda.ListTagsResponse(tags: function.tags)
    }

    public func addPermission(_ input: Lambda.AddPermissionRequest, context: RequestContext) async throws
        -> Lambda.AddPermissionResponse
    {
        let reference = try Self.reference(input.functionName, qualifier: input.qualifier, context: context)
        var function = try await function(reference)
        if reference.qualifier == "$LATEST" {
            throw LambdaErrors.invalidParameter("We currently do not support adding policies for $LATEST.")
        }
        try checkQualifierForPolicy(reference, function)
        let principal = input.principal
        let isService = principal.hasSuffix(".amazonaws.com") || principal.hasSuffix(".amazonaws.com.cn")
        let isAccount = principal.count == 12 && principal.allSatisfy(\.isNumber)
        guard isService || isAccount || principal == "*" || principal.hasPrefix("arn:") else {
            throw LambdaErrors.invalidParameter(
                "The provided principal was invalid. Please check the principal and try again.")
        }
        if let revision = input.revisionId, !Self.revisions(of: function, reference).contains(revision) {
            throw LambdaErrors.preconditionFailed(
                "The Revision Id provided does not match the latest Revision Id. Call the GetPolicy API to retrieve the latest Revision Id"
            )
        }
        // Each version and alias has a policy of its own: statement ids are unique within one.
        let existing = function.policyStatements.filter { Self.statementResource($0) == reference.qualifiedArn }
            .compactMap(Self.statementId)
        if existing.contains(input.statementId) {
            throw LambdaErrors.conflict(
                "The statement id (\(input.statementId)) provided already exists. Please provide a new statement id, or remove the existing statement."
            )
        }
        let principalJSON: OrderedJSON =
            isService
            ? .object([("Service", .string(principal))])
            : principal == "*"
                ? .string("*") : .object([("AWS", .string(isAccount ? "arn:aws:iam::\(principal):root" : principal))])
        var conditions: [String: [String: String]] = [:]
        if let sourceArn = input.sourceArn { conditions["ArnLike", default: [:]]["AWS:SourceArn"] = sourceArn }
        if let account = input.sourceAccount { conditions["StringEquals", default: [:]]["AWS:SourceAccount"] = account }
        if let org = input.principalOrgID { conditions["StringEquals", default: [:]]["aws:PrincipalOrgID"] = org }
        if let token = input.eventSourceToken {
            conditions["StringEquals", default: [:]]["lambda:EventSourceToken"] = token
        }
        if let auth = input.functionUrlAuthType {
            conditions["StringEquals", default: [:]]["lambda:FunctionUrlAuthType"] = auth
        }
        // In the order AWS writes a statement.
        var members: [(key: String, value: OrderedJSON)] = [
            ("Sid", .string(input.statementId)), ("Effect", .string("Allow")), ("Principal", principalJSON),
            ("Action", .string(input.action)), ("Resource", .string(reference.qualifiedArn)),
        ]
        if !conditions.isEmpty {
            members.append(
                (
                    "Condition",
                    .object(
                        conditions.sorted { $0.key < $1.key }.map { operation, values in
                            (operation, .object(values.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }))
                        })
                ))
        }
        let text = OrderedJSON.object(members).text
        function.policyStatements.append(text)
        function.policyRevisionId = UUID().uuidString.lowercased()
        try await engine.save(function)
        return Lambda.AddPermissionResponse(statement: text)
    }

    public func getPolicy(_ input: Lambda.GetPolicyRequest, context: RequestContext) async throws
        -> Lambda.GetPolicyResponse
    {
        let reference = try Self.reference(input.functionName, qualifier: input.qualifier, context: context)
        let function = try await function(reference)
        let statements = function.policyStatements.filter { Self.statementResource($0) == reference.qualifiedArn }
        guard !statements.isEmpty else {
            throw LambdaErrors.notFound("The resource you requested does not exist.")
        }
        let policy =
            #"{"Version":"2012-10-17","Id":"default","Statement":["# + statements.joined(separator: ",") + "]}"
        return Lambda.GetPolicyResponse(policy: policy, revisionId: function.policyRevisionId)
    }

    public func removePermission(_ input: Lambda.RemovePermissionRequest, context: RequestContext) async throws {
        let reference = try Self.reference(input.functionName, qualifier: input.qualifier, context: context)
        guard var function = await engine.function(reference.key) else {
            throw LambdaErrors.notFound("No policy found for: \(reference.arn)")
        }
        try checkQualifierForPolicy(reference, function)
        if function.policyStatements.isEmpty {
            throw LambdaErrors.notFound("No policy is associated with the given resource.")
        }
        if let revision = input.revisionId, !Self.revisions(of: function, reference).contains(revision) {
            throw LambdaErrors.preconditionFailed(
                "The Revision Id provided does not match the latest Revision Id. Call the GetPolicy API to retrieve the latest Revision Id"
            )
        }
        guard
            let index = function.policyStatements.firstIndex(where: {
                Self.statementId($0) == input.statementId && Self.statementResource($0) == reference.qualifiedArn
            })
        else {
            throw LambdaErrors.notFound("Statement \(input.statementId) is not found in resource policy.")
        }
        function.policyStatements.remove(at: index)
        function.policyRevisionId = UUID().uuidString.lowercased()
        try await engine.save(function)
    }

    /// The revision ids a policy change may name: the policy's own, or the function's, version's or
    /// alias's the statement is for.
    static func revisions(of function: FunctionRecord, _ reference: FunctionReference) -> Set<String> {
        var revisions: Set<String> = [function.latest.revisionId]
        if let policy = function.policyRevisionId { revisions.insert(policy) }
        if let qualifier = reference.qualifier {
            if let alias = function.aliases[qualifier] { revisions.insert(alias.revisionId) }
            if let version = function.version(qualifier) { revisions.insert(version.revisionId) }
        }
        return revisions
    }

    /// A policy names the function, a version or an alias that exists.
    private func checkQualifierForPolicy(_ reference: FunctionReference, _ function: FunctionRecord) throws {
        guard let qualifier = reference.qualifier, qualifier != "$LATEST" else { return }
        // A qualifier that cannot be an alias name (digits only, or a `$`) names a version.
        let cannotBeAlias =
            qualifier.allSatisfy(\.isNumber)
            || qualifier.contains { !($0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_")) }
        if cannotBeAlias {
            guard function.version(qualifier) != nil else {
                throw LambdaErrors.functionNotFound(reference.qualifiedArn)
            }
        } else if function.aliases[qualifier] == nil {
            throw LambdaErrors.notFound("Cannot find alias arn: \(reference.qualifiedArn)")
        }
    }

    /// The event source mapping an ARN names, when it names one.
    private func taggedMapping(_ resource: String, context: RequestContext) async throws
        -> EventSourceMappingRecord?
    {
        let parts = resource.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 7, parts[5] == "event-source-mapping" else { return nil }
        guard let mapping = await engine.mapping(String(parts[6])), mapping.account == context.account else {
            throw LambdaErrors.notFound("Event source mapping not found: \(resource)")
        }
        return mapping
    }

    /// Tags belong to the function itself, never to a version or an alias.
    private func taggedFunction(_ resource: String, context: RequestContext) async throws -> FunctionRecord {
        let reference = try Self.reference(resource, context: context)
        if reference.qualifier != nil {
            throw LambdaErrors.invalidParameter(
                "Tags on function aliases and versions are not supported. Please specify a function ARN.")
        }
        return try await function(reference)
    }

    private static func statementField(_ statement: String, _ name: String) -> String? {
        (try? JSONSerialization.jsonObject(with: Data(statement.utf8)) as? [String: Any])?[name] as? String
    }

    static func statementId(_ statement: String) -> String? { statementField(statement, "Sid") }
    static func statementResource(_ statement: String) -> String? { statementField(statement, "Resource") }

    public func putFunctionConcurrency(_ input: Lambda.PutFunctionConcurrencyRequest, context: RequestContext)
        async throws -> Lambda.Concurrency
    {
        let reference = try Self.reference(input.functionName, context: context)
        if reference.qualifier != nil {
            throw LambdaErrors.invalidParameter(
                "This operation is permitted on Lambda functions only. Aliases and versions do not support this operation. Please specify either a function name or an unqualified function ARN."
            )
        }
        // AWS names the missing function with its $LATEST qualifier here.
        var function = try await function(reference.latest)
        let available =
            await unreservedConcurrency(account: function.account, region: function.region, excluding: function)
            - Self.minimumUnreservedConcurrency
        guard input.reservedConcurrentExecutions >= 0, input.reservedConcurrentExecutions <= available else {
            // Unlike Lambda's other parameter errors, this one carries no `Type` (AWS's recorded answers).
            throw AWSError(
                "InvalidParameterValueException",
                "Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [100].",
                httpStatus: 400)
        }
        let provisioned = Self.provisionedTotal(function)
        if input.reservedConcurrentExecutions < provisioned {
            // Worded (two spaces, a leading one) and without `Type`, as AWS recorded it.
            throw AWSError(
                "InvalidParameterValueException",
                " ReservedConcurrentExecutions  \(input.reservedConcurrentExecutions) should not be lower than function's total provisioned concurrency [\(provisioned)].",
                httpStatus: 400)
        }
        function.reservedConcurrency = input.reservedConcurrentExecutions
        try await engine.save(function)
        return Lambda.Concurrency(reservedConcurrentExecutions: input.reservedConcurrentExecutions)
    }

    public func getFunctionConcurrency(_ input: Lambda.GetFunctionConcurrencyRequest, context: RequestContext)
        async throws -> Lambda.GetFunctionConcurrencyResponse
    {
        let function = try await function(try Self.reference(input.functionName, context: context))
        return Lambda.GetFunctionConcurrencyResponse(reservedConcurrentExecutions: function.reservedConcurrency)
    }

    public func deleteFunctionConcurrency(_ input: Lambda.DeleteFunctionConcurrencyRequest, context: RequestContext)
        async throws
    {
        var function = try await function(try Self.reference(input.functionName, context: context))
        function.reservedConcurrency = nil
        try await engine.save(function)
    }

    public func getFunctionRecursionConfig(
        _ input: Lambda.GetFunctionRecursionConfigRequest, context: RequestContext
    ) async throws -> Lambda.GetFunctionRecursionConfigResponse {
        let function = try await function(try Self.reference(input.functionName, context: context))
        return Lambda.GetFunctionRecursionConfigResponse(recursiveLoop: function.recursiveLoop ?? "Terminate")
    }

    /// Recursive loop detection is a setting here: no loop is stopped (none is detected).
    public func putFunctionRecursionConfig(
        _ input: Lambda.PutFunctionRecursionConfigRequest, context: RequestContext
    ) async throws -> Lambda.PutFunctionRecursionConfigResponse {
        var function = try await function(try Self.reference(input.functionName, context: context))
        function.recursiveLoop = input.recursiveLoop
        try await engine.save(function)
        return Lambda.PutFunctionRecursionConfigResponse(recursiveLoop: input.recursiveLoop)
    }

    public func getAccountSettings(_ input: Lambda.GetAccountSettingsRequest, context: RequestContext) async throws
        -> Lambda.GetAccountSettingsResponse
    {
        let functions = await engine.functions(account: context.account, region: context.region)
        let layers = await engine.layers.values.filter { $0.account == context.account && $0.region == context.region }
        // The storage of every function version and every layer version (the API reference's
        // "for all functions and layers").
        let codeSize =
            functions.reduce(0) { total, function in
                total + function.latest.codeSize + function.versions.reduce(0) { $0 + $1.codeSize }
            } + layers.reduce(0) { total, layer in total + layer.versions.reduce(0) { $0 + $1.codeSize } }
        let claimed = functions.reduce(0) { $0 + Self.claimedConcurrency($1) }
        return Lambda.GetAccountSettingsResponse(
            accountLimit: Lambda.AccountLimit(
                totalCodeSize: 80_530_636_800, codeSizeUnzipped: 262_144_000, codeSizeZipped: 52_428_800,
                concurrentExecutions: Self.accountConcurrency,
                unreservedConcurrentExecutions: Self.accountConcurrency - claimed),
            accountUsage: Lambda.AccountUsage(totalCodeSize: codeSize, functionCount: functions.count))
    }
}
