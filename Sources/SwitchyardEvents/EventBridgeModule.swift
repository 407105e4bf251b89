import Foundation
import GRDB
import SwitchyardDelivery
import SwitchyardModels
import SwitchyardPlatform
import SwitchyardWire

/// Amazon EventBridge as the server runs it: buses and rules on the configured storage, events
/// routed to targets through the delivery engine, and event buses as a delivery target kind.
public struct EventBridgeModule: ServiceModule {
    public init() {}

    public func registerMigrations(_ migrator: inout DatabaseMigrator) {
        SQLiteEventBridgeStore.registerMigrations(&migrator)
    }

    public func start(_ context: ModuleContext) async throws -> RunningModule {
        let store: any EventBridgeStore =
            context.database.map { SQLiteEventBridgeStore(database: $0) } ?? MemoryEventBridgeStore()
        let engine = try EventBridgeEngine(store: store, deliveries: context.deliveries)
        let service = EventBridgeService(engine: engine)
        return RunningModule(
            endpoints: [
                ServiceEndpoint(
                    descriptor: EventBridge.descriptor, model: { EventBridge.model },
                    precheck: PutEventsLimits.precheck
                ) {
                    operation, input, context in
                    try await EventBridge.dispatch(service, operation: operation, input: input, context: context)
                }
            ],
            deliveryTransports: [
                .eventBus: EventBusDeliveryTransport(engine: engine),
                DeliveryTargetKind(rawValue: "api-destination"): APIDestinationTransport(engine: engine),
            ],
            backgroundTasks: [{ await engine.runSchedules() }, { await engine.runArchiveRetention() }],
            reset: { try await engine.reset().wait() },
            statistics: { ["eventBridgeRules": await engine.ruleCount, "eventBridgeBuses": await engine.busCount] })
    }
}
