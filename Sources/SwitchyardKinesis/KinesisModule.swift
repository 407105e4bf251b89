import Foundation
import GRDB
import SwitchyardCore
import SwitchyardModels
import SwitchyardPlatform
import SwitchyardWire

/// Kinesis Data Streams as the server runs it: stream metadata as JSON records in the database,
/// records in per-shard segment files under `<data-dir>/kinesis` (in memory with
/// `--storage memory`), retention applied every minute.
public struct KinesisModule: ServiceModule {
    public init() {}

    static let streamsTable = "kinesis_stream"
    static let settingsTable = "kinesis_account_settings"

    public func registerMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("kinesis-v1") { db in
            try db.execute(sql: JSONRecordTable<StreamRecord>.createStatement(Self.streamsTable))
            try db.execute(sql: JSONRecordTable<AccountSettingsRecord>.createStatement(Self.settingsTable))
        }
    }

    public func start(_ context: ModuleContext) async throws -> RunningModule {
        let log: any RecordLog =
            try context.dataDirectory.map {
                try FileRecordLog(root: ($0 as NSString).appendingPathComponent("kinesis"))
            }
            ?? MemoryRecordLog()
        let transition =
            ProcessInfo.processInfo.environment["SWITCHYARD_KINESIS_TRANSITION_MS"].flatMap(Int64.init) ?? 0
        let engine = try KinesisEngine(
            streams: JSONRecordTable(database: context.database, table: Self.streamsTable),
            settings: JSONRecordTable(database: context.database, table: Self.settingsTable), log: log,
            transitionMillis: transition,
            quotas: ShardQuotas(
                enabled: ["1", "true"].contains(
                    ProcessInfo.processInfo.environment["SWITCHYARD_KINESIS_THROTTLE"] ?? "")))
        let service = KinesisService(engine: engine)
        context.sources.streams.register("kinesis", KinesisStreamReader(engine: engine))
        return RunningModule(
            endpoints: [
                ServiceEndpoint(descriptor: Kinesis.descriptor, model: { Kinesis.model }) { operation, input, context in
                    if operation == "SubscribeToShard" {
                        return try await service.subscribeToShardStream(
                            Kinesis.SubscribeToShardInput(awsValue: input), context: context)
                    }
                    return try await Kinesis.dispatch(service, operation: operation, input: input, context: context)
                }
            ],
            deliveryTransports: [KinesisDeliveryTransport.kind: KinesisDeliveryTransport(engine: engine)],
            resourceChecks: [
                "kinesis": { arn in
                    guard let parsed = KinesisService.parseStreamARN(arn) else { return false }
                    let key = StreamRecord.key(account: parsed.account, region: parsed.region, name: parsed.name)
                    let found = try? await engine.stream(key)
                    return found != nil
                }
            ],
            backgroundTasks: [{ await engine.runRetention(every: .seconds(60)) }],
            reset: { try await engine.reset() },
            statistics: { ["kinesisStreams": await engine.streamCount] })
    }
}
