import SwitchyardModels

/// Which replication rule, if any, applies to an object: the enabled rules whose filter (a key
/// prefix, a tag, or both under `And`; the older top-level `Prefix`) selects it, the one with the
/// highest priority winning, as S3 resolves overlapping rules.
struct ReplicationRules: Sendable {
    let configuration: S3.ReplicationConfiguration

    func rule(forKey key: String, tags: [String: String]) -> S3.ReplicationRule? {
        configuration.rules.enumerated()
            .filter { $0.element.status == "Enabled" && Self.selects($0.element, key: key, tags: tags) }
            .max { ($0.element.priority ?? 0, -$0.offset) < ($1.element.priority ?? 0, -$1.offset) }?
            .element
    }

    static func selects(_ rule: S3.ReplicationRule, key: String, tags: [String: String]) -> Bool {
        guard let filter = rule.filter else { return key.hasPrefix(rule.prefix ?? "") }
        if let and = filter.and {
            return key.hasPrefix(and.prefix ?? "") && (and.tags ?? []).allSatisfy { tags[$0.key] == $0.value }
        }
        if let tag = filter.tag, tags[tag.key] != tag.value { return false }
        return key.hasPrefix(filter.prefix ?? "")
    }

    /// The bucket a destination ARN (`arn:aws:s3:::<bucket>`) names.
    static func bucketName(ofDestination arn: String) -> String? {
        guard arn.hasPrefix("arn:"), let name = arn.split(separator: ":", omittingEmptySubsequences: false).last,
            !name.isEmpty
        else { return nil }
        return String(name)
    }
}
