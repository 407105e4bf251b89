import Crypto
import Foundation
import SwitchyardCore
import SwitchyardModels
import SwitchyardWire

/// AWS STS: who the caller is, and temporary credentials that every service here accepts.
public struct STSService: STSAPI {
    let engine: IdentityEngine
    /// Accounts of the configured static keys, for GetAccessKeyInfo.
    let staticAccounts: [String: String]
    let defaultAccount: String

    public init(engine: IdentityEngine, staticAccounts: [String: String], defaultAccount: String) {
        self.engine = engine
        self.staticAccounts = staticAccounts
        self.defaultAccount = defaultAccount
    }

    public func getCallerIdentity(_ input: STS.GetCallerIdentityRequest, context: RequestContext) async throws
        -> STS.GetCallerIdentityResponse
    {
        STS.GetCallerIdentityResponse(userId: context.userId, account: context.account, arn: context.principalArn)
    }

    public func assumeRole(_ input: STS.AssumeRoleRequest, context: RequestContext) async throws
        -> STS.AssumeRoleResponse
    {
        var conditions = context.policyContext
        if let externalId = input.externalId { conditions["sts:ExternalId"] = externalId }
        if let sourceIdentity = input.sourceIdentity { conditions["sts:SourceIdentity"] = sourceIdentity }
        let (session, _, ticket) = try await engine.assumeRole(
            roleArn: input.roleArn, sessionName: input.roleSessionName, duration: input.durationSeconds,
            principal: .caller(context), region: context.region, sourceIdentity: input.sourceIdentity,
            context: conditions, tags: (input.tags ?? []).map { TagPair(key: $0.key, value: $0.value) },
            transitiveTagKeys: input.transitiveTagKeys ?? [], callerKey: context.accessKeyId)
        try await ticket.wait()
        return STS.AssumeRoleResponse(
            credentials: Self.credentials(session), assumedRoleUser: Self.assumedRoleUser(session),
            packedPolicySize: Self.packedSize(input.policy, tags: input.tags?.count),
            sourceIdentity: input.sourceIdentity)
    }

    public func assumeRoleWithWebIdentity(_ input: STS.AssumeRoleWithWebIdentityRequest, context: RequestContext)
        async throws -> STS.AssumeRoleWithWebIdentityResponse
    {
        guard let claims = WebIdentityToken(input.webIdentityToken) else {
            throw AWSError(
                "InvalidIdentityTokenException",
                "The web identity token that was passed could not be validated by Amazon Web Services. Get a new identity token from the identity provider and then retry the request."
            )
        }
        try await engine.checkWebIdentityToken(claims, account: Self.account(ofRole: input.roleArn))
        let provider = input.providerId ?? claims.provider
        var conditions = context.policyContext
        conditions["\(provider):aud"] = claims.audience
        conditions["\(provider):sub"] = claims.subject
        if let issuer = claims.issuer { conditions["\(provider):iss"] = issuer }
        let (session, _, ticket) = try await engine.assumeRole(
            roleArn: input.roleArn, sessionName: input.roleSessionName, duration: input.durationSeconds,
            principal: .federated(provider, account: Self.account(ofRole: input.roleArn)), region: context.region,
            sourceIdentity: nil, context: conditions, action: "sts:AssumeRoleWithWebIdentity",
            tags: claims.principalTags.map { TagPair(key: $0.key, value: $0.value) },
            transitiveTagKeys: claims.transitiveTagKeys)
        try await ticket.wait()
        return STS.AssumeRoleWithWebIdentityResponse(
            credentials: Self.credentials(session), subjectFromWebIdentityToken: claims.subject,
            assumedRoleUser: Self.assumedRoleUser(session),
            packedPolicySize: Self.packedSize(input.policy, tags: claims.principalTags.count),
            provider: provider, audience: claims.audience)
    }

    public func assumeRoleWithSAML(_ input: STS.AssumeRoleWithSAMLRequest, context: RequestContext) async throws
        -> STS.AssumeRoleWithSAMLResponse
    {
        guard let assertion = SAMLAssertion(base64: input.samlAssertion) else {
            throw AWSError(
                "InvalidIdentityTokenException", "Invalid SAML assertion: the assertion is not valid SAML XML.")
        }
        let sessionName = try Self.samlSessionName(assertion)
        let account = Self.account(ofRole: input.roleArn)
        try await engine.checkSAMLIssuer(assertion.issuer, providerArn: input.principalArn)
        // AWS: base64 of SHA-1 over the issuer, the account id and "/" and the SAML provider's name.
        let provider = input.principalArn.split(separator: "/").last.map(String.init) ?? ""
        let qualifier = Data(
            Insecure.SHA1.hash(data: Array("\(assertion.issuer)\(account ?? "")/\(provider)".utf8))
        ).base64EncodedString()
        let recipient = assertion.recipient ?? "https://signin.aws.amazon.com/saml"
        var conditions = context.policyContext
        conditions["SAML:sub"] = assertion.subject
        conditions["SAML:sub_type"] = assertion.subjectType
        conditions["SAML:iss"] = assertion.issuer
        conditions["SAML:aud"] = recipient
        conditions["SAML:namequalifier"] = qualifier
        conditions["SAML:doc"] = "\(account ?? "")/\(provider)"
        if let sourceIdentity = assertion.sourceIdentity { conditions["sts:SourceIdentity"] = sourceIdentity }
        let (session, _, ticket) = try await engine.assumeRole(
            roleArn: input.roleArn, sessionName: sessionName, duration: input.durationSeconds,
            principal: .federated(input.principalArn, account: account), region: context.region,
            sourceIdentity: assertion.sourceIdentity, context: conditions, action: "sts:AssumeRoleWithSAML",
            tags: assertion.principalTags.map { TagPair(key: $0.key, value: $0.value) },
            transitiveTagKeys: assertion.transitiveTagKeys, notAfter: assertion.sessionNotOnOrAfter)
        try await ticket.wait()
        return STS.AssumeRoleWithSAMLResponse(
            credentials: Self.credentials(session), assumedRoleUser: Self.assumedRoleUser(session),
            packedPolicySize: Self.packedSize(input.policy, tags: assertion.principalTags.count),
            subject: assertion.subject, subjectType: assertion.subjectType, issuer: assertion.issuer,
            audience: recipient, nameQualifier: qualifier, sourceIdentity: assertion.sourceIdentity)
    }

    /// The session name the assertion's RoleSessionName attribute gives, which AWS requires, and the
    /// source identity's form, in the words of the IAM User Guide's SAML troubleshooting page.
    static func samlSessionName(_ assertion: SAMLAssertion) throws -> String {
        guard let name = assertion.roleSessionName else {
            throw AWSError("InvalidIdentityTokenException", "RoleSessionName is required in AuthnResponse")
        }
        guard isSessionWord(name) else {
            throw AWSError(
                "InvalidIdentityTokenException", "RoleSessionName in AuthnResponse must match [a-zA-Z_0-9+=,.@-]{2,64}")
        }
        if let source = assertion.sourceIdentity, !isSessionWord(source) {
            throw AWSError("InvalidIdentityTokenException", "Source Identity must match [a-zA-Z_0-9+=,.@-]{2,64}")
        }
        return name
    }

    /// 2 to 64 of letters, digits and `_+=,.@-`.
    static func isSessionWord(_ text: String) -> Bool {
        (2...64).contains(text.count)
            && text.unicodeScalars.allSatisfy {
                $0.isASCII
                    && ("+=,.@-_".unicodeScalars.contains($0) || $0.properties.isAlphabetic || ("0"..."9").contains($0))
            }
    }

    public func getSessionToken(_ input: STS.GetSessionTokenRequest, context: RequestContext) async throws
        -> STS.GetSessionTokenResponse
    {
        let caller = Self.caller(context)
        guard !caller.isTemporary else {
            throw AWSError("AccessDenied", "Cannot call GetSessionToken with session credentials", httpStatus: 403)
        }
        let duration = try Self.duration(
            input.durationSeconds, default: caller.isRoot ? 3600 : 43_200, root: caller.isRoot)
        let (session, ticket) = await engine.issueSession(for: caller, federatedName: nil, duration: duration)
        try await ticket.wait()
        return STS.GetSessionTokenResponse(credentials: Self.credentials(session))
    }

    public func getFederationToken(_ input: STS.GetFederationTokenRequest, context: RequestContext) async throws
        -> STS.GetFederationTokenResponse
    {
        let caller = Self.caller(context)
        guard !caller.isTemporary else {
            throw AWSError(
                "AccessDenied", "Cannot call GetFederationToken with session credentials", httpStatus: 403)
        }
        let duration = try Self.duration(
            input.durationSeconds, default: caller.isRoot ? 3600 : 43_200, root: caller.isRoot)
        let (session, ticket) = await engine.issueSession(for: caller, federatedName: input.name, duration: duration)
        try await ticket.wait()
        return STS.GetFederationTokenResponse(
            credentials: Self.credentials(session),
            federatedUser: STS.FederatedUser(federatedUserId: session.userId, arn: session.arn),
            packedPolicySize: Self.packedSize(input.policy, tags: input.tags?.count) ?? 0)
    }

    public func getAccessKeyInfo(_ input: STS.GetAccessKeyInfoRequest, context: RequestContext) async throws
        -> STS.GetAccessKeyInfoResponse
    {
        if let account = staticAccounts[input.accessKeyId] { return STS.GetAccessKeyInfoResponse(account: account) }
        let id = input.accessKeyId
        if id.count == 12, id.allSatisfy(\.isNumber) { return STS.GetAccessKeyInfoResponse(account: id) }
        return STS.GetAccessKeyInfoResponse(account: await engine.account(ofAccessKey: id) ?? defaultAccount)
    }

    public func decodeAuthorizationMessage(_ input: STS.DecodeAuthorizationMessageRequest, context: RequestContext)
        async throws -> STS.DecodeAuthorizationMessageResponse
    {
        // Switchyard's refusals say why in plain text; it never issues encoded authorization messages.
        throw AWSError(
            "InvalidAuthorizationMessageException",
            "The message is not an encoded authorization message issued by this server.")
    }

    public func assumeRoot(_ input: STS.AssumeRootRequest, context: RequestContext) async throws
        -> STS.AssumeRootResponse
    {
        guard input.targetPrincipal.count == 12, input.targetPrincipal.allSatisfy(\.isNumber) else {
            throw STSErrors.validation("TargetPrincipal must be a 12-digit account id.")
        }
        guard let task = input.taskPolicyArn.arn, task.hasPrefix("arn:aws:iam::aws:policy/root-task/") else {
            throw STSErrors.validation("TaskPolicyArn must name an AWS managed root-task policy.")
        }
        let duration = input.durationSeconds ?? 900
        let (session, ticket) = await engine.issueRootSession(account: input.targetPrincipal, duration: duration)
        try await ticket.wait()
        return STS.AssumeRootResponse(credentials: Self.credentials(session))
    }

    /// A JWT asserting the caller's identity to a service outside AWS, signed with the account's
    /// outbound federation key (its public keys: `/_switchyard/sts/jwks.json`). A role session's
    /// subject is its role.
    public func getWebIdentityToken(_ input: STS.GetWebIdentityTokenRequest, context: RequestContext) async throws
        -> STS.GetWebIdentityTokenResponse
    {
        guard input.signingAlgorithm == "ES384" || input.signingAlgorithm == "RS256" else {
            // The model takes any five characters; the wording is ours.
            throw STSErrors.validation(
                "The signing algorithm \(input.signingAlgorithm) is not supported. Use ES384 or RS256.")
        }
        let (token, expiration) = try await engine.webIdentityToken(
            account: context.account, subject: context.roleArn ?? context.principalArn,
            accessKeyId: context.accessKeyId, region: context.region, audience: input.audience,
            duration: input.durationSeconds ?? 300, algorithm: input.signingAlgorithm,
            requestTags: (input.tags ?? []).map { TagPair(key: $0.key, value: $0.value) })
        return STS.GetWebIdentityTokenResponse(webIdentityToken: token, expiration: expiration)
    }

    /// Trades a delegation request's exchange token (IAM SendDelegationToken sent it to the
    /// partner's topic) for credentials acting as the identity that accepted the request.
    public func getDelegatedAccessToken(_ input: STS.GetDelegatedAccessTokenRequest, context: RequestContext)
        async throws -> STS.GetDelegatedAccessTokenResponse
    {
        let (session, request, ticket) = try await engine.redeemDelegationToken(
            input.tradeInToken, caller: Self.caller(context))
        try await ticket.wait()
        return STS.GetDelegatedAccessTokenResponse(
            credentials: Self.credentials(session),
            packedPolicySize: Self.packedSize(request.permissionPolicy, tags: nil),
            assumedPrincipal: session.arn)
    }

    // MARK: Helpers

    static func caller(_ context: RequestContext) -> Caller {
        Caller(
            account: context.account, arn: context.principalArn, userId: context.userId,
            signedWithSession: context.accessKeyId?.hasPrefix("ASIA") ?? false)
    }

    static func credentials(_ session: SessionRecord) -> STS.Credentials {
        STS.Credentials(
            accessKeyId: session.accessKeyId, secretAccessKey: session.secret, sessionToken: session.token,
            expiration: session.expiration)
    }

    static func assumedRoleUser(_ session: SessionRecord) -> STS.AssumedRoleUser {
        STS.AssumedRoleUser(assumedRoleId: session.userId, arn: session.arn)
    }

    static func account(ofRole arn: String) -> String? { IAMArn.parse(arn)?.account }

    /// GetSessionToken and GetFederationToken: 900 seconds to 36 hours (one hour for the root).
    static func duration(_ seconds: Int?, default fallback: Int, root: Bool) throws -> Int {
        let value = seconds ?? fallback
        let maximum = root ? 3600 : 129_600
        guard (900...maximum).contains(value) else {
            throw STSErrors.validation(
                "1 validation error detected: Value '\(value)' at 'durationSeconds' failed to satisfy constraint: Member must have value \(value < 900 ? "greater than or equal to 900" : "less than or equal to \(maximum)")"
            )
        }
        return value
    }

    /// The percentage of the packed size limit a session policy and tags use, as AWS reports it.
    static func packedSize(_ policy: String?, tags: Int?) -> Int? {
        guard policy != nil || (tags ?? 0) > 0 else { return nil }
        let bytes = (policy?.utf8.count ?? 0) + (tags ?? 0) * 32
        return max(1, min(100, bytes * 100 / 2048))
    }
}
