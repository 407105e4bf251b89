import Foundation
import GRDB
import SwitchyardCore
import SwitchyardModels
import SwitchyardPlatform
import SwitchyardWire

/// Amazon Data Firehose as the server runs it: delivery streams as JSON records in the database,
/// their buffered records in the database too (in memory with `--storage memory`), delivered by
/// each stream's worker to S3, HTTP endpoints, OpenSearch, Splunk and Redshift (PostgreSQL).
public struct FirehoseModule: ServiceModule {
    public init() {}

    static let streamsTable = "firehose_stream"

    public func registerMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("firehose-v1") { db in
            try db.execute(sql: JSONRecordTable<DeliveryStreamRecord>.createStatement(Self.streamsTable))
            for statement in SQLiteRecordBuffer.createStatements { try db.execute(sql: statement) }
        }
    }

    public func start(_ context: ModuleContext) async throws -> RunningModule {
        let buffer: any RecordBufferStore =
            context.database.map { SQLiteRecordBuffer(database: $0) } ?? MemoryRecordBuffer()
        let environment = ProcessInfo.processInfo.environment
        let cap = environment["SWITCHYARD_FIREHOSE_MAX_BUFFER_SECONDS"].flatMap(Double.init)
        let backlogMiB = environment["SWITCHYARD_FIREHOSE_MAX_BACKLOG_MB"].flatMap(Int.init) ?? 256
        let engine = try FirehoseEngine(
            table: JSONRecordTable(database: context.database, table: Self.streamsTable), buffer: buffer,
            deliveries: context.deliveries, logs: context.logs, sources: context.sources,
            maximumIntervalMillis: cap.map { Int64($0 * 1000) }, backlogLimit: max(1, backlogMiB) << 20)
        let service = FirehoseService(engine: engine)
        return RunningModule(
            endpoints: [
                ServiceEndpoint(descriptor: Firehose.descriptor, model: { Firehose.model }) {
                    operation, input, context in
                    try await Firehose.dispatch(service, operation: operation, input: input, context: context)
                }
            ],
            routes: [
                "/_switchyard/firehose/streams": { _ in
                    OperationalResponse.json(200, ["deliveryStreams": await engine.statistics().map(\.json)])
                }
            ],
            deliveryTransports: [.firehose: FirehoseDeliveryTransport(engine: engine)],
            resourceChecks: [
                "firehose": { arn in
                    guard let key = DeliveryStreamRecord.key(arn: arn) else { return false }
                    return await engine.stream(key) != nil
                }
            ],
            backgroundTasks: [{ await engine.run() }],
            reset: { try await engine.reset() },
            statistics: { ["firehoseStreams": await engine.streamCount] },
            gauges: { await engine.statistics().flatMap(\.samples) })
    }
}
