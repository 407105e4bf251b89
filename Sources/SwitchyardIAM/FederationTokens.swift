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
    }
}

/// The few facts of a SAML 2.0 assertion that AssumeRoleWithSAML reports back: subject, issuer,
/// audience and the session name attribute. As with web identity tokens, the signature is not verified.
struct SAMLAssertion {
    var subject: String
    var subjectType: String
    var issuer: String
    var audience: String
    var roleSessionName: String?

    init?(base64: String) {
        guard let data = Data(base64Encoded: base64, options: .ignoreUnknownCharacters),
            let xml = String(data: data, encoding: .utf8)
        else { return nil }
        guard let subject = Self.text(of: "NameID", in: xml), let issuer = Self.text(of: "Issuer", in: xml) else {
            return nil
        }
        self.subject = subject
        self.issuer = issuer
        let format = Self.attribute("Format", ofElement: "NameID", in: xml) ?? "transient"
        subjectType = format.split(separator: ":").last.map(String.init) ?? format
        audience = Self.text(of: "Audience", in: xml) ?? "https://signin.aws.amazon.com/saml"
        roleSessionName = Self.attributeValue(named: "https://aws.amazon.com/SAML/Attributes/RoleSessionName", in: xml)
    }

    /// The text of the first element with this local name (any namespace prefix).
    static func text(of element: String, in xml: String) -> String? {
        guard let open = xml.range(of: "(<([A-Za-z0-9]+:)?\(element)(\\s[^>]*)?>)", options: .regularExpression),
            let close = xml.range(
                of: "</([A-Za-z0-9]+:)?\(element)>", options: .regularExpression, range: open.upperBound..<xml.endIndex)
        else { return nil }
        return String(xml[open.upperBound..<close.lowerBound]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func attribute(_ name: String, ofElement element: String, in xml: String) -> String? {
        guard let open = xml.range(of: "<([A-Za-z0-9]+:)?\(element)\\s[^>]*>", options: .regularExpression) else {
            return nil
        }
        let tag = String(xml[open])
        guard let value = tag.range(of: "\(name)=\"[^\"]*\"", options: .regularExpression) else { return nil }
        return String(tag[value].dropFirst(name.count + 2).dropLast())
    }

    static func attributeValue(named name: String, in xml: String) -> String? {
        guard let start = xml.range(of: "Name=\"\(name)\"") else { return nil }
        return text(of: "AttributeValue", in: String(xml[start.upperBound...]))
    }
}
