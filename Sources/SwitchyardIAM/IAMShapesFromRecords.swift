import Foundation
import SwitchyardModels

/// IAM's answers built from stored records. Policy documents go out percent-encoded, as IAM's query
/// API sends them (SDKs decode them back).
enum IAMShapes {
    static func encodeDocument(_ document: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return document.addingPercentEncoding(withAllowedCharacters: allowed) ?? document
    }

    static func tags(_ tags: [TagPair]) -> [IAM.Tag]? {
        tags.isEmpty ? nil : tags.map { IAM.Tag(key: $0.key, value: $0.value) }
    }

    static func tagList(_ tags: [TagPair]) -> [IAM.Tag] {
        tags.map { IAM.Tag(key: $0.key, value: $0.value) }
    }

    static func pairs(_ tags: [IAM.Tag]?) -> [TagPair] {
        (tags ?? []).map { TagPair(key: $0.key, value: $0.value) }
    }

    static func boundary(_ arn: String?) -> IAM.AttachedPermissionsBoundary? {
        arn.map { IAM.AttachedPermissionsBoundary(permissionsBoundaryType: "Policy", permissionsBoundaryArn: $0) }
    }

    static func user(_ user: UserRecord, withTags: Bool = true) -> IAM.User {
        IAM.User(
            path: user.path, userName: user.name, userId: user.id, arn: user.arn, createDate: user.createdAt,
            passwordLastUsed: user.passwordLastUsed, permissionsBoundary: boundary(user.permissionsBoundary),
            tags: withTags ? tags(user.tags) : nil)
    }

    /// How much of a role an answer shows: GetRole everything; lists leave out tags, boundary and
    /// last use; CreateRole and roles inside instance profiles leave out more, as AWS does.
    enum RoleView {
        case full, listed, created, nested
    }

    static func role(_ role: RoleRecord, view: RoleView = .full) -> IAM.Role {
        IAM.Role(
            path: role.path, roleName: role.name, roleId: role.id, arn: role.arn, createDate: role.createdAt,
            assumeRolePolicyDocument: encodeDocument(role.trustPolicy),
            description: view == .full || view == .listed ? role.description : nil,
            maxSessionDuration: view == .full || view == .listed ? role.maxSessionDuration : nil,
            permissionsBoundary: view == .full || view == .created ? boundary(role.permissionsBoundary) : nil,
            tags: view == .full || view == .created ? tags(role.tags) : nil,
            roleLastUsed: view == .full
                ? IAM.RoleLastUsed(lastUsedDate: role.lastUsed, region: role.lastUsedRegion) : nil)
    }

    static func group(_ group: GroupRecord) -> IAM.Group {
        IAM.Group(
            path: group.path, groupName: group.name, groupId: group.id, arn: group.arn, createDate: group.createdAt)
    }

    static func policy(_ policy: ManagedPolicyView, withTags: Bool = true) -> IAM.Policy {
        IAM.Policy(
            policyName: policy.name, policyId: policy.id, arn: policy.arn, path: policy.path,
            defaultVersionId: policy.defaultVersion, attachmentCount: policy.attachments,
            permissionsBoundaryUsageCount: 0, isAttachable: true, description: withTags ? policy.description : nil,
            createDate: policy.createdAt, updateDate: policy.updatedAt, tags: withTags ? tagList(policy.tags) : nil)
    }

    static func version(_ version: PolicyVersionRecord, defaultVersion: String, withDocument: Bool) -> IAM.PolicyVersion
    {
        IAM.PolicyVersion(
            document: withDocument ? encodeDocument(version.document) : nil, versionId: version.id,
            isDefaultVersion: version.id == defaultVersion, createDate: version.createdAt)
    }

    static func profile(_ profile: InstanceProfileRecord, roles: [RoleRecord], withTags: Bool = true)
        -> IAM.InstanceProfile
    {
        IAM.InstanceProfile(
            path: profile.path, instanceProfileName: profile.name, instanceProfileId: profile.id, arn: profile.arn,
            createDate: profile.createdAt, roles: roles.map { role($0, view: .nested) },
            tags: withTags ? tagList(profile.tags) : nil)
    }

    static func attached(_ arns: [String]) -> [IAM.AttachedPolicy] {
        arns.map { arn in IAM.AttachedPolicy(policyName: IAMArn.parse(arn)?.name ?? arn, policyArn: arn) }
    }

    static func keyMetadata(_ key: AccessKeyRecord, userName: String) -> IAM.AccessKeyMetadata {
        IAM.AccessKeyMetadata(
            userName: userName, accessKeyId: key.id, status: key.active ? "Active" : "Inactive",
            createDate: key.createdAt)
    }
}
