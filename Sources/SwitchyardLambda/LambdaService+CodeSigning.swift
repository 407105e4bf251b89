import Foundation
import SwitchyardModels
import SwitchyardPlatform
import SwitchyardWire

/// Code signing configurations: the signing profiles a function's code must be signed by, and what
/// a deployment of other code does. No code is signed here (there is no AWS Signer), so a deployment
/// under an `Enforce` configuration is refused, as AWS refuses unsigned code, and one under `Warn`
/// (the default) goes ahead.
extension LambdaService {
    public func createCodeSigningConfig(_ input: Lambda.CreateCodeSigningConfigRequest, context: RequestContext)
        async throws -> Lambda.CreateCodeSigningConfigResponse
    {
        let digits = (0..<17).map { _ in String(Int.random(in: 0..<16), radix: 16) }.joined()
        let config = CodeSigningConfigRecord(
            account: context.account, region: context.region, id: "csc-" + digits, description: input.description,
            signingProfileVersionArns: input.allowedPublishers.signingProfileVersionArns,
            untrustedArtifactOnDeployment: input.codeSigningPolicies?.untrustedArtifactOnDeployment ?? "Warn",
            lastModified: Date(), tags: input.tags)
        try await engine.save(config)
        return Lambda.CreateCodeSigningConfigResponse(codeSigningConfig: Self.shape(config))
    }

    public func getCodeSigningConfig(_ input: Lambda.GetCodeSigningConfigRequest, context: RequestContext)
        async throws -> Lambda.GetCodeSigningConfigResponse
    {
        Lambda.GetCodeSigningConfigResponse(
            codeSigningConfig: Self.shape(try await codeSigningConfig(input.codeSigningConfigArn)))
    }

    public func updateCodeSigningConfig(_ input: Lambda.UpdateCodeSigningConfigRequest, context: RequestContext)
        async throws -> Lambda.UpdateCodeSigningConfigResponse
    {
        var config = try await codeSigningConfig(input.codeSigningConfigArn)
        let before = config
        if let description = input.description { config.description = description }
        if let publishers = input.allowedPublishers {
            config.signingProfileVersionArns = publishers.signingProfileVersionArns
        }
        if let policy = input.codeSigningPolicies?.untrustedArtifactOnDeployment {
            config.untrustedArtifactOnDeployment = policy
        }
        if config != before {
            config.lastModified = Date()
            try await engine.save(config)
        }
        return Lambda.UpdateCodeSigningConfigResponse(codeSigningConfig: Self.shape(config))
    }

    public func deleteCodeSigningConfig(_ input: Lambda.DeleteCodeSigningConfigRequest, context: RequestContext)
        async throws -> Lambda.DeleteCodeSigningConfigResponse
    {
        let config = try await codeSigningConfig(input.codeSigningConfigArn)
        // A configuration in use cannot be deleted (the API reference); the wording is ours.
        let users = await engine.functions(account: config.account, region: config.region)
            .filter { $0.codeSigningConfigArn == config.arn }
        if !users.isEmpty {
            throw LambdaErrors.conflict(
                "The code signing configuration \(config.arn) cannot be deleted because it is used by the following functions: [\(users.map(\.arn).joined(separator: ", "))]"
            )
        }
        try await engine.removeCodeSigningConfig(config.key)
        return Lambda.DeleteCodeSigningConfigResponse()
    }

    public func listCodeSigningConfigs(_ input: Lambda.ListCodeSigningConfigsRequest, context: RequestContext)
        async throws -> Lambda.ListCodeSigningConfigsResponse
    {
        let configs = await engine.codeSigningConfigs.values
            .filter { $0.account == context.account && $0.region == context.region }
            .sorted { $0.id < $1.id }.map(Self.shape)
        let page = try Page(configs, marker: input.marker, maxItems: input.maxItems ?? 50)
        return Lambda.ListCodeSigningConfigsResponse(nextMarker: page.nextMarker, codeSigningConfigs: page.items)
    }

    public func listFunctionsByCodeSigningConfig(
        _ input: Lambda.ListFunctionsByCodeSigningConfigRequest, context: RequestContext
    ) async throws -> Lambda.ListFunctionsByCodeSigningConfigResponse {
        let config = try await codeSigningConfig(input.codeSigningConfigArn)
        let arns = await engine.functions(account: config.account, region: config.region)
            .filter { $0.codeSigningConfigArn == config.arn }.map(\.arn)
        let page = try Page(arns, marker: input.marker, maxItems: input.maxItems ?? 50)
        return Lambda.ListFunctionsByCodeSigningConfigResponse(nextMarker: page.nextMarker, functionArns: page.items)
    }

    public func putFunctionCodeSigningConfig(
        _ input: Lambda.PutFunctionCodeSigningConfigRequest, context: RequestContext
    ) async throws -> Lambda.PutFunctionCodeSigningConfigResponse {
        // The configuration is looked for before the function (AWS's recordings).
        let config = try await assignableCodeSigningConfig(input.codeSigningConfigArn)
        var function = try await function(try Self.reference(input.functionName, context: context))
        function.codeSigningConfigArn = config.arn
        try await engine.save(function)
        return Lambda.PutFunctionCodeSigningConfigResponse(
            codeSigningConfigArn: config.arn, functionName: function.name)
    }

    public func getFunctionCodeSigningConfig(
        _ input: Lambda.GetFunctionCodeSigningConfigRequest, context: RequestContext
    ) async throws -> Lambda.GetFunctionCodeSigningConfigResponse {
        let function = try await function(try Self.reference(input.functionName, context: context))
        // A function without a configuration answers an empty document, as AWS does.
        return Lambda.GetFunctionCodeSigningConfigResponse(
            codeSigningConfigArn: function.codeSigningConfigArn,
            functionName: function.codeSigningConfigArn == nil ? nil : function.name)
    }

    public func deleteFunctionCodeSigningConfig(
        _ input: Lambda.DeleteFunctionCodeSigningConfigRequest, context: RequestContext
    ) async throws {
        var function = try await function(try Self.reference(input.functionName, context: context))
        guard function.codeSigningConfigArn != nil else { return }
        function.codeSigningConfigArn = nil
        try await engine.save(function)
    }

    // MARK: Deployments

    /// Checks a deployment of code (CreateFunction, UpdateFunctionCode) against the function's code
    /// signing configuration: code here is never signed, so `Enforce` refuses it.
    func checkCodeSigning(_ arn: String?) async throws {
        guard let arn else { return }
        let config = try await assignableCodeSigningConfig(arn)
        guard config.untrustedArtifactOnDeployment == "Enforce" else { return }
        throw AWSError(
            "CodeVerificationFailedException",
            "The code signature failed one or more of the validation checks for signature mismatch or expiry, and the code signing policy is set to ENFORCE. Lambda blocks the deployment. The code is not signed by an allowed signing profile of \(config.arn).",
            httpStatus: 400
        ).with("Type", "User")
    }

    /// A configuration that a function is given, or Lambda's CodeSigningConfigNotFoundException.
    private func assignableCodeSigningConfig(_ arn: String) async throws -> CodeSigningConfigRecord {
        guard let config = await storedCodeSigningConfig(arn) else {
            throw AWSError(
                "CodeSigningConfigNotFoundException",
                "The code signing configuration cannot be found. Check that the provided configuration is not deleted: \(arn).",
                httpStatus: 404
            ).with("Type", "User")
        }
        return config
    }

    /// A configuration an operation on configurations names, or Lambda's not-found answer (which
    /// carries no `Type`, as AWS recorded it).
    private func codeSigningConfig(_ arn: String) async throws -> CodeSigningConfigRecord {
        guard let config = await storedCodeSigningConfig(arn) else {
            throw AWSError(
                "ResourceNotFoundException", "The Lambda code signing configuration \(arn) can not be found.",
                httpStatus: 404)
        }
        return config
    }

    /// The configuration an ARN names, if it is stored.
    private func storedCodeSigningConfig(_ arn: String) async -> CodeSigningConfigRecord? {
        let parts = arn.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 7, parts[2] == "lambda", parts[5] == "code-signing-config" else { return nil }
        return await engine.codeSigningConfigs["\(parts[4])/\(parts[3])/\(parts[6])"]
    }

    static func shape(_ config: CodeSigningConfigRecord) -> Lambda.CodeSigningConfig {
        Lambda.CodeSigningConfig(
            codeSigningConfigId: config.id, codeSigningConfigArn: config.arn, description: config.description ?? "",
            allowedPublishers: Lambda.AllowedPublishers(signingProfileVersionArns: config.signingProfileVersionArns),
            codeSigningPolicies: Lambda.CodeSigningPolicies(
                untrustedArtifactOnDeployment: config.untrustedArtifactOnDeployment),
            lastModified: LambdaTimestamps.format(config.lastModified))
    }
}
