import Foundation
import GRDB
import SwitchyardModels
import SwitchyardPlatform
import SwitchyardWire

/// CloudWatch Logs as the server runs it: groups, streams and events on the configured storage,
/// retention applied, subscription filters through the delivery engine, and the writer other
/// modules (Lambda, ECS) send their output to.
public struct LogsModule: ServiceModule {
    public init() {}

    public func registerMigrations(_ migrator: inout DatabaseMigrator) {
        SQLiteLogsStore.registerMigrations(&migrator)
    }

    public func start(_ context: ModuleContext) async throws -> RunningModule {
        let store: any LogsStore = context.database.map { SQLiteLogsStore(database: $0) } ?? MemoryLogsStore()
        let engine = try LogsEngine(store: store, deliveries: context.deliveries)
        context.logs.register(EngineLogWriter(engine: engine))
        let service = LogsService(engine: engine, resources: context.resources)
        return RunningModule(
            endpoints: [
                ServiceEndpoint(
                    descriptor: CloudWatchLogs.descriptor, model: { CloudWatchLogs.model },
                    precheck: LogsPrechecks.check
                ) { operation, input, context in
                    if operation == "StartLiveTail" {
                        return try await service.startLiveTail(
                            CloudWatchLogs.StartLiveTailRequest(awsValue: input), context: context)
                    }
                    return try await CloudWatchLogs.dispatch(
                        service, operation: operation, input: input, context: context)
                }
            ],
            deliveryTransports: [LogGroupDeliveryTransport.kind: LogGroupDeliveryTransport(engine: engine)],
            resourceChecks: [
                "logs": { arn in
                    let parts = arn.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
                    guard parts.count >= 7 else { return false }
                    return await engine.group(LogGroupRecord.key(account: parts[4], region: parts[3], name: parts[6]))
                        != nil
                }
            ],
            backgroundTasks: [
                { await engine.runRetention(every: .seconds(60)) },
                // Export tasks acknowledged before a restart run once every module is up.
                { await engine.resumeExports() },
                // So do Logs Insights queries a restart interrupted.
                { await engine.resumeQueries() },
            ],
            reset: { try await engine.reset() },
            statistics: { ["logGroups": await engine.groupCount] })
    }
}

/// Names longer than CloudWatch Logs takes get its own message, before the model's constraints.
enum LogsPrechecks {
    @Sendable static func check(_ input: AWSValue, _ operation: OperationModel) throws {
        for member in ["logGroupName", "logStreamName"] {
            if case .string(let name)? = input[member], name.count > 512 {
                throw AWSError(
                    "InvalidParameterException",
                    "Invalid LogGroup or LogStream, both must have length less than or equal to 512.")
            }
        }
        if operation.name == "PutMetricFilter", case .list(let transformations)? = input["metricTransformations"],
            transformations.count > 1
        {
            // A metric filter takes one transformation; AWS prints the list as Java prints it.
            let printed = transformations.map(Self.javaString).joined(separator: ", ")
            throw AWSError(
                "InvalidParameterException",
                "1 validation error detected: Value '[\(printed)]' at 'metricTransformations' failed to satisfy constraint: Member must have length less than or equal to 1"
            )
        }
    }

    /// `MetricTransformation(metricName=..., ...)`, as the service's Java model prints one.
    static func javaString(_ transformation: AWSValue) -> String {
        func text(_ name: String) -> String {
            switch transformation[name] {
            case .string(let value)?: return value
            case .double(let value)?: return String(value)
            case .integer(let value)?: return String(Double(value))
            case .map(let entries)?:
                return "{"
                    + entries.sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.plain($0.value))" }
                    .joined(separator: ", ") + "}"
            default: return "null"
            }
        }
        let fields = ["metricName", "metricNamespace", "metricValue", "defaultValue", "unit", "dimensions"]
        return "MetricTransformation(" + fields.map { "\($0)=\(text($0))" }.joined(separator: ", ") + ")"
    }

    private static func plain(_ value: AWSValue) -> String {
        if case .string(let text) = value { return text }
        return "\(value)"
    }
}
