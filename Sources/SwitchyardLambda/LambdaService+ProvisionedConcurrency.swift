import Foundation
import SwitchyardModels
import SwitchyardPlatform
import SwitchyardWire

/// Provisioned concurrency: a published version or an alias keeps a number of execution
/// environments initialized ahead of its invocations (they read `AWS_LAMBDA_INITIALIZATION_TYPE`
/// `provisioned-concurrency`). A configuration is IN_PROGRESS until every environment has
/// initialized, then READY; FAILED (`FUNCTION_ERROR_INIT_FAILURE`) when one cannot initialize.
/// Invocations of the version take an idle provisioned environment first, else run on demand.
extension LambdaService {
    /// What every Lambda account may run at once, and what must stay unreserved (AWS's defaults).
    static let accountConcurrency = 1000
    static let minimumUnreservedConcurrency = 100

    public func putProvisionedConcurrencyConfig(
        _ input: Lambda.PutProvisionedConcurrencyConfigRequest, context: RequestContext
    ) async throws -> Lambda.PutProvisionedConcurrencyConfigResponse {
        var (function, qualifier) = try await provisionedTarget(
            input.functionName, qualifier: input.qualifier, context: context,
            latestMessage: "Provisioned Concurrency Configs cannot be applied to unpublished function versions.")
        let requested = input.provisionedConcurrentExecutions
        let configs = function.provisionedConcurrency ?? [:]
        let version = function.aliases[qualifier]?.functionVersion ?? qualifier
        if function.aliases[qualifier] != nil, configs[version] != nil {
            throw LambdaErrors.conflict(
                "Alias can't be used for Provisioned Concurrency configuration on an already Provisioned version")
        }
        if function.aliases[qualifier] == nil,
            configs.keys.contains(where: { function.aliases[$0]?.functionVersion == version })
        {
            throw LambdaErrors.conflict("Version is pointed by a Provisioned Concurrency alias")
        }
        let others = configs.filter { $0.key != qualifier }.values.reduce(0) { $0 + $1.requested }
        if let reserved = function.reservedConcurrency {
            if others + requested > reserved {
                throw LambdaErrors.invalidParameter(
                    "Requested Provisioned Concurrency should not be greater than the reservedConcurrentExecution for function"
                )
            }
        } else {
            // Without reserved concurrency, provisioned environments come out of the account's
            // unreserved pool. These two answers carry no `Type` (AWS's recordings).
            let unreserved =
                await unreservedConcurrency(account: function.account, region: function.region, excluding: function)
                - others
            if requested > unreserved {
                throw AWSError(
                    "InvalidParameterValueException",
                    "Specified ConcurrentExecutions for function is greater than account's unreserved concurrency [\(unreserved)].",
                    httpStatus: 400)
            }
            if unreserved - requested < Self.minimumUnreservedConcurrency {
                throw AWSError(
                    "InvalidParameterValueException",
                    "Specified ConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [\(Self.minimumUnreservedConcurrency)].",
                    httpStatus: 400)
            }
        }
        let record = ProvisionedConcurrencyRecord(requested: requested, lastModified: Date())
        function.provisionedConcurrency = configs.merging([qualifier: record]) { _, new in new }
        try await engine.save(function)
        await startProvisioning(function, qualifier: qualifier)
        return Lambda.PutProvisionedConcurrencyConfigResponse(
            requestedProvisionedConcurrentExecutions: requested, availableProvisionedConcurrentExecutions: 0,
            allocatedProvisionedConcurrentExecutions: 0, status: "IN_PROGRESS",
            lastModified: LambdaTimestamps.format(record.lastModified))
    }

    public func getProvisionedConcurrencyConfig(
        _ input: Lambda.GetProvisionedConcurrencyConfigRequest, context: RequestContext
    ) async throws -> Lambda.GetProvisionedConcurrencyConfigResponse {
        let (function, qualifier) = try await provisionedTarget(
            input.functionName, qualifier: input.qualifier, context: context,
            latestMessage: "The function resource provided must be an alias or a published version.")
        guard let record = function.provisionedConcurrency?[qualifier] else {
            throw AWSError(
                "ProvisionedConcurrencyConfigNotFoundException",
                "No Provisioned Concurrency Config found for this function",
                httpStatus: 404
            ).with("Type", "User")
        }
        let item = await listItem(function, qualifier: qualifier, record: record)
        return Lambda.GetProvisionedConcurrencyConfigResponse(
            requestedProvisionedConcurrentExecutions: item.requestedProvisionedConcurrentExecutions,
            availableProvisionedConcurrentExecutions: item.availableProvisionedConcurrentExecutions,
            allocatedProvisionedConcurrentExecutions: item.allocatedProvisionedConcurrentExecutions,
            status: item.status, statusReason: item.statusReason, lastModified: item.lastModified)
    }

    public func deleteProvisionedConcurrencyConfig(
        _ input: Lambda.DeleteProvisionedConcurrencyConfigRequest, context: RequestContext
    ) async throws {
        var (function, qualifier) = try await provisionedTarget(
            input.functionName, qualifier: input.qualifier, context: context,
            latestMessage: "The function resource provided must be an alias or a published version.")
        // Deleting a configuration that is not there succeeds, as on AWS.
        guard function.provisionedConcurrency?[qualifier] != nil else { return }
        await stopProvisioning(function, qualifier: qualifier)
        function.provisionedConcurrency?[qualifier] = nil
        try await engine.save(function)
    }

    public func listProvisionedConcurrencyConfigs(
        _ input: Lambda.ListProvisionedConcurrencyConfigsRequest, context: RequestContext
    ) async throws -> Lambda.ListProvisionedConcurrencyConfigsResponse {
        let function = try await function(try Self.reference(input.functionName, context: context))
        var items: [Lambda.ProvisionedConcurrencyConfigListItem] = []
        for (qualifier, record) in (function.provisionedConcurrency ?? [:]).sorted(by: { $0.key < $1.key }) {
            items.append(await listItem(function, qualifier: qualifier, record: record))
        }
        let page = try Page(items, marker: input.marker, maxItems: input.maxItems ?? 50)
        return Lambda.ListProvisionedConcurrencyConfigsResponse(
            provisionedConcurrencyConfigs: page.items, nextMarker: page.nextMarker)
    }

    // MARK: Allocation

    /// Starts (or restarts) the environments of a configuration, in the background.
    func startProvisioning(_ function: FunctionRecord, qualifier: String) async {
        guard let record = function.provisionedConcurrency?[qualifier] else { return }
        let versionNumber = function.aliases[qualifier]?.functionVersion ?? qualifier
        guard let version = function.version(versionNumber) else { return }
        let stateKey = "\(function.storageKey)#\(qualifier)"
        let engine = self.engine
        let generation = await engine.beginProvisioning(stateKey)
        let launch = await engine.launcher(function, version: version, initializationType: "provisioned-concurrency")
        let logs = self.logs
        let group = version.logGroup ?? "/aws/lambda/\(function.name)"
        let (account, region) = (function.account, function.region)
        let versionKey = "\(function.storageKey)#\(versionNumber)"
        Task {
            let outcome = await engine.provisioned.provision(versionKey, count: record.requested, launch: launch) {
                output, stream in
                // What an environment's initialization wrote (a failing import's traceback) goes to
                // its own log stream, as Lambda logs each provisioned initialization.
                let now = Int64(Date().timeIntervalSince1970 * 1000)
                let lines = FunctionLogLines.events(String(decoding: output, as: UTF8.self), at: now)
                await logs.write(account: account, region: region, group: group, stream: stream, lines: lines)
            }
            await engine.finishProvisioning(stateKey, generation: generation, outcome: outcome)
        }
    }

    /// Stops the environments of a configuration (deleted, or its alias moved or went).
    func stopProvisioning(_ function: FunctionRecord, qualifier: String) async {
        let versionNumber = function.aliases[qualifier]?.functionVersion ?? qualifier
        await engine.endProvisioning("\(function.storageKey)#\(qualifier)")
        await engine.provisioned.stop("\(function.storageKey)#\(versionNumber)")
    }

    /// The account's concurrency not reserved by a function or held by provisioned environments of
    /// a function without reserved concurrency.
    func unreservedConcurrency(account: String, region: String, excluding excluded: FunctionRecord? = nil) async
        -> Int
    {
        let functions = await engine.functions(account: account, region: region)
        return Self.accountConcurrency
            - functions.filter { $0.storageKey != excluded?.storageKey }.reduce(0) { $0 + Self.claimedConcurrency($1) }
    }

    /// What a function takes from the account: its reserved concurrency, else its provisioned one.
    static func claimedConcurrency(_ function: FunctionRecord) -> Int {
        function.reservedConcurrency ?? provisionedTotal(function)
    }

    static func provisionedTotal(_ function: FunctionRecord) -> Int {
        (function.provisionedConcurrency ?? [:]).values.reduce(0) { $0 + $1.requested }
    }

    /// The function and qualifier a provisioned concurrency operation names. `$LATEST` is refused in
    /// the operation's words; a missing version is "Function not found", a missing alias (or any
    /// qualifier of a missing function that is not a number) "Cannot find alias arn".
    private func provisionedTarget(
        _ name: String, qualifier: String, context: RequestContext, latestMessage: String
    ) async throws -> (FunctionRecord, String) {
        let reference = try Self.reference(name, qualifier: qualifier, context: context)
        let qualifier = reference.qualifier ?? qualifier
        if qualifier == "$LATEST" { throw LambdaErrors.invalidParameter(latestMessage) }
        let isVersion = qualifier.allSatisfy(\.isNumber)
        let missing =
            isVersion
            ? LambdaErrors.functionNotFound(reference.qualifiedArn)
            : LambdaErrors.notFound("Cannot find alias arn: \(reference.qualifiedArn)")
        guard await engine.function(reference.key) != nil else {
            if reference.caller != nil { throw LambdaErrors.accessDenied }
            throw missing
        }
        let function = try await function(reference)
        guard isVersion ? function.version(qualifier) != nil : function.aliases[qualifier] != nil else { throw missing }
        return (function, qualifier)
    }

    private func listItem(_ function: FunctionRecord, qualifier: String, record: ProvisionedConcurrencyRecord) async
        -> Lambda.ProvisionedConcurrencyConfigListItem
    {
        let state = await engine.provisioningState("\(function.storageKey)#\(qualifier)")
        let status = state?.status ?? "IN_PROGRESS"
        let allocated = status == "READY" ? record.requested : 0
        return Lambda.ProvisionedConcurrencyConfigListItem(
            functionArn: "\(function.arn):\(qualifier)", requestedProvisionedConcurrentExecutions: record.requested,
            availableProvisionedConcurrentExecutions: allocated, allocatedProvisionedConcurrentExecutions: allocated,
            status: status, statusReason: state?.statusReason,
            lastModified: LambdaTimestamps.format(record.lastModified))
    }
}
