import GRDB
import SwitchyardModels
import SwitchyardPlatform

/// EventBridge Scheduler as the server runs it: groups and schedules on the configured storage,
/// and a background task that fires them through the delivery engine.
public struct SchedulerModule: ServiceModule {
    public init() {}

    public func registerMigrations(_ migrator: inout DatabaseMigrator) {
        SQLiteSchedulerStore.registerMigrations(&migrator)
    }

    public func start(_ context: ModuleContext) async throws -> RunningModule {
        let store: any SchedulerStore =
            context.database.map { SQLiteSchedulerStore(database: $0) } ?? MemorySchedulerStore()
        let engine = try SchedulerEngine(store: store, deliveries: context.deliveries)
        let service = SchedulerService(engine: engine)
        return RunningModule(
            endpoints: [
                ServiceEndpoint(descriptor: Scheduler.descriptor, model: { Scheduler.model }) {
                    operation, input, context in
                    try await Scheduler.dispatch(service, operation: operation, input: input, context: context)
                }
            ],
            backgroundTasks: [{ await engine.run() }],
            reset: { try await engine.reset().wait() },
            statistics: { ["schedulerSchedules": await engine.scheduleCount] })
    }
}
