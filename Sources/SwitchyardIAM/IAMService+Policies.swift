import Foundation
import SwitchyardCore
import SwitchyardModels
import SwitchyardWire

// Managed policies, versions, attachments and inline policies.
extension IAMService {
    public func createPolicy(_ input: IAM.CreatePolicyRequest, context: RequestContext) async throws
        -> IAM.CreatePolicyResponse
    {
        let (policy, ticket) = try await engine.createPolicy(
            account: context.account, name: input.policyName, path: input.path ?? "/", document: input.policyDocument,
            description: input.description, tags: IAMShapes.pairs(input.tags))
        try await ticket.wait()
        var shown = IAMShapes.policy(ManagedPolicyView(policy, attachments: 0))
        shown.description = nil
        if policy.tags.isEmpty { shown.tags = nil }
        return IAM.CreatePolicyResponse(policy: shown)
    }

    public func getPolicy(_ input: IAM.GetPolicyRequest, context: RequestContext) async throws
        -> IAM.GetPolicyResponse
    {
        IAM.GetPolicyResponse(
            policy: IAMShapes.policy(try await engine.managedPolicy(input.policyArn, account: context.account)))
    }

    public func listPolicies(_ input: IAM.ListPoliciesRequest, context: RequestContext) async throws
        -> IAM.ListPoliciesResponse
    {
        let all = await engine.listPolicies(
            account: context.account, scope: input.scope, onlyAttached: input.onlyAttached ?? false,
            pathPrefix: input.pathPrefix)
        let page = try Self.page(all, input.marker, input.maxItems)
        return IAM.ListPoliciesResponse(
            policies: page.items.map { IAMShapes.policy($0, withTags: false) }, isTruncated: page.isTruncated,
            marker: page.marker)
    }

    public func deletePolicy(_ input: IAM.DeletePolicyRequest, context: RequestContext) async throws {
        try await engine.deletePolicy(input.policyArn, account: context.account).wait()
    }

    public func createPolicyVersion(_ input: IAM.CreatePolicyVersionRequest, context: RequestContext) async throws
        -> IAM.CreatePolicyVersionResponse
    {
        let (version, ticket) = try await engine.createPolicyVersion(
            input.policyArn, account: context.account, document: input.policyDocument,
            setAsDefault: input.setAsDefault ?? false)
        try await ticket.wait()
        return IAM.CreatePolicyVersionResponse(
            policyVersion: IAM.PolicyVersion(
                versionId: version.id, isDefaultVersion: input.setAsDefault ?? false, createDate: version.createdAt))
    }

    public func getPolicyVersion(_ input: IAM.GetPolicyVersionRequest, context: RequestContext) async throws
        -> IAM.GetPolicyVersionResponse
    {
        let missing = IAMErrors.noSuchVersion(input.policyArn, input.versionId)
        // A policy that does not exist is reported as its missing version, as AWS does.
        guard let (policy, versions) = try? await engine.policyVersions(input.policyArn, account: context.account),
            let version = versions.first(where: { $0.id == input.versionId })
        else { throw missing }
        return IAM.GetPolicyVersionResponse(
            policyVersion: IAMShapes.version(version, defaultVersion: policy.defaultVersion, withDocument: true))
    }

    public func listPolicyVersions(_ input: IAM.ListPolicyVersionsRequest, context: RequestContext) async throws
        -> IAM.ListPolicyVersionsResponse
    {
        let (policy, versions) = try await engine.policyVersions(input.policyArn, account: context.account)
        let page = try Self.page(versions, input.marker, input.maxItems)
        return IAM.ListPolicyVersionsResponse(
            versions: page.items.map {
                IAMShapes.version($0, defaultVersion: policy.defaultVersion, withDocument: false)
            }, isTruncated: page.isTruncated, marker: page.marker)
    }

    public func deletePolicyVersion(_ input: IAM.DeletePolicyVersionRequest, context: RequestContext) async throws {
        try await engine.deletePolicyVersion(input.policyArn, account: context.account, version: input.versionId)
            .wait()
    }

    public func setDefaultPolicyVersion(_ input: IAM.SetDefaultPolicyVersionRequest, context: RequestContext)
        async throws
    {
        try await engine.setDefaultPolicyVersion(input.policyArn, account: context.account, version: input.versionId)
            .wait()
    }

    public func tagPolicy(_ input: IAM.TagPolicyRequest, context: RequestContext) async throws {
        try await engine.tagPolicy(input.policyArn, account: context.account, tags: IAMShapes.pairs(input.tags)).wait()
    }

    public func untagPolicy(_ input: IAM.UntagPolicyRequest, context: RequestContext) async throws {
        try await engine.untagPolicy(input.policyArn, account: context.account, keys: input.tagKeys).wait()
    }

    public func listPolicyTags(_ input: IAM.ListPolicyTagsRequest, context: RequestContext) async throws
        -> IAM.ListPolicyTagsResponse
    {
        let policy = try await engine.managedPolicy(input.policyArn, account: context.account)
        // AWS lists a policy's tags shortest key first, then by key (recorded three times).
        let ordered = policy.tags.sorted { ($0.key.utf8.count, $0.key) < ($1.key.utf8.count, $1.key) }
        let page = try Self.page(ordered, input.marker, input.maxItems)
        return IAM.ListPolicyTagsResponse(
            tags: IAMShapes.tagList(page.items), isTruncated: page.isTruncated, marker: page.marker)
    }

    public func listEntitiesForPolicy(_ input: IAM.ListEntitiesForPolicyRequest, context: RequestContext)
        async throws -> IAM.ListEntitiesForPolicyResponse
    {
        let (users, groups, roles) = try await engine.entities(of: input.policyArn, account: context.account)
        let filter = input.entityFilter
        let prefix = input.pathPrefix ?? "/"
        return IAM.ListEntitiesForPolicyResponse(
            policyGroups: filter == nil || filter == "Group"
                ? groups.filter { $0.path.hasPrefix(prefix) }.map {
                    IAM.PolicyGroup(groupName: $0.name, groupId: $0.id)
                }
                : [],
            policyUsers: filter == nil || filter == "User"
                ? users.filter { $0.path.hasPrefix(prefix) }.map { IAM.PolicyUser(userName: $0.name, userId: $0.id) }
                : [],
            policyRoles: filter == nil || filter == "Role"
                ? roles.filter { $0.path.hasPrefix(prefix) }.map { IAM.PolicyRole(roleName: $0.name, roleId: $0.id) }
                : [],
            isTruncated: false)
    }

    // MARK: Attachments

    public func attachRolePolicy(_ input: IAM.AttachRolePolicyRequest, context: RequestContext) async throws {
        try await engine.attachPolicy(input.policyArn, to: .role(input.roleName), account: context.account).wait()
    }

    public func detachRolePolicy(_ input: IAM.DetachRolePolicyRequest, context: RequestContext) async throws {
        try await engine.detachPolicy(input.policyArn, from: .role(input.roleName), account: context.account).wait()
    }

    public func attachUserPolicy(_ input: IAM.AttachUserPolicyRequest, context: RequestContext) async throws {
        try await engine.attachPolicy(input.policyArn, to: .user(input.userName), account: context.account).wait()
    }

    public func detachUserPolicy(_ input: IAM.DetachUserPolicyRequest, context: RequestContext) async throws {
        try await engine.detachPolicy(input.policyArn, from: .user(input.userName), account: context.account).wait()
    }

    public func attachGroupPolicy(_ input: IAM.AttachGroupPolicyRequest, context: RequestContext) async throws {
        try await engine.attachPolicy(input.policyArn, to: .group(input.groupName), account: context.account).wait()
    }

    public func detachGroupPolicy(_ input: IAM.DetachGroupPolicyRequest, context: RequestContext) async throws {
        try await engine.detachPolicy(input.policyArn, from: .group(input.groupName), account: context.account)
            .wait()
    }

    func attached(_ owner: PolicyOwner, _ context: RequestContext, prefix: String?, marker: String?, maxItems: Int?)
        async throws -> IAMPage<String>
    {
        try Self.page(
            try await engine.attachedPolicies(of: owner, account: context.account, pathPrefix: prefix), marker, maxItems
        )
    }

    public func listAttachedRolePolicies(_ input: IAM.ListAttachedRolePoliciesRequest, context: RequestContext)
        async throws -> IAM.ListAttachedRolePoliciesResponse
    {
        let page = try await attached(
            .role(input.roleName), context, prefix: input.pathPrefix, marker: input.marker, maxItems: input.maxItems)
        return IAM.ListAttachedRolePoliciesResponse(
            attachedPolicies: IAMShapes.attached(page.items), isTruncated: page.isTruncated, marker: page.marker)
    }

    public func listAttachedUserPolicies(_ input: IAM.ListAttachedUserPoliciesRequest, context: RequestContext)
        async throws -> IAM.ListAttachedUserPoliciesResponse
    {
        let page = try await attached(
            .user(input.userName), context, prefix: input.pathPrefix, marker: input.marker, maxItems: input.maxItems)
        return IAM.ListAttachedUserPoliciesResponse(
            attachedPolicies: IAMShapes.attached(page.items), isTruncated: page.isTruncated, marker: page.marker)
    }

    public func listAttachedGroupPolicies(_ input: IAM.ListAttachedGroupPoliciesRequest, context: RequestContext)
        async throws -> IAM.ListAttachedGroupPoliciesResponse
    {
        let page = try await attached(
            .group(input.groupName), context, prefix: input.pathPrefix, marker: input.marker, maxItems: input.maxItems)
        return IAM.ListAttachedGroupPoliciesResponse(
            attachedPolicies: IAMShapes.attached(page.items), isTruncated: page.isTruncated, marker: page.marker)
    }

    // MARK: Inline policies

    public func putRolePolicy(_ input: IAM.PutRolePolicyRequest, context: RequestContext) async throws {
        try await engine.putInlinePolicy(
            input.policyName, document: input.policyDocument, owner: .role(input.roleName), account: context.account
        ).wait()
    }

    public func getRolePolicy(_ input: IAM.GetRolePolicyRequest, context: RequestContext) async throws
        -> IAM.GetRolePolicyResponse
    {
        let role = try await engine.role(account: context.account, name: input.roleName)
        let document = try await engine.inlinePolicy(
            input.policyName, owner: .role(input.roleName), account: context.account)
        return IAM.GetRolePolicyResponse(
            roleName: role.name, policyName: input.policyName, policyDocument: IAMShapes.encodeDocument(document))
    }

    public func deleteRolePolicy(_ input: IAM.DeleteRolePolicyRequest, context: RequestContext) async throws {
        try await engine.deleteInlinePolicy(input.policyName, owner: .role(input.roleName), account: context.account)
            .wait()
    }

    public func listRolePolicies(_ input: IAM.ListRolePoliciesRequest, context: RequestContext) async throws
        -> IAM.ListRolePoliciesResponse
    {
        let page = try Self.page(
            try await engine.inlinePolicyNames(owner: .role(input.roleName), account: context.account), input.marker,
            input.maxItems)
        return IAM.ListRolePoliciesResponse(policyNames: page.items, isTruncated: page.isTruncated, marker: page.marker)
    }

    public func putUserPolicy(_ input: IAM.PutUserPolicyRequest, context: RequestContext) async throws {
        try await engine.putInlinePolicy(
            input.policyName, document: input.policyDocument, owner: .user(input.userName), account: context.account
        ).wait()
    }

    public func getUserPolicy(_ input: IAM.GetUserPolicyRequest, context: RequestContext) async throws
        -> IAM.GetUserPolicyResponse
    {
        let user = try await engine.user(account: context.account, name: input.userName)
        let document = try await engine.inlinePolicy(
            input.policyName, owner: .user(input.userName), account: context.account)
        return IAM.GetUserPolicyResponse(
            userName: user.name, policyName: input.policyName, policyDocument: IAMShapes.encodeDocument(document))
    }

    public func deleteUserPolicy(_ input: IAM.DeleteUserPolicyRequest, context: RequestContext) async throws {
        try await engine.deleteInlinePolicy(input.policyName, owner: .user(input.userName), account: context.account)
            .wait()
    }

    public func listUserPolicies(_ input: IAM.ListUserPoliciesRequest, context: RequestContext) async throws
        -> IAM.ListUserPoliciesResponse
    {
        let page = try Self.page(
            try await engine.inlinePolicyNames(owner: .user(input.userName), account: context.account), input.marker,
            input.maxItems)
        return IAM.ListUserPoliciesResponse(policyNames: page.items, isTruncated: page.isTruncated, marker: page.marker)
    }

    public func putGroupPolicy(_ input: IAM.PutGroupPolicyRequest, context: RequestContext) async throws {
        try await engine.putInlinePolicy(
            input.policyName, document: input.policyDocument, owner: .group(input.groupName), account: context.account
        ).wait()
    }

    public func getGroupPolicy(_ input: IAM.GetGroupPolicyRequest, context: RequestContext) async throws
        -> IAM.GetGroupPolicyResponse
    {
        let group = try await engine.group(account: context.account, name: input.groupName)
        let document = try await engine.inlinePolicy(
            input.policyName, owner: .group(input.groupName), account: context.account)
        return IAM.GetGroupPolicyResponse(
            groupName: group.name, policyName: input.policyName, policyDocument: IAMShapes.encodeDocument(document))
    }

    public func deleteGroupPolicy(_ input: IAM.DeleteGroupPolicyRequest, context: RequestContext) async throws {
        try await engine.deleteInlinePolicy(input.policyName, owner: .group(input.groupName), account: context.account)
            .wait()
    }

    public func listGroupPolicies(_ input: IAM.ListGroupPoliciesRequest, context: RequestContext) async throws
        -> IAM.ListGroupPoliciesResponse
    {
        let page = try Self.page(
            try await engine.inlinePolicyNames(owner: .group(input.groupName), account: context.account),
            input.marker, input.maxItems)
        return IAM.ListGroupPoliciesResponse(
            policyNames: page.items, isTruncated: page.isTruncated, marker: page.marker)
    }
}
