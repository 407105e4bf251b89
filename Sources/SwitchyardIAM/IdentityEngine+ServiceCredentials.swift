import Foundation
import SwitchyardCore

// Service-specific credentials: passwords for CodeCommit and Keyspaces, API keys for Bedrock and
// CloudWatch Logs. Stored and listed faithfully; the services they open are not Switchyard's.
extension IdentityEngine {
    /// The services that hand out credentials of their own, and which kind.
    enum CredentialService {
        /// A user name and password (CodeCommit's HTTPS Git, Keyspaces' Cassandra logins).
        static let passwordServices: Set<String> = ["codecommit.amazonaws.com", "cassandra.amazonaws.com"]
        /// An API key (an alias and a secret), which may expire.
        static let apiKeyServices: Set<String> = ["bedrock.amazonaws.com", "logs.amazonaws.com"]

        static func require(_ service: String) throws {
            guard passwordServices.contains(service) || apiKeyServices.contains(service) else {
                throw IAMErrors.noSuchEntity("No such service \(service) is supported for Service Specific Credentials")
            }
        }
    }

    /// Creates a credential for one service; a user holds at most two per service.
    public func createServiceCredential(account: String, userName: String, service: String, ageDays: Int?) throws
        -> (ServiceCredentialRecord, CommitTicket)
    {
        let user = try user(account: account, name: userName)
        try CredentialService.require(service)
        let isAPIKey = CredentialService.apiKeyServices.contains(service)
        if ageDays != nil, !isAPIKey {
            throw IAMErrors.invalidInput("CredentialAgeDays can only be specified for services that use API keys.")
        }
        let held = serviceCredentials.values.filter {
            $0.account == account && $0.userName == user.name && $0.service == service
        }
        guard held.count < 2 else {
            throw IAMErrors.limitExceeded("Cannot exceed quota for ServiceSpecificCredentialsPerUserPerService: 2")
        }
        let created = now
        let login = "\(user.name)-at-\(account)"
        let credential = ServiceCredentialRecord(
            account: account, userName: user.name, id: IdentityIdentifiers.uniqueId("ACCA"), service: service,
            serviceUserName: isAPIKey ? nil : login, alias: isAPIKey ? login : nil,
            secret: isAPIKey ? Self.apiKey(alias: login) : Self.servicePassword(), active: true, createdAt: created,
            expiresAt: ageDays.map { created.addingTimeInterval(Double($0) * 86_400) })
        return (credential, commit([save(credential)]))
    }

    /// The user's credentials (every user's with `userName` nil), optionally of one service.
    public func serviceCredentials(account: String, userName: String?, service: String?) throws
        -> [ServiceCredentialRecord]
    {
        let owner = try userName.map { try user(account: account, name: $0).name }
        if let service { try CredentialService.require(service) }
        return serviceCredentials.values.filter { credential in
            credential.account == account && (owner == nil || credential.userName == owner)
                && (service == nil || credential.service == service)
        }.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    /// Sets a credential active or inactive.
    public func updateServiceCredential(_ id: String, account: String, userName: String?, active: Bool) throws
        -> CommitTicket
    {
        var credential = try serviceCredential(id, account: account, userName: userName)
        credential.active = active
        return commit([save(credential)])
    }

    /// Replaces a credential's password or secret.
    public func resetServiceCredential(_ id: String, account: String, userName: String?) throws
        -> (ServiceCredentialRecord, CommitTicket)
    {
        var credential = try serviceCredential(id, account: account, userName: userName)
        credential.secret =
            credential.alias.map { Self.apiKey(alias: $0) } ?? Self.servicePassword()
        return (credential, commit([save(credential)]))
    }

    public func deleteServiceCredential(_ id: String, account: String, userName: String?) throws -> CommitTicket {
        let credential = try serviceCredential(id, account: account, userName: userName)
        serviceCredentials[credential.id] = nil
        return commit([.delete(.serviceCredential, key: credential.id)])
    }

    /// The credential `id` of the user (any user of the account with `userName` nil); the user is
    /// looked up first, as AWS does.
    func serviceCredential(_ id: String, account: String, userName: String?) throws -> ServiceCredentialRecord {
        let owner = try userName.map { try user(account: account, name: $0).name }
        guard let credential = serviceCredentials[id], credential.account == account,
            owner == nil || credential.userName == owner
        else { throw IAMErrors.noSuchEntity("No such credential \(id) exists") }
        return credential
    }

    /// A password as AWS generates them: 32 random bytes in base64 (44 characters).
    static func servicePassword() -> String {
        var generator = SystemRandomNumberGenerator()
        return Data((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }).base64EncodedString()
    }

    /// An API key in the form Bedrock's take: `ABSK` and the base64 of the alias and a secret.
    static func apiKey(alias: String) -> String {
        "ABSK" + Data("\(alias):\(IdentityIdentifiers.secret())".utf8).base64EncodedString()
    }
}
