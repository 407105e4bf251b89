import Foundation
import Logging
import NIOPosix
import SwitchyardCore
import SwitchyardPlatform
import SwitchyardWire

/// Lambda's state: functions with their versions, aliases, tags and policies, made durable before an
/// operation answers; code preparation (Pending → Active); and invocation through warm workers.
actor LambdaEngine {
    let store: any LambdaStore
    let code: CodeStore
    let runtimes: RuntimeEnvironments
    let pool: WorkerPool
    /// Workers started ahead of invocations for provisioned concurrency configurations.
    let provisioned = ProvisionedWorkers()
    /// The allocation of each provisioned concurrency configuration, by `<function key>#<qualifier>`.
    private(set) var provisioning: [String: ProvisioningState] = [:]
    let credentials: CredentialDirectory
    /// Where a function's own SDK calls go (`AWS_ENDPOINT_URL`).
    let endpointURL: String
    let logger: Logger
    private(set) var functions: [String: FunctionRecord] = [:]
    private(set) var mappings: [String: EventSourceMappingRecord] = [:]
    private(set) var layers: [String: LayerRecord] = [:]
    /// Code signing configurations by `<account>/<region>/<id>`.
    private(set) var codeSigningConfigs: [String: CodeSigningConfigRecord] = [:]

    init(
        store: any LambdaStore, code: CodeStore, runtimes: RuntimeEnvironments, pool: WorkerPool,
        credentials: CredentialDirectory, endpointURL: String, logger: Logger
    ) throws {
        self.store = store
        self.code = code
        self.runtimes = runtimes
        self.pool = pool
        self.credentials = credentials
        self.endpointURL = endpointURL
        self.logger = logger
        for function in try store.loadFunctions() { functions[function.storageKey] = function }
        for mapping in try store.loadMappings() { mappings[mapping.uuid] = mapping }
        for layer in try store.loadLayers() { layers[layer.key] = layer }
        for config in try store.loadCodeSigningConfigs() { codeSigningConfigs[config.key] = config }
        code.removeUnreferenced(
            keeping: Self.digests(of: functions.values).union(layers.values.flatMap { $0.versions.map(\.codeDigest) }))
    }

    static func key(account: String, region: String, name: String) -> String { "\(account)/\(region)/\(name)" }

    private static func digests(of functions: some Sequence<FunctionRecord>) -> Set<String> {
        Set(functions.flatMap { [$0.latest.codeDigest] + $0.versions.map(\.codeDigest) })
    }

    var functionCount: Int { functions.count }

    func function(_ key: String) -> FunctionRecord? { functions[key] }

    func allFunctions() -> [FunctionRecord] { Array(functions.values) }

    /// The function, qualifier and settings of a function URL, by the id in its host name.
    func functionURL(_ urlId: String) -> (FunctionRecord, String, FunctionURLRecord)? {
        for function in functions.values {
            for (qualifier, url) in function.urls ?? [:] where url.urlId == urlId { return (function, qualifier, url) }
        }
        return nil
    }

    func functions(account: String, region: String) -> [FunctionRecord] {
        functions.values.filter { $0.account == account && $0.region == region }.sorted { $0.name < $1.name }
    }

    /// Stores a new or changed function durably.
    func save(_ function: FunctionRecord) async throws {
        functions[function.storageKey] = function
        try await store.put(function).wait()
    }

    func remove(_ key: String) async throws {
        functions[key] = nil
        await pool.retire(prefix: key + "#")
        await provisioned.stop(prefix: key + "#")
        for state in provisioning.keys where state.hasPrefix(key + "#") { provisioning[state] = nil }
        try await store.delete(storageKey: key).wait()
    }

    /// Stops the warm workers of a function (its code or configuration changed).
    func retireWorkers(_ key: String) async {
        await pool.retire(prefix: key + "#")
    }

    /// Unpacks the code and prepares the runtime of `$LATEST`, then marks it Active (or Failed).
    func prepare(_ key: String, revisionId: String) async {
        guard let function = functions[key] else { return }
        let version = function.latest
        var state = "Active"
        var reason: String?
        var reasonCode: String?
        do {
            let root = try await code.taskRoot(version.codeDigest)
            if let runtime = version.runtime {
                guard RuntimeEnvironments.isRunnable(runtime) else {
                    throw RuntimeEnvironments.Failure.unavailable(
                        "The \(runtime) runtime is not available on this Switchyard host.")
                }
                _ = try await runtimes.command(runtime: runtime, handler: version.handler ?? "", taskRoot: root)
            }
        } catch {
            state = "Failed"
            reason = "\(error)"
            reasonCode = error is RuntimeEnvironments.Failure ? "InvalidRuntime" : "InvalidZipFileException"
            logger.warning("Lambda function \(function.name) cannot run: \(error)")
        }
        guard var current = functions[key], current.latest.revisionId == revisionId else { return }
        // As on AWS, the end of a creation or update is itself a new revision, without reasons.
        current.latest.state = state
        current.latest.stateReason = reason
        current.latest.stateReasonCode = reasonCode
        current.latest.lastUpdateStatus = state == "Active" ? "Successful" : "Failed"
        current.latest.lastUpdateStatusReason = state == "Active" ? nil : reason
        current.latest.lastUpdateStatusReasonCode = state == "Active" ? nil : reasonCode
        current.latest.revisionId = UUID().uuidString.lowercased()
        // Versions published with this code (CreateFunction or UpdateFunctionCode with Publish) are
        // ready with it.
        for index in current.versions.indices where current.versions[index].state == "Pending" {
            current.versions[index].state = state
            current.versions[index].stateReason = reason
            current.versions[index].stateReasonCode = reasonCode
            current.versions[index].lastUpdateStatus = state == "Active" ? "Successful" : "Failed"
            // Becoming ready is a new revision of the version too, as AWS recorded it.
            current.versions[index].revisionId = UUID().uuidString.lowercased()
        }
        try? await save(current)
    }

    func mapping(_ uuid: String) -> EventSourceMappingRecord? { mappings[uuid] }

    func layer(_ key: String) -> LayerRecord? { layers[key] }

    /// The zip of a layer version, by its ARN.
    func layerDigest(_ arn: String) -> String? {
        let parts = arn.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 8, let number = Int(parts[7]) else { return nil }
        return layers["\(parts[4])/\(parts[3])/\(parts[6])"]?.versions.first { $0.version == number }?.codeDigest
    }

    func save(_ layer: LayerRecord) async throws {
        layers[layer.key] = layer
        try await store.put(layer).wait()
    }

    func save(_ config: CodeSigningConfigRecord) async throws {
        codeSigningConfigs[config.key] = config
        try await store.put(config).wait()
    }

    func removeCodeSigningConfig(_ key: String) async throws {
        codeSigningConfigs[key] = nil
        try await store.deleteCodeSigningConfig(key: key).wait()
    }

    func mappings(account: String, region: String) -> [EventSourceMappingRecord] {
        mappings.values.filter { $0.account == account && $0.region == region }.sorted { $0.uuid < $1.uuid }
    }

    func save(_ mapping: EventSourceMappingRecord) async throws {
        mappings[mapping.uuid] = mapping
        try await store.put(mapping).wait()
    }

    func removeMapping(_ uuid: String) async throws {
        mappings[uuid] = nil
        try await store.deleteMapping(uuid: uuid).wait()
    }

    func reset() async throws {
        functions.removeAll()
        mappings.removeAll()
        layers.removeAll()
        codeSigningConfigs.removeAll()
        provisioning.removeAll()
        await pool.stopAll()
        await provisioned.stopAll()
        try await store.wipe().wait()
        code.removeUnreferenced(keeping: [])
    }

    // MARK: Invocation

    /// Runs one invocation of a version on an idle provisioned worker, else on a warm or new one.
    func run(
        _ function: FunctionRecord, version: FunctionVersionRecord, invocation: Invocation
    ) async throws -> WorkerRun {
        if version.version != "$LATEST",
            let run = await provisioned.invoke(
                "\(function.storageKey)#\(version.version)", invocation: invocation, timeout: .seconds(version.timeout),
                memoryLimit: version.memorySize)
        {
            return run
        }
        let key = "\(function.storageKey)#\(version.version)#\(version.revisionId)"
        return try await pool.invoke(
            key: key, launch: launcher(function, version: version), invocation: invocation,
            timeout: .seconds(version.timeout), memoryLimit: version.memorySize)
    }

    /// How to start a worker of a version; `initializationType` is what the function reads in
    /// `AWS_LAMBDA_INITIALIZATION_TYPE`.
    func launcher(
        _ function: FunctionRecord, version: FunctionVersionRecord, initializationType: String = "on-demand"
    ) -> @Sendable () async throws -> WorkerLaunch {
        let endpointURL = self.endpointURL
        let credentials = self.credentials
        let runtimes = self.runtimes
        let code = self.code
        let layerDigests = (version.layers ?? []).compactMap { layerDigest($0.arn) }
        let launch: @Sendable () async throws -> WorkerLaunch = {
            let root = try await code.taskRoot(version.codeDigest)
            var layerRoots: [String] = []
            for digest in layerDigests { layerRoots.append(try await code.taskRoot(digest)) }
            var command = try await runtimes.command(
                runtime: version.runtime ?? "provided.al2023", handler: version.handler ?? "", taskRoot: root,
                memorySize: version.memorySize)
            if (version.runtime ?? "provided").hasPrefix("provided") {
                command.executable = LayerPaths.bootstrap(taskRoot: root, layers: layerRoots)
            }
            var environment = WorkerEnvironment.variables(
                function: function, version: version, taskRoot: root, endpointURL: endpointURL,
                credential: WorkerEnvironment.sessionCredential(for: function, version: version, in: credentials))
            environment["AWS_LAMBDA_INITIALIZATION_TYPE"] = initializationType
            environment.merge(command.environment) { _, runtime in runtime }
            environment.merge(LayerPaths.environment(layers: layerRoots, base: environment)) { _, layered in layered }
            let runtime = version.runtime ?? "provided.al2023"
            let unadjusted = WorkerLaunch(
                executable: command.executable, arguments: command.arguments, environment: environment,
                workingDirectory: root)
            let layers = layerRoots
            // Reads the first line of the program: off the cooperative threads.
            let launch = try await NIOThreadPool.singleton.runIfActive {
                ScriptLaunch.adjusted(unadjusted, runtime: runtime, taskRoot: root, layers: layers)
            }
            // The first answer runs a probe process: off the cooperative threads.
            guard try await NIOThreadPool.singleton.runIfActive({ WorkerMounts.capabilities.namespaces }) else {
                return launch
            }
            let merged = layerDigests.isEmpty ? nil : try await code.mergedLayers(layerDigests)
            return WorkerMounts.wrap(launch, codeDirectory: root, layers: merged)
        }
        return launch
    }

    // MARK: Provisioned concurrency

    /// Where the allocation of a provisioned concurrency configuration stands.
    struct ProvisioningState: Sendable {
        /// `IN_PROGRESS`, `READY` or `FAILED`.
        var status: String
        var statusReason: String?
        /// Identifies the provisioning this state belongs to, so that a stale one cannot overwrite it.
        var generation: UUID
    }

    func provisioningState(_ key: String) -> ProvisioningState? { provisioning[key] }

    /// Marks a configuration IN_PROGRESS; returns the generation its outcome must name.
    func beginProvisioning(_ key: String) -> UUID {
        let generation = UUID()
        provisioning[key] = ProvisioningState(status: "IN_PROGRESS", generation: generation)
        return generation
    }

    /// Records how a provisioning ended, unless another one replaced it meanwhile.
    func finishProvisioning(_ key: String, generation: UUID, outcome: ProvisionedWorkers.Outcome) {
        guard provisioning[key]?.generation == generation else { return }
        switch outcome {
        case .ready: provisioning[key]?.status = "READY"
        case .initFailed:
            provisioning[key]?.status = "FAILED"
            provisioning[key]?.statusReason = "FUNCTION_ERROR_INIT_FAILURE"
        case .superseded: break
        }
    }

    func endProvisioning(_ key: String) {
        provisioning[key] = nil
    }

    /// Stops idle workers now and then.
    func runMaintenance() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(10))
            await pool.reap()
        }
        await pool.stopAll()
    }
}
