import Foundation
import SwitchyardCore
import SwitchyardModels
import SwitchyardWire

// Roles and service-linked roles.
extension IAMService {
    public func createRole(_ input: IAM.CreateRoleRequest, context: RequestContext) async throws
        -> IAM.CreateRoleResponse
    {
        let (role, ticket) = try await engine.createRole(
            account: context.account, name: input.roleName, path: input.path ?? "/",
            trustPolicy: input.assumeRolePolicyDocument, description: input.description,
            maxSessionDuration: input.maxSessionDuration, tags: IAMShapes.pairs(input.tags),
            permissionsBoundary: input.permissionsBoundary)
        try await ticket.wait()
        var shown = IAMShapes.role(role, view: .created)
        if input.maxSessionDuration != nil { shown.maxSessionDuration = role.maxSessionDuration }
        return IAM.CreateRoleResponse(role: shown)
    }

    public func getRole(_ input: IAM.GetRoleRequest, context: RequestContext) async throws -> IAM.GetRoleResponse {
        // RoleLastUsed counts the calls the role's sessions made until now.
        await engine.absorbUsage()
        return IAM.GetRoleResponse(
            role: IAMShapes.role(try await engine.role(account: context.account, name: input.roleName)))
    }

    public func listRoles(_ input: IAM.ListRolesRequest, context: RequestContext) async throws
        -> IAM.ListRolesResponse
    {
        let page = try Self.page(
            await engine.listRoles(account: context.account, pathPrefix: input.pathPrefix), input.marker,
            input.maxItems)
        return IAM.ListRolesResponse(
            roles: page.items.map { IAMShapes.role($0, view: .listed) }, isTruncated: page.isTruncated,
            marker: page.marker)
    }

    public func updateRole(_ input: IAM.UpdateRoleRequest, context: RequestContext) async throws
        -> IAM.UpdateRoleResponse
    {
        try await engine.updateRole(
            account: context.account, name: input.roleName, description: input.description,
            maxSessionDuration: input.maxSessionDuration
        ).wait()
        return IAM.UpdateRoleResponse()
    }

    public func updateRoleDescription(_ input: IAM.UpdateRoleDescriptionRequest, context: RequestContext)
        async throws -> IAM.UpdateRoleDescriptionResponse
    {
        try await engine.updateRole(
            account: context.account, name: input.roleName, description: input.description, maxSessionDuration: nil
        ).wait()
        let role = try await engine.role(account: context.account, name: input.roleName)
        var shown = IAMShapes.role(role)
        shown.maxSessionDuration = nil
        shown.roleLastUsed = nil
        return IAM.UpdateRoleDescriptionResponse(role: shown)
    }

    public func updateAssumeRolePolicy(_ input: IAM.UpdateAssumeRolePolicyRequest, context: RequestContext)
        async throws
    {
        try await engine.updateTrustPolicy(
            account: context.account, name: input.roleName, document: input.policyDocument
        ).wait()
    }

    public func deleteRole(_ input: IAM.DeleteRoleRequest, context: RequestContext) async throws {
        try await engine.deleteRole(account: context.account, name: input.roleName).wait()
    }

    public func tagRole(_ input: IAM.TagRoleRequest, context: RequestContext) async throws {
        try await engine.tagRole(account: context.account, name: input.roleName, tags: IAMShapes.pairs(input.tags))
            .wait()
    }

    public func untagRole(_ input: IAM.UntagRoleRequest, context: RequestContext) async throws {
        try await engine.untagRole(account: context.account, name: input.roleName, keys: input.tagKeys).wait()
    }

    public func listRoleTags(_ input: IAM.ListRoleTagsRequest, context: RequestContext) async throws
        -> IAM.ListRoleTagsResponse
    {
        let role = try await engine.role(account: context.account, name: input.roleName)
        let page = try Self.page(role.tags, input.marker, input.maxItems)
        return IAM.ListRoleTagsResponse(
            tags: IAMShapes.tagList(page.items), isTruncated: page.isTruncated, marker: page.marker)
    }

    public func putRolePermissionsBoundary(_ input: IAM.PutRolePermissionsBoundaryRequest, context: RequestContext)
        async throws
    {
        try await engine.setRoleBoundary(
            account: context.account, name: input.roleName, boundary: input.permissionsBoundary
        ).wait()
    }

    public func deleteRolePermissionsBoundary(
        _ input: IAM.DeleteRolePermissionsBoundaryRequest, context: RequestContext
    ) async throws {
        try await engine.setRoleBoundary(account: context.account, name: input.roleName, boundary: nil).wait()
    }

    public func createServiceLinkedRole(_ input: IAM.CreateServiceLinkedRoleRequest, context: RequestContext)
        async throws -> IAM.CreateServiceLinkedRoleResponse
    {
        let (role, ticket) = try await engine.createServiceLinkedRole(
            account: context.account, service: input.awsServiceName, description: input.description,
            suffix: input.customSuffix)
        try await ticket.wait()
        return IAM.CreateServiceLinkedRoleResponse(role: IAMShapes.role(role, view: .created))
    }

    /// Deletes a service-linked role at once; the deletion task is reported as already succeeded.
    public func deleteServiceLinkedRole(_ input: IAM.DeleteServiceLinkedRoleRequest, context: RequestContext)
        async throws -> IAM.DeleteServiceLinkedRoleResponse
    {
        let (role, ticket) = try await engine.deleteServiceLinkedRole(account: context.account, name: input.roleName)
        try await ticket.wait()
        let service = role.path.split(separator: "/").dropFirst().first.map(String.init) ?? ""
        return IAM.DeleteServiceLinkedRoleResponse(
            deletionTaskId: "task/aws-service-role/\(service)/\(role.name)/\(RandomUUID.make())")
    }

    public func getServiceLinkedRoleDeletionStatus(
        _ input: IAM.GetServiceLinkedRoleDeletionStatusRequest, context: RequestContext
    ) async throws -> IAM.GetServiceLinkedRoleDeletionStatusResponse {
        guard input.deletionTaskId.hasPrefix("task/aws-service-role/") else {
            throw IAMErrors.noSuchEntity("Deletion task \(input.deletionTaskId) does not exist.")
        }
        return IAM.GetServiceLinkedRoleDeletionStatusResponse(status: "SUCCEEDED")
    }

    // MARK: Instance profiles

    func profileShape(_ profile: InstanceProfileRecord, account: String, withTags: Bool = true) async
        -> IAM.InstanceProfile
    {
        var roles: [RoleRecord] = []
        for name in profile.roles {
            if let role = try? await engine.role(account: account, name: name) { roles.append(role) }
        }
        return IAMShapes.profile(profile, roles: roles, withTags: withTags)
    }

    public func createInstanceProfile(_ input: IAM.CreateInstanceProfileRequest, context: RequestContext)
        async throws -> IAM.CreateInstanceProfileResponse
    {
        let (profile, ticket) = try await engine.createInstanceProfile(
            account: context.account, name: input.instanceProfileName, path: input.path ?? "/",
            tags: IAMShapes.pairs(input.tags))
        try await ticket.wait()
        return IAM.CreateInstanceProfileResponse(
            instanceProfile: await profileShape(profile, account: context.account, withTags: !profile.tags.isEmpty))
    }

    public func getInstanceProfile(_ input: IAM.GetInstanceProfileRequest, context: RequestContext) async throws
        -> IAM.GetInstanceProfileResponse
    {
        let profile = try await engine.instanceProfile(account: context.account, name: input.instanceProfileName)
        return IAM.GetInstanceProfileResponse(instanceProfile: await profileShape(profile, account: context.account))
    }

    public func listInstanceProfiles(_ input: IAM.ListInstanceProfilesRequest, context: RequestContext)
        async throws -> IAM.ListInstanceProfilesResponse
    {
        let all = try await engine.listInstanceProfiles(account: context.account, pathPrefix: input.pathPrefix)
        let page = try Self.page(all, input.marker, input.maxItems)
        var shapes: [IAM.InstanceProfile] = []
        for profile in page.items {
            shapes.append(await profileShape(profile, account: context.account, withTags: !profile.tags.isEmpty))
        }
        return IAM.ListInstanceProfilesResponse(
            instanceProfiles: shapes, isTruncated: page.isTruncated, marker: page.marker)
    }

    public func listInstanceProfilesForRole(_ input: IAM.ListInstanceProfilesForRoleRequest, context: RequestContext)
        async throws -> IAM.ListInstanceProfilesForRoleResponse
    {
        let all = try await engine.listInstanceProfiles(
            account: context.account, pathPrefix: nil, role: input.roleName)
        let page = try Self.page(all, input.marker, input.maxItems)
        var shapes: [IAM.InstanceProfile] = []
        for profile in page.items {
            shapes.append(await profileShape(profile, account: context.account, withTags: !profile.tags.isEmpty))
        }
        return IAM.ListInstanceProfilesForRoleResponse(
            instanceProfiles: shapes, isTruncated: page.isTruncated, marker: page.marker)
    }

    public func deleteInstanceProfile(_ input: IAM.DeleteInstanceProfileRequest, context: RequestContext)
        async throws
    {
        try await engine.deleteInstanceProfile(account: context.account, name: input.instanceProfileName).wait()
    }

    public func addRoleToInstanceProfile(_ input: IAM.AddRoleToInstanceProfileRequest, context: RequestContext)
        async throws
    {
        try await engine.addRole(input.roleName, toProfile: input.instanceProfileName, account: context.account)
            .wait()
    }

    public func removeRoleFromInstanceProfile(
        _ input: IAM.RemoveRoleFromInstanceProfileRequest, context: RequestContext
    ) async throws {
        try await engine.removeRole(input.roleName, fromProfile: input.instanceProfileName, account: context.account)
            .wait()
    }

    public func tagInstanceProfile(_ input: IAM.TagInstanceProfileRequest, context: RequestContext) async throws {
        try await engine.tagInstanceProfile(
            account: context.account, name: input.instanceProfileName, tags: IAMShapes.pairs(input.tags)
        ).wait()
    }

    public func untagInstanceProfile(_ input: IAM.UntagInstanceProfileRequest, context: RequestContext)
        async throws
    {
        try await engine.untagInstanceProfile(
            account: context.account, name: input.instanceProfileName, keys: input.tagKeys
        ).wait()
    }

    public func listInstanceProfileTags(_ input: IAM.ListInstanceProfileTagsRequest, context: RequestContext)
        async throws -> IAM.ListInstanceProfileTagsResponse
    {
        let profile = try await engine.instanceProfile(account: context.account, name: input.instanceProfileName)
        let page = try Self.page(profile.tags, input.marker, input.maxItems)
        return IAM.ListInstanceProfileTagsResponse(
            tags: IAMShapes.tagList(page.items), isTruncated: page.isTruncated, marker: page.marker)
    }
}
