import Foundation
import GRDB
import SwitchyardCore
import SwitchyardDelivery
import SwitchyardModels
import SwitchyardPlatform
import SwitchyardWire

/// Amazon SES, v1 and v2 on one domain model: identities, templates, configuration sets, contact
/// lists and the suppression list as JSON records; every accepted message in the captured outbox;
/// events through the delivery engine; optionally an SMTP interface and a relay to a real server.
public struct SESModule: ServiceModule {
    public let settings: SESSettings

    public init(settings: SESSettings = SESSettings()) { self.settings = settings }

    public func registerMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("ses-v1") { db in
            for table in SESEngine.Tables.names {
                try db.execute(sql: JSONRecordTable<IdentityRecord>.createStatement(table))
            }
            for statement in SQLiteOutboxStore.createStatements { try db.execute(sql: statement) }
        }
        migrator.registerMigration("ses-v2-deliverability-and-receiving") { db in
            for table in SESEngine.Tables.addedNames {
                try db.execute(sql: JSONRecordTable<IdentityRecord>.createStatement(table))
            }
        }
    }

    public func start(_ context: ModuleContext) async throws -> RunningModule {
        let outbox: any OutboxStore = context.database.map { SQLiteOutboxStore(database: $0) } ?? MemoryOutboxStore()
        let engine = try SESEngine(
            tables: SESEngine.Tables(database: context.database), outbox: outbox, deliveries: context.deliveries,
            resources: context.resources, objects: context.objects, settings: settings, baseURL: context.baseURL,
            logger: context.logger)
        let v1 = SESV1Service(engine: engine)
        let v2 = SESV2Service(engine: engine)
        var background: [@Sendable () async -> Void] = []
        if let port = settings.smtpPort {
            let server = try await SMTPServer.start(
                host: settings.smtpHost, port: port, settings: settings, engine: engine,
                authenticator: SMTPAuthenticator(context: context), logger: context.logger)
            background.append { await server.run() }
        }
        if let port = settings.smtpInboundPort {
            let server = try await SMTPServer.start(
                host: settings.smtpHost, port: port, inbound: true, settings: settings, engine: engine,
                authenticator: SMTPAuthenticator(context: context), logger: context.logger)
            background.append { await server.run() }
            // Only received mail makes the records the sweep forgets.
            background.append { await engine.runReceivedMessageSweep() }
        }
        var transports: [DeliveryTargetKind: any DeliveryTransport] = [:]
        if let relay = settings.relay {
            transports[SMTPRelayTransport.kind] = SMTPRelayTransport(
                engine: engine, relay: relay, logger: context.logger)
        }
        return RunningModule(
            endpoints: [
                ServiceEndpoint(descriptor: SES.descriptor, model: { SES.model }) { operation, input, context in
                    try await SES.dispatch(v1, operation: operation, input: input, context: context)
                },
                ServiceEndpoint(descriptor: SESv2.descriptor, model: { SESv2.model }) { operation, input, context in
                    try await SESv2.dispatch(v2, operation: operation, input: input, context: context)
                },
            ],
            routes: SESOperationalRoutes.routes(engine),
            publicRoutes: SESOperationalRoutes.publicPaths,
            deliveryTransports: transports,
            backgroundTasks: background,
            reset: { try await engine.reset() },
            statistics: { ["sesMessages": await engine.messageCount()] })
    }
}
