// What an identity policy grants, service by service, whatever the resource or conditions: the
// question IAM's last-accessed reports and ListPoliciesGrantingServiceAccess ask of a policy.
extension ResourcePolicy {
    /// Whether an Allow statement names some action of the service (its IAM namespace): an
    /// `Action` whose service part matches it, or a `NotAction` that leaves some of its actions out.
    public func grantsAccess(toService namespace: String) -> Bool {
        statements.contains { statement in
            guard statement.allow else { return false }
            let servicePatterns = statement.actions.patterns.map(Self.servicePart)
            if statement.actions.negated {
                // Only a pattern covering every action of the service takes all of it away.
                return !statement.actions.patterns.contains { pattern in
                    pattern == "*" || Self.coversWholeService(pattern, namespace)
                }
            }
            return servicePatterns.contains { Wildcard.matches($0, namespace, ignoringCase: true) }
        }
    }

    /// Whether an Allow statement names the action (`service:Action`), whatever the resource.
    public func grantsAction(_ action: String) -> Bool {
        statements.contains { $0.allow && $0.actions.matches(action, ignoringCase: true) }
    }

    private static func servicePart(_ pattern: String) -> String {
        pattern == "*" ? "*" : String(pattern.split(separator: ":", maxSplits: 1).first ?? "")
    }

    private static func coversWholeService(_ pattern: String, _ namespace: String) -> Bool {
        let parts = pattern.split(separator: ":", maxSplits: 1)
        return parts.count == 2 && parts[1] == "*"
            && Wildcard.matches(String(parts[0]), namespace, ignoringCase: true)
    }
}
