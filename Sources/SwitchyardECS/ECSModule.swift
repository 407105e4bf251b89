import Foundation
import GRDB
import SwitchyardDelivery
import SwitchyardModels
import SwitchyardPlatform
import SwitchyardWire

/// Amazon ECS as the server runs it: clusters, task definitions and tasks on the configured storage,
/// tasks' containers as local processes (no container engine), and the `ecs` delivery target kind
/// that EventBridge rules run tasks with.
public struct ECSModule: ServiceModule {
    public init() {}

    public func registerMigrations(_ migrator: inout DatabaseMigrator) {
        SQLiteECSStore.registerMigrations(&migrator)
    }

    public func start(_ context: ModuleContext) async throws -> RunningModule {
        let store: any ECSStore = context.database.map { SQLiteECSStore(database: $0) } ?? MemoryECSStore()
        let engine = try ECSEngine(
            store: store, deliveries: context.deliveries, logs: context.logs, credentials: context.credentials,
            endpointURL: context.baseURL, logger: context.logger)
        await engine.stopOrphans()
        let service = ECSService(engine: engine)
        return RunningModule(
            endpoints: [
                ServiceEndpoint(descriptor: ECS.descriptor, model: { ECS.model }) { operation, input, context in
                    try await ECS.dispatch(service, operation: operation, input: input, context: context)
                }
            ],
            deliveryTransports: [DeliveryTargetKind(rawValue: "ecs"): ECSDeliveryTransport(service: service)],
            resourceChecks: [
                "ecs": { arn in await engine.clusters.values.contains { $0.arn == arn && $0.status == "ACTIVE" } }
            ],
            backgroundTasks: [{ await engine.runStoppedTaskSweep() }],
            reset: { try await engine.reset() },
            statistics: { ["ecsTasks": await engine.tasks.count] })
    }
}

/// Runs tasks for EventBridge rules (and other producers) whose target is a cluster: the target's
/// EcsParameters (task definition, count, launch type, group) come as metadata, and the event's
/// payload, when it is a task override document (`containerOverrides`), overrides the containers, as
/// EventBridge passes a target's Input to RunTask.
struct ECSDeliveryTransport: DeliveryTransport {
    let service: ECSService

    func attempt(_ request: DeliveryRequest) async -> DeliveryOutcome {
        let parts = request.target.resource.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 6, let parameters = request.metadata?["EcsParameters"],
            let data = parameters.data(using: .utf8),
            let ecs = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let definition = ecs["TaskDefinitionArn"] as? String
        else { return .failed(reason: "An ECS target needs EcsParameters with a TaskDefinitionArn") }
        let context = RequestContext(account: parts[4], region: parts[3], host: "localhost")
        let overrides = try? TaskShapes.read(ECS.TaskOverride.self, String(decoding: request.body.bytes, as: UTF8.self))
        do {
            _ = try await service.launch(
                cluster: request.target.resource, taskDefinition: definition, count: ecs["TaskCount"] as? Int ?? 1,
                overrides: overrides?.containerOverrides == nil ? nil : overrides,
                launchType: ecs["LaunchType"] as? String ?? "EC2", group: ecs["Group"] as? String,
                startedBy: "events-rule/" + (request.origin.split(separator: "/").last.map(String.init) ?? ""),
                tags: nil, context: context)
            return .delivered
        } catch let error as AWSError {
            return .failed(reason: "\(error.code): \(error.message ?? "")")
        } catch {
            return .retry(reason: "\(error)")
        }
    }
}
