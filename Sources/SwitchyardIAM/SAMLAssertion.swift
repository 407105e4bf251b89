import Foundation
import SwitchyardWire

/// What AssumeRoleWithSAML reads from a SAML 2.0 authentication response: the subject and its format,
/// the issuer, the recipient, and the attributes AWS defines under `https://aws.amazon.com/SAML/Attributes/`.
///
/// Identity providers' signing keys are not checked here (see docs/FIDELITY.md): the assertion is
/// taken at its word, as web identity tokens are.
struct SAMLAssertion {
    static let attributePrefix = "https://aws.amazon.com/SAML/Attributes/"

    /// The text of the subject's NameID.
    var subject: String
    /// The NameID's `Format`, whole.
    var subjectFormat: String?
    /// The first Issuer: the response's, which identity providers set to the assertion's.
    var issuer: String
    /// The `Recipient` of the subject confirmation: where the assertion is meant to be presented.
    var recipient: String?
    var roleSessionName: String?
    var sourceIdentity: String?
    /// `PrincipalTag:<key>` attributes, in the order of the assertion.
    var principalTags: [(key: String, value: String)]
    var transitiveTagKeys: [String]
    /// The AuthnStatement's `SessionNotOnOrAfter`: no session outlives it.
    var sessionNotOnOrAfter: Date?

    /// The subject type AssumeRoleWithSAML reports: the format without SAML 2.0's name-id prefix,
    /// any other format whole, and `transient` (SAML's default) when there is none.
    var subjectType: String {
        let prefix = "urn:oasis:names:tc:SAML:2.0:nameid-format:"
        guard let subjectFormat else { return "transient" }
        return subjectFormat.hasPrefix(prefix) ? String(subjectFormat.dropFirst(prefix.count)) : subjectFormat
    }

    init?(base64: String) {
        guard let data = Data(base64Encoded: base64, options: .ignoreUnknownCharacters),
            let xml = String(data: data, encoding: .utf8)
        else { return nil }
        self.init(xml: xml)
    }

    init?(xml: String) {
        guard let subject = Self.text(of: "NameID", in: xml), let issuer = Self.text(of: "Issuer", in: xml) else {
            return nil
        }
        self.subject = subject
        self.issuer = issuer
        subjectFormat = Self.attribute("Format", ofElement: "NameID", in: xml)
        recipient = Self.attribute("Recipient", ofElement: "SubjectConfirmationData", in: xml)
        let attributes = Self.attributes(in: xml)
        func first(_ name: String) -> String? {
            attributes.first { $0.name == Self.attributePrefix + name }?.values.first
        }
        roleSessionName = first("RoleSessionName")
        sourceIdentity = first("SourceIdentity")
        let tagPrefix = Self.attributePrefix + "PrincipalTag:"
        principalTags = attributes.compactMap { attribute in
            guard attribute.name.hasPrefix(tagPrefix), let value = attribute.values.first else { return nil }
            return (String(attribute.name.dropFirst(tagPrefix.count)), value)
        }
        transitiveTagKeys =
            attributes.first { $0.name == Self.attributePrefix + "TransitiveTagKeys" }?.values ?? []
        sessionNotOnOrAfter = Self.attribute("SessionNotOnOrAfter", ofElement: "AuthnStatement", in: xml)
            .flatMap(Timestamps.parse)
    }

    // MARK: Reading the XML

    /// The text of the first element with this local name (any namespace prefix), entities decoded.
    static func text(of element: String, in xml: String) -> String? {
        guard let open = xml.range(of: "(<([A-Za-z0-9]+:)?\(element)(\\s[^>]*)?>)", options: .regularExpression),
            let close = xml.range(
                of: "</([A-Za-z0-9]+:)?\(element)>", options: .regularExpression, range: open.upperBound..<xml.endIndex)
        else { return nil }
        return decodeEntities(
            String(xml[open.upperBound..<close.lowerBound]).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// An attribute of the first element with this local name that has attributes.
    static func attribute(_ name: String, ofElement element: String, in xml: String) -> String? {
        guard let open = xml.range(of: "<([A-Za-z0-9]+:)?\(element)\\s[^>]*>", options: .regularExpression) else {
            return nil
        }
        let tag = String(xml[open])
        guard let value = tag.range(of: "\\s\(name)=\"[^\"]*\"", options: .regularExpression) else { return nil }
        return decodeEntities(String(tag[value].dropFirst(name.count + 3).dropLast()))
    }

    /// Every `<Attribute Name="...">` of the assertion with the texts of its values.
    static func attributes(in xml: String) -> [(name: String, values: [String])] {
        var found: [(name: String, values: [String])] = []
        var rest = xml[...]
        while let open = rest.range(of: "<([A-Za-z0-9]+:)?Attribute\\s[^>]*>", options: .regularExpression) {
            let tag = String(rest[open])
            let body: Substring
            if let close = rest.range(
                of: "</([A-Za-z0-9]+:)?Attribute>", options: .regularExpression, range: open.upperBound..<rest.endIndex)
            {
                body = rest[open.upperBound..<close.lowerBound]
                rest = rest[close.upperBound...]
            } else {
                body = ""
                rest = rest[open.upperBound...]
            }
            guard let name = attribute("Name", ofElement: "Attribute", in: tag) else { continue }
            found.append((name, values(in: String(body))))
        }
        return found
    }

    /// The texts of the AttributeValue elements in an attribute's body.
    static func values(in body: String) -> [String] {
        var values: [String] = []
        var rest = body[...]
        while let open = rest.range(of: "<([A-Za-z0-9]+:)?AttributeValue(\\s[^>]*)?>", options: .regularExpression),
            let close = rest.range(
                of: "</([A-Za-z0-9]+:)?AttributeValue>", options: .regularExpression,
                range: open.upperBound..<rest.endIndex)
        {
            values.append(
                decodeEntities(
                    String(rest[open.upperBound..<close.lowerBound]).trimmingCharacters(in: .whitespacesAndNewlines)))
            rest = rest[close.upperBound...]
        }
        return values
    }

    static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        return text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}
