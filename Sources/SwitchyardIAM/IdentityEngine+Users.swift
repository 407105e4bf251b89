import Foundation
import SwitchyardCore

// Users and groups.
extension IdentityEngine {
    public func createUser(account: String, name: String, path: String, tags: [TagPair], permissionsBoundary: String?)
        throws -> (UserRecord, CommitTicket)
    {
        let key = EntityKey(account, name)
        guard users[key] == nil else { throw IAMErrors.alreadyExists("User with name \(name) already exists.") }
        if let permissionsBoundary { try requireBoundary(permissionsBoundary, account: account) }
        let user = UserRecord(
            account: account, name: name, path: path, id: IdentityIdentifiers.uniqueId("AIDA"), createdAt: now,
            tags: try IAMTags.merge([], tags), permissionsBoundary: permissionsBoundary, policies: PolicyHolder())
        return (user, commit([save(user)]))
    }

    public func user(account: String, name: String) throws -> UserRecord {
        guard let user = users[EntityKey(account, name)] else { throw IAMErrors.noSuchUser(name) }
        return user
    }

    public func listUsers(account: String, pathPrefix: String?) -> [UserRecord] {
        users.values.filter { $0.account == account && $0.path.hasPrefix(pathPrefix ?? "/") }
            .sorted { $0.name.lowercased() < $1.name.lowercased() }
    }

    /// Renames or moves a user; its keys, groups and policies follow.
    public func updateUser(account: String, name: String, newName: String?, newPath: String?) throws -> CommitTicket {
        var user = try user(account: account, name: name)
        var changes: [IdentityChange] = []
        if let newName, newName.lowercased() != name.lowercased() {
            guard users[EntityKey(account, newName)] == nil else {
                throw IAMErrors.alreadyExists("User with name \(newName) already exists.")
            }
            users[EntityKey(account, name)] = nil
            changes.append(.delete(.user, key: EntityKey(account, name).storageKey))
            for var group in groups.values where group.account == account && group.members.contains(user.name) {
                group.members = group.members.map { $0 == user.name ? newName : $0 }
                changes.append(save(group))
            }
            for var key in accessKeys.values where key.account == account && key.userName == user.name {
                key.userName = newName
                accessKeys[key.id] = key
                changes.append(put(.accessKey, key.id, key))
            }
            for var key in sshKeys.values where key.account == account && key.userName == user.name {
                key.userName = newName
                changes.append(save(key))
            }
            for var device in mfaDevices.values where device.account == account && device.userName == user.name {
                device.userName = newName
                changes.append(save(device))
            }
            for var certificate in signingCertificates.values
            where certificate.account == account && certificate.userName == user.name {
                certificate.userName = newName
                changes.append(save(certificate))
            }
            // A service credential follows its user; the name its service knows it by stays.
            for var credential in serviceCredentials.values
            where credential.account == account && credential.userName == user.name {
                credential.userName = newName
                changes.append(save(credential))
            }
        }
        if let newName { user.name = newName }
        if let newPath { user.path = newPath }
        changes.append(save(user))
        // Keys publish the user's ARN: refresh them once the user record is in place.
        for key in accessKeys.values where key.account == account && key.userName == user.name {
            directory.put(Self.credential(key, users: users))
        }
        return commit(changes)
    }

    public func deleteUser(account: String, name: String) throws -> CommitTicket {
        let user = try user(account: account, name: name)
        if accessKeys.values.contains(where: { $0.account == account && $0.userName == user.name }) {
            throw IAMErrors.deleteConflict("Cannot delete entity, must delete access keys first.")
        }
        if !user.policies.attached.isEmpty {
            throw IAMErrors.deleteConflict("Cannot delete entity, must detach all policies first.")
        }
        if !user.policies.inline.isEmpty {
            throw IAMErrors.deleteConflict("Cannot delete entity, must delete policies first.")
        }
        if groups.values.contains(where: { $0.account == account && $0.members.contains(user.name) }) {
            throw IAMErrors.deleteConflict("Cannot delete entity, must remove users from group first.")
        }
        if mfaDevices.values.contains(where: { $0.account == account && $0.userName == user.name }) {
            throw IAMErrors.deleteConflict("Cannot delete entity, must delete MFA device first.")
        }
        if signingCertificates.values.contains(where: { $0.account == account && $0.userName == user.name }) {
            throw IAMErrors.deleteConflict("Cannot delete entity, must delete certificates first.")
        }
        if sshKeys.values.contains(where: { $0.account == account && $0.userName == user.name }) {
            throw IAMErrors.deleteConflict("Cannot delete entity, must remove referenced objects first.")
        }
        if user.loginProfile != nil {
            throw IAMErrors.deleteConflict("Cannot delete entity, must delete login profile first.")
        }
        if serviceCredentials.values.contains(where: { $0.account == account && $0.userName == user.name }) {
            throw IAMErrors.deleteConflict("Cannot delete entity, must remove referenced objects first.")
        }
        let key = EntityKey(account, name)
        users[key] = nil
        return commit([.delete(.user, key: key.storageKey)])
    }

    public func tagUser(account: String, name: String, tags: [TagPair]) throws -> CommitTicket {
        var user = try user(account: account, name: name)
        user.tags = try IAMTags.merge(user.tags, tags)
        return commit([save(user)])
    }

    public func untagUser(account: String, name: String, keys: [String]) throws -> CommitTicket {
        var user = try user(account: account, name: name)
        user.tags = IAMTags.removing(keys, from: user.tags)
        return commit([save(user)])
    }

    public func setUserBoundary(account: String, name: String, boundary: String?) throws -> CommitTicket {
        var user = try user(account: account, name: name)
        if let boundary { try requireBoundary(boundary, account: account) }
        user.permissionsBoundary = boundary
        return commit([save(user)])
    }

    // MARK: Groups

    public func createGroup(account: String, name: String, path: String) throws -> (GroupRecord, CommitTicket) {
        let key = EntityKey(account, name)
        guard groups[key] == nil else { throw IAMErrors.alreadyExists("Group with name \(name) already exists.") }
        let group = GroupRecord(
            account: account, name: name, path: path, id: IdentityIdentifiers.uniqueId("AGPA"), createdAt: now,
            members: [], policies: PolicyHolder())
        return (group, commit([save(group)]))
    }

    public func group(account: String, name: String) throws -> GroupRecord {
        guard let group = groups[EntityKey(account, name)] else { throw IAMErrors.noSuchGroup(name) }
        return group
    }

    public func listGroups(account: String, pathPrefix: String?) -> [GroupRecord] {
        groups.values.filter { $0.account == account && $0.path.hasPrefix(pathPrefix ?? "/") }
            .sorted { $0.name.lowercased() < $1.name.lowercased() }
    }

    public func groups(ofUser name: String, account: String) throws -> [GroupRecord] {
        let user = try user(account: account, name: name)
        return listGroups(account: account, pathPrefix: nil).filter { $0.members.contains(user.name) }
    }

    public func updateGroup(account: String, name: String, newName: String?, newPath: String?) throws -> CommitTicket {
        var group = try group(account: account, name: name)
        var changes: [IdentityChange] = []
        if let newName, newName.lowercased() != name.lowercased() {
            guard groups[EntityKey(account, newName)] == nil else {
                throw IAMErrors.alreadyExists("Group with name \(newName) already exists.")
            }
            groups[EntityKey(account, name)] = nil
            changes.append(.delete(.group, key: EntityKey(account, name).storageKey))
        }
        if let newName { group.name = newName }
        if let newPath { group.path = newPath }
        changes.append(save(group))
        return commit(changes)
    }

    public func deleteGroup(account: String, name: String) throws -> CommitTicket {
        let group = try group(account: account, name: name)
        if !group.members.isEmpty {
            throw IAMErrors.deleteConflict("Cannot delete entity, must remove users from group first.")
        }
        if !group.policies.attached.isEmpty {
            throw IAMErrors.deleteConflict("Cannot delete entity, must detach all policies first.")
        }
        if !group.policies.inline.isEmpty {
            throw IAMErrors.deleteConflict("Cannot delete entity, must delete policies first.")
        }
        let key = EntityKey(account, name)
        groups[key] = nil
        return commit([.delete(.group, key: key.storageKey)])
    }

    public func addUser(_ userName: String, toGroup groupName: String, account: String) throws -> CommitTicket {
        var group = try group(account: account, name: groupName)
        let user = try user(account: account, name: userName)
        guard !group.members.contains(user.name) else { return .alreadyCommitted }
        group.members.append(user.name)
        return commit([save(group)])
    }

    public func removeUser(_ userName: String, fromGroup groupName: String, account: String) throws -> CommitTicket {
        var group = try group(account: account, name: groupName)
        let user = try user(account: account, name: userName)
        // Removing a user who is not a member succeeds, as on AWS.
        guard group.members.contains(user.name) else { return .alreadyCommitted }
        group.members.removeAll { $0 == user.name }
        return commit([save(group)])
    }
}
