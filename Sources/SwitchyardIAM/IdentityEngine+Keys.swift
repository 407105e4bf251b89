import Foundation
import SwitchyardCore

// Access keys and instance profiles.
extension IdentityEngine {
    /// Creates an access key for a user (or for the account's root, `userName` nil); at most two each.
    public func createAccessKey(account: String, userName: String?) throws -> (AccessKeyRecord, CommitTicket) {
        let owner = try userName.map { try user(account: account, name: $0).name }
        let existing = accessKeys.values.filter { $0.account == account && $0.userName == owner }
        guard existing.count < 2 else {
            throw IAMErrors.limitExceeded("Cannot exceed quota for AccessKeysPerUser: 2")
        }
        let key = AccessKeyRecord(
            account: account, userName: owner, id: IdentityIdentifiers.accessKeyId(prefix: "AKIA", account: account),
            secret: IdentityIdentifiers.secret(), active: true, createdAt: now)
        return (key, commit([save(key)]))
    }

    func accessKey(_ id: String, account: String, owner: AccessKeyOwner) throws -> AccessKeyRecord {
        guard let key = accessKeys[id], key.account == account, owner.holds(key) else {
            throw IAMErrors.noSuchEntity("The Access Key with id \(id) cannot be found.")
        }
        return key
    }

    public func updateAccessKey(_ id: String, account: String, owner: AccessKeyOwner, active: Bool) throws
        -> CommitTicket
    {
        var key = try accessKey(id, account: account, owner: owner)
        key.active = active
        return commit([save(key)])
    }

    public func deleteAccessKey(_ id: String, account: String, owner: AccessKeyOwner) throws -> CommitTicket {
        let key = try accessKey(id, account: account, owner: owner)
        accessKeys[key.id] = nil
        directory.remove(key.id)
        return commit([.delete(.accessKey, key: key.id)])
    }

    public func listAccessKeys(account: String, userName: String?) throws -> [AccessKeyRecord] {
        let owner = try userName.map { try user(account: account, name: $0).name }
        return accessKeys.values.filter { $0.account == account && $0.userName == owner }
            .sorted { $0.createdAt < $1.createdAt }
    }

    /// The key and its owner, for GetAccessKeyLastUsed (any key of the account).
    public func accessKeyRecord(_ id: String, account: String) throws -> AccessKeyRecord {
        try accessKey(id, account: account, owner: .anyone)
    }

    // MARK: Instance profiles

    public func createInstanceProfile(account: String, name: String, path: String, tags: [TagPair]) throws
        -> (InstanceProfileRecord, CommitTicket)
    {
        let key = EntityKey(account, name)
        guard profiles[key] == nil else {
            throw IAMErrors.alreadyExists("Instance Profile \(name) already exists.")
        }
        let profile = InstanceProfileRecord(
            account: account, name: name, path: path, id: IdentityIdentifiers.uniqueId("AIPA"), createdAt: now,
            roles: [], tags: try IAMTags.merge([], tags))
        return (profile, commit([save(profile)]))
    }

    public func instanceProfile(account: String, name: String) throws -> InstanceProfileRecord {
        guard let profile = profiles[EntityKey(account, name)] else { throw IAMErrors.noSuchInstanceProfile(name) }
        return profile
    }

    public func listInstanceProfiles(account: String, pathPrefix: String?, role: String? = nil) throws
        -> [InstanceProfileRecord]
    {
        let roleName = try role.map { try self.role(account: account, name: $0).name }
        return profiles.values.filter { profile in
            profile.account == account && profile.path.hasPrefix(pathPrefix ?? "/")
                && (roleName.map { profile.roles.contains($0) } ?? true)
        }.sorted { $0.name.lowercased() < $1.name.lowercased() }
    }

    public func deleteInstanceProfile(account: String, name: String) throws -> CommitTicket {
        let profile = try instanceProfile(account: account, name: name)
        guard profile.roles.isEmpty else {
            throw IAMErrors.deleteConflict("Cannot delete entity, must remove roles from instance profile first.")
        }
        let key = EntityKey(account, name)
        profiles[key] = nil
        return commit([.delete(.instanceProfile, key: key.storageKey)])
    }

    public func addRole(_ roleName: String, toProfile profileName: String, account: String) throws -> CommitTicket {
        var profile = try instanceProfile(account: account, name: profileName)
        let role = try role(account: account, name: roleName)
        guard profile.roles.isEmpty else {
            throw IAMErrors.limitExceeded("Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1")
        }
        profile.roles.append(role.name)
        return commit([save(profile)])
    }

    public func removeRole(_ roleName: String, fromProfile profileName: String, account: String) throws
        -> CommitTicket
    {
        var profile = try instanceProfile(account: account, name: profileName)
        let role = try role(account: account, name: roleName)
        guard profile.roles.contains(role.name) else {
            throw IAMErrors.noSuchEntity("Role \(roleName) in Instance Profile \(profileName) cannot be found.")
        }
        profile.roles.removeAll { $0 == role.name }
        return commit([save(profile)])
    }

    public func tagInstanceProfile(account: String, name: String, tags: [TagPair]) throws -> CommitTicket {
        var profile = try instanceProfile(account: account, name: name)
        profile.tags = try IAMTags.merge(profile.tags, tags)
        return commit([save(profile)])
    }

    public func untagInstanceProfile(account: String, name: String, keys: [String]) throws -> CommitTicket {
        var profile = try instanceProfile(account: account, name: name)
        profile.tags = IAMTags.removing(keys, from: profile.tags)
        return commit([save(profile)])
    }
}

// Account aliases and counts.
extension IdentityEngine {
    public func accountAliases(account: String) -> [String] {
        aliases[account].map { [$0] } ?? []
    }

    /// An account has at most one alias, unique across accounts.
    public func setAccountAlias(_ alias: String, account: String) throws -> CommitTicket {
        if let owner = aliases.first(where: { $0.value == alias })?.key, owner != account {
            throw IAMErrors.alreadyExists("The account alias \(alias) already exists.")
        }
        aliases[account] = alias
        return commit([put(.accountAlias, account, AccountAliasRecord(account: account, alias: alias))])
    }

    public func deleteAccountAlias(_ alias: String, account: String) throws -> CommitTicket {
        guard aliases[account] == alias else {
            throw IAMErrors.noSuchEntity("The account alias \(alias) cannot be found.")
        }
        aliases[account] = nil
        return commit([.delete(.accountAlias, key: account)])
    }

    public func policyVersionCount(account: String) -> Int {
        policies.values.filter { $0.account == account }.reduce(0) { $0 + $1.versions.count }
    }
}

/// An account's alias.
struct AccountAliasRecord: Codable, Sendable {
    var account: String
    var alias: String
}

/// Whose access key an operation may touch.
public enum AccessKeyOwner: Sendable {
    /// The named user's (IAM compares names without regard to case).
    case user(String)
    /// The account root's own keys.
    case root
    /// Any key of the account.
    case anyone

    func holds(_ key: AccessKeyRecord) -> Bool {
        switch self {
        case .user(let name): key.userName?.lowercased() == name.lowercased()
        case .root: key.userName == nil
        case .anyone: true
        }
    }
}
