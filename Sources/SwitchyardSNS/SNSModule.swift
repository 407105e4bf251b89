import Foundation
import GRDB
import SwitchyardDelivery
import SwitchyardModels
import SwitchyardPlatform
import SwitchyardWire

/// Amazon SNS as the server runs it: the engine on the configured storage and the delivery engine,
/// its endpoint, the captured outbox as a delivery target kind, the signing certificate
/// subscribers fetch, and the outbox's operational view.
public struct SNSModule: ServiceModule {
    public init() {}

    public func registerMigrations(_ migrator: inout DatabaseMigrator) {
        SQLiteSNSStore.registerMigrations(&migrator)
    }

    /// How many captured messages the outbox keeps (`SWITCHYARD_SNS_OUTBOX_LIMIT`, default 10,000).
    static var outboxLimit: Int {
        ProcessInfo.processInfo.environment["SWITCHYARD_SNS_OUTBOX_LIMIT"].flatMap(Int.init)
            ?? SNSEngine.defaultOutboxLimit
    }

    public func start(_ context: ModuleContext) async throws -> RunningModule {
        let store: any SNSStore = context.database.map { SQLiteSNSStore(database: $0) } ?? MemorySNSStore()
        let signer = NotificationSigner(directory: context.dataDirectory)
        let engine = try SNSEngine(
            store: store, deliveries: context.deliveries, signer: signer, outboxLimit: Self.outboxLimit)
        let service = SNSService(engine: engine, logs: context.logs)
        await context.deliveries.register(
            observer: DeliveryStatusLog(logs: context.logs), named: DeliveryStatusLog.observerName)
        let certificate: OperationalRoute = { _ in
            guard let pem = try? signer.certificatePEM() else {
                return OperationalResponse.json(500, ["message": "The signing certificate could not be made."])
            }
            return WireResponse(
                status: 200, headers: [("Content-Type", "application/x-x509-ca-cert")], body: Array(pem.utf8))
        }
        let certificatePaths = [
            "/_switchyard/sns/\(NotificationSigner.certificateFileName)",
            // The path of earlier versions, for subscribers that stored it.
            "/_switchyard/sns/SimpleNotificationService.pem",
        ]
        var routes: [String: OperationalRoute] = [:]
        for path in certificatePaths { routes[path] = certificate }
        routes["/_switchyard/sns/messages"] = { request in await Self.capturedMessages(engine, request) }
        return RunningModule(
            endpoints: [
                ServiceEndpoint(descriptor: SNS.descriptor, model: { SNS.model }, precheck: SNSArnChecks.precheck) {
                    operation, input, context in
                    try await SNS.dispatch(service, operation: operation, input: input, context: context)
                }
            ],
            routes: routes, publicRoutes: Set(certificatePaths),
            deliveryTransports: [
                .outbox: OutboxDeliveryTransport(engine: engine),
                .snsTopic: TopicDeliveryTransport(engine: engine, baseURL: context.baseURL),
            ],
            resourceChecks: [
                "sns": { arn in
                    guard let key = TopicKey(arn: arn) else { return false }
                    return (try? await engine.topic(key)) != nil
                }
            ],
            reset: { try await engine.reset().wait() },
            statistics: { ["snsTopics": await engine.topicCount] })
    }

    /// `GET /_switchyard/sns/messages?kind=&address=&topicArn=`: what the outbox captured.
    static func capturedMessages(_ engine: SNSEngine, _ request: WireRequest) async -> WireResponse {
        var filters: [String: String] = [:]
        for (name, value) in FormParameters.decode(Array((request.query ?? "").utf8)) { filters[name] = value }
        let entries = await engine.capturedMessages(
            kind: filters["kind"] ?? filters["protocol"], address: filters["address"] ?? filters["endpoint"],
            topicArn: filters["topicArn"])
        let messages = entries.map { entry -> [String: Any] in
            var object: [String: Any] = [
                "id": entry.id, "kind": entry.kind, "address": entry.address, "body": entry.body, "at": entry.at,
            ]
            if let subject = entry.subject { object["subject"] = subject }
            if let arn = entry.subscriptionArn { object["subscriptionArn"] = arn }
            if let arn = entry.topicArn { object["topicArn"] = arn }
            return object
        }
        return OperationalResponse.json(200, ["messages": messages])
    }
}
