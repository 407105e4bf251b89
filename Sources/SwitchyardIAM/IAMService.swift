import Foundation
import SwitchyardCore
import SwitchyardModels
import SwitchyardWire

/// AWS IAM as infrastructure tools and tests use it first: users, groups, roles, managed and inline
/// policies, attachments, access keys (which then sign requests here), instance profiles and
/// service-linked roles. Policies are stored faithfully; evaluating them on requests is not done yet.
/// The remaining operations of the model answer NotImplemented, naming themselves.
public struct IAMService: IAMAPI {
    let engine: IdentityEngine
    /// Tells partners' topics of changes to their delegation requests (nil: no one is told).
    let notifier: DelegationNotifier?

    public init(engine: IdentityEngine, notifier: DelegationNotifier? = nil) {
        self.engine = engine
        self.notifier = notifier
    }

    /// The IAM user a request is signed as, if it is one (nil for the account's root).
    static func callerUserName(_ context: RequestContext) -> String? {
        let arn = context.principalArn
        guard arn.hasPrefix("arn:aws:iam::"), let range = arn.range(of: ":user/") else { return nil }
        return arn[range.upperBound...].split(separator: "/").last.map(String.init)
    }

    static func page<Item>(_ items: [Item], _ marker: String?, _ maxItems: Int?) throws -> IAMPage<Item> {
        try IAMPage(items, marker: marker, maxItems: maxItems)
    }

    // MARK: Users

    public func createUser(_ input: IAM.CreateUserRequest, context: RequestContext) async throws
        -> IAM.CreateUserResponse
    {
        let (user, ticket) = try await engine.createUser(
            account: context.account, name: input.userName, path: input.path ?? "/",
            tags: IAMShapes.pairs(input.tags), permissionsBoundary: input.permissionsBoundary)
        try await ticket.wait()
        return IAM.CreateUserResponse(user: IAMShapes.user(user))
    }

    public func getUser(_ input: IAM.GetUserRequest, context: RequestContext) async throws -> IAM.GetUserResponse {
        guard let name = input.userName ?? Self.callerUserName(context) else {
            // A role session has no user of its own; the account's root gets its id and ARN.
            _ = try Self.rootOnly(context)
            return IAM.GetUserResponse(
                user: IAM.User(
                    path: "/", userName: "", userId: context.account, arn: "arn:aws:iam::\(context.account):root",
                    createDate: Date(timeIntervalSince1970: 0)))
        }
        return IAM.GetUserResponse(user: IAMShapes.user(try await engine.user(account: context.account, name: name)))
    }

    public func listUsers(_ input: IAM.ListUsersRequest, context: RequestContext) async throws
        -> IAM.ListUsersResponse
    {
        let all = await engine.listUsers(account: context.account, pathPrefix: input.pathPrefix)
        let page = try Self.page(all, input.marker, input.maxItems)
        return IAM.ListUsersResponse(
            users: page.items.map { IAMShapes.user($0, withTags: false) }, isTruncated: page.isTruncated,
            marker: page.marker)
    }

    public func updateUser(_ input: IAM.UpdateUserRequest, context: RequestContext) async throws {
        try await engine.updateUser(
            account: context.account, name: input.userName, newName: input.newUserName, newPath: input.newPath
        ).wait()
    }

    public func deleteUser(_ input: IAM.DeleteUserRequest, context: RequestContext) async throws {
        try await engine.deleteUser(account: context.account, name: input.userName).wait()
    }

    public func tagUser(_ input: IAM.TagUserRequest, context: RequestContext) async throws {
        try await engine.tagUser(account: context.account, name: input.userName, tags: IAMShapes.pairs(input.tags))
            .wait()
    }

    public func untagUser(_ input: IAM.UntagUserRequest, context: RequestContext) async throws {
        try await engine.untagUser(account: context.account, name: input.userName, keys: input.tagKeys).wait()
    }

    public func listUserTags(_ input: IAM.ListUserTagsRequest, context: RequestContext) async throws
        -> IAM.ListUserTagsResponse
    {
        let user = try await engine.user(account: context.account, name: input.userName)
        let page = try Self.page(user.tags, input.marker, input.maxItems)
        return IAM.ListUserTagsResponse(
            tags: IAMShapes.tagList(page.items), isTruncated: page.isTruncated, marker: page.marker)
    }

    public func putUserPermissionsBoundary(_ input: IAM.PutUserPermissionsBoundaryRequest, context: RequestContext)
        async throws
    {
        try await engine.setUserBoundary(
            account: context.account, name: input.userName, boundary: input.permissionsBoundary
        ).wait()
    }

    public func deleteUserPermissionsBoundary(
        _ input: IAM.DeleteUserPermissionsBoundaryRequest, context: RequestContext
    ) async throws {
        try await engine.setUserBoundary(account: context.account, name: input.userName, boundary: nil).wait()
    }

    // MARK: Groups

    public func createGroup(_ input: IAM.CreateGroupRequest, context: RequestContext) async throws
        -> IAM.CreateGroupResponse
    {
        let (group, ticket) = try await engine.createGroup(
            account: context.account, name: input.groupName, path: input.path ?? "/")
        try await ticket.wait()
        return IAM.CreateGroupResponse(group: IAMShapes.group(group))
    }

    public func getGroup(_ input: IAM.GetGroupRequest, context: RequestContext) async throws -> IAM.GetGroupResponse {
        let group = try await engine.group(account: context.account, name: input.groupName)
        var members: [UserRecord] = []
        for name in group.members {
            if let user = try? await engine.user(account: context.account, name: name) { members.append(user) }
        }
        let page = try Self.page(members, input.marker, input.maxItems)
        return IAM.GetGroupResponse(
            group: IAMShapes.group(group), users: page.items.map { IAMShapes.user($0, withTags: false) },
            isTruncated: page.isTruncated, marker: page.marker)
    }

    public func listGroups(_ input: IAM.ListGroupsRequest, context: RequestContext) async throws
        -> IAM.ListGroupsResponse
    {
        let page = try Self.page(
            await engine.listGroups(account: context.account, pathPrefix: input.pathPrefix), input.marker,
            input.maxItems)
        return IAM.ListGroupsResponse(
            groups: page.items.map(IAMShapes.group), isTruncated: page.isTruncated, marker: page.marker)
    }

    public func listGroupsForUser(_ input: IAM.ListGroupsForUserRequest, context: RequestContext) async throws
        -> IAM.ListGroupsForUserResponse
    {
        let page = try Self.page(
            try await engine.groups(ofUser: input.userName, account: context.account), input.marker, input.maxItems)
        return IAM.ListGroupsForUserResponse(
            groups: page.items.map(IAMShapes.group), isTruncated: page.isTruncated, marker: page.marker)
    }

    public func updateGroup(_ input: IAM.UpdateGroupRequest, context: RequestContext) async throws {
        try await engine.updateGroup(
            account: context.account, name: input.groupName, newName: input.newGroupName, newPath: input.newPath
        ).wait()
    }

    public func deleteGroup(_ input: IAM.DeleteGroupRequest, context: RequestContext) async throws {
        try await engine.deleteGroup(account: context.account, name: input.groupName).wait()
    }

    public func addUserToGroup(_ input: IAM.AddUserToGroupRequest, context: RequestContext) async throws {
        try await engine.addUser(input.userName, toGroup: input.groupName, account: context.account).wait()
    }

    public func removeUserFromGroup(_ input: IAM.RemoveUserFromGroupRequest, context: RequestContext) async throws {
        try await engine.removeUser(input.userName, fromGroup: input.groupName, account: context.account).wait()
    }
}
