import Foundation
import SwitchyardCore
import SwitchyardWire

/// What a partner asks for when it creates a delegation request.
public struct DelegationAsk: Sendable {
    public var ownerAccountId: String?
    public var description: String
    public var requestMessage: String?
    public var templateArn: String?
    public var parameters: [DelegationParameter]
    public var requestorWorkflowId: String
    public var redirectUrl: String?
    public var notificationChannel: String
    public var sessionDuration: Int
    public var onlySendByOwner: Bool

    public init(
        ownerAccountId: String?, description: String, requestMessage: String?, templateArn: String?,
        parameters: [DelegationParameter], requestorWorkflowId: String, redirectUrl: String?,
        notificationChannel: String, sessionDuration: Int, onlySendByOwner: Bool
    ) {
        self.ownerAccountId = ownerAccountId
        self.description = description
        self.requestMessage = requestMessage
        self.templateArn = templateArn
        self.parameters = parameters
        self.requestorWorkflowId = requestorWorkflowId
        self.redirectUrl = redirectUrl
        self.notificationChannel = notificationChannel
        self.sessionDuration = sessionDuration
        self.onlySendByOwner = onlySendByOwner
    }
}

// IAM temporary delegation: partners' requests for time-limited access to a customer's account,
// the customer's answers, and the exchange token STS trades for credentials.
extension IdentityEngine {
    /// The root user may approve only requests of four hours or less (IAM User Guide).
    static let rootApprovalLimit = 14_400

    // MARK: Templates

    /// Registers (or replaces) a partner's policy template; requests of every account may name it.
    public func registerDelegationTemplate(name: String, document: String, boundaryArns: [String]) throws
        -> (DelegationTemplateRecord, CommitTicket)
    {
        guard (1...128).contains(name.count), name.allSatisfy({ $0.isLetter || $0.isNumber || "+=,.@_-".contains($0) })
        else {
            throw IAMErrors.invalidInput("A template name has 1 to 128 letters, digits and +=,.@_- characters.")
        }
        do {
            _ = try DelegationTemplate(document: document, parameters: [])
        } catch let failure as DelegationTemplate.Failure {
            throw IAMErrors.invalidInput(failure.message)
        }
        let template = DelegationTemplateRecord(
            name: name, document: document, boundaryArns: boundaryArns, createdAt: now)
        delegationTemplates[name] = template
        return (template, commit([put(.delegationTemplate, name, template)]))
    }

    public func registeredDelegationTemplates() -> [DelegationTemplateRecord] {
        delegationTemplates.values.sorted { $0.name < $1.name }
    }

    // MARK: Requests

    public func createDelegationRequest(_ ask: DelegationAsk, requestor: Caller) throws
        -> (DelegationRequestRecord, CommitTicket)
    {
        var changes = forgetLapsedDelegationRequests()
        guard let templateArn = ask.templateArn else {
            throw IAMErrors.invalidInput("Permissions must name a policy template (PolicyTemplateArn).")
        }
        let prefix = DelegationTemplateRecord.arn("")
        guard templateArn.hasPrefix(prefix),
            let template = delegationTemplates[String(templateArn.dropFirst(prefix.count))]
        else {
            throw IAMErrors.invalidInput("The policy template \(templateArn) is not registered.")
        }
        let topic = ask.notificationChannel.split(separator: ":", omittingEmptySubsequences: false)
        guard topic.count == 6, topic[0] == "arn", topic[2] == "sns", !topic[3].isEmpty, !topic[5].isEmpty else {
            throw IAMErrors.invalidInput("The notification channel must be the ARN of an SNS topic.")
        }
        guard topic[4] == requestor.account else {
            throw IAMErrors.invalidInput("The notification channel must be an SNS topic of the requesting account.")
        }
        if delegationRequests.values.contains(where: {
            $0.requestorId == requestor.account && $0.requestorWorkflowId == ask.requestorWorkflowId
        }) {
            throw IAMErrors.alreadyExists(
                "A delegation request with RequestorWorkflowId \(ask.requestorWorkflowId) already exists.")
        }
        let policy: String
        do {
            policy = try DelegationTemplate(document: template.document, parameters: ask.parameters).render()
        } catch let failure as DelegationTemplate.Failure {
            throw IAMErrors.invalidInput(failure.message)
        }
        let created = now
        let request = DelegationRequestRecord(
            id: RandomUUID.make().lowercased(), requestorId: requestor.account,
            requestorName: aliases[requestor.account].map { String($0.prefix(30)) },
            requestorWorkflowId: ask.requestorWorkflowId, description: ask.description,
            requestMessage: ask.requestMessage, templateArn: templateArn, parameters: ask.parameters,
            permissionPolicy: policy, boundaryArns: template.boundaryArns, redirectUrl: ask.redirectUrl,
            notificationChannel: ask.notificationChannel, sessionDuration: ask.sessionDuration,
            onlySendByOwner: ask.onlySendByOwner, ownerAccountId: ask.ownerAccountId, ownerId: nil, approver: nil,
            state: .unassigned, notes: nil, rejectionReason: nil, createdAt: created, updatedAt: created,
            expiresAt: created.addingTimeInterval(DelegationState.unassigned.lifetime), exchangeToken: nil,
            tokenExpiresAt: nil)
        changes.append(save(request))
        return (request, commit(changes))
    }

    /// A request the caller may see: the partner's own, one meant for the caller's account, or one
    /// meant for no account yet.
    public func delegationRequest(id: String, caller: Caller) throws -> DelegationRequestRecord {
        guard let request = liveDelegationRequest(id),
            request.requestorId == caller.account || request.ownerAccountId.map({ $0 == caller.account }) ?? true
        else { throw Self.noSuchDelegationRequest(id) }
        return request
    }

    /// The requests owned within the caller's account (unowned ones are not listed), oldest first.
    public func delegationRequests(caller: Caller, ownerId: String?) -> [DelegationRequestRecord] {
        delegationRequests.keys.compactMap(liveDelegationRequest)
            .filter { request in
                request.ownerId != nil && request.ownerAccountId == caller.account
                    && (ownerId == nil || request.ownerId == ownerId)
            }
            .sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    /// The request an entity ARN names (`arn:aws:iam::<account>:delegation-request/<id>`).
    public func delegationRequest(arn: String, caller: Caller) throws -> DelegationRequestRecord {
        guard let parts = IAMArn.parse(arn), parts.kind == "delegation-request", !parts.name.isEmpty else {
            throw IAMErrors.invalidInput("The entity \(arn) is not a delegation request; only those are summarized.")
        }
        return try delegationRequest(id: parts.name, caller: caller)
    }

    /// Associates an unassigned request with the calling identity (and its account).
    public func associateDelegationRequest(id: String, caller: Caller) throws
        -> (DelegationRequestRecord, CommitTicket)
    {
        var request = try delegationRequest(id: id, caller: caller)
        if let account = request.ownerAccountId, account != caller.account {
            throw Self.noSuchDelegationRequest(id)
        }
        try Self.require(request, in: [.unassigned], for: "AssociateDelegationRequest")
        request.ownerAccountId = caller.account
        request.ownerId = caller.arn
        return transition(&request, to: .assigned)
    }

    /// Forwards an assigned request for approval, with notes for the approver.
    public func updateDelegationRequest(id: String, notes: String?, caller: Caller) throws
        -> (DelegationRequestRecord, CommitTicket)
    {
        var request = try ownedDelegationRequest(
            id: id, caller: caller, action: "UpdateDelegationRequest", states: [.assigned, .pendingApproval])
        if let notes { request.notes = notes }
        return transition(&request, to: .pendingApproval)
    }

    /// Accepts a request; the delegated credentials will act as the accepting identity.
    public func acceptDelegationRequest(id: String, caller: Caller, roleArn: String?) throws
        -> (DelegationRequestRecord, CommitTicket)
    {
        var request = try ownedDelegationRequest(
            id: id, caller: caller, action: "AcceptDelegationRequest", states: [.assigned, .pendingApproval])
        if caller.isRoot, request.sessionDuration > Self.rootApprovalLimit {
            throw IAMErrors.invalidInput(
                "The root user can accept only delegation requests whose session lasts at most \(Self.rootApprovalLimit) seconds."
            )
        }
        request.approver = DelegationApprover(
            account: caller.account, arn: caller.arn, userId: caller.userId, roleArn: roleArn)
        return transition(&request, to: .accepted)
    }

    public func rejectDelegationRequest(id: String, notes: String?, caller: Caller) throws
        -> (DelegationRequestRecord, CommitTicket)
    {
        var request = try ownedDelegationRequest(
            id: id, caller: caller, action: "RejectDelegationRequest",
            states: [.assigned, .pendingApproval, .accepted])
        request.rejectionReason = notes
        return transition(&request, to: .rejected)
    }

    /// Finalizes an accepted request: its exchange token is issued, valid for the session duration.
    public func sendDelegationToken(id: String, caller: Caller) throws -> (DelegationRequestRecord, CommitTicket) {
        var request = try ownedDelegationRequest(
            id: id, caller: caller, action: "SendDelegationToken", states: [.accepted])
        if request.onlySendByOwner, request.ownerId != caller.arn {
            throw IAMErrors.accessDenied(
                "Only the owner of delegation request \(id) (\(request.ownerId ?? "")) may send its token.")
        }
        request.exchangeToken = IdentityIdentifiers.sessionToken()
        request.tokenExpiresAt = now.addingTimeInterval(TimeInterval(request.sessionDuration))
        return transition(&request, to: .finalized)
    }

    /// Trades an exchange token for credentials acting as the identity that accepted the request,
    /// until the token's end; only the partner that created the request may, as often as it likes.
    public func redeemDelegationToken(_ token: String, caller: Caller) throws
        -> (SessionRecord, DelegationRequestRecord, CommitTicket)
    {
        guard
            let request = delegationRequests.values.first(where: { $0.exchangeToken == token }),
            request.requestorId == caller.account, let approver = request.approver,
            let tokenExpiresAt = request.tokenExpiresAt, tokenExpiresAt > now
        else {
            throw AWSError("ExpiredTradeInTokenException", "The trade-in token is not valid or has expired.")
        }
        let kind: SessionRecord.Kind =
            approver.roleArn != nil
            ? .assumedRole : approver.arn == "arn:aws:iam::\(approver.account):root" ? .root : .sessionToken
        let session = SessionRecord(
            accessKeyId: IdentityIdentifiers.accessKeyId(prefix: "ASIA", account: approver.account),
            secret: IdentityIdentifiers.secret(), token: IdentityIdentifiers.sessionToken(),
            expiration: tokenExpiresAt, kind: kind, account: approver.account, arn: approver.arn,
            userId: approver.userId, roleArn: approver.roleArn, sourceIdentity: nil)
        pruneExpiredSessions()
        return (session, request, commit([save(session)]))
    }

    /// Marks the requests whose time ran out EXPIRED (and forgets those expired longer ago than
    /// they are kept); answers the newly expired, whose partners are told.
    public func expireDelegationRequests() -> ([DelegationRequestRecord], CommitTicket) {
        var changes = forgetLapsedDelegationRequests()
        var expired: [DelegationRequestRecord] = []
        for stored in Array(delegationRequests.values) where stored.state != .expired {
            let current = stored.current(at: now)
            guard current.state == .expired else { continue }
            expired.append(current)
            changes.append(save(current))
        }
        return (expired.sorted { $0.id < $1.id }, commit(changes))
    }

    // MARK: Helpers

    /// A request as it stands now, or nil once it has been expired for as long as it is kept.
    func liveDelegationRequest(_ id: String) -> DelegationRequestRecord? {
        guard let request = delegationRequests[id]?.current(at: now),
            request.state != .expired || request.expiresAt > now
        else { return nil }
        return request
    }

    /// Forgets the requests that expired longer ago than they are kept.
    func forgetLapsedDelegationRequests() -> [IdentityChange] {
        let lapsed = delegationRequests.keys.filter { liveDelegationRequest($0) == nil }
        for id in lapsed { delegationRequests[id] = nil }
        return lapsed.map { .delete(.delegationRequest, key: $0) }
    }

    /// A request the caller's account owns, in one of the states `action` needs.
    func ownedDelegationRequest(id: String, caller: Caller, action: String, states: [DelegationState]) throws
        -> DelegationRequestRecord
    {
        let request = try delegationRequest(id: id, caller: caller)
        try Self.require(request, in: states, for: action)
        guard request.ownerAccountId == caller.account else {
            throw IAMErrors.accessDenied(
                "User: \(caller.arn) is not authorized to perform: iam:\(action) on resource: \(request.arn)")
        }
        return request
    }

    func transition(_ request: inout DelegationRequestRecord, to state: DelegationState)
        -> (DelegationRequestRecord, CommitTicket)
    {
        request.state = state
        request.updatedAt = now
        request.expiresAt = now.addingTimeInterval(state.lifetime)
        return (request, commit([save(request)]))
    }

    func save(_ request: DelegationRequestRecord) -> IdentityChange {
        delegationRequests[request.id] = request
        return put(.delegationRequest, request.id, request)
    }

    static func require(_ request: DelegationRequestRecord, in states: [DelegationState], for action: String) throws {
        guard !states.contains(request.state) else { return }
        let allowed = states.map(\.rawValue).joined(separator: " or ")
        throw IAMErrors.invalidInput(
            "The delegation request \(request.id) is \(request.state.rawValue); \(action) needs it \(allowed).")
    }

    static func noSuchDelegationRequest(_ id: String) -> AWSError {
        IAMErrors.noSuchEntity("The delegation request \(id) does not exist.")
    }
}
