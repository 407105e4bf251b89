import Foundation
import GRDB
import Logging
import SwitchyardCore
import SwitchyardModels
import SwitchyardSNS
import SwitchyardSQS
import SwitchyardWire

/// The assembled server: storage, services and the HTTP transport, built from a configuration.
public final class Switchyard: Sendable {
    public let configuration: ServerConfiguration
    public let server: HTTPServer
    public let sqs: SQSEngine

    /// Opens storage, loads state, and starts listening.
    public static func start(_ configuration: ServerConfiguration, logger: Logger) async throws -> Switchyard {
        let sqsStore: any SQSStore
        let snsStore: any SNSStore
        var dataDirectory: String?
        switch configuration.storage {
        case .memory:
            sqsStore = MemorySQSStore()
            snsStore = MemorySNSStore()
        case .sqlite:
            try FileManager.default.createDirectory(
                atPath: configuration.dataDirectory, withIntermediateDirectories: true)
            let path = (configuration.dataDirectory as NSString).appendingPathComponent("switchyard.sqlite")
            var migrator = DatabaseMigrator()
            SQLiteSQSStore.registerMigrations(&migrator)
            SQLiteSNSStore.registerMigrations(&migrator)
            let database = try SQLiteDatabase(path: path, sync: configuration.sync, migrator: migrator, logger: logger)
            sqsStore = SQLiteSQSStore(database: database)
            snsStore = SQLiteSNSStore(database: database)
            dataDirectory = configuration.dataDirectory
        }
        let sqs = try SQSEngine(store: sqsStore)
        Task { await sqs.runRetentionSweeper() }
        let service = SQSService(engine: sqs)
        let snsEngine = try SNSEngine(store: snsStore)
        let sns = SNSService(engine: snsEngine)
        let endpoints = [
            ServiceEndpoint(model: SQS.model, prepareInput: SQSQueueURLFromPath.fill) { operation, input, context in
                try await SQS.dispatch(service, operation: operation, input: input, context: context)
            },
            ServiceEndpoint(model: SNS.model) { operation, input, context in
                try await SNS.dispatch(sns, operation: operation, input: input, context: context)
            },
        ]
        let operations = OperationalEndpoints(
            storage: configuration.storage.rawValue, dataDirectory: dataDirectory, serviceNames: ["sqs"],
            reset: {
                try await sqs.reset().wait()
                try await snsEngine.reset().wait()
            },
            statistics: {
                let counts = await sqs.statistics()
                return [
                    "sqsQueues": counts.queues, "sqsMessages": counts.messages, "snsTopics": await snsEngine.topicCount,
                ]
            })
        let router = RequestRouter(
            services: endpoints, configuration: configuration, operations: operations, logger: logger)
        let server = try await HTTPServer.start(host: configuration.host, port: configuration.port, router: router)
        return Switchyard(configuration: configuration, server: server, sqs: sqs)
    }

    init(configuration: ServerConfiguration, server: HTTPServer, sqs: SQSEngine) {
        self.configuration = configuration
        self.server = server
        self.sqs = sqs
    }
}
