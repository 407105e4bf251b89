import Foundation
import SwitchyardCore
import SwitchyardPlatform
import SwitchyardWire

/// An IAM entity's place: its account and its name, which IAM compares without regard to case.
struct EntityKey: Hashable, Sendable {
    var account: String
    var name: String

    init(_ account: String, _ name: String) {
        self.account = account
        self.name = name.lowercased()
    }

    var storageKey: String { "\(account)/\(name)" }
}

/// IAM and STS state: users, roles, groups, managed policies, access keys, instance profiles and
/// the temporary credentials STS issued, of every account.
///
/// One actor owns it in memory and submits every change to the store before answering, like the
/// other engines. Access keys and sessions are also published to a `CredentialDirectory`, which the
/// request path reads without waiting for this actor.
public actor IdentityEngine {
    let store: any IdentityStore
    let clock: any ServiceClock
    /// Every key and session that can sign requests, for identity resolution.
    public nonisolated let directory: CredentialDirectory
    var users: [EntityKey: UserRecord] = [:]
    var roles: [EntityKey: RoleRecord] = [:]
    var groups: [EntityKey: GroupRecord] = [:]
    /// Customer managed policies by account and name.
    var policies: [EntityKey: ManagedPolicyRecord] = [:]
    var profiles: [EntityKey: InstanceProfileRecord] = [:]
    var accessKeys: [String: AccessKeyRecord] = [:]
    var sessions: [String: SessionRecord] = [:]
    var serviceCredentials: [String: ServiceCredentialRecord] = [:]
    var oidcProviders: [String: OIDCProviderRecord] = [:]
    var samlProviders: [String: SAMLProviderRecord] = [:]
    var sshKeys: [String: SSHPublicKeyRecord] = [:]
    /// Server certificates by account and name.
    var serverCertificates: [EntityKey: ServerCertificateRecord] = [:]
    var signingCertificates: [String: SigningCertificateRecord] = [:]
    /// MFA devices by account and serial number.
    var mfaDevices: [String: MFADeviceRecord] = [:]
    /// The last credential report by account.
    var credentialReports: [String: CredentialReportRecord] = [:]
    /// Password policies by account.
    var passwordPolicies: [String: PasswordPolicyRecord] = [:]
    /// Account-wide settings by account.
    var accountSettings: [String: AccountSettingsRecord] = [:]
    /// Each principal's use of services, by entity id.
    var serviceAccess: [String: ServiceAccessRecord] = [:]
    /// Service last accessed reports by job id.
    var accessReports: [String: AccessReportRecord] = [:]
    /// Temporary delegation requests by id, and the partners' policy templates by name.
    var delegationRequests: [String: DelegationRequestRecord] = [:]
    var delegationTemplates: [String: DelegationTemplateRecord] = [:]
    var lastSessionPrune = Date(timeIntervalSince1970: 0)
    /// Account aliases by account.
    var aliases: [String: String] = [:]

    let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .millisecondsSince1970
        return encoder
    }()

    /// - Parameter directory: where issued credentials are published for identity resolution.
    public init(
        store: any IdentityStore, clock: any ServiceClock = SystemClock(),
        directory: CredentialDirectory = CredentialDirectory()
    ) throws {
        self.store = store
        self.clock = clock
        self.directory = directory
        let loaded = try Self.load(store)
        users = loaded.users
        roles = loaded.roles
        groups = loaded.groups
        policies = loaded.policies
        profiles = loaded.profiles
        accessKeys = loaded.accessKeys
        sessions = loaded.sessions
        serviceCredentials = loaded.serviceCredentials
        oidcProviders = loaded.oidcProviders
        samlProviders = loaded.samlProviders
        sshKeys = loaded.sshKeys
        serverCertificates = loaded.serverCertificates
        signingCertificates = loaded.signingCertificates
        mfaDevices = loaded.mfaDevices
        credentialReports = loaded.credentialReports
        passwordPolicies = loaded.passwordPolicies
        accountSettings = loaded.accountSettings
        serviceAccess = loaded.serviceAccess
        accessReports = loaded.accessReports
        delegationRequests = loaded.delegationRequests
        delegationTemplates = loaded.delegationTemplates
        aliases = loaded.aliases
        directory.replaceAll(loaded.credentials)
        store.lineage?.onBroken { [weak self] in try await self?.reloadAfterFailedWrite() }
    }

    struct Loaded {
        var users: [EntityKey: UserRecord] = [:]
        var roles: [EntityKey: RoleRecord] = [:]
        var groups: [EntityKey: GroupRecord] = [:]
        var policies: [EntityKey: ManagedPolicyRecord] = [:]
        var profiles: [EntityKey: InstanceProfileRecord] = [:]
        var accessKeys: [String: AccessKeyRecord] = [:]
        var sessions: [String: SessionRecord] = [:]
        var serviceCredentials: [String: ServiceCredentialRecord] = [:]
        var oidcProviders: [String: OIDCProviderRecord] = [:]
        var samlProviders: [String: SAMLProviderRecord] = [:]
        var sshKeys: [String: SSHPublicKeyRecord] = [:]
        var serverCertificates: [EntityKey: ServerCertificateRecord] = [:]
        var signingCertificates: [String: SigningCertificateRecord] = [:]
        var mfaDevices: [String: MFADeviceRecord] = [:]
        var credentialReports: [String: CredentialReportRecord] = [:]
        var passwordPolicies: [String: PasswordPolicyRecord] = [:]
        var accountSettings: [String: AccountSettingsRecord] = [:]
        var serviceAccess: [String: ServiceAccessRecord] = [:]
        var accessReports: [String: AccessReportRecord] = [:]
        var delegationRequests: [String: DelegationRequestRecord] = [:]
        var delegationTemplates: [String: DelegationTemplateRecord] = [:]
        var aliases: [String: String] = [:]

        /// What the directory publishes: every access key and every session.
        var credentials: [IssuedCredential] {
            accessKeys.values.map { key in IdentityEngine.credential(key, users: users) }
                + sessions.values.map(IdentityEngine.credential)
        }
    }

    static func load(_ store: any IdentityStore) throws -> Loaded {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        let records = try store.load()
        func all<T: Decodable>(_ kind: IdentityKind, _ type: T.Type) -> [T] {
            (records[kind] ?? []).compactMap { try? decoder.decode(T.self, from: $0) }
        }
        var loaded = Loaded()
        for user in all(.user, UserRecord.self) { loaded.users[EntityKey(user.account, user.name)] = user }
        for role in all(.role, RoleRecord.self) { loaded.roles[EntityKey(role.account, role.name)] = role }
        for group in all(.group, GroupRecord.self) { loaded.groups[EntityKey(group.account, group.name)] = group }
        for policy in all(.policy, ManagedPolicyRecord.self) {
            loaded.policies[EntityKey(policy.account, policy.name)] = policy
        }
        for profile in all(.instanceProfile, InstanceProfileRecord.self) {
            loaded.profiles[EntityKey(profile.account, profile.name)] = profile
        }
        for key in all(.accessKey, AccessKeyRecord.self) { loaded.accessKeys[key.id] = key }
        for session in all(.session, SessionRecord.self) { loaded.sessions[session.accessKeyId] = session }
        for credential in all(.serviceCredential, ServiceCredentialRecord.self) {
            loaded.serviceCredentials[credential.id] = credential
        }
        for provider in all(.openIDConnectProvider, OIDCProviderRecord.self) {
            loaded.oidcProviders[provider.storageKey] = provider
        }
        for provider in all(.samlProvider, SAMLProviderRecord.self) {
            loaded.samlProviders[provider.storageKey] = provider
        }
        for key in all(.sshPublicKey, SSHPublicKeyRecord.self) { loaded.sshKeys[key.id] = key }
        for record in all(.serverCertificate, ServerCertificateRecord.self) {
            loaded.serverCertificates[EntityKey(record.account, record.name)] = record
        }
        for record in all(.signingCertificate, SigningCertificateRecord.self) {
            loaded.signingCertificates[record.id] = record
        }
        for device in all(.mfaDevice, MFADeviceRecord.self) { loaded.mfaDevices[device.storageKey] = device }
        for report in all(.credentialReport, CredentialReportRecord.self) {
            loaded.credentialReports[report.account] = report
        }
        for policy in all(.passwordPolicy, PasswordPolicyRecord.self) {
            loaded.passwordPolicies[policy.account] = policy
        }
        for settings in all(.accountSettings, AccountSettingsRecord.self) {
            loaded.accountSettings[settings.account] = settings
        }
        for record in all(.serviceAccess, ServiceAccessRecord.self) { loaded.serviceAccess[record.entityId] = record }
        for report in all(.accessReport, AccessReportRecord.self) { loaded.accessReports[report.jobId] = report }
        for request in all(.delegationRequest, DelegationRequestRecord.self) {
            loaded.delegationRequests[request.id] = request
        }
        for template in all(.delegationTemplate, DelegationTemplateRecord.self) {
            loaded.delegationTemplates[template.name] = template
        }
        for alias in all(.accountAlias, AccountAliasRecord.self) { loaded.aliases[alias.account] = alias.alias }
        return loaded
    }

    /// A write failed to commit: memory is replaced with what storage holds, the directory with it.
    func reloadAfterFailedWrite() throws {
        guard let lineage = store.lineage, lineage.isBroken else { return }
        let loaded = try Self.load(store)
        users = loaded.users
        roles = loaded.roles
        groups = loaded.groups
        policies = loaded.policies
        profiles = loaded.profiles
        accessKeys = loaded.accessKeys
        sessions = loaded.sessions
        serviceCredentials = loaded.serviceCredentials
        oidcProviders = loaded.oidcProviders
        samlProviders = loaded.samlProviders
        sshKeys = loaded.sshKeys
        serverCertificates = loaded.serverCertificates
        signingCertificates = loaded.signingCertificates
        mfaDevices = loaded.mfaDevices
        credentialReports = loaded.credentialReports
        passwordPolicies = loaded.passwordPolicies
        accountSettings = loaded.accountSettings
        serviceAccess = loaded.serviceAccess
        accessReports = loaded.accessReports
        delegationRequests = loaded.delegationRequests
        delegationTemplates = loaded.delegationTemplates
        aliases = loaded.aliases
        directory.replaceAll(loaded.credentials)
        lineage.recovered()
    }

    /// Forgets everything (the reset endpoint).
    public func reset() -> CommitTicket {
        users.removeAll()
        roles.removeAll()
        groups.removeAll()
        policies.removeAll()
        profiles.removeAll()
        accessKeys.removeAll()
        sessions.removeAll()
        serviceCredentials.removeAll()
        oidcProviders.removeAll()
        samlProviders.removeAll()
        sshKeys.removeAll()
        serverCertificates.removeAll()
        signingCertificates.removeAll()
        mfaDevices.removeAll()
        credentialReports.removeAll()
        passwordPolicies.removeAll()
        accountSettings.removeAll()
        serviceAccess.removeAll()
        accessReports.removeAll()
        delegationRequests.removeAll()
        delegationTemplates.removeAll()
        _ = directory.usage.drain()
        aliases.removeAll()
        directory.replaceAll([])
        return store.wipe()
    }

    var now: Date { Date(timeIntervalSince1970: Double(clock.nowMillis()) / 1000) }

    // MARK: Persistence

    func put<T: Encodable>(_ kind: IdentityKind, _ key: String, _ record: T) -> IdentityChange {
        // Encoding these plain records cannot fail; an empty record would be skipped at load.
        .put(kind, key: key, (try? encoder.encode(record)) ?? Data())
    }

    func save(_ user: UserRecord) -> IdentityChange {
        users[EntityKey(user.account, user.name)] = user
        return put(.user, EntityKey(user.account, user.name).storageKey, user)
    }

    func save(_ role: RoleRecord) -> IdentityChange {
        roles[EntityKey(role.account, role.name)] = role
        return put(.role, EntityKey(role.account, role.name).storageKey, role)
    }

    func save(_ group: GroupRecord) -> IdentityChange {
        groups[EntityKey(group.account, group.name)] = group
        return put(.group, EntityKey(group.account, group.name).storageKey, group)
    }

    func save(_ policy: ManagedPolicyRecord) -> IdentityChange {
        policies[EntityKey(policy.account, policy.name)] = policy
        return put(.policy, EntityKey(policy.account, policy.name).storageKey, policy)
    }

    func save(_ profile: InstanceProfileRecord) -> IdentityChange {
        profiles[EntityKey(profile.account, profile.name)] = profile
        return put(.instanceProfile, EntityKey(profile.account, profile.name).storageKey, profile)
    }

    func save(_ key: AccessKeyRecord) -> IdentityChange {
        accessKeys[key.id] = key
        directory.put(Self.credential(key, users: users))
        return put(.accessKey, key.id, key)
    }

    func save(_ session: SessionRecord) -> IdentityChange {
        sessions[session.accessKeyId] = session
        directory.put(Self.credential(session))
        return put(.session, session.accessKeyId, session)
    }

    func save(_ credential: ServiceCredentialRecord) -> IdentityChange {
        serviceCredentials[credential.id] = credential
        return put(.serviceCredential, credential.id, credential)
    }

    func save(_ provider: OIDCProviderRecord) -> IdentityChange {
        oidcProviders[provider.storageKey] = provider
        return put(.openIDConnectProvider, provider.storageKey, provider)
    }

    func save(_ provider: SAMLProviderRecord) -> IdentityChange {
        samlProviders[provider.storageKey] = provider
        return put(.samlProvider, provider.storageKey, provider)
    }

    func save(_ key: SSHPublicKeyRecord) -> IdentityChange {
        sshKeys[key.id] = key
        return put(.sshPublicKey, key.id, key)
    }

    func save(_ record: ServerCertificateRecord) -> IdentityChange {
        serverCertificates[EntityKey(record.account, record.name)] = record
        return put(.serverCertificate, record.storageKey, record)
    }

    func save(_ record: SigningCertificateRecord) -> IdentityChange {
        signingCertificates[record.id] = record
        return put(.signingCertificate, record.id, record)
    }

    func save(_ device: MFADeviceRecord) -> IdentityChange {
        mfaDevices[device.storageKey] = device
        return put(.mfaDevice, device.storageKey, device)
    }

    func save(_ report: CredentialReportRecord) -> IdentityChange {
        credentialReports[report.account] = report
        return put(.credentialReport, report.account, report)
    }

    func save(_ policy: PasswordPolicyRecord) -> IdentityChange {
        passwordPolicies[policy.account] = policy
        return put(.passwordPolicy, policy.account, policy)
    }

    func commit(_ changes: [IdentityChange]) -> CommitTicket {
        changes.isEmpty ? .alreadyCommitted : store.submit(changes)
    }

    // MARK: Credentials

    static func credential(_ key: AccessKeyRecord, users: [EntityKey: UserRecord]) -> IssuedCredential {
        let user = key.userName.flatMap { users[EntityKey(key.account, $0)] }
        return IssuedCredential(
            accessKeyId: key.id, secret: key.secret, account: key.account,
            principalArn: user?.arn ?? "arn:aws:iam::\(key.account):root", userId: user?.id ?? key.account,
            sessionToken: nil, expiration: nil, active: key.active, roleArn: nil)
    }

    static func credential(_ session: SessionRecord) -> IssuedCredential {
        IssuedCredential(
            accessKeyId: session.accessKeyId, secret: session.secret, account: session.account,
            principalArn: session.arn, userId: session.userId, sessionToken: session.token,
            expiration: session.expiration, active: true, roleArn: session.roleArn)
    }
}
