import Foundation
import SwitchyardCore
import SwitchyardWire

// Outbound identity federation: JWTs STS signs for services outside AWS, with the account's keys.
extension IdentityEngine {
    /// Enables the feature; the first time, the account gets its issuer and signing keys.
    public func enableOutboundFederation(account: String) throws -> (String, CommitTicket) {
        var settings = settings(account: account)
        if settings.outboundFederation?.enabled == true {
            throw IAMErrors.featureEnabled()
        }
        var federation = try settings.outboundFederation ?? OutboundFederationRecord.generate()
        federation.enabled = true
        settings.outboundFederation = federation
        return (federation.issuer, commit([save(settings)]))
    }

    public func disableOutboundFederation(account: String) throws -> CommitTicket {
        var settings = settings(account: account)
        guard var federation = settings.outboundFederation, federation.enabled else {
            throw IAMErrors.featureDisabled()
        }
        federation.enabled = false
        settings.outboundFederation = federation
        return commit([save(settings)])
    }

    public func outboundFederation(account: String) throws -> OutboundFederationRecord {
        guard let federation = settings(account: account).outboundFederation else {
            throw IAMErrors.featureDisabled()
        }
        return federation
    }

    /// Every account's token-signing keys, for the published key set.
    public func outboundFederationKeys() -> [[String: String]] {
        accountSettings.values.sorted { $0.account < $1.account }.compactMap(\.outboundFederation)
            .flatMap { (try? $0.publicKeys()) ?? [] }
    }

    /// A signed token for the caller: AWS's standard claims, and under `https://sts.amazonaws.com/`
    /// the account, the region, the principal's tags and the request's.
    public func webIdentityToken(
        account: String, subject: String, accessKeyId: String?, region: String, audience: [String],
        duration: Int, algorithm: String, requestTags: [TagPair]
    ) throws -> (token: String, expiration: Date) {
        guard let federation = settings(account: account).outboundFederation, federation.enabled else {
            throw STSErrors.outboundFederationDisabled()
        }
        let issued = now
        let expiration = issued.addingTimeInterval(Double(duration))
        // A token may not outlive the temporary credentials that asked for it.
        if let session = accessKeyId.flatMap({ sessions[$0] }), session.expiration < expiration {
            throw STSErrors.sessionDurationEscalation()
        }
        var aws: [String: Any] = ["aws_account": account, "source_region": region]
        let principalTags = principalTags(subject: subject, account: account, accessKeyId: accessKeyId)
        if !principalTags.isEmpty { aws["principal_tags"] = Self.claims(principalTags) }
        if !requestTags.isEmpty { aws["request_tags"] = Self.claims(requestTags) }
        let claims: [String: Any] = [
            "iss": federation.issuer, "sub": subject, "aud": audience.count == 1 ? audience[0] : audience,
            "iat": Int(issued.timeIntervalSince1970), "nbf": Int(issued.timeIntervalSince1970),
            "exp": Int(expiration.timeIntervalSince1970), "jti": UUID().uuidString.lowercased(),
            "https://sts.amazonaws.com/": aws,
        ]
        return (try federation.sign(claims, algorithm: algorithm), expiration)
    }

    /// The tags of the user, or of the role and its session.
    private func principalTags(subject: String, account: String, accessKeyId: String?) -> [TagPair] {
        guard let parts = IAMArn.parse(subject) else { return [] }
        switch parts.kind {
        case "user": return users[EntityKey(account, parts.name)]?.tags ?? []
        case "role":
            let roleTags = roles[EntityKey(account, parts.name)]?.tags ?? []
            let sessionTags = accessKeyId.flatMap { sessions[$0]?.tags } ?? []
            // Session tags win over the role's tags of the same key.
            let overridden = Set(sessionTags.map { $0.key.lowercased() })
            return roleTags.filter { !overridden.contains($0.key.lowercased()) } + sessionTags
        default: return []
        }
    }

    private static func claims(_ tags: [TagPair]) -> [String: String] {
        var claims: [String: String] = [:]
        for tag in tags { claims[tag.key] = tag.value }
        return claims
    }
}
