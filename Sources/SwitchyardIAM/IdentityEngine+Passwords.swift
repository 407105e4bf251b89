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
        user.loginProfile = LoginProfileRecord(
            createdAt: now, passwordResetRequired: resetRequired,
            passwordDigests: password.isEmpty ? [] : [PasswordHashes.digest(of: password)])
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
        if let password {
            try requirePolicy(admits: password, account: account)
            profile.replacePassword(with: password, at: now)
        }
        if let resetRequired { profile.passwordResetRequired = resetRequired }
        user.loginProfile = profile
        return commit([save(user)])
    }

    /// A user changes its own password: the old one must be right, the new one must meet the
    /// account's policy, including its reuse prevention. A reset that was required is then done.
    public func changePassword(account: String, userName: String, old: String, new: String) throws
        -> CommitTicket
    {
        var (user, profile) = try loginProfile(account: account, userName: userName)
        let digests = profile.passwordDigests ?? []
        guard let current = digests.first, PasswordHashes.matches(old, current) else {
            throw IAMErrors.incorrectOldPassword()
        }
        try requirePolicy(admits: new, account: account)
        if let remembered = passwordPolicies[account]?.reusePrevention, remembered > 0,
            digests.prefix(remembered).contains(where: { PasswordHashes.matches(new, $0) })
        {
            throw IAMErrors.passwordReused()
        }
        profile.replacePassword(with: new, at: now)
        profile.passwordResetRequired = false
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

extension LoginProfileRecord {
    /// Sets a new password, remembering the earlier ones for reuse prevention.
    mutating func replacePassword(with password: String, at date: Date) {
        passwordDigests = Array(
            ([PasswordHashes.digest(of: password)] + (passwordDigests ?? [])).prefix(Self.remembered))
        passwordChangedAt = date
    }
}
