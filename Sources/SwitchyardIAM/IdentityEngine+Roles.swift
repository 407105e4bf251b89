import Foundation
import SwitchyardCore

// Roles: create, read, update, delete, tags, and the service-linked kind.
extension IdentityEngine {
    public func createRole(
        account: String, name: String, path: String, trustPolicy: String, description: String?,
        maxSessionDuration: Int?, tags: [TagPair], permissionsBoundary: String?
    ) throws -> (RoleRecord, CommitTicket) {
        let key = EntityKey(account, name)
        guard roles[key] == nil else { throw IAMErrors.alreadyExists("Role with name \(name) already exists.") }
        try PolicyDocuments.validate(trustPolicy, kind: .trust)
        let duration = maxSessionDuration ?? 3600
        try Self.validateMaxSessionDuration(duration)
        if let permissionsBoundary { try requireBoundary(permissionsBoundary, account: account) }
        let role = RoleRecord(
            account: account, name: name, path: path, id: IdentityIdentifiers.uniqueId("AROA"), createdAt: now,
            trustPolicy: trustPolicy, description: description, maxSessionDuration: duration,
            tags: try IAMTags.merge([], tags), permissionsBoundary: permissionsBoundary, policies: PolicyHolder())
        return (role, commit([save(role)]))
    }

    static func validateMaxSessionDuration(_ seconds: Int) throws {
        guard (3600...43_200).contains(seconds) else {
            throw IAMErrors.invalidInput(
                "1 validation error detected: Value '\(seconds)' at 'maxSessionDuration' failed to satisfy constraint: Member must have value less than or equal to 43200"
            )
        }
    }

    public func role(account: String, name: String) throws -> RoleRecord {
        guard let role = roles[EntityKey(account, name)] else { throw IAMErrors.noSuchRole(name) }
        return role
    }

    /// The role an ARN names (any account), for STS.
    public func role(arn: String) -> RoleRecord? {
        guard let parts = IAMArn.parse(arn), parts.kind == "role" else { return nil }
        guard let role = roles[EntityKey(parts.account, parts.name)], role.arn == arn || role.path == parts.path
        else { return nil }
        return role
    }

    public func listRoles(account: String, pathPrefix: String?) -> [RoleRecord] {
        roles.values.filter { $0.account == account && $0.path.hasPrefix(pathPrefix ?? "/") }
            .sorted { $0.name.lowercased() < $1.name.lowercased() }
    }

    public func updateRole(account: String, name: String, description: String?, maxSessionDuration: Int?) throws
        -> CommitTicket
    {
        var role = try role(account: account, name: name)
        if let description { role.description = description }
        if let maxSessionDuration {
            try Self.validateMaxSessionDuration(maxSessionDuration)
            role.maxSessionDuration = maxSessionDuration
        }
        return commit([save(role)])
    }

    public func updateTrustPolicy(account: String, name: String, document: String) throws -> CommitTicket {
        try requireModifiable(try role(account: account, name: name))
        var role = try role(account: account, name: name)
        try PolicyDocuments.validate(document, kind: .trust)
        role.trustPolicy = document
        return commit([save(role)])
    }

    public func setRoleBoundary(account: String, name: String, boundary: String?) throws -> CommitTicket {
        var role = try role(account: account, name: name)
        if let boundary { try requireBoundary(boundary, account: account) }
        role.permissionsBoundary = boundary
        return commit([save(role)])
    }

    public func deleteRole(account: String, name: String) throws -> CommitTicket {
        let role = try role(account: account, name: name)
        try requireModifiable(role)
        if profiles.values.contains(where: { $0.account == account && $0.roles.contains(role.name) }) {
            throw IAMErrors.deleteConflict("Cannot delete entity, must remove roles from instance profile first.")
        }
        if !role.policies.attached.isEmpty {
            throw IAMErrors.deleteConflict("Cannot delete entity, must detach all policies first.")
        }
        if !role.policies.inline.isEmpty {
            throw IAMErrors.deleteConflict("Cannot delete entity, must delete policies first.")
        }
        let key = EntityKey(account, name)
        roles[key] = nil
        return commit([.delete(.role, key: key.storageKey)])
    }

    public func tagRole(account: String, name: String, tags: [TagPair]) throws -> CommitTicket {
        var role = try role(account: account, name: name)
        role.tags = try IAMTags.merge(role.tags, tags)
        return commit([save(role)])
    }

    public func untagRole(account: String, name: String, keys: [String]) throws -> CommitTicket {
        var role = try role(account: account, name: name)
        role.tags = IAMTags.removing(keys, from: role.tags)
        return commit([save(role)])
    }

    /// Records that a role was assumed (RoleLastUsed).
    func markUsed(_ role: RoleRecord, region: String) -> IdentityChange {
        var used = role
        used.lastUsed = now
        used.lastUsedRegion = region
        return save(used)
    }

    // MARK: Service-linked roles

    /// Throws for a role AWS manages for a service: users may describe it, and change its
    /// description, but not delete it or change its policies except through its service.
    func requireModifiable(_ role: RoleRecord) throws {
        guard !ServiceLinkedRoles.isServiceLinked(role) else { throw IAMErrors.protectedRole(role.name) }
    }

    /// Deletes a service-linked role with the policies its service gave it.
    public func deleteServiceLinkedRole(account: String, name: String) throws -> (RoleRecord, CommitTicket) {
        let role = try role(account: account, name: name)
        guard ServiceLinkedRoles.isServiceLinked(role) else {
            throw IAMErrors.invalidInput("Role \(name) is not a service-linked role.")
        }
        if profiles.values.contains(where: { $0.account == account && $0.roles.contains(role.name) }) {
            throw IAMErrors.deleteConflict("Cannot delete entity, must remove roles from instance profile first.")
        }
        let key = EntityKey(account, name)
        roles[key] = nil
        return (role, commit([.delete(.role, key: key.storageKey)]))
    }

    /// Creates the role an AWS service uses on the account's behalf: named `AWSServiceRoleFor<Service>`
    /// (plus `_<suffix>`), under `/aws-service-role/<service>/`, trusting that service.
    public func createServiceLinkedRole(account: String, service: String, description: String?, suffix: String?)
        throws -> (RoleRecord, CommitTicket)
    {
        guard service.hasSuffix(".amazonaws.com"), service.count > ".amazonaws.com".count else {
            throw IAMErrors.invalidInput("Invalid service name: \(service)")
        }
        if suffix != nil, !ServiceLinkedRoles.suffixAllowed.contains(service) {
            throw IAMErrors.invalidInput("Custom suffix is not allowed for \(service)")
        }
        let base = "AWSServiceRoleFor" + ServiceLinkedRoles.name(for: service)
        let name = suffix.map { "\(base)_\($0)" } ?? base
        let key = EntityKey(account, name)
        guard roles[key] == nil else {
            throw IAMErrors.invalidInput(
                "Service role name \(name) has been taken in this account, please try a different suffix.")
        }
        let trust = """
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"\(service)"},"Action":"sts:AssumeRole"}]}
            """
        var policies = PolicyHolder()
        if let arn = ServiceLinkedRoles.policyArn(for: service) { policies.attached = [arn] }
        let role = RoleRecord(
            account: account, name: name, path: "/aws-service-role/\(service)/",
            id: IdentityIdentifiers.uniqueId("AROA"), createdAt: now, trustPolicy: trust, description: description,
            maxSessionDuration: 3600, tags: [], permissionsBoundary: nil, policies: policies)
        return (role, commit([save(role)]))
    }
}

/// IAM ARNs: `arn:aws:iam::<account>:<kind><path><name>`.
enum IAMArn {
    static func parse(_ arn: String) -> (account: String, kind: String, path: String, name: String)? {
        let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", parts[2] == "iam" else { return nil }
        let resource = parts[5]
        guard let slash = resource.firstIndex(of: "/"), let last = resource.lastIndex(of: "/") else { return nil }
        let kind = String(resource[..<slash])
        let path = String(resource[slash...last])
        let name = String(resource[resource.index(after: last)...])
        guard !name.isEmpty else { return nil }
        return (String(parts[4]), kind, path, name)
    }
}
