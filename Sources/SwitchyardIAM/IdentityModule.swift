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

    public func start(_ context: ModuleContext) async throws -> RunningModule {
        let store: any IdentityStore =
            context.database.map { SQLiteIdentityStore(database: $0) } ?? MemoryIdentityStore()
        let identity = try IdentityEngine(store: store, directory: context.credentials)
        let iam = IAMService(engine: identity)
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
            routes: [Self.keySetPath: { _ in await Self.keySet(identity) }], publicRoutes: [Self.keySetPath],
            reset: { try await identity.reset().wait() })
    }
}
