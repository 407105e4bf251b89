import Foundation
import GRDB
import Logging
import SwitchyardCore
import SwitchyardDelivery
import SwitchyardECS
import SwitchyardEvents
import SwitchyardFirehose
import SwitchyardIAM
import SwitchyardKinesis
import SwitchyardLambda
import SwitchyardLogs
import SwitchyardPipes
import SwitchyardPlatform
import SwitchyardS3
import SwitchyardSES
import SwitchyardSNS
import SwitchyardSQS
import SwitchyardScheduler
import SwitchyardWire

/// The assembled server: storage, the service modules and the HTTP transport, built from a
/// configuration.
public final class Switchyard: Sendable {
    /// The services the server runs, in start order: a module may use what earlier ones registered
    /// (SNS delivers to SQS's queues through the delivery engine). A new service is a module and a
    /// line here.
    static func modules(_ configuration: ServerConfiguration) -> [any ServiceModule] {
        [
            IdentityModule(),
            SQSModule(),
            SNSModule(),
            EventBridgeModule(),
            SchedulerModule(),
            PipesModule(),
            LogsModule(),
            LambdaModule(),
            ECSModule(),
            KinesisModule(),
            FirehoseModule(),
            SESModule(settings: configuration.ses),
            PlannedServicesModule(),
            // Last: S3 takes almost any REST path.
            S3Module(),
        ]
    }

    public let configuration: ServerConfiguration
    public let server: HTTPServer
    /// The locked data directory (sqlite storage); the lock is held while this object lives.
    public let dataDirectory: DataDirectory?
    private let running: [RunningModule]
    private let background: [Task<Void, Never>]
    private let database: SQLiteDatabase?

    /// Opens storage, starts every module (which loads its state) and starts listening.
    public static func start(_ configuration: ServerConfiguration, logger: Logger) async throws -> Switchyard {
        let modules = modules(configuration)
        var directory: DataDirectory?
        var database: SQLiteDatabase?
        if configuration.storage == .sqlite {
            let locked = try DataDirectory(path: configuration.dataDirectory)
            directory = locked
            let path = locked.file("switchyard.sqlite")
            var migrator = DatabaseMigrator()
            SQLiteDeliveryStore.registerMigrations(&migrator)
            for module in modules { module.registerMigrations(&migrator) }
            do {
                database = try SQLiteDatabase(path: path, sync: configuration.sync, migrator: migrator, logger: logger)
            } catch {
                throw DataDirectory.Failure(
                    description:
                        "Cannot open the database \(path): \(error). If the file is damaged, move it away (the server then starts empty) or choose another --data-dir (SWITCHYARD_DATA_DIR)."
                )
            }
        }
        let deliveryStore: any DeliveryStore =
            database.map { SQLiteDeliveryStore(database: $0) } ?? MemoryDeliveryStore()
        let metrics = PlatformMetrics()
        let deliveries = try DeliveryEngine(store: deliveryStore, metrics: metrics.factory)
        await deliveries.register([.http: HTTPDeliveryTransport()])
        var staticAccounts: [String: String] = [:]
        for credential in configuration.credentials { staticAccounts[credential.accessKeyId] = credential.account }
        let credentials = CredentialDirectory()
        let sources = EventSourceReaders()
        let resources = ResourceDirectory()
        let context = ModuleContext(
            database: database, dataDirectory: database == nil ? nil : configuration.dataDirectory,
            account: configuration.account, region: configuration.region, staticCredentials: staticAccounts,
            deliveries: deliveries, credentials: credentials, metrics: metrics, logger: logger,
            baseURL: "http://localhost:\(configuration.port)", sources: sources, resources: resources,
            signingSecrets: configuration.auth == .strict
                ? SigningSecrets(
                    staticSecrets: Dictionary(
                        configuration.credentials.map { ($0.accessKeyId, $0.secretAccessKey) },
                        uniquingKeysWith: { first, _ in first }), issued: credentials)
                : nil)
        var running: [RunningModule] = []
        for module in modules {
            let started = try await module.start(context)
            await deliveries.register(started.deliveryTransports)
            sources.register(started.sourceReaders)
            resources.register(started.resourceChecks)
            running.append(started)
        }
        // Universal targets call the services' own operations.
        await deliveries.register([SDKCallTransport.kind: SDKCallTransport(endpoints: running.flatMap(\.endpoints))])
        // Every target kind is registered: deliveries stored before a restart can go out again.
        await deliveries.resume()
        let background = running.flatMap(\.backgroundTasks).map { work in Task { await work() } }
        let operations = operationalEndpoints(
            running, deliveries: deliveries, metrics: metrics, configuration: configuration)
        let router = RequestRouter(
            services: running.flatMap(\.endpoints), configuration: configuration, operations: operations,
            credentials: credentials, metrics: metrics, logger: logger)
        let server = try await HTTPServer.start(
            host: configuration.host, port: configuration.port, router: router,
            limits: configuration.connectionLimits, spoolDirectory: Self.spoolDirectory(configuration), logger: logger)
        return Switchyard(
            configuration: configuration, server: server, dataDirectory: directory, running: running,
            background: background, database: database)
    }

    /// Health, reset and statistics over every module, and the modules' own operational routes.
    private static func operationalEndpoints(
        _ running: [RunningModule], deliveries: DeliveryEngine, metrics: PlatformMetrics,
        configuration: ServerConfiguration
    ) -> OperationalEndpoints {
        var routes: [String: OperationalRoute] = [:]
        var publicRoutes: Set<String> = []
        for module in running {
            routes.merge(module.routes) { first, _ in first }
            publicRoutes.formUnion(module.publicRoutes)
        }
        routes["/_switchyard/deliveries"] = { _ in
            let records = await deliveries.recentRecords(limit: 1000).map { record -> [String: Any] in
                var entry: [String: Any] = [
                    "jobId": record.jobId, "origin": record.origin, "target": record.target,
                    "status": record.status.rawValue, "attempts": record.attempts, "at": record.at,
                ]
                if let reason = record.reason { entry["reason"] = reason }
                return entry
            }
            return OperationalEndpoints.json(200, ["deliveries": records])
        }
        routes["/_switchyard/metrics"] = { _ in
            var samples = [
                MetricSample(
                    name: "switchyard_deliveries_pending", labels: [], value: Double(await deliveries.pendingCount))
            ]
            for module in running { samples += await module.gauges() }
            metrics.report(samples)
            return WireResponse(
                status: 200, headers: [("Content-Type", "text/plain; version=0.0.4; charset=utf-8")],
                body: metrics.text())
        }
        var serviceNames: [String: Bool] = [:]
        for module in running {
            for endpoint in module.endpoints { serviceNames[endpoint.descriptor.clientName] = endpoint.implemented }
        }
        var operations = OperationalEndpoints(
            storage: configuration.storage.rawValue,
            dataDirectory: configuration.storage == .sqlite ? configuration.dataDirectory : nil,
            serviceNames: serviceNames,
            reset: {
                for module in running { try await module.reset() }
                try await deliveries.reset().wait()
            },
            statistics: {
                var counts: [String: Int] = ["pendingDeliveries": await deliveries.pendingCount]
                for module in running { counts.merge(await module.statistics()) { first, _ in first } }
                return counts
            },
            routes: routes)
        operations.publicRoutes = publicRoutes
        operations.access = AdminAccess(configuration)
        return operations
    }

    init(
        configuration: ServerConfiguration, server: HTTPServer, dataDirectory: DataDirectory?,
        running: [RunningModule], background: [Task<Void, Never>], database: SQLiteDatabase?
    ) {
        self.configuration = configuration
        self.server = server
        self.dataDirectory = dataDirectory
        self.running = running
        self.background = background
        self.database = database
    }

    /// Stops gracefully: no new connections, long polls answered at once, the requests in flight
    /// finished (for up to `gracePeriod`), background work stopped. Acknowledged work is already
    /// durable; the database is closed once nothing writes to it any more.
    public func shutdown(gracePeriod: Duration = .seconds(4)) async {
        async let stopped: Void = server.shutdown(gracePeriod: gracePeriod)
        for module in running { await module.beginShutdown() }
        await stopped
        for task in background { task.cancel() }
        for task in background { await task.value }
        database?.close()
        if configuration.storage != .sqlite {
            try? FileManager.default.removeItem(atPath: Self.spoolDirectory(configuration))
        }
    }

    /// Where request bodies that stream (S3 uploads) are written while they arrive: beside the
    /// database, so that a service keeps one by renaming it; a temporary directory of this process
    /// when nothing is stored.
    static func spoolDirectory(_ configuration: ServerConfiguration) -> String {
        if configuration.storage == .sqlite { return configuration.dataDirectory + "/uploads" }
        return NSTemporaryDirectory() + "switchyard-uploads-\(getpid())"
    }
}
