import Foundation
import Synchronization

/// A credential that signs requests, and who it acts as.
public struct IssuedCredential: Sendable, Equatable {
    public var accessKeyId: String
    public var secret: String
    /// The account requests signed with it act in.
    public var account: String
    /// The caller's ARN: `arn:aws:iam::<account>:user/<name>`, `...:root`, an assumed-role ARN.
    public var principalArn: String
    /// The caller's user id as STS GetCallerIdentity reports it.
    public var userId: String
    /// Temporary credentials: the session token that must come with them, and when they expire.
    public var sessionToken: String?
    public var expiration: Date?
    /// Deactivated access keys sign nothing.
    public var active: Bool
    /// For an assumed role, the role's ARN, which resource policies name.
    public var roleArn: String?

    public init(
        accessKeyId: String, secret: String, account: String, principalArn: String, userId: String,
        sessionToken: String? = nil, expiration: Date? = nil, active: Bool = true, roleArn: String? = nil
    ) {
        self.accessKeyId = accessKeyId
        self.secret = secret
        self.account = account
        self.principalArn = principalArn
        self.userId = userId
        self.sessionToken = sessionToken
        self.expiration = expiration
        self.active = active
        self.roleArn = roleArn
    }
}

/// Every access key and session IAM and STS have issued, by access key id, for the request path:
/// a lock-protected dictionary the identity engine keeps up to date, so that resolving a request's
/// identity never waits for the engine.
public final class CredentialDirectory: Sendable {
    private let credentials = Mutex<[String: IssuedCredential]>([:])
    /// Role sessions issued for code Switchyard runs (`issueRoleSession`), in the order they were
    /// issued, which is the order they expire in: nothing else removes them.
    let roleSessions = Mutex<[(expiration: Date, accessKeyId: String)]>([])
    /// The uses requests make of these credentials, which the identity engine keeps.
    public let usage = UsageLedger()

    public init() {}

    public func lookup(_ accessKeyId: String) -> IssuedCredential? {
        credentials.withLock { $0[accessKeyId] }
    }

    /// Publishes a credential (the identity engine does, as it issues them).
    public func put(_ credential: IssuedCredential) {
        credentials.withLock { $0[credential.accessKeyId] = credential }
    }

    public func remove(_ accessKeyId: String) {
        _ = credentials.withLock { $0.removeValue(forKey: accessKeyId) }
    }

    public func replaceAll(_ all: [IssuedCredential]) {
        var map: [String: IssuedCredential] = [:]
        for credential in all { map[credential.accessKeyId] = credential }
        credentials.withLock { $0 = map }
    }
}
