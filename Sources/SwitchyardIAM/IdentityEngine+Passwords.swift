import Foundation
import SwitchyardCore

// Console passwords: users' login profiles and the account's password policy.
extension IdentityEngine {
    /// Gives a user a console password, which must meet the account's password policy.
    public func createLoginProfile(account: String, userName: String, password: String, resetRequired: Bool)
        throws -> (UserRecord, CommitTicket)
    {
        var user = try user(account: account, name: userName)
        guard user.loginProfile == nil else {
            throw IAMErrors.alreadyExists("Login Profile for user \(user.name) already exists.")
        }
        try requirePolicy(admits: password, account: account)
        user.loginProfile = LoginProfileRecord(createdAt: now, passwordResetRequired: resetRequired)
        return (user, commit([save(user)]))
    }

    public func loginProfile(account: String, userName: String) throws -> (UserRecord, LoginProfileRecord) {
        let user = try user(account: account, name: userName)
        guard let profile = user.loginProfile else {
            throw IAMErrors.noSuchEntity("Login Profile for User \(user.name) cannot be found.")
        }
        return (user, profile)
    }

    public func updateLoginProfile(account: String, userName: String, password: String?, resetRequired: Bool?)
        throws -> CommitTicket
    {
        var (user, profile) = try loginProfile(account: account, userName: userName)
        if let password { try requirePolicy(admits: password, account: account) }
        if let resetRequired { profile.passwordResetRequired = resetRequired }
        user.loginProfile = profile
        return commit([save(user)])
    }

    public func deleteLoginProfile(account: String, userName: String) throws -> CommitTicket {
        var (user, _) = try loginProfile(account: account, userName: userName)
        user.loginProfile = nil
        return commit([save(user)])
    }

    func requirePolicy(admits password: String, account: String) throws {
        if let policy = passwordPolicies[account], !policy.admits(password) {
            throw IAMErrors.passwordPolicyViolation()
        }
    }

    // MARK: The account's password policy

    /// Replaces the policy: what the request leaves out goes back to IAM's default.
    public func setPasswordPolicy(_ policy: PasswordPolicyRecord) -> CommitTicket {
        commit([save(policy)])
    }

    public func passwordPolicy(account: String) throws -> PasswordPolicyRecord {
        guard let policy = passwordPolicies[account] else {
            throw IAMErrors.noSuchEntity("The Password Policy with domain name \(account) cannot be found.")
        }
        return policy
    }

    public func deletePasswordPolicy(account: String) throws -> CommitTicket {
        guard passwordPolicies.removeValue(forKey: account) != nil else {
            throw IAMErrors.noSuchEntity("The account policy with name PasswordPolicy cannot be found.")
        }
        return commit([.delete(.passwordPolicy, key: account)])
    }
}
