import Foundation
import GRDB
import Logging
import SwitchyardCore
import SwitchyardDelivery
import SwitchyardIAM
import SwitchyardModels
import SwitchyardSNS
import SwitchyardSQS
import SwitchyardWire

/// The assembled server: storage, services and the HTTP transport, built from a configuration.
public final class Switchyard: Sendable {
    public let configuration: ServerConfiguration
    public let server: HTTPServer
    public let sqs: SQSEngine
    /// The locked data directory (sqlite storage); the lock is held while this object lives.
    public let dataDirectory: DataDirectory?

    /// Opens storage, loads state, and starts listening.
    public static func start(_ configuration: ServerConfiguration, logger: Logger) async throws -> Switchyard {
        let sqsStore: any SQSStore
        let snsStore: any SNSStore
        let deliveryStore: any DeliveryStore
        let identityStore: any IdentityStore
        var dataDirectory: String?
        var directory: DataDirectory?
        switch configuration.storage {
        case .memory:
            sqsStore = MemorySQSStore()
            snsStore = MemorySNSStore()
            deliveryStore = MemoryDeliveryStore()
            identityStore = MemoryIdentityStore()
        case .sqlite:
            let locked = try DataDirectory(path: configuration.dataDirectory)
            directory = locked
            let path = locked.file("switchyard.sqlite")
            var migrator = DatabaseMigrator()
            SQLiteSQSStore.registerMigrations(&migrator)
            SQLiteSNSStore.registerMigrations(&migrator)
            SQLiteDeliveryStore.registerMigrations(&migrator)
            SQLiteIdentityStore.registerMigrations(&migrator)
            let database: SQLiteDatabase
            do {
                database = try SQLiteDatabase(path: path, sync: configuration.sync, migrator: migrator, logger: logger)
            } catch {
                throw DataDirectory.Failure(
                    description:
                        "Cannot open the database \(path): \(error). If the file is damaged, move it away (the server then starts empty) or choose another --data-dir (SWITCHYARD_DATA_DIR)."
                )
            }
            sqsStore = SQLiteSQSStore(database: database)
            snsStore = SQLiteSNSStore(database: database)
            deliveryStore = SQLiteDeliveryStore(database: database)
            identityStore = SQLiteIdentityStore(database: database)
            dataDirectory = configuration.dataDirectory
        }
        let identity = try IdentityEngine(store: identityStore)
        let iam = IAMService(engine: identity)
        var staticAccounts: [String: String] = [:]
        for credential in configuration.credentials { staticAccounts[credential.accessKeyId] = credential.account }
        let sts = STSService(engine: identity, staticAccounts: staticAccounts, defaultAccount: configuration.account)
        let sqs = try SQSEngine(store: sqsStore)
        Task { await sqs.runRetentionSweeper() }
        let service = SQSService(engine: sqs)
        let outboxTransport = OutboxDeliveryTransport()
        let deliveries = try DeliveryEngine(
            store: deliveryStore,
            transports: [
                .sqs: SQSDeliveryTransport(engine: sqs),
                .http: HTTPDeliveryTransport(),
                .lambda: UnavailableTransport(reason: "Lambda functions are not available in Switchyard yet"),
                .firehose: UnavailableTransport(
                    reason: "Firehose delivery streams are not available in Switchyard yet"),
                .outbox: outboxTransport,
            ])
        let signer = NotificationSigner(directory: dataDirectory)
        let snsEngine = try SNSEngine(store: snsStore, deliveries: deliveries, signer: signer)
        outboxTransport.engine.withLock { $0 = snsEngine }
        let sns = SNSService(engine: snsEngine)
        await deliveries.resume()
        let endpoints =
            [
                ServiceEndpoint(
                    descriptor: SQS.descriptor, model: { SQS.model }, prepareInput: SQSQueuePaths.fill,
                    resourcePaths: SQSQueuePaths.resourcePaths, rewordError: SQSErrors.worded
                ) { operation, input, context in
                    try await SQS.dispatch(service, operation: operation, input: input, context: context)
                },
                ServiceEndpoint(descriptor: SNS.descriptor, model: { SNS.model }, precheck: SNSArnChecks.precheck) {
                    operation, input, context in
                    try await SNS.dispatch(sns, operation: operation, input: input, context: context)
                },
                ServiceEndpoint(descriptor: STS.descriptor, model: { STS.model }) { operation, input, context in
                    try await STS.dispatch(sts, operation: operation, input: input, context: context)
                },
                ServiceEndpoint(descriptor: IAM.descriptor, model: { IAM.model }) { operation, input, context in
                    try await IAM.dispatch(iam, operation: operation, input: input, context: context)
                },
            ] + PlannedServices.endpoints
        let certificate: OperationalEndpoints.Route = { _ in
            guard let pem = try? signer.certificatePEM() else {
                return OperationalEndpoints.json(500, ["message": "The signing certificate could not be made."])
            }
            return WireResponse(
                status: 200, headers: [("Content-Type", "application/x-x509-ca-cert")], body: Array(pem.utf8))
        }
        var operations = OperationalEndpoints(
            storage: configuration.storage.rawValue, dataDirectory: dataDirectory,
            serviceNames: ["sqs", "sns", "sts", "iam"],
            reset: {
                try await sqs.reset().wait()
                try await snsEngine.reset().wait()
                try await deliveries.reset().wait()
                try await identity.reset().wait()
            },
            statistics: {
                let counts = await sqs.statistics()
                return [
                    "sqsQueues": counts.queues, "sqsMessages": counts.messages, "snsTopics": await snsEngine.topicCount,
                    "pendingDeliveries": await deliveries.pendingCount,
                ]
            },
            routes: [
                "/_switchyard/sns/\(NotificationSigner.certificateFileName)": certificate,
                // The path of earlier versions, for subscribers that stored it.
                "/_switchyard/sns/SimpleNotificationService.pem": certificate,
                "/_switchyard/sns/messages": { request in
                    var filters: [String: String] = [:]
                    for (name, value) in FormParameters.decode(Array((request.query ?? "").utf8)) {
                        filters[name] = value
                    }
                    let entries = await snsEngine.capturedMessages(
                        kind: filters["kind"] ?? filters["protocol"],
                        address: filters["address"] ?? filters["endpoint"],
                        topicArn: filters["topicArn"])
                    let messages = entries.map { entry -> [String: Any] in
                        var object: [String: Any] = [
                            "id": entry.id, "kind": entry.kind, "address": entry.address, "body": entry.body,
                            "at": entry.at,
                        ]
                        if let subject = entry.subject { object["subject"] = subject }
                        if let arn = entry.subscriptionArn { object["subscriptionArn"] = arn }
                        if let arn = entry.topicArn { object["topicArn"] = arn }
                        return object
                    }
                    return OperationalEndpoints.json(200, ["messages": messages])
                },
                "/_switchyard/deliveries": { _ in
                    let records = await deliveries.recentRecords(limit: 1000).map { record -> [String: Any] in
                        var entry: [String: Any] = [
                            "jobId": record.jobId, "origin": record.origin, "target": record.target,
                            "status": record.status.rawValue, "attempts": record.attempts, "at": record.at,
                        ]
                        if let reason = record.reason { entry["reason"] = reason }
                        return entry
                    }
                    return OperationalEndpoints.json(200, ["deliveries": records])
                },
            ])
        operations.publicRoutes = [
            "/_switchyard/sns/\(NotificationSigner.certificateFileName)",
            "/_switchyard/sns/SimpleNotificationService.pem",
        ]
        operations.access = AdminAccess(configuration)
        let router = RequestRouter(
            services: endpoints, configuration: configuration, operations: operations,
            credentials: identity.directory, logger: logger)
        let server = try await HTTPServer.start(
            host: configuration.host, port: configuration.port, router: router,
            limits: configuration.connectionLimits, logger: logger)
        return Switchyard(configuration: configuration, server: server, sqs: sqs, dataDirectory: directory)
    }

    init(configuration: ServerConfiguration, server: HTTPServer, sqs: SQSEngine, dataDirectory: DataDirectory?) {
        self.configuration = configuration
        self.server = server
        self.sqs = sqs
        self.dataDirectory = dataDirectory
    }

    /// Stops gracefully: no new connections, long polls answered at once, the requests in flight
    /// finished (for up to `gracePeriod`). Acknowledged work is already durable; nothing else to save.
    public func shutdown(gracePeriod: Duration = .seconds(10)) async {
        async let stopped: Void = server.shutdown(gracePeriod: gracePeriod)
        await sqs.endLongPolls()
        await stopped
    }
}
