import Foundation
import GRDB
import SwitchyardDelivery
import SwitchyardModels
import SwitchyardPlatform
import SwitchyardWire

/// AWS Lambda as the server runs it: functions on the configured storage, code zips under
/// `<data-dir>/lambda` (a temporary directory with `--storage memory`), each invocation run by a
/// local worker process of the function's runtime behind its own Runtime API, asynchronous
/// invocations through the delivery engine.
public struct LambdaModule: ServiceModule {
    public init() {}

    /// Where GetFunction's code location points: the zip, by its SHA-256 (`?digest=`).
    static let codePath = "/_switchyard/lambda/code"

    public func registerMigrations(_ migrator: inout DatabaseMigrator) {
        SQLiteLambdaStore.registerMigrations(&migrator)
    }

    public func start(_ context: ModuleContext) async throws -> RunningModule {
        let store: any LambdaStore = context.database.map { SQLiteLambdaStore(database: $0) } ?? MemoryLambdaStore()
        let temporary = (NSTemporaryDirectory() as NSString).appendingPathComponent("switchyard-lambda-\(getpid())")
        let root = context.dataDirectory.map { ($0 as NSString).appendingPathComponent("lambda") } ?? temporary
        if context.database == nil { try? FileManager.default.removeItem(atPath: temporary) }
        let code = try CodeStore(root: root)
        let runtimes = RuntimeEnvironments(directory: Self.runtimesDirectory())
        let pool = WorkerPool(idleLifetime: Self.idleLifetime)
        let engine = try LambdaEngine(
            store: store, code: code, runtimes: runtimes, pool: pool, credentials: context.credentials,
            endpointURL: context.baseURL, logger: context.logger)
        let service = LambdaService(
            engine: engine, deliveries: context.deliveries, resources: context.resources, sources: context.sources,
            logs: context.logs, objects: context.objects)
        let urls = FunctionURLRequests(service: service)
        // Functions a stop left Pending, or in the middle of an update (which would refuse every
        // later update as in progress), or with versions still Pending, are prepared again.
        for function in await engine.functions.values
        where function.latest.state == "Pending" || function.latest.lastUpdateStatus == "InProgress"
            || function.versions.contains(where: { $0.state == "Pending" })
        {
            let key = function.storageKey
            let revision = function.latest.revisionId
            Task { await engine.prepare(key, revisionId: revision) }
        }
        return RunningModule(
            endpoints: [
                ServiceEndpoint(
                    descriptor: Lambda.descriptor, model: { Lambda.model }, precheck: LambdaPrechecks.check,
                    rewordError: LambdaErrors.worded,
                    maximumBodyBytes: Self.bodyLimit, bodyTooLarge: Self.bodyTooLarge,
                    intercept: { request in await urls.answer(request) }
                ) { operation, input, context in
                    if operation == "InvokeWithResponseStream" {
                        return try await service.invokeWithResponseStream(
                            Lambda.InvokeWithResponseStreamRequest(awsValue: input), context: context)
                    }
                    return try await Lambda.dispatch(service, operation: operation, input: input, context: context)
                }
            ],
            routes: [Self.codePath: { request in await Self.serveCode(request, code: code) }],
            publicRoutes: [Self.codePath],
            deliveryTransports: [
                .lambda: LambdaDeliveryTransport(service: service),
                LambdaFailureTransport.kind: LambdaFailureTransport(deliveries: context.deliveries),
            ],
            resourceChecks: [
                "lambda": { arn in
                    let parts = arn.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
                    guard parts.count >= 7 else { return false }
                    return await engine.function(LambdaEngine.key(account: parts[4], region: parts[3], name: parts[6]))
                        != nil
                }
            ],
            backgroundTasks: [
                { await engine.runMaintenance() },
                {
                    // Provisioned environments are started again after a restart.
                    for function in await engine.allFunctions() {
                        for qualifier in (function.provisionedConcurrency ?? [:]).keys {
                            await service.startProvisioning(function, qualifier: qualifier)
                        }
                    }
                },
                {
                    // Mappings stored before a restart poll again once every module is up.
                    for mapping in await engine.mappings.values {
                        await service.pollers.sync(mapping.uuid, mapping: mapping, service: service)
                    }
                },
            ],
            reset: {
                await service.pollers.stopAll()
                try await engine.reset()
            },
            statistics: { ["lambdaFunctions": await engine.functionCount] },
            beginShutdown: {
                await service.pollers.stopAll()
                await pool.stopAll()
                await engine.provisioned.stopAll()
            })
    }

    /// Serves a stored zip to whoever has its digest (as a presigned URL would).
    static func serveCode(_ request: WireRequest, code: CodeStore) async -> WireResponse {
        let digest =
            FormParameters.decode(Array((request.query ?? "").utf8)).first { $0.0 == "digest" }?.1 ?? ""
        guard digest.count == 64, digest.allSatisfy(\.isHexDigit), let zip = try? await code.zip(digest) else {
            return OperationalResponse.json(404, ["message": "No such code"])
        }
        return WireResponse(status: 200, headers: [("Content-Type", "application/zip")], body: Array(zip))
    }

    /// A function's code may be uploaded inline up to 50 MB zipped, which base64 in a JSON body makes
    /// about 67 MB; AWS takes request bodies smaller than 70,167,211 bytes for these operations.
    /// Invocation payloads are up to 6 MB (synchronous) or 1 MB (asynchronous).
    @Sendable static func bodyLimit(_ operation: String) -> Int? {
        switch operation {
        case "CreateFunction", "UpdateFunctionCode", "PublishLayerVersion": return 70_167_210
        default: return nil
        }
    }

    /// A code upload over the limit, in AWS's words (the number is the first size refused).
    @Sendable static func bodyTooLarge(_ operation: String, limit: Int) -> AWSError? {
        guard bodyLimit(operation) != nil else { return nil }
        return AWSError(
            "RequestEntityTooLargeException",
            "Request must be smaller than \(limit + 1) bytes for the \(operation) operation", httpStatus: 413)
    }

    /// How long an idle worker stays warm (`SWITCHYARD_LAMBDA_IDLE_SECONDS`, default 300).
    static var idleLifetime: Duration {
        let seconds = ProcessInfo.processInfo.environment["SWITCHYARD_LAMBDA_IDLE_SECONDS"].flatMap(Double.init) ?? 300
        return .milliseconds(Int64(seconds * 1000))
    }

    /// Where prepared runtimes (Python environments with the runtime interface client) are kept: a
    /// cache, not state, so shared by every server of the user: `SWITCHYARD_LAMBDA_RUNTIMES`, else
    /// `$XDG_CACHE_HOME/switchyard/lambda-runtimes` (`~/.cache/...`).
    static func runtimesDirectory() -> String {
        if let configured = ProcessInfo.processInfo.environment["SWITCHYARD_LAMBDA_RUNTIMES"] { return configured }
        let cache =
            ProcessInfo.processInfo.environment["XDG_CACHE_HOME"]
            ?? ((NSHomeDirectory() as NSString).appendingPathComponent(".cache"))
        return (cache as NSString).appendingPathComponent("switchyard/lambda-runtimes")
    }
}
