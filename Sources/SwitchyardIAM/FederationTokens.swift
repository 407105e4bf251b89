import Foundation
import SwitchyardWire

/// The claims of an OpenID Connect token (a JWT) that AssumeRoleWithWebIdentity reports back.
///
/// Switchyard cannot reach identity providers to fetch their signing keys, so the token's signature is
/// not verified: any well-formed JWT with a subject and an audience is taken at its word (documented
/// in docs/FIDELITY.md). The role's trust policy still has to name the provider.
struct WebIdentityToken {
    var subject: String
    /// The first audience, as trust policies' `<provider>:aud` compares it.
    var audience: String
    /// Every audience the token names (`aud` may be a list).
    var audiences: [String]
    var issuer: String?
    /// The `exp` claim: seconds since the epoch after which the token is refused.
    var expiresAt: Int64?
    /// Session tags from the `https://aws.amazon.com/tags` claim's `principal_tags` (each tag's first
    /// value), sorted by key, and its `transitive_tag_keys`.
    var principalTags: [(key: String, value: String)] = []
    var transitiveTagKeys: [String] = []

    /// The provider as trust policies name it: the issuer without its scheme.
    var provider: String {
        guard let issuer else { return "www.amazon.com" }
        return issuer.replacingOccurrences(of: "https://", with: "")
    }

    init?(_ token: String) {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let payload = Base64URL.decode(parts[1]),
            let claims = try? JSONSerialization.jsonObject(with: payload) as? [String: Any],
            let subject = claims["sub"] as? String
        else { return nil }
        let audiences = (claims["aud"] as? String).map { [$0] } ?? (claims["aud"] as? [String]) ?? []
        guard let audience = audiences.first else { return nil }
        self.subject = subject
        self.audience = audience
        self.audiences = audiences
        issuer = claims["iss"] as? String
        expiresAt = (claims["exp"] as? NSNumber).map { Int64($0.doubleValue) }
        if let tags = claims["https://aws.amazon.com/tags"] as? [String: Any] {
            let principal = tags["principal_tags"] as? [String: Any] ?? [:]
            principalTags = principal.keys.sorted().compactMap { key in
                let value = (principal[key] as? [String])?.first ?? principal[key] as? String
                return value.map { (key, $0) }
            }
            transitiveTagKeys = tags["transitive_tag_keys"] as? [String] ?? []
        }
    }
}
