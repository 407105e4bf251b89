import SwitchyardWire

/// Who may act on a queue: its own account always (Switchyard's callers act as their account's
/// root), another account or a service only as the queue's `Policy` allows, and never for the
/// actions AWS keeps to the owner.
public enum QueueAccess {
    /// Actions a queue policy cannot grant to another account (AWS: "Cross-account permissions don't
    /// apply to" these).
    static let ownerOnly: Set<String> = [
        "AddPermission", "CancelMessageMoveTask", "CreateQueue", "DeleteQueue", "ListMessageMoveTasks", "ListQueues",
        "ListQueueTags", "RemovePermission", "SetQueueAttributes", "StartMessageMoveTask", "TagQueue", "UntagQueue",
    ]

    /// AWS's refusal: 403 AccessDenied naming the caller, the lower-cased action and the queue.
    static func denied(_ principal: PolicyPrincipal, action: String, queueArn: String, explicit: Bool) -> AWSError {
        let name = "sqs:\(action.lowercased())"
        let reason =
            explicit
            ? "with an explicit deny in a resource-based policy"
            : "because no resource-based policy allows the \(name) action"
        return AWSError(
            "AccessDenied",
            "User: \(principal.identifier) is not authorized to perform: \(name) on resource: \(queueArn) \(reason)",
            httpStatus: 403)
    }
}

/// A service sending into queues for a resource of some account (SNS for a topic): same-account
/// queues take its messages, other accounts' queues only as their policy allows the service.
public struct ServiceSender: Sendable {
    public var service: String
    public var sourceArn: String
    public var sourceAccount: String

    public init(service: String, sourceArn: String, sourceAccount: String) {
        self.service = service
        self.sourceArn = sourceArn
        self.sourceAccount = sourceAccount
    }

    /// The service principal, counted as of the source's account for the same-account shortcut.
    public var principal: PolicyPrincipal {
        PolicyPrincipal(account: sourceAccount, identifier: service, isService: true)
    }

    /// The condition keys AWS sets for a service acting for a resource.
    public var context: [String: String] {
        ["aws:SourceArn": sourceArn, "aws:SourceAccount": sourceAccount, "aws:SourceOwner": sourceAccount]
    }
}

extension SQSEngine {
    /// Checks that `principal` may perform `action` (the API name, such as "SendMessage") on the queue;
    /// throws AWS's AccessDenied otherwise. The caller's own account needs no policy; a missing queue
    /// of another account is refused like one whose policy does not allow the caller, so that other
    /// accounts learn nothing of which queues exist.
    public func authorize(
        _ key: QueueKey, _ action: String, principal: PolicyPrincipal, context: [String: String] = [:]
    ) throws {
        guard principal.account != key.account else { return }
        let decision = decide(key, action, principal: principal, context: context)
        guard decision == .allowed else {
            throw QueueAccess.denied(
                principal, action: action, queueArn: key.arn, explicit: decision == .explicitlyDenied)
        }
    }

    /// The queue policy's decision for a principal of another account (or a service).
    func decide(_ key: QueueKey, _ action: String, principal: PolicyPrincipal, context: [String: String])
        -> PolicyDecision
    {
        guard !QueueAccess.ownerOnly.contains(action), let queue = queues[key],
            let text = queue.configuration.policy, let policy = compiledPolicy(text)
        else { return .notAllowed }
        return policy.evaluate(
            AccessRequest(principal: principal, action: "sqs:\(action)", resource: key.arn, context: context))
    }

    /// Policies parsed once per distinct text.
    func compiledPolicy(_ text: String) -> ResourcePolicy? {
        if let cached = policyCache[text] { return cached }
        guard let parsed = try? ResourcePolicy(json: text) else { return nil }
        if policyCache.count > 10_000 { policyCache.removeAll() }
        policyCache[text] = parsed
        return parsed
    }
}
