import Foundation

/// An OpenID Connect identity provider registered in an account, which web identity federation
/// trusts.
public struct OIDCProviderRecord: Codable, Sendable, Equatable {
    public var account: String
    /// The provider's URL without `https://`, as its ARN and GetOpenIDConnectProvider name it.
    public var url: String
    public var clientIds: [String]
    public var thumbprints: [String]
    public var createdAt: Date
    public var tags: [TagPair]

    public var arn: String { "arn:aws:iam::\(account):oidc-provider/\(url)" }
    var storageKey: String { "\(account)/\(url)" }
}

/// A SAML 2.0 identity provider registered in an account.
public struct SAMLProviderRecord: Codable, Sendable, Equatable {
    public var account: String
    public var name: String
    /// Upper-case letters and digits, as AWS forms them.
    public var uuid: String
    public var metadata: String
    public var createdAt: Date
    public var validUntil: Date
    public var assertionEncryptionMode: String
    public var tags: [TagPair]

    public var arn: String { "arn:aws:iam::\(account):saml-provider/\(name)" }
    var storageKey: String { "\(account)/\(name)" }
}

/// An account's password policy; what was not set takes IAM's default.
public struct PasswordPolicyRecord: Codable, Sendable, Equatable {
    public var account: String
    public var minimumLength: Int
    public var requireSymbols: Bool
    public var requireNumbers: Bool
    public var requireUppercase: Bool
    public var requireLowercase: Bool
    public var allowUsersToChange: Bool
    /// Days; nil when passwords do not expire.
    public var maximumAge: Int?
    public var reusePrevention: Int?
    public var hardExpiry: Bool?

    /// Whether a password meets the policy (IAM's symbols are the printable ASCII that are neither
    /// letters nor digits).
    func admits(_ password: String) -> Bool {
        let scalars = password.unicodeScalars
        guard scalars.count >= minimumLength else { return false }
        func has(_ test: (Unicode.Scalar) -> Bool) -> Bool { scalars.contains(where: test) }
        if requireUppercase, !has({ ("A"..."Z").contains($0) }) { return false }
        if requireLowercase, !has({ ("a"..."z").contains($0) }) { return false }
        if requireNumbers, !has({ ("0"..."9").contains($0) }) { return false }
        if requireSymbols, !has({ $0.isASCII && $0.properties.isPatternSyntax }) { return false }
        return true
    }
}
