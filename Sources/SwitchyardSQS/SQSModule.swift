import GRDB
import SwitchyardDelivery
import SwitchyardModels
import SwitchyardPlatform
import SwitchyardWire

/// Amazon SQS as the server runs it: the engine on the configured storage, its endpoint (awsJson and
/// awsQuery, queue URLs as request paths), the in-process transport that delivers to its queues,
/// and the once-a-second retention sweep.
public struct SQSModule: ServiceModule {
    public init() {}

    public func registerMigrations(_ migrator: inout DatabaseMigrator) {
        SQLiteSQSStore.registerMigrations(&migrator)
    }

    public func start(_ context: ModuleContext) async throws -> RunningModule {
        let store: any SQSStore = context.database.map { SQLiteSQSStore(database: $0) } ?? MemorySQSStore()
        let engine = try SQSEngine(store: store)
        let service = SQSService(engine: engine)
        let endpoint = ServiceEndpoint(
            descriptor: SQS.descriptor, model: { SQS.model }, prepareInput: SQSQueuePaths.fill,
            resourcePaths: SQSQueuePaths.resourcePaths, rewordError: SQSErrors.worded
        ) { operation, input, context in
            try await SQS.dispatch(service, operation: operation, input: input, context: context)
        }
        return RunningModule(
            endpoints: [endpoint],
            deliveryTransports: [.sqs: SQSDeliveryTransport(engine: engine)],
            sourceReaders: ["sqs": SQSSourceReader(engine: engine)],
            resourceChecks: [
                "sqs": { arn in
                    guard let key = QueueKey(arn: arn) else { return false }
                    return await engine.queueExists(key)
                }
            ],
            backgroundTasks: [{ await engine.runRetentionSweeper() }, { await engine.resumeMoveTasks() }],
            reset: { try await engine.reset().wait() },
            statistics: {
                let counts = await engine.statistics()
                return ["sqsQueues": counts.queues, "sqsMessages": counts.messages]
            },
            gauges: { await engine.depthSamples() },
            beginShutdown: { await engine.endLongPolls() })
    }
}

extension SQSEngine {
    /// Every queue's messages by state, as gauges: visible, in flight, delayed.
    func depthSamples() -> [MetricSample] {
        var samples: [MetricSample] = []
        for (key, counts) in depths() {
            let labels = [("account", key.account), ("region", key.region), ("queue", key.name)]
            samples.append(
                MetricSample(name: "switchyard_sqs_messages_visible", labels: labels, value: Double(counts.0)))
            samples.append(
                MetricSample(name: "switchyard_sqs_messages_in_flight", labels: labels, value: Double(counts.1)))
            samples.append(
                MetricSample(name: "switchyard_sqs_messages_delayed", labels: labels, value: Double(counts.2)))
        }
        return samples
    }
}
