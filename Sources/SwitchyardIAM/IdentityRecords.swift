import Foundation

/// A tag as IAM keeps it: in the order it was given, keys unique without regard to case.
public struct TagPair: Codable, Sendable, Equatable {
    public var key: String
    public var value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

/// What users, roles and groups share: inline policies by name and attached managed policies by ARN,
/// each in the order they were added.
public struct PolicyHolder: Codable, Sendable, Equatable {
    public var inline: [String: String] = [:]
    public var inlineOrder: [String] = []
    public var attached: [String] = []

    public init() {}

    mutating func putInline(_ name: String, _ document: String) {
        if inline[name] == nil { inlineOrder.append(name) }
        inline[name] = document
    }

    mutating func deleteInline(_ name: String) -> Bool {
        guard inline.removeValue(forKey: name) != nil else { return false }
        inlineOrder.removeAll { $0 == name }
        return true
    }
}

/// An IAM user.
public struct UserRecord: Codable, Sendable, Equatable {
    public var account: String
    public var name: String
    public var path: String
    /// `AIDA...`, 21 characters.
    public var id: String
    public var createdAt: Date
    public var tags: [TagPair]
    public var permissionsBoundary: String?
    public var policies: PolicyHolder
    public var passwordLastUsed: Date?
    /// The user's console password, if one is set (kept as salted digests, never the password).
    public var loginProfile: LoginProfileRecord? = nil

    public var arn: String { "arn:aws:iam::\(account):user\(path)\(name)" }
}

/// That a user may sign in to the console with a password.
public struct LoginProfileRecord: Codable, Sendable, Equatable {
    public var createdAt: Date
    public var passwordResetRequired: Bool
    /// When the password was last set after the profile was created.
    public var passwordChangedAt: Date? = nil
    /// Digests of the current password and the ones before it, newest first (`PasswordHashes`);
    /// nil for profiles created before passwords were kept, or without a password.
    public var passwordDigests: [String]? = nil

    /// How many earlier passwords are kept for the account policy's reuse prevention (its maximum).
    static let remembered = 24
}

/// An IAM role.
public struct RoleRecord: Codable, Sendable, Equatable {
    public var account: String
    public var name: String
    public var path: String
    /// `AROA...`, 21 characters.
    public var id: String
    public var createdAt: Date
    /// The trust policy, as given (JSON text).
    public var trustPolicy: String
    public var description: String?
    public var maxSessionDuration: Int
    public var tags: [TagPair]
    public var permissionsBoundary: String?
    public var policies: PolicyHolder
    public var lastUsed: Date?
    public var lastUsedRegion: String?

    public var arn: String { "arn:aws:iam::\(account):role\(path)\(name)" }
}

/// An IAM group and its members (user names).
public struct GroupRecord: Codable, Sendable, Equatable {
    public var account: String
    public var name: String
    public var path: String
    /// `AGPA...`.
    public var id: String
    public var createdAt: Date
    public var members: [String]
    public var policies: PolicyHolder

    public var arn: String { "arn:aws:iam::\(account):group\(path)\(name)" }
}

/// One version of a managed policy.
public struct PolicyVersionRecord: Codable, Sendable, Equatable {
    /// `v1`, `v2`, ...
    public var id: String
    public var document: String
    public var createdAt: Date
}

/// A customer managed policy with its versions (at most five).
public struct ManagedPolicyRecord: Codable, Sendable, Equatable {
    public var account: String
    public var name: String
    public var path: String
    /// `ANPA...`.
    public var id: String
    public var createdAt: Date
    public var updatedAt: Date
    public var description: String?
    public var versions: [PolicyVersionRecord]
    public var defaultVersion: String
    public var nextVersion: Int
    public var tags: [TagPair]

    public var arn: String { "arn:aws:iam::\(account):policy\(path)\(name)" }

    var defaultDocument: String { versions.first { $0.id == defaultVersion }?.document ?? "" }
}

/// An access key of a user (or of the account's root, `userName` nil).
public struct AccessKeyRecord: Codable, Sendable, Equatable {
    public var account: String
    public var userName: String?
    /// `AKIA...`, 20 characters.
    public var id: String
    public var secret: String
    public var active: Bool
    public var createdAt: Date
    public var lastUsed: Date?
    public var lastUsedService: String?
    public var lastUsedRegion: String?
}

/// A user's credential for one service (CodeCommit, Keyspaces, Bedrock): a user name and password,
/// or for Bedrock an API key (an alias and a secret) that may expire.
public struct ServiceCredentialRecord: Codable, Sendable, Equatable {
    public var account: String
    public var userName: String
    /// `ACCA...`, 21 characters.
    public var id: String
    public var service: String
    /// The name the service knows the user by (`<user>-at-<account>`), for password credentials.
    public var serviceUserName: String?
    /// The API key's name, for Bedrock.
    public var alias: String?
    /// The password, or the API key's secret.
    public var secret: String
    public var active: Bool
    public var createdAt: Date
    public var expiresAt: Date?
}

/// An instance profile and the role it holds (at most one).
public struct InstanceProfileRecord: Codable, Sendable, Equatable {
    public var account: String
    public var name: String
    public var path: String
    /// `AIPA...`.
    public var id: String
    public var createdAt: Date
    public var roles: [String]
    public var tags: [TagPair]

    public var arn: String { "arn:aws:iam::\(account):instance-profile\(path)\(name)" }
}

/// Temporary credentials issued by STS, and who they act as.
public struct SessionRecord: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        case assumedRole, federatedUser, sessionToken, root
    }

    /// `ASIA...`, 20 characters.
    public var accessKeyId: String
    public var secret: String
    public var token: String
    public var expiration: Date
    public var kind: Kind
    /// The account the credentials act in.
    public var account: String
    /// The caller's ARN (an assumed-role or federated-user ARN, or the user's own).
    public var arn: String
    /// The caller's user id (`AROA...:session`, `account:name`, `AIDA...`).
    public var userId: String
    /// For an assumed role, the role's ARN (resource policies name roles, not sessions).
    public var roleArn: String?
    public var sourceIdentity: String?
    /// Session tags, and which of them pass on to roles this session assumes (role chaining).
    public var tags: [TagPair]?
    public var transitiveTagKeys: [String]?
}
