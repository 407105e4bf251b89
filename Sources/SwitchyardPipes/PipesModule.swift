import GRDB
import SwitchyardModels
import SwitchyardPlatform

/// EventBridge Pipes as the server runs it: pipes on the configured storage, and a background task
/// that moves their records from source to target.
public struct PipesModule: ServiceModule {
    public init() {}

    public func registerMigrations(_ migrator: inout DatabaseMigrator) {
        SQLitePipesStore.registerMigrations(&migrator)
    }

    public func start(_ context: ModuleContext) async throws -> RunningModule {
        let store: any PipesStore = context.database.map { SQLitePipesStore(database: $0) } ?? MemoryPipesStore()
        let engine = try PipesEngine(store: store, deliveries: context.deliveries, sources: context.sources)
        let service = PipesService(engine: engine)
        return RunningModule(
            endpoints: [
                ServiceEndpoint(descriptor: Pipes.descriptor, model: { Pipes.model }) { operation, input, context in
                    try await Pipes.dispatch(service, operation: operation, input: input, context: context)
                }
            ],
            backgroundTasks: [{ await engine.run() }],
            reset: { try await engine.reset().wait() },
            statistics: { ["pipes": await engine.pipeCount] })
    }
}
