import Foundation
import GRDB
import Logging
import SwitchyardCore
import SwitchyardDelivery
import SwitchyardWire

/// What one service (or family of services, such as IAM with STS) brings to the server: its
/// storage migrations, and, once started, its endpoints, operational routes, background tasks,
/// delivery target kinds, reset and statistics.
///
/// The server assembles a list of modules: it registers every module's migrations, opens storage,
/// starts the modules in list order, registers their delivery transports, and serves their
/// endpoints. Adding a service is writing its module and adding it to that list.
public protocol ServiceModule: Sendable {
    /// Migrations of the module's SQLite stores; registered before the database opens.
    func registerMigrations(_ migrator: inout DatabaseMigrator)

    /// Builds the module's stores and engines on the storage the context names, loads their state
    /// and describes what the module serves.
    func start(_ context: ModuleContext) async throws -> RunningModule
}

extension ServiceModule {
    public func registerMigrations(_ migrator: inout DatabaseMigrator) {}
}

/// What the server gives every module when it starts.
public struct ModuleContext: Sendable {
    /// The database, or nil when state lives in memory (`--storage memory`).
    public let database: SQLiteDatabase?
    /// The locked data directory, or nil in memory mode.
    public let dataDirectory: String?
    /// The account and region requests without credentials act in.
    public let account: String
    public let region: String
    /// The static access keys of the configuration and the accounts they act in.
    public let staticCredentials: [String: String]
    /// The one delivery mechanism, for producers; transports are registered from `RunningModule`.
    public let deliveries: DeliveryEngine
    /// The credentials identity resolution reads; the identity module keeps it current.
    public let credentials: CredentialDirectory
    /// Where the module may record its own metrics (swift-metrics: `metrics.factory`).
    public let metrics: PlatformMetrics
    public let logger: Logger
    /// The server's own URL, for links a service writes where no request tells it the host (an SNS
    /// unsubscribe link in a notification that an EventBridge rule published).
    public let baseURL: String
    /// Readers of event sources (SQS queues, streams) that modules register for others to consume.
    public let sources: EventSourceReaders
    /// Existence checks of other modules' resources, by ARN.
    public let resources: ResourceDirectory
    /// In strict mode, the secrets for signatures a service checks itself; nil in the default mode.
    public let signingSecrets: SigningSecrets?
    /// Where modules write into CloudWatch Logs (the Logs module registers the writer).
    public let logs: LogWriters
    /// Where modules read objects of the object store (S3 registers the reader).
    public let objects: ObjectReaders

    public init(
        database: SQLiteDatabase?, dataDirectory: String?, account: String, region: String,
        staticCredentials: [String: String], deliveries: DeliveryEngine, credentials: CredentialDirectory,
        metrics: PlatformMetrics, logger: Logger, baseURL: String = "http://localhost:4566",
        sources: EventSourceReaders = EventSourceReaders(), resources: ResourceDirectory = ResourceDirectory(),
        signingSecrets: SigningSecrets? = nil, logs: LogWriters = LogWriters(),
        objects: ObjectReaders = ObjectReaders()
    ) {
        self.logs = logs
        self.objects = objects
        self.resources = resources
        self.signingSecrets = signingSecrets
        self.baseURL = baseURL
        self.sources = sources
        self.metrics = metrics
        self.database = database
        self.dataDirectory = dataDirectory
        self.account = account
        self.region = region
        self.staticCredentials = staticCredentials
        self.deliveries = deliveries
        self.credentials = credentials
        self.logger = logger
    }
}

/// A handler of an operational endpoint under `/_switchyard/`.
public typealias OperationalRoute = @Sendable (WireRequest) async -> WireResponse

/// The answers of operational endpoints.
public enum OperationalResponse {
    /// A JSON document (keys sorted) with the status.
    public static func json(_ status: Int, _ object: Any) -> WireResponse {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return WireResponse(status: status, headers: [("Content-Type", "application/json")], body: Array(data))
    }
}

/// A started module, as the server serves it.
public struct RunningModule: Sendable {
    /// The endpoints of its services, routed by their models.
    public var endpoints: [ServiceEndpoint]
    /// Operational endpoints by path (`/_switchyard/sns/messages`); admin access unless public.
    public var routes: [String: OperationalRoute]
    /// Those of `routes` anyone may read in every mode (SNS's signing certificate).
    public var publicRoutes: Set<String>
    /// Target kinds the module delivers to, with their transports.
    public var deliveryTransports: [DeliveryTargetKind: any DeliveryTransport]
    /// Readers of the event sources this module owns, by ARN service name (`sqs`).
    public var sourceReaders: [String: any EventSourceReader]
    /// Existence checks of the resources this module owns, by ARN service name (`sqs`).
    public var resourceChecks: [String: ResourceDirectory.Check]
    /// Work that runs for the server's lifetime and ends when its task is cancelled.
    public var backgroundTasks: [@Sendable () async -> Void]
    /// Forgets every resource (`/_switchyard/reset`), durably.
    public var reset: @Sendable () async throws -> Void
    /// Counts for the health endpoint, by name.
    public var statistics: @Sendable () async -> [String: Int]
    /// Gauges read when metrics are scraped (queue depths).
    public var gauges: @Sendable () async -> [MetricSample]
    /// Called when a graceful shutdown begins, before the requests in flight finish (SQS answers its
    /// long polls at once).
    public var beginShutdown: @Sendable () async -> Void

    public init(
        endpoints: [ServiceEndpoint] = [], routes: [String: OperationalRoute] = [:], publicRoutes: Set<String> = [],
        deliveryTransports: [DeliveryTargetKind: any DeliveryTransport] = [:],
        sourceReaders: [String: any EventSourceReader] = [:],
        resourceChecks: [String: ResourceDirectory.Check] = [:],
        backgroundTasks: [@Sendable () async -> Void] = [], reset: @escaping @Sendable () async throws -> Void = {},
        statistics: @escaping @Sendable () async -> [String: Int] = { [:] },
        gauges: @escaping @Sendable () async -> [MetricSample] = { [] },
        beginShutdown: @escaping @Sendable () async -> Void = {}
    ) {
        self.endpoints = endpoints
        self.routes = routes
        self.publicRoutes = publicRoutes
        self.deliveryTransports = deliveryTransports
        self.sourceReaders = sourceReaders
        self.resourceChecks = resourceChecks
        self.backgroundTasks = backgroundTasks
        self.reset = reset
        self.statistics = statistics
        self.gauges = gauges
        self.beginShutdown = beginShutdown
    }
}
