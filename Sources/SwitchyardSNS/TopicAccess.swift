import SwitchyardWire

/// Who may act on a topic: its own account always, another account only as the topic's `Policy`
/// allows (AWS's default policy allows only the owner). Platform applications and endpoints have no
/// resource policy: only their own account may touch them.
enum TopicAccess {
    /// Topic actions a topic policy can grant to another account.
    static let grantable: Set<String> = [
        "Publish", "Subscribe", "GetTopicAttributes", "SetTopicAttributes", "AddPermission", "RemovePermission",
        "DeleteTopic", "ListSubscriptionsByTopic",
    ]

    /// AWS's refusal: 403 AuthorizationError naming the caller, the action and the resource. Whether
    /// the resource exists is not told.
    static func denied(_ principal: PolicyPrincipal, action: String, resource: String, explicit: Bool) -> AWSError {
        let reason =
            explicit
            ? "with an explicit deny in a resource-based policy"
            : "because no resource-based policy allows the SNS:\(action) action"
        return AWSError(
            "AuthorizationError",
            "User: \(principal.identifier) is not authorized to perform: SNS:\(action) on resource: \(resource) \(reason)",
            httpStatus: 403)
    }

    /// The account of an SNS ARN (topic, subscription, platform application or endpoint).
    static func account(of arn: String) -> String? {
        ARN.parts(arn).map { String($0[4]) }
    }
}

extension SNSEngine {
    /// Checks that a caller of another account may perform `action` on the topic (the caller's own
    /// account needs no policy); throws AuthorizationError otherwise, for a missing topic too.
    public func authorize(
        _ key: TopicKey, _ action: String, principal: PolicyPrincipal, context: [String: String] = [:]
    ) throws {
        guard principal.account != key.account else { return }
        var decision = PolicyDecision.notAllowed
        if TopicAccess.grantable.contains(action), let record = topics[key] {
            let text = record.attributes["Policy"] ?? TopicAttributes.defaultPolicy(key)
            if let policy = try? ResourcePolicy(json: text) {
                decision = policy.evaluate(
                    AccessRequest(principal: principal, action: "SNS:\(action)", resource: key.arn, context: context))
            }
        }
        guard decision == .allowed else {
            throw TopicAccess.denied(
                principal, action: action, resource: key.arn, explicit: decision == .explicitlyDenied)
        }
    }
}
