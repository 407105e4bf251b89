import Foundation
import GRDB
import SwitchyardModels
import SwitchyardPlatform
import SwitchyardWire

/// AWS IAM and STS, which share one identity engine: users, roles, policies, access keys and
/// sessions, published to the credential directory that identity resolution reads.
public struct IdentityModule: ServiceModule {
    public init() {}

    public func registerMigrations(_ migrator: inout DatabaseMigrator) {
        SQLiteIdentityStore.registerMigrations(&migrator)
    }

    /// Where the public keys that verify GetWebIdentityToken's tokens are published, for every account.
    static let keySetPath = "/_switchyard/sts/jwks.json"

    static func keySet(_ identity: IdentityEngine) async -> WireResponse {
        let keys = await identity.outboundFederationKeys()
        let body = (try? JSONSerialization.data(withJSONObject: ["keys": keys], options: [.sortedKeys])) ?? Data()
        return WireResponse(status: 200, headers: [("Content-Type", "application/json")], body: Array(body))
    }

    /// Where partners' delegation policy templates are registered (AWS registers them during
    /// partner onboarding): POST `{"TemplateName", "PolicyDocument", "PermissionsBoundaryArns"}`
    /// answers the template's ARN; GET lists them.
    static let templatesPath = "/_switchyard/iam/delegation-templates"

    static func templates(_ request: WireRequest, _ identity: IdentityEngine) async -> WireResponse {
        guard request.method == "POST" || request.method == "PUT" else {
            let templates = await identity.registeredDelegationTemplates()
            return OperationalResponse.json(
                200,
                [
                    "Templates": templates.map {
                        ["TemplateName": $0.name, "TemplateArn": $0.arn, "PolicyDocument": $0.document]
                    }
                ])
        }
        guard let body = try? JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any],
            let name = body["TemplateName"] as? String, let document = body["PolicyDocument"]
        else {
            return OperationalResponse.json(
                400, ["message": "Expected {\"TemplateName\": ..., \"PolicyDocument\": ...}."])
        }
        let text: String
        if let string = document as? String {
            text = string
        } else if JSONSerialization.isValidJSONObject(document),
            let data = try? JSONSerialization.data(withJSONObject: document)
        {
            text = String(decoding: data, as: UTF8.self)
        } else {
            return OperationalResponse.json(400, ["message": "PolicyDocument is a JSON policy document."])
        }
        do {
            let (template, ticket) = try await identity.registerDelegationTemplate(
                name: name, document: text, boundaryArns: body["PermissionsBoundaryArns"] as? [String] ?? [])
            try await ticket.wait()
            return OperationalResponse.json(200, ["TemplateArn": template.arn])
        } catch let error as AWSError {
            return OperationalResponse.json(400, ["message": error.message ?? error.code])
        } catch {
            return OperationalResponse.json(500, ["message": "\(error)"])
        }
    }

    public func start(_ context: ModuleContext) async throws -> RunningModule {
        let store: any IdentityStore =
            context.database.map { SQLiteIdentityStore(database: $0) } ?? MemoryIdentityStore()
        let identity = try IdentityEngine(store: store, directory: context.credentials)
        let notifier = DelegationNotifier(deliveries: context.deliveries)
        let iam = IAMService(engine: identity, notifier: notifier)
        let sts = STSService(
            engine: identity, staticAccounts: context.staticCredentials, defaultAccount: context.account)
        return RunningModule(
            endpoints: [
                ServiceEndpoint(descriptor: STS.descriptor, model: { STS.model }) { operation, input, context in
                    try await STS.dispatch(sts, operation: operation, input: input, context: context)
                },
                ServiceEndpoint(descriptor: IAM.descriptor, model: { IAM.model }, precheck: IAMPrechecks.check) {
                    operation, input, context in
                    try await IAM.dispatch(iam, operation: operation, input: input, context: context)
                },
            ],
            routes: [
                Self.keySetPath: { _ in await Self.keySet(identity) },
                Self.templatesPath: { request in await Self.templates(request, identity) },
            ], publicRoutes: [Self.keySetPath],
            backgroundTasks: [
                { await notifier.runExpirations(identity) }, { await identity.runUsageAbsorption() },
            ],
            reset: { try await identity.reset().wait() })
    }
}
