import Foundation

/// Where a delegation request stands. A partner creates it unassigned; a customer associates it
/// with an identity of theirs, may forward it for approval, then accepts or rejects it; sending
/// the token finalizes it. Every state but EXPIRED lapses into EXPIRED when nothing happens in time.
public enum DelegationState: String, Codable, Sendable {
    case unassigned = "UNASSIGNED"
    case assigned = "ASSIGNED"
    case pendingApproval = "PENDING_APPROVAL"
    case accepted = "ACCEPTED"
    case rejected = "REJECTED"
    case finalized = "FINALIZED"
    case expired = "EXPIRED"

    /// How long a request stays in this state before it expires (IAM User Guide, "Understanding
    /// the Request Lifecycle": one day unassigned, seven days in every other state).
    var lifetime: TimeInterval { self == .unassigned ? 86_400 : 7 * 86_400 }
}

/// The identity that accepted a request: the delegated credentials act as it.
public struct DelegationApprover: Codable, Sendable, Equatable {
    public var account: String
    public var arn: String
    public var userId: String
    /// Set when the approver was a role session.
    public var roleArn: String?
}

/// One parameter a partner passes to fill its policy template.
public struct DelegationParameter: Codable, Sendable, Equatable {
    public var name: String
    public var values: [String]
    /// `string` (one value) or `stringList` (a Resource entry per value).
    public var type: String
}

/// An IAM temporary delegation request: a partner (the requestor account) asks a customer's
/// account for time-limited access described by one of its registered policy templates.
public struct DelegationRequestRecord: Codable, Sendable, Equatable {
    public var id: String
    /// The partner's account.
    public var requestorId: String
    public var requestorName: String?
    public var requestorWorkflowId: String
    public var description: String
    public var requestMessage: String?
    public var templateArn: String?
    public var parameters: [DelegationParameter]
    /// The template rendered with the parameters: what the delegated credentials may do at most.
    public var permissionPolicy: String
    /// The permissions boundaries of roles the delegated credentials create.
    public var boundaryArns: [String]
    public var redirectUrl: String?
    /// The partner's SNS topic that hears of every change and receives the exchange token.
    public var notificationChannel: String
    public var sessionDuration: Int
    public var onlySendByOwner: Bool
    /// The account the request is meant for: set by the partner or by the first association.
    public var ownerAccountId: String?
    /// The ARN of the identity that associated the request.
    public var ownerId: String?
    public var approver: DelegationApprover?
    public var state: DelegationState
    public var notes: String?
    public var rejectionReason: String?
    public var createdAt: Date
    public var updatedAt: Date
    public var expiresAt: Date
    /// The exchange (trade-in) token, once sent, and until when it yields credentials.
    public var exchangeToken: String?
    public var tokenExpiresAt: Date?

    /// The request as it stands at `now`: past its expiration time, EXPIRED.
    func current(at now: Date) -> DelegationRequestRecord {
        guard state != .expired, expiresAt <= now else { return self }
        var expired = self
        expired.state = .expired
        expired.updatedAt = expiresAt
        // Expired requests are kept for as long again before they are forgotten.
        expired.expiresAt = expiresAt.addingTimeInterval(DelegationState.expired.lifetime)
        return expired
    }

    /// `arn:aws:iam::<owner or requestor account>:delegation-request/<id>`.
    public var arn: String { "arn:aws:iam::\(ownerAccountId ?? requestorId):delegation-request/\(id)" }
}

/// A policy template a partner registers, which delegation requests name by ARN
/// (`arn:aws:iam:::delegation-template/<name>`). AWS registers templates during partner
/// onboarding; here they are registered through `/_switchyard/iam/delegation-templates`.
public struct DelegationTemplateRecord: Codable, Sendable, Equatable {
    public var name: String
    /// An IAM policy document with `@{name}` placeholders and `@Enabled` statement switches.
    public var document: String
    /// Permissions boundaries of the roles the delegated credentials may create.
    public var boundaryArns: [String]
    public var createdAt: Date

    public var arn: String { Self.arn(name) }
    static func arn(_ name: String) -> String { "arn:aws:iam:::delegation-template/\(name)" }
}
