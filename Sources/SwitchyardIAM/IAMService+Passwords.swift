import Foundation
import SwitchyardModels
import SwitchyardWire

// Login profiles and the account's password policy over the wire.
extension IAMService {
    public func createLoginProfile(_ input: IAM.CreateLoginProfileRequest, context: RequestContext) async throws
        -> IAM.CreateLoginProfileResponse
    {
        let name = try Self.userOrCaller(input.userName, context)
        let (user, ticket) = try await engine.createLoginProfile(
            account: context.account, userName: name, password: input.password ?? "",
            resetRequired: input.passwordResetRequired ?? false)
        try await ticket.wait()
        return IAM.CreateLoginProfileResponse(loginProfile: Self.loginProfile(user))
    }

    public func getLoginProfile(_ input: IAM.GetLoginProfileRequest, context: RequestContext) async throws
        -> IAM.GetLoginProfileResponse
    {
        let (user, _) = try await engine.loginProfile(
            account: context.account, userName: try Self.userOrCaller(input.userName, context))
        return IAM.GetLoginProfileResponse(loginProfile: Self.loginProfile(user))
    }

    public func updateLoginProfile(_ input: IAM.UpdateLoginProfileRequest, context: RequestContext) async throws {
        try await engine.updateLoginProfile(
            account: context.account, userName: input.userName, password: input.password,
            resetRequired: input.passwordResetRequired
        ).wait()
    }

    public func deleteLoginProfile(_ input: IAM.DeleteLoginProfileRequest, context: RequestContext) async throws {
        try await engine.deleteLoginProfile(
            account: context.account, userName: try Self.userOrCaller(input.userName, context)
        ).wait()
    }

    /// The calling IAM user changes its own console password.
    public func changePassword(_ input: IAM.ChangePasswordRequest, context: RequestContext) async throws {
        guard let name = Self.callerUserName(context) else { throw IAMErrors.notAnIAMUser() }
        try await engine.changePassword(
            account: context.account, userName: name, old: input.oldPassword, new: input.newPassword
        ).wait()
    }

    /// The named user, else the calling user; other callers must name one.
    static func userOrCaller(_ userName: String?, _ context: RequestContext) throws -> String {
        guard let name = userName ?? callerUserName(context) else {
            throw IAMErrors.userNameRequired()
        }
        return name
    }

    static func loginProfile(_ user: UserRecord) -> IAM.LoginProfile {
        IAM.LoginProfile(
            userName: user.name, createDate: user.loginProfile?.createdAt ?? user.createdAt,
            passwordResetRequired: user.loginProfile?.passwordResetRequired ?? false)
    }

    // MARK: The account's password policy

    public func updateAccountPasswordPolicy(
        _ input: IAM.UpdateAccountPasswordPolicyRequest, context: RequestContext
    ) async throws {
        try await engine.setPasswordPolicy(
            PasswordPolicyRecord(
                account: context.account, minimumLength: input.minimumPasswordLength ?? 6,
                requireSymbols: input.requireSymbols ?? false, requireNumbers: input.requireNumbers ?? false,
                requireUppercase: input.requireUppercaseCharacters ?? false,
                requireLowercase: input.requireLowercaseCharacters ?? false,
                allowUsersToChange: input.allowUsersToChangePassword ?? false,
                maximumAge: input.maxPasswordAge, reusePrevention: input.passwordReusePrevention,
                hardExpiry: input.hardExpiry)
        ).wait()
    }

    /// The policy as AWS answers it: what was never set is left out, except the defaults it always
    /// states.
    public func getAccountPasswordPolicy(context: RequestContext) async throws
        -> IAM.GetAccountPasswordPolicyResponse
    {
        let policy = try await engine.passwordPolicy(account: context.account)
        return IAM.GetAccountPasswordPolicyResponse(
            passwordPolicy: IAM.PasswordPolicy(
                minimumPasswordLength: policy.minimumLength, requireSymbols: policy.requireSymbols,
                requireNumbers: policy.requireNumbers, requireUppercaseCharacters: policy.requireUppercase,
                requireLowercaseCharacters: policy.requireLowercase,
                allowUsersToChangePassword: policy.allowUsersToChange,
                expirePasswords: (policy.maximumAge ?? 0) > 0, maxPasswordAge: policy.maximumAge,
                passwordReusePrevention: policy.reusePrevention, hardExpiry: policy.hardExpiry))
    }

    public func deleteAccountPasswordPolicy(context: RequestContext) async throws {
        try await engine.deletePasswordPolicy(account: context.account).wait()
    }
}
