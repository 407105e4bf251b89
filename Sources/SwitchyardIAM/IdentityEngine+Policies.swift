import Foundation
import SwitchyardCore

/// An identity that holds policies: a user, a role or a group, by name.
public enum PolicyOwner: Sendable {
    case user(String)
    case role(String)
    case group(String)

    var name: String {
        switch self {
        case .user(let name), .role(let name), .group(let name): return name
        }
    }
}

// Managed policies and their versions, inline policies, attachments.
extension IdentityEngine {
    public func createPolicy(
        account: String, name: String, path: String, document: String, description: String?, tags: [TagPair]
    ) throws -> (ManagedPolicyRecord, CommitTicket) {
        let key = EntityKey(account, name)
        guard policies[key] == nil else {
            throw IAMErrors.alreadyExists("A policy called \(name) already exists. Duplicate names are not allowed.")
        }
        try PolicyDocuments.validate(document, kind: .managed)
        let created = now
        let policy = ManagedPolicyRecord(
            account: account, name: name, path: path, id: IdentityIdentifiers.uniqueId("ANPA"), createdAt: created,
            updatedAt: created, description: description,
            versions: [PolicyVersionRecord(id: "v1", document: document, createdAt: created)], defaultVersion: "v1",
            nextVersion: 2, tags: try IAMTags.merge([], tags, caseSensitive: true))
        return (policy, commit([save(policy)]))
    }

    /// A customer managed policy of the caller's account, by ARN.
    func customerPolicy(_ arn: String, account: String) throws -> ManagedPolicyRecord {
        guard let parts = IAMArn.parse(arn), parts.kind == "policy", parts.account == account,
            let policy = policies[EntityKey(account, parts.name)], policy.arn == arn
        else {
            throw IAMErrors.noSuchEntity("Policy \(arn) was not found.")
        }
        return policy
    }

    /// A managed policy by ARN as the reading operations see it: the account's own, or AWS's.
    public func managedPolicy(_ arn: String, account: String) throws -> ManagedPolicyView {
        if let managed = AWSManagedPolicies.policy(arn) {
            return ManagedPolicyView(aws: managed, attachments: attachmentCount(arn, account: account))
        }
        let policy = try customerPolicy(arn, account: account)
        return ManagedPolicyView(policy, attachments: attachmentCount(arn, account: account))
    }

    public func listPolicies(account: String, scope: String?, onlyAttached: Bool, pathPrefix: String?)
        -> [ManagedPolicyView]
    {
        var result: [ManagedPolicyView] = []
        if scope != "AWS" {
            result += policies.values.filter { $0.account == account && $0.path.hasPrefix(pathPrefix ?? "/") }
                .map { ManagedPolicyView($0, attachments: attachmentCount($0.arn, account: account)) }
        }
        if scope != "Local" {
            result += AWSManagedPolicies.all.filter { $0.path.hasPrefix(pathPrefix ?? "/") }
                .map { ManagedPolicyView(aws: $0, attachments: attachmentCount($0.arn, account: account)) }
        }
        if onlyAttached { result = result.filter { $0.attachments > 0 } }
        return result.sorted { $0.name.lowercased() < $1.name.lowercased() }
    }

    /// A policy of another account (AWS's own included) cannot be changed, whether or not it exists.
    func requireOwnPolicy(_ arn: String, account: String, _ message: String) throws {
        if let parts = IAMArn.parse(arn), parts.account != account {
            throw IAMErrors.accessDenied(message)
        }
    }

    public func deletePolicy(_ arn: String, account: String) throws -> CommitTicket {
        try requireOwnPolicy(arn, account: account, "Cannot delete policies outside your own account.")
        let policy = try customerPolicy(arn, account: account)
        if attachmentCount(arn, account: account) > 0 {
            throw IAMErrors.deleteConflict("Cannot delete a policy attached to entities.")
        }
        if policy.versions.count > 1 {
            throw IAMErrors.deleteConflict(
                "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy."
            )
        }
        let key = EntityKey(account, policy.name)
        policies[key] = nil
        return commit([.delete(.policy, key: key.storageKey)])
    }

    public func createPolicyVersion(_ arn: String, account: String, document: String, setAsDefault: Bool) throws
        -> (PolicyVersionRecord, CommitTicket)
    {
        var policy = try customerPolicy(arn, account: account)
        guard policy.versions.count < 5 else {
            throw IAMErrors.limitExceeded(
                "A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version."
            )
        }
        try PolicyDocuments.validate(document, kind: .managed)
        let version = PolicyVersionRecord(id: "v\(policy.nextVersion)", document: document, createdAt: now)
        policy.nextVersion += 1
        policy.versions.append(version)
        if setAsDefault { policy.defaultVersion = version.id }
        policy.updatedAt = version.createdAt
        return (version, commit([save(policy)]))
    }

    public func policyVersions(_ arn: String, account: String) throws -> (ManagedPolicyView, [PolicyVersionRecord]) {
        if let managed = AWSManagedPolicies.policy(arn) {
            return (
                ManagedPolicyView(aws: managed, attachments: attachmentCount(arn, account: account)),
                [PolicyVersionRecord(id: managed.version, document: managed.document, createdAt: managed.updatedAt)]
                    + managed.earlierVersions
            )
        }
        let policy = try customerPolicy(arn, account: account)
        return (
            ManagedPolicyView(policy, attachments: attachmentCount(arn, account: account)), policy.versions.reversed()
        )
    }

    public func deletePolicyVersion(_ arn: String, account: String, version: String) throws -> CommitTicket {
        try requireOwnPolicy(
            arn, account: account, "Cannot delete policy versions for policies outside your own account.")
        var policy = try customerPolicy(arn, account: account)
        guard let index = policy.versions.firstIndex(where: { $0.id == version }) else {
            throw IAMErrors.noSuchVersion(arn, version)
        }
        guard version != policy.defaultVersion else {
            throw IAMErrors.deleteConflict("Cannot delete the default version of a policy.")
        }
        policy.versions.remove(at: index)
        return commit([save(policy)])
    }

    public func setDefaultPolicyVersion(_ arn: String, account: String, version: String) throws -> CommitTicket {
        try requireOwnPolicy(arn, account: account, "Cannot update policies outside your own account.")
        guard var policy = try? customerPolicy(arn, account: account),
            policy.versions.contains(where: { $0.id == version })
        else { throw IAMErrors.noSuchVersion(arn, version) }
        policy.defaultVersion = version
        policy.updatedAt = now
        return commit([save(policy)])
    }

    public func tagPolicy(_ arn: String, account: String, tags: [TagPair]) throws -> CommitTicket {
        var policy = try customerPolicy(arn, account: account)
        policy.tags = try IAMTags.merge(policy.tags, tags, caseSensitive: true)
        return commit([save(policy)])
    }

    public func untagPolicy(_ arn: String, account: String, keys: [String]) throws -> CommitTicket {
        var policy = try customerPolicy(arn, account: account)
        policy.tags = IAMTags.removing(keys, from: policy.tags, caseSensitive: true)
        return commit([save(policy)])
    }

    // MARK: Attachments

    /// Throws unless `arn` names a managed policy that can serve as a permissions boundary.
    func requireBoundary(_ arn: String, account: String) throws {
        guard let parts = IAMArn.parse(arn), parts.kind == "policy" else {
            throw IAMErrors.invalidInput("ARN \(arn) is not valid.")
        }
        do { try requireAttachable(arn, account: account) } catch {
            throw IAMErrors.noSuchEntity("Scope ARN: \(arn) does not exist or is not attachable.")
        }
    }

    /// Throws unless `arn` names a managed policy that can be attached in `account`.
    func requireAttachable(_ arn: String, account: String) throws {
        if AWSManagedPolicies.isAWSManaged(arn) {
            guard AWSManagedPolicies.policy(arn) != nil || AWSManagedPolicies.looksValid(arn) else {
                throw IAMErrors.noSuchPolicy(arn)
            }
            return
        }
        guard let parts = IAMArn.parse(arn), parts.kind == "policy", parts.account == account,
            policies[EntityKey(account, parts.name)]?.arn == arn
        else { throw IAMErrors.noSuchPolicy(arn) }
    }

    func attachmentCount(_ arn: String, account: String) -> Int {
        users.values.filter { $0.account == account && $0.policies.attached.contains(arn) }.count
            + roles.values.filter { $0.account == account && $0.policies.attached.contains(arn) }.count
            + groups.values.filter { $0.account == account && $0.policies.attached.contains(arn) }.count
    }

    /// Throws for a service-linked role: only its service changes its policies.
    func requireModifiable(_ owner: PolicyOwner, account: String) throws {
        if case .role(let name) = owner { try requireModifiable(try role(account: account, name: name)) }
    }

    func holder(_ owner: PolicyOwner, account: String) throws -> PolicyHolder {
        switch owner {
        case .user(let name): return try user(account: account, name: name).policies
        case .role(let name): return try role(account: account, name: name).policies
        case .group(let name): return try group(account: account, name: name).policies
        }
    }

    func updateHolder(_ owner: PolicyOwner, account: String, _ change: (inout PolicyHolder) throws -> Void) throws
        -> IdentityChange
    {
        switch owner {
        case .user(let name):
            var user = try user(account: account, name: name)
            try change(&user.policies)
            return save(user)
        case .role(let name):
            var role = try role(account: account, name: name)
            try change(&role.policies)
            return save(role)
        case .group(let name):
            var group = try group(account: account, name: name)
            try change(&group.policies)
            return save(group)
        }
    }

    public func attachPolicy(_ arn: String, to owner: PolicyOwner, account: String) throws -> CommitTicket {
        // What is not an ARN at all (a policy's bare name, say) is refused before any lookup. AWS
        // said "Invalid ARN:  Could not be parsed!" until 2025 and this since 2026.
        guard arn.hasPrefix("arn:"), arn.split(separator: ":", omittingEmptySubsequences: false).count >= 6 else {
            throw IAMErrors.validation("ARN \(arn) is not valid.")
        }
        _ = try holder(owner, account: account)
        try requireModifiable(owner, account: account)
        try requireAttachable(arn, account: account)
        let change = try updateHolder(owner, account: account) { holder in
            if !holder.attached.contains(arn) { holder.attached.append(arn) }
        }
        return commit([change])
    }

    public func detachPolicy(_ arn: String, from owner: PolicyOwner, account: String) throws -> CommitTicket {
        try requireModifiable(owner, account: account)
        guard try holder(owner, account: account).attached.contains(arn) else {
            throw IAMErrors.noSuchEntity("Policy \(arn) was not found.")
        }
        let change = try updateHolder(owner, account: account) { holder in holder.attached.removeAll { $0 == arn } }
        return commit([change])
    }

    public func attachedPolicies(of owner: PolicyOwner, account: String, pathPrefix: String?) throws -> [String] {
        try holder(owner, account: account).attached.filter { arn in
            guard let prefix = pathPrefix else { return true }
            return IAMArn.parse(arn)?.path.hasPrefix(prefix) ?? false
        }
    }

    /// The users, groups and roles a managed policy is attached to.
    public func entities(of arn: String, account: String) throws -> (
        users: [UserRecord], groups: [GroupRecord], roles: [RoleRecord]
    ) {
        guard (try? managedPolicy(arn, account: account)) != nil else { throw IAMErrors.noSuchPolicy(arn) }
        return (
            listUsers(account: account, pathPrefix: nil).filter { $0.policies.attached.contains(arn) },
            listGroups(account: account, pathPrefix: nil).filter { $0.policies.attached.contains(arn) },
            listRoles(account: account, pathPrefix: nil).filter { $0.policies.attached.contains(arn) }
        )
    }

    // MARK: Inline policies

    public func putInlinePolicy(_ name: String, document: String, owner: PolicyOwner, account: String) throws
        -> CommitTicket
    {
        try requireModifiable(owner, account: account)
        try PolicyDocuments.validate(document, kind: .identity)
        let change = try updateHolder(owner, account: account) { $0.putInline(name, document) }
        return commit([change])
    }

    public func inlinePolicy(_ name: String, owner: PolicyOwner, account: String) throws -> String {
        guard let document = try holder(owner, account: account).inline[name] else {
            throw IAMErrors.noSuchEntity("The \(Self.kindName(owner)) policy with name \(name) cannot be found.")
        }
        return document
    }

    public func deleteInlinePolicy(_ name: String, owner: PolicyOwner, account: String) throws -> CommitTicket {
        try requireModifiable(owner, account: account)
        var found = false
        let change = try updateHolder(owner, account: account) { found = $0.deleteInline(name) }
        guard found else {
            throw IAMErrors.noSuchEntity("The \(Self.kindName(owner)) policy with name \(name) cannot be found.")
        }
        return commit([change])
    }

    public func inlinePolicyNames(owner: PolicyOwner, account: String) throws -> [String] {
        try holder(owner, account: account).inlineOrder.sorted()
    }

    static func kindName(_ owner: PolicyOwner) -> String {
        switch owner {
        case .user: return "user"
        case .role: return "role"
        case .group: return "group"
        }
    }
}

/// A managed policy as the read operations show it: customer managed or AWS managed.
public struct ManagedPolicyView: Sendable {
    public var arn: String
    public var name: String
    public var path: String
    public var id: String
    public var defaultVersion: String
    public var attachments: Int
    public var createdAt: Date
    public var updatedAt: Date
    public var description: String?
    public var tags: [TagPair]
    public var document: String

    init(_ policy: ManagedPolicyRecord, attachments: Int) {
        arn = policy.arn
        name = policy.name
        path = policy.path
        id = policy.id
        defaultVersion = policy.defaultVersion
        self.attachments = attachments
        createdAt = policy.createdAt
        updatedAt = policy.updatedAt
        description = policy.description
        tags = policy.tags
        document = policy.defaultDocument
    }

    init(aws policy: AWSManagedPolicy, attachments: Int) {
        arn = policy.arn
        name = policy.name
        path = policy.path
        id = policy.id
        defaultVersion = policy.version
        self.attachments = attachments
        createdAt = policy.createdAt
        updatedAt = policy.updatedAt
        description = policy.description
        tags = []
        document = policy.document
    }
}
