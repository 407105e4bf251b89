import Foundation
import SwitchyardCore
import SwitchyardWire

/// Who asked STS for credentials.
public struct Caller: Sendable {
    public var account: String
    /// `arn:aws:iam::<account>:root`, a user's ARN, an assumed-role or federated-user ARN.
    public var arn: String
    public var userId: String
    /// The request was signed with temporary credentials (an `ASIA` key).
    public var signedWithSession: Bool

    public init(account: String, arn: String, userId: String, signedWithSession: Bool = false) {
        self.account = account
        self.arn = arn
        self.userId = userId
        self.signedWithSession = signedWithSession
    }

    var isRoot: Bool { arn == "arn:aws:iam::\(account):root" }
    var isTemporary: Bool { signedWithSession || arn.hasPrefix("arn:aws:sts::") }
}

// Temporary credentials (STS).
extension IdentityEngine {
    /// Issues credentials acting as a role of any account, once the role's trust policy allows the
    /// caller (`principal`) to assume it.
    public func assumeRole(
        roleArn: String, sessionName: String, duration: Int?, principal: PolicyPrincipal, region: String,
        sourceIdentity: String?, context: [String: String] = [:], action: String = "sts:AssumeRole",
        tags: [TagPair] = [], transitiveTagKeys: [String] = [], callerKey: String? = nil, notAfter: Date? = nil
    ) throws -> (SessionRecord, RoleRecord, CommitTicket) {
        // Session tags: unique keys without regard to case; transitive ones among them, and not
        // overriding what the calling session passes on.
        var seen = Set<String>()
        for tag in tags where !seen.insert(tag.key.lowercased()).inserted {
            throw AWSError(
                "InvalidParameterValue", "Duplicate tag keys found. Please note that Tag keys are case insensitive.")
        }
        for key in transitiveTagKeys where !seen.contains(key.lowercased()) {
            throw AWSError(
                "InvalidParameterValue", "The specified transitive tag key must be included in the requested tags.")
        }
        let inherited = callerKey.flatMap { sessions[$0] }
        let passedOn = Set((inherited?.transitiveTagKeys ?? []).map { $0.lowercased() })
        if !passedOn.isDisjoint(with: seen) {
            throw AWSError(
                "InvalidParameterValue",
                "One of the specified transitive tag keys can't be set because it conflicts with a transitive tag key from the calling session."
            )
        }
        guard let parts = IAMArn.parse(roleArn), parts.kind == "role", parts.account.count == 12 else {
            throw STSErrors.validation("\(roleArn) is invalid")
        }
        // Whether the role exists or not, the answer is the same refusal: AWS tells no one.
        guard let role = roles[EntityKey(parts.account, parts.name)], role.path == parts.path else {
            throw STSErrors.notAuthorized(principal, action: action, resource: roleArn)
        }
        // Passing session tags and setting a source identity are actions of their own that the trust
        // policy must allow too (IAM User Guide, "Passing session tags in AWS STS", "Monitor and
        // control actions taken with assumed roles").
        let trust = try? ResourcePolicy(json: role.trustPolicy)
        var actions = [action]
        if !tags.isEmpty { actions.append("sts:TagSession") }
        if sourceIdentity != nil { actions.append("sts:SetSourceIdentity") }
        var trustContext = context
        for tag in tags { trustContext["aws:RequestTag/\(tag.key)"] = tag.value }
        for needed in actions {
            let decision = trust?.evaluate(
                AccessRequest(principal: principal, action: needed, resource: role.arn, context: trustContext))
            guard decision == .allowed else {
                throw STSErrors.notAuthorized(principal, action: needed, resource: roleArn)
            }
        }
        let seconds = duration ?? 3600
        if principal.identifier.hasPrefix("arn:aws:sts::"), principal.identifier.contains(":assumed-role/"),
            seconds > 3600
        {
            throw STSErrors.validation(
                "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
        }
        guard seconds <= role.maxSessionDuration else {
            throw STSErrors.validation(
                "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
        }
        var expiration = now.addingTimeInterval(TimeInterval(seconds))
        if let notAfter {
            guard notAfter > now else {
                throw AWSError(
                    "ExpiredTokenException",
                    "The web identity token that was passed is expired or is not valid. Get a new identity token from the identity provider and then retry the request."
                )
            }
            expiration = min(expiration, notAfter)
        }
        let session = SessionRecord(
            accessKeyId: IdentityIdentifiers.accessKeyId(prefix: "ASIA", account: role.account),
            secret: IdentityIdentifiers.secret(), token: IdentityIdentifiers.sessionToken(),
            expiration: expiration, kind: .assumedRole, account: role.account,
            arn: "arn:aws:sts::\(role.account):assumed-role/\(role.name)/\(sessionName)",
            userId: "\(role.id):\(sessionName)", roleArn: role.arn, sourceIdentity: sourceIdentity,
            tags: tags + (inherited?.tags ?? []).filter { passedOn.contains($0.key.lowercased()) },
            transitiveTagKeys: transitiveTagKeys + Array(passedOn))
        pruneExpiredSessions()
        let ticket = commit([save(session), markUsed(role, region: region)])
        return (session, role, ticket)
    }

    /// Credentials for the caller itself (GetSessionToken) or for a federated user (GetFederationToken).
    public func issueSession(for caller: Caller, federatedName: String?, duration: Int) -> (SessionRecord, CommitTicket)
    {
        let arn: String
        let userId: String
        let kind: SessionRecord.Kind
        if let federatedName {
            arn = "arn:aws:sts::\(caller.account):federated-user/\(federatedName)"
            userId = "\(caller.account):\(federatedName)"
            kind = .federatedUser
        } else {
            arn = caller.arn
            userId = caller.userId
            kind = caller.isRoot ? .root : .sessionToken
        }
        let session = SessionRecord(
            accessKeyId: IdentityIdentifiers.accessKeyId(prefix: "ASIA", account: caller.account),
            secret: IdentityIdentifiers.secret(), token: IdentityIdentifiers.sessionToken(),
            expiration: now.addingTimeInterval(TimeInterval(duration)), kind: kind, account: caller.account, arn: arn,
            userId: userId, roleArn: nil, sourceIdentity: nil)
        pruneExpiredSessions()
        return (session, commit([save(session)]))
    }

    /// Credentials acting as the root of another account (AssumeRoot).
    public func issueRootSession(account: String, duration: Int) -> (SessionRecord, CommitTicket) {
        issueSession(
            for: Caller(account: account, arn: "arn:aws:iam::\(account):root", userId: account), federatedName: nil,
            duration: duration)
    }

    /// The account an access key id belongs to: a key issued here, else the account AWS's key format encodes.
    public func account(ofAccessKey id: String) -> String? {
        if let key = accessKeys[id] { return key.account }
        if let session = sessions[id] { return session.account }
        return IdentityIdentifiers.account(ofAccessKeyId: id)
    }

    /// Sessions past their expiration sign nothing; they are forgotten, at most once a minute.
    func pruneExpiredSessions() {
        let current = now
        guard current.timeIntervalSince(lastSessionPrune) > 60 else { return }
        lastSessionPrune = current
        let expired = sessions.values.filter { $0.expiration < current }.map(\.accessKeyId)
        guard !expired.isEmpty else { return }
        for id in expired {
            sessions[id] = nil
            directory.remove(id)
        }
        _ = commit(expired.map { .delete(.session, key: $0) })
    }
}

/// The errors STS answers, in AWS's words.
enum STSErrors {
    static func notAuthorized(_ principal: PolicyPrincipal, action: String, resource: String) -> AWSError {
        AWSError(
            "AccessDenied",
            "User: \(principal.identifier) is not authorized to perform: \(action) on resource: \(resource)",
            httpStatus: 403)
    }

    static func validation(_ message: String) -> AWSError {
        AWSError("ValidationError", message)
    }

    /// GetWebIdentityToken while the account's outbound federation is off (the wording is ours).
    static func outboundFederationDisabled() -> AWSError {
        AWSError(
            "OutboundWebIdentityFederationDisabledException",
            "Outbound web identity federation is disabled for this account.", httpStatus: 403)
    }

    /// A token that would outlive the session asking for it (the wording is ours).
    static func sessionDurationEscalation() -> AWSError {
        AWSError(
            "SessionDurationEscalationException",
            "The requested token duration would extend the session beyond its original expiration time.",
            httpStatus: 403)
    }
}
