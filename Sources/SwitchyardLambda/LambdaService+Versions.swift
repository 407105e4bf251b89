import Foundation
import SwitchyardModels
import SwitchyardWire

/// Published versions and aliases.
extension LambdaService {
    public func publishVersion(_ input: Lambda.PublishVersionRequest, context: RequestContext) async throws
        -> Lambda.FunctionConfiguration
    {
        let reference = try Self.reference(input.functionName, context: context)
        var function = try await function(reference)
        try Self.checkRevision(input.revisionId, of: function.latest)
        if let sha = input.codeSha256, sha != function.latest.codeSha256 {
            throw LambdaErrors.invalidParameter(
                "CodeSHA256 (\(sha)) is different from current CodeSHA256 in $LATEST (\(function.latest.codeSha256)). Please try again with the CodeSHA256 in $LATEST."
            )
        }
        try Self.checkNoUpdateInProgress(function)
        // Publishing an unchanged $LATEST answers the version that already has its code and configuration.
        if let last = function.versions.last, function.publishedFingerprint == function.latest.fingerprint {
            return Self.configuration(function, last)
        }
        var published = function.latest
        published.version = String(function.nextVersion)
        published.revisionId = UUID().uuidString.lowercased()
        published.lastModified = Date()
        published.lastUpdateStatus = "Successful"
        if let description = input.description { published.description = description }
        function.nextVersion += 1
        function.versions.append(published)
        function.publishedFingerprint = function.latest.fingerprint
        // Publishing is itself a new revision of $LATEST.
        function.latest.revisionId = UUID().uuidString.lowercased()
        try await engine.save(function)
        // A version published from a ready $LATEST is answered ready (Active, Successful), as AWS
        // recorded it; only versions published by CreateFunction or an update start Pending.
        return Self.configuration(function, published)
    }

    public func listVersionsByFunction(_ input: Lambda.ListVersionsByFunctionRequest, context: RequestContext)
        async throws -> Lambda.ListVersionsByFunctionResponse
    {
        let reference = try Self.reference(input.functionName, context: context)
        let function = try await function(reference)
        let all = Self.listedVersions(function)
        let page = try Page(all, marker: input.marker, maxItems: input.maxItems ?? 50)
        return Lambda.ListVersionsByFunctionResponse(nextMarker: page.nextMarker, versions: page.items)
    }

    // MARK: Aliases

    public func createAlias(_ input: Lambda.CreateAliasRequest, context: RequestContext) async throws
        -> Lambda.AliasConfiguration
    {
        let reference = try Self.reference(input.functionName, context: context)
        // A missing function is named with the version the alias was to point at.
        guard await engine.function(reference.key) != nil || reference.caller != nil else {
            throw LambdaErrors.functionNotFound("\(reference.arn):\(input.functionVersion)")
        }
        var function = try await function(reference)
        if function.aliases[input.name] != nil {
            throw LambdaErrors.conflict("Alias already exists: \(function.arn):\(input.name)")
        }
        try Self.checkAliasTarget(
            input.functionVersion, weights: input.routingConfig?.additionalVersionWeights, in: function)
        let alias = AliasRecord(
            name: input.name, functionVersion: input.functionVersion, description: input.description ?? "",
            additionalVersionWeights: input.routingConfig?.additionalVersionWeights,
            revisionId: UUID().uuidString.lowercased())
        function.aliases[input.name] = alias
        try await engine.save(function)
        return Self.aliasConfiguration(function, alias)
    }

    public func getAlias(_ input: Lambda.GetAliasRequest, context: RequestContext) async throws
        -> Lambda.AliasConfiguration
    {
        let reference = try Self.reference(input.functionName, context: context)
        let function = try await function(reference)
        guard let alias = function.aliases[input.name] else {
            throw LambdaErrors.notFound("Cannot find alias arn: \(function.arn):\(input.name)")
        }
        return Self.aliasConfiguration(function, alias)
    }

    public func listAliases(_ input: Lambda.ListAliasesRequest, context: RequestContext) async throws
        -> Lambda.ListAliasesResponse
    {
        let reference = try Self.reference(input.functionName, context: context)
        let function = try await function(reference)
        let aliases = function.aliases.values.sorted { $0.name < $1.name }
            .filter { input.functionVersion == nil || $0.functionVersion == input.functionVersion }
            .map { Self.aliasConfiguration(function, $0) }
        let page = try Page(aliases, marker: input.marker, maxItems: input.maxItems ?? 50)
        return Lambda.ListAliasesResponse(nextMarker: page.nextMarker, aliases: page.items)
    }

    public func updateAlias(_ input: Lambda.UpdateAliasRequest, context: RequestContext) async throws
        -> Lambda.AliasConfiguration
    {
        let reference = try Self.reference(input.functionName, context: context)
        var function = try await function(reference)
        guard var alias = function.aliases[input.name] else {
            throw LambdaErrors.notFound("Alias not found: \(function.arn):\(input.name)")
        }
        if let revision = input.revisionId, revision != alias.revisionId {
            throw LambdaErrors.preconditionFailed(
                "The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id"
            )
        }
        if let version = input.functionVersion { alias.functionVersion = version }
        if let description = input.description { alias.description = description }
        if let routing = input.routingConfig { alias.additionalVersionWeights = routing.additionalVersionWeights }
        try Self.checkAliasTarget(alias.functionVersion, weights: alias.additionalVersionWeights, in: function)
        alias.revisionId = UUID().uuidString.lowercased()
        let moved = function.aliases[input.name]?.functionVersion != alias.functionVersion
        let provisioned = function.provisionedConcurrency?[input.name] != nil
        // The alias's provisioned environments follow it to its new version.
        if moved, provisioned { await stopProvisioning(function, qualifier: input.name) }
        function.aliases[input.name] = alias
        try await engine.save(function)
        if moved, provisioned { await startProvisioning(function, qualifier: input.name) }
        return Self.aliasConfiguration(function, alias)
    }

    public func deleteAlias(_ input: Lambda.DeleteAliasRequest, context: RequestContext) async throws {
        let reference = try Self.reference(input.functionName, context: context)
        var function = try await function(reference)
        guard function.aliases[input.name] != nil else { return }
        // The alias's provisioned concurrency configuration goes with it.
        if function.provisionedConcurrency?[input.name] != nil {
            await stopProvisioning(function, qualifier: input.name)
            function.provisionedConcurrency?[input.name] = nil
        }
        function.aliases[input.name] = nil
        try await engine.save(function)
    }

    static func checkAliasTarget(_ version: String, weights: [String: Double]?, in function: FunctionRecord) throws {
        guard function.version(version) != nil else {
            throw LambdaErrors.notFound("Function not found: \(function.arn):\(version)")
        }
        if (weights ?? [:]).count > 1 {
            throw LambdaErrors.invalidParameter("Number of items in AdditionalVersionWeights cannot be greater than 1")
        }
        if version == "$LATEST", !(weights ?? [:]).isEmpty {
            throw AWSError(
                "InvalidParameterValueException",
                "$LATEST is not supported for an alias pointing to more than 1 version",
                httpStatus: 400)
        }
        for (other, weight) in weights ?? [:] {
            if other == version {
                throw LambdaErrors.invalidParameter(
                    "Invalid function version \(other). Function version \(other) is already included in routing configuration."
                )
            }
            guard function.version(other) != nil else {
                throw LambdaErrors.notFound("Function not found: \(function.arn):\(other)")
            }
            guard weight >= 0, weight <= 1 else {
                throw LambdaErrors.invalidParameter("Invalid function version weight: \(weight)")
            }
        }
    }

    static func aliasConfiguration(_ function: FunctionRecord, _ alias: AliasRecord) -> Lambda.AliasConfiguration {
        Lambda.AliasConfiguration(
            aliasArn: "\(function.arn):\(alias.name)", name: alias.name, functionVersion: alias.functionVersion,
            description: alias.description,
            routingConfig: (alias.additionalVersionWeights ?? [:]).isEmpty
                ? nil : Lambda.AliasRoutingConfiguration(additionalVersionWeights: alias.additionalVersionWeights),
            revisionId: alias.revisionId)
    }
}
