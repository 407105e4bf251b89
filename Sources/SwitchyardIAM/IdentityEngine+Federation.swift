import Foundation
import SwitchyardCore
import SwitchyardWire

// Identity providers an account trusts: OpenID Connect and SAML 2.0.
extension IdentityEngine {
    // MARK: OpenID Connect

    /// Registers a provider by its `https://` URL; one per URL and account, at most 100 per account.
    public func createOIDCProvider(
        account: String, url: String, clientIds: [String], thumbprints: [String], tags: [TagPair]
    ) throws -> (OIDCProviderRecord, CommitTicket) {
        guard url.hasPrefix("https://"), url.count > "https://".count, !url.contains("?") else {
            throw IAMErrors.validation("Invalid Open ID Connect Provider URL")
        }
        let address = String(url.dropFirst("https://".count))
        guard thumbprints.count <= 5 else {
            throw IAMErrors.invalidInput("Thumbprint list must contain fewer than 5 entries.")
        }
        guard clientIds.count <= 100 else {
            throw IAMErrors.limitExceeded("Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: 100")
        }
        let provider = OIDCProviderRecord(
            account: account, url: address, clientIds: Self.unique(clientIds), thumbprints: thumbprints,
            createdAt: now, tags: try IAMTags.merge([], tags))
        guard oidcProviders[provider.storageKey] == nil else {
            throw IAMErrors.alreadyExists("Provider with url \(url) already exists.")
        }
        guard oidcProviders.values.filter({ $0.account == account }).count < 100 else {
            throw IAMErrors.limitExceeded("Cannot exceed quota for OpenIdConnectProvidersPerAccount: 100")
        }
        return (provider, commit([save(provider)]))
    }

    /// The provider an ARN names in `account`.
    public func oidcProvider(arn: String, account: String) throws -> OIDCProviderRecord {
        guard let provider = oidcProviderIfAny(arn: arn, account: account) else {
            throw IAMErrors.noSuchEntity("OpenIDConnect Provider not found for arn \(arn)")
        }
        return provider
    }

    func oidcProviderIfAny(arn: String, account: String) -> OIDCProviderRecord? {
        let prefix = "arn:aws:iam::\(account):oidc-provider/"
        guard arn.hasPrefix(prefix) else { return nil }
        return oidcProviders["\(account)/\(arn.dropFirst(prefix.count))"]
    }

    /// Identity providers STS trusts without an IAM provider: Login with Amazon, Facebook, Google
    /// and Amazon Cognito.
    static let builtInWebIdentityProviders: Set<String> = [
        "www.amazon.com", "graph.facebook.com", "accounts.google.com", "cognito-identity.amazonaws.com",
    ]

    /// AssumeRoleWithWebIdentity takes a token only from an OpenID Connect provider registered in
    /// the role's account, only for one of that provider's client ids and only before its `exp`;
    /// AWS answers `InvalidIdentityToken` and `ExpiredTokenException` otherwise, in these words.
    func checkWebIdentityToken(_ token: WebIdentityToken, account: String?) throws {
        if let issuer = token.issuer, let account {
            let url = token.provider.hasSuffix("/") ? String(token.provider.dropLast()) : token.provider
            if !Self.builtInWebIdentityProviders.contains(url) {
                let arn = "arn:aws:iam::\(account):oidc-provider/\(url)"
                guard
                    let provider = oidcProviderIfAny(arn: arn, account: account)
                        ?? oidcProviderIfAny(arn: arn + "/", account: account)
                else {
                    throw AWSError(
                        "InvalidIdentityTokenException", "No OpenIDConnect provider found in your account for \(issuer)"
                    )
                }
                guard token.audiences.contains(where: provider.clientIds.contains) else {
                    throw AWSError("InvalidIdentityTokenException", "Incorrect token audience")
                }
            }
        }
        let current = clock.nowMillis() / 1000
        if let expiresAt = token.expiresAt, expiresAt <= current {
            throw AWSError(
                "ExpiredTokenException",
                "Token expired: current date/time \(current) must be before the expiration date/time \(expiresAt)")
        }
    }

    public func oidcProviders(account: String) -> [OIDCProviderRecord] {
        oidcProviders.values.filter { $0.account == account }.sorted { $0.url < $1.url }
    }

    public func deleteOIDCProvider(arn: String, account: String) throws -> CommitTicket {
        guard let provider = oidcProviderIfAny(arn: arn, account: account) else {
            throw IAMErrors.noSuchEntity("OpenId connect Provider \(arn) cannot be found.")
        }
        oidcProviders[provider.storageKey] = nil
        return commit([.delete(.openIDConnectProvider, key: provider.storageKey)])
    }

    /// Changes a provider: its client ids or thumbprints, or its tags.
    public func updateOIDCProvider(
        arn: String, account: String, _ change: (inout OIDCProviderRecord) throws -> Void
    ) throws -> CommitTicket {
        var provider = try oidcProvider(arn: arn, account: account)
        try change(&provider)
        guard provider.thumbprints.count <= 5 else {
            throw IAMErrors.invalidInput("Thumbprint list must contain fewer than 5 entries.")
        }
        guard provider.clientIds.count <= 100 else {
            throw IAMErrors.limitExceeded("Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: 100")
        }
        return commit([save(provider)])
    }

    static func unique(_ values: [String]) -> [String] {
        var seen = Set<String>()
        return values.filter { seen.insert($0).inserted }
    }

    // MARK: SAML

    /// Registers a SAML provider under a name unique in the account, at most 100 per account.
    public func createSAMLProvider(
        account: String, name: String, metadata: String, encryptionMode: String?, tags: [TagPair]
    ) throws -> (SAMLProviderRecord, CommitTicket) {
        let created = now
        let provider = SAMLProviderRecord(
            account: account, name: name, uuid: IdentityIdentifiers.upperAlphanumerics(26),
            metadata: metadata, createdAt: created,
            validUntil: Self.validUntil(metadata) ?? created.addingTimeInterval(100 * 365.25 * 86_400),
            assertionEncryptionMode: encryptionMode ?? "Allowed", tags: try IAMTags.merge([], tags))
        guard samlProviders[provider.storageKey] == nil else {
            throw IAMErrors.alreadyExists("Provider with name \(name) already exists.")
        }
        guard samlProviders.values.filter({ $0.account == account }).count < 100 else {
            throw IAMErrors.limitExceeded("Cannot exceed quota for SamlProvidersPerAccount: 100")
        }
        return (provider, commit([save(provider)]))
    }

    public func samlProvider(arn: String, account: String) throws -> SAMLProviderRecord {
        let prefix = "arn:aws:iam::\(account):saml-provider/"
        guard arn.hasPrefix(prefix), let provider = samlProviders["\(account)/\(arn.dropFirst(prefix.count))"] else {
            throw IAMErrors.noSuchEntity("Manifest not found for arn \(arn)")
        }
        return provider
    }

    public func samlProviders(account: String) -> [SAMLProviderRecord] {
        samlProviders.values.filter { $0.account == account }.sorted { $0.name < $1.name }
    }

    public func updateSAMLProvider(
        arn: String, account: String, _ change: (inout SAMLProviderRecord) throws -> Void
    ) throws -> CommitTicket {
        var provider = try samlProvider(arn: arn, account: account)
        try change(&provider)
        provider.validUntil = Self.validUntil(provider.metadata) ?? provider.validUntil
        return commit([save(provider)])
    }

    public func deleteSAMLProvider(arn: String, account: String) throws -> CommitTicket {
        let provider = try samlProvider(arn: arn, account: account)
        samlProviders[provider.storageKey] = nil
        return commit([.delete(.samlProvider, key: provider.storageKey)])
    }

    /// AWS refuses an assertion whose issuer is not an entity of the provider's metadata. A provider
    /// that is not registered, or whose metadata names no entity, is not checked (docs/FIDELITY.md).
    public func checkSAMLIssuer(_ issuer: String, providerArn: String) throws {
        guard let parts = IAMArn.parse(providerArn), parts.kind == "saml-provider",
            let provider = samlProviders["\(parts.account)/\(parts.name)"]
        else { return }
        let entities = Self.entityIDs(provider.metadata)
        guard entities.isEmpty || entities.contains(issuer) else {
            throw AWSError("InvalidIdentityTokenException", "Issuer not present in specified provider")
        }
    }

    /// The `entityID`s of the metadata's EntityDescriptor elements.
    static func entityIDs(_ metadata: String) -> [String] {
        var found: [String] = []
        var rest = metadata[...]
        while let tag = rest.range(of: "<([A-Za-z0-9]+:)?EntityDescriptor\\s[^>]*>", options: .regularExpression) {
            if let value = SAMLAssertion.attribute("entityID", ofElement: "EntityDescriptor", in: String(rest[tag])) {
                found.append(value)
            }
            rest = rest[tag.upperBound...]
        }
        return found
    }

    /// The `validUntil` the metadata's root element declares, if any.
    static func validUntil(_ metadata: String) -> Date? {
        guard let range = metadata.range(of: #"validUntil="[^"]+""#, options: .regularExpression) else { return nil }
        return Timestamps.parse(String(metadata[range].dropFirst("validUntil=\"".count).dropLast()))
    }
}
