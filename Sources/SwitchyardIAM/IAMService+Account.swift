import Foundation
import SwitchyardCore
import SwitchyardModels
import SwitchyardWire

// Access keys and account-wide views.
extension IAMService {
    public func createAccessKey(_ input: IAM.CreateAccessKeyRequest, context: RequestContext) async throws
        -> IAM.CreateAccessKeyResponse
    {
        let userName = try input.userName ?? Self.callerUserName(context) ?? Self.rootOnly(context)
        let (key, ticket) = try await engine.createAccessKey(account: context.account, userName: userName)
        try await ticket.wait()
        return IAM.CreateAccessKeyResponse(
            accessKey: IAM.AccessKey(
                userName: key.userName ?? context.account, accessKeyId: key.id, status: "Active",
                secretAccessKey: key.secret, createDate: key.createdAt))
    }

    public func listAccessKeys(_ input: IAM.ListAccessKeysRequest, context: RequestContext) async throws
        -> IAM.ListAccessKeysResponse
    {
        let userName = input.userName ?? Self.callerUserName(context)
        let keys = try await engine.listAccessKeys(account: context.account, userName: userName)
        let page = try Self.page(keys, input.marker, input.maxItems)
        return IAM.ListAccessKeysResponse(
            accessKeyMetadata: page.items.map { IAMShapes.keyMetadata($0, userName: $0.userName ?? context.account) },
            isTruncated: page.isTruncated, marker: page.marker)
    }

    public func updateAccessKey(_ input: IAM.UpdateAccessKeyRequest, context: RequestContext) async throws {
        guard input.status == "Active" || input.status == "Inactive" else {
            throw IAMErrors.invalidInput("Status must be Active or Inactive.")
        }
        try await engine.updateAccessKey(
            input.accessKeyId, account: context.account, owner: try Self.keyOwner(input.userName, context),
            active: input.status == "Active"
        ).wait()
    }

    public func deleteAccessKey(_ input: IAM.DeleteAccessKeyRequest, context: RequestContext) async throws {
        try await engine.deleteAccessKey(
            input.accessKeyId, account: context.account, owner: try Self.keyOwner(input.userName, context)
        ).wait()
    }

    public func getAccessKeyLastUsed(_ input: IAM.GetAccessKeyLastUsedRequest, context: RequestContext) async throws
        -> IAM.GetAccessKeyLastUsedResponse
    {
        await engine.absorbUsage()
        // A key that is not the account's is, to its caller, a key it may not look at.
        guard let key = try? await engine.accessKeyRecord(input.accessKeyId, account: context.account) else {
            throw AWSError(
                "AccessDenied",
                "User: \(context.principalArn) is not authorized to perform iam:GetAccessKeyLastUsed on resource: access key \(input.accessKeyId)",
                httpStatus: 403)
        }
        return IAM.GetAccessKeyLastUsedResponse(
            userName: key.userName ?? context.account,
            accessKeyLastUsed: IAM.AccessKeyLastUsed(
                lastUsedDate: key.lastUsed, serviceName: key.lastUsedService ?? "N/A",
                region: key.lastUsedRegion ?? "N/A"))
    }

    /// The named user, else the calling user, else the account's root; a role session must name a user.
    static func keyOwner(_ userName: String?, _ context: RequestContext) throws -> AccessKeyOwner {
        if let name = userName ?? callerUserName(context) { return .user(name) }
        _ = try rootOnly(context)
        return .root
    }

    /// Without a user name, only a user or the account's root has keys of its own; a role session
    /// must name the user.
    static func rootOnly(_ context: RequestContext) throws -> String? {
        guard context.principalArn == "arn:aws:iam::\(context.account):root" else {
            throw IAMErrors.userNameRequired()
        }
        return nil
    }

    // MARK: The account as a whole

    public func getAccountAuthorizationDetails(
        _ input: IAM.GetAccountAuthorizationDetailsRequest, context: RequestContext
    ) async throws -> IAM.GetAccountAuthorizationDetailsResponse {
        await engine.absorbUsage()
        let filter = Set(input.filter ?? [])
        func wants(_ kind: String) -> Bool { filter.isEmpty || filter.contains(kind) }
        let account = context.account
        let users = await engine.listUsers(account: account, pathPrefix: nil)
        let groups = await engine.listGroups(account: account, pathPrefix: nil)
        let roles = await engine.listRoles(account: account, pathPrefix: nil)
        let profiles = (try? await engine.listInstanceProfiles(account: account, pathPrefix: nil)) ?? []
        func details(_ holder: PolicyHolder) -> [IAM.PolicyDetail] {
            holder.inlineOrder.sorted().map {
                IAM.PolicyDetail(policyName: $0, policyDocument: IAMShapes.encodeDocument(holder.inline[$0] ?? ""))
            }
        }
        var policyDetails: [IAM.ManagedPolicyDetail] = []
        if wants("LocalManagedPolicy") || wants("AWSManagedPolicy") {
            for view in await engine.listPolicies(account: account, scope: nil, onlyAttached: false, pathPrefix: nil) {
                let local = !view.arn.hasPrefix("arn:aws:iam::aws:")
                guard local ? wants("LocalManagedPolicy") : (wants("AWSManagedPolicy") && view.attachments > 0)
                else { continue }
                let (_, versions) = try await engine.policyVersions(view.arn, account: account)
                policyDetails.append(
                    IAM.ManagedPolicyDetail(
                        policyName: view.name, policyId: view.id, arn: view.arn, path: view.path,
                        defaultVersionId: view.defaultVersion, attachmentCount: view.attachments,
                        permissionsBoundaryUsageCount: 0, isAttachable: true,
                        // AWS leaves out the descriptions of its own policies here.
                        description: local ? view.description : nil,
                        createDate: view.createdAt, updateDate: view.updatedAt,
                        policyVersionList: versions.map {
                            IAMShapes.version($0, defaultVersion: view.defaultVersion, withDocument: true)
                        }))
            }
        }
        return IAM.GetAccountAuthorizationDetailsResponse(
            userDetailList: wants("User")
                ? users.map { user in
                    IAM.UserDetail(
                        path: user.path, userName: user.name, userId: user.id, arn: user.arn,
                        createDate: user.createdAt,
                        userPolicyList: user.policies.inline.isEmpty ? nil : details(user.policies),
                        groupList: groups.filter { $0.members.contains(user.name) }.map(\.name),
                        attachedManagedPolicies: IAMShapes.attached(user.policies.attached),
                        permissionsBoundary: IAMShapes.boundary(user.permissionsBoundary),
                        tags: IAMShapes.tagList(user.tags))
                } : [],
            groupDetailList: wants("Group")
                ? groups.map { group in
                    IAM.GroupDetail(
                        path: group.path, groupName: group.name, groupId: group.id, arn: group.arn,
                        createDate: group.createdAt, groupPolicyList: details(group.policies),
                        attachedManagedPolicies: IAMShapes.attached(group.policies.attached))
                } : [],
            roleDetailList: wants("Role")
                ? roles.map { role in
                    IAM.RoleDetail(
                        path: role.path, roleName: role.name, roleId: role.id, arn: role.arn,
                        createDate: role.createdAt,
                        assumeRolePolicyDocument: IAMShapes.encodeDocument(role.trustPolicy),
                        instanceProfileList: profiles.filter { $0.roles.contains(role.name) }.map {
                            IAMShapes.profile($0, roles: [role], withTags: false)
                        }, rolePolicyList: details(role.policies),
                        attachedManagedPolicies: IAMShapes.attached(role.policies.attached),
                        permissionsBoundary: IAMShapes.boundary(role.permissionsBoundary),
                        tags: IAMShapes.tagList(role.tags),
                        roleLastUsed: IAM.RoleLastUsed(lastUsedDate: role.lastUsed, region: role.lastUsedRegion))
                } : [],
            policies: policyDetails, isTruncated: false)
    }

    public func getAccountSummary(context: RequestContext) async throws -> IAM.GetAccountSummaryResponse {
        let account = context.account
        let users = await engine.listUsers(account: account, pathPrefix: nil)
        let roles = await engine.listRoles(account: account, pathPrefix: nil)
        let groups = await engine.listGroups(account: account, pathPrefix: nil)
        let policies = await engine.listPolicies(account: account, scope: "Local", onlyAttached: false, pathPrefix: nil)
        let profiles = (try? await engine.listInstanceProfiles(account: account, pathPrefix: nil)) ?? []
        let versions = await engine.policyVersionCount(account: account)
        let mfa = await engine.mfaDeviceCounts(account: account)
        let tokenVersion = await engine.settings(account: account).globalEndpointTokenVersion ?? 1
        return IAM.GetAccountSummaryResponse(summaryMap: [
            "Users": users.count, "UsersQuota": 5000, "Groups": groups.count, "GroupsQuota": 300,
            "Roles": roles.count, "RolesQuota": 1000, "Policies": policies.count, "PoliciesQuota": 1500,
            "PolicyVersionsInUse": versions, "PolicyVersionsInUseQuota": 10_000,
            "InstanceProfiles": profiles.count, "InstanceProfilesQuota": 1000,
            "AccessKeysPerUserQuota": 2, "GroupsPerUserQuota": 10, "AttachedPoliciesPerUserQuota": 10,
            "AttachedPoliciesPerRoleQuota": 10, "AttachedPoliciesPerGroupQuota": 10, "VersionsPerPolicyQuota": 5,
            "PolicySizeQuota": 6144, "UserPolicySizeQuota": 2048, "RolePolicySizeQuota": 10_240,
            "GroupPolicySizeQuota": 5120, "AssumeRolePolicySizeQuota": 2048,
            "ServerCertificates": await engine.serverCertificates(account: account, pathPrefix: nil).count,
            "ServerCertificatesQuota": 20, "MFADevices": mfa.virtual, "MFADevicesInUse": mfa.inUse,
            "AccountMFAEnabled": 0,
            "AccountAccessKeysPresent": 0, "AccountSigningCertificatesPresent": 0, "AccountPasswordPresent": 1,
            "Providers": await engine.oidcProviders(account: account).count
                + engine.samlProviders(account: account).count,
            "SigningCertificatesPerUserQuota": 2, "GlobalEndpointTokenVersion": tokenVersion,
        ])
    }

    public func listAccountAliases(_ input: IAM.ListAccountAliasesRequest, context: RequestContext) async throws
        -> IAM.ListAccountAliasesResponse
    {
        let aliases = await engine.accountAliases(account: context.account)
        return IAM.ListAccountAliasesResponse(accountAliases: aliases, isTruncated: false)
    }

    public func createAccountAlias(_ input: IAM.CreateAccountAliasRequest, context: RequestContext) async throws {
        try await engine.setAccountAlias(input.accountAlias, account: context.account).wait()
    }

    public func deleteAccountAlias(_ input: IAM.DeleteAccountAliasRequest, context: RequestContext) async throws {
        try await engine.deleteAccountAlias(input.accountAlias, account: context.account).wait()
    }
}

// The account's credential report.
extension IAMService {
    public func generateCredentialReport(context: RequestContext) async throws
        -> IAM.GenerateCredentialReportResponse
    {
        let (started, ticket) = await engine.generateCredentialReport(account: context.account)
        try await ticket.wait()
        // The report is built at once, so the first call starts it and later ones find it complete.
        return started
            ? IAM.GenerateCredentialReportResponse(
                state: "STARTED", description: "No report exists. Starting a new report generation task")
            : IAM.GenerateCredentialReportResponse(state: "COMPLETE")
    }

    public func getCredentialReport(context: RequestContext) async throws -> IAM.GetCredentialReportResponse {
        let report = try await engine.credentialReport(account: context.account)
        return IAM.GetCredentialReportResponse(
            content: Data(report.content.utf8), reportFormat: "text/csv", generatedTime: report.generatedAt)
    }
}

// STS preferences IAM keeps for the account.
extension IAMService {
    /// Which session tokens STS's global endpoint issues; GetAccountSummary reports it. Tokens of
    /// either version are accepted in every region here.
    public func setSecurityTokenServicePreferences(
        _ input: IAM.SetSecurityTokenServicePreferencesRequest, context: RequestContext
    ) async throws {
        try await engine.setGlobalEndpointTokenVersion(input.globalEndpointTokenVersion, account: context.account)
            .wait()
    }
}

// Outbound identity federation: tokens STS signs for services outside AWS.
extension IAMService {
    public func enableOutboundWebIdentityFederation(context: RequestContext) async throws
        -> IAM.EnableOutboundWebIdentityFederationResponse
    {
        let (issuer, ticket) = try await engine.enableOutboundFederation(account: context.account)
        try await ticket.wait()
        return IAM.EnableOutboundWebIdentityFederationResponse(issuerIdentifier: issuer)
    }

    public func disableOutboundWebIdentityFederation(context: RequestContext) async throws {
        try await engine.disableOutboundFederation(account: context.account).wait()
    }

    public func getOutboundWebIdentityFederationInfo(context: RequestContext) async throws
        -> IAM.GetOutboundWebIdentityFederationInfoResponse
    {
        let federation = try await engine.outboundFederation(account: context.account)
        return IAM.GetOutboundWebIdentityFederationInfoResponse(
            issuerIdentifier: federation.issuer, jwtVendingEnabled: federation.enabled)
    }
}
