import Foundation
import SwitchyardModels
import SwitchyardWire

/// SES v1 (the awsQuery API of 2010-12-01) on the shared domain model.
struct SESV1Service: SESAPI {
    let engine: SESEngine

    static func scope(_ context: RequestContext) -> SESScope {
        SESScope(account: context.account, region: context.region)
    }

    /// Runs a body, answering domain failures in v1's words.
    func run<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            throw SESV1Errors.map(error)
        }
    }

    static func date(_ millis: Int64) -> Date { Date(timeIntervalSince1970: Double(millis) / 1000) }

    /// A page of names after a token (the last name of the previous page).
    static func page<T>(_ items: [T], name: (T) -> String, token: String?, limit: Int?) -> ([T], String?) {
        var rest = items
        if let token, let index = items.firstIndex(where: { name($0) == token }) {
            rest = Array(items[index...])
        }
        let size = max(1, min(limit ?? 1000, 1000))
        guard rest.count > size else { return (rest, nil) }
        return (Array(rest.prefix(size)), name(rest[size]))
    }
}

// MARK: Identities

extension SESV1Service {
    func verifyEmailIdentity(_ input: SES.VerifyEmailIdentityRequest, context: RequestContext) async throws
        -> SES.VerifyEmailIdentityResponse
    {
        try await run {
            try MessageComposer.checkAddresses([input.emailAddress])
            _ = try await engine.requestVerification(Self.scope(context), name: input.emailAddress, kind: .emailAddress)
            return SES.VerifyEmailIdentityResponse()
        }
    }

    func verifyEmailAddress(_ input: SES.VerifyEmailAddressRequest, context: RequestContext) async throws {
        try await run {
            try MessageComposer.checkAddresses([input.emailAddress])
            _ = try await engine.requestVerification(Self.scope(context), name: input.emailAddress, kind: .emailAddress)
        }
    }

    func verifyDomainIdentity(_ input: SES.VerifyDomainIdentityRequest, context: RequestContext) async throws
        -> SES.VerifyDomainIdentityResponse
    {
        try await run {
            let record = try await engine.requestVerification(Self.scope(context), name: input.domain, kind: .domain)
            return SES.VerifyDomainIdentityResponse(verificationToken: record.verificationToken ?? "")
        }
    }

    func verifyDomainDkim(_ input: SES.VerifyDomainDkimRequest, context: RequestContext) async throws
        -> SES.VerifyDomainDkimResponse
    {
        try await run {
            let scope = Self.scope(context)
            var record = try await engine.requestVerification(scope, name: input.domain, kind: .domain)
            if record.dkimTokens.isEmpty {
                try await engine.updateIdentity(scope, input.domain) {
                    $0.dkimTokens = SESEngine.dkimTokens()
                }
                record = await engine.identity(scope, input.domain) ?? record
            }
            return SES.VerifyDomainDkimResponse(dkimTokens: record.dkimTokens)
        }
    }

    func deleteIdentity(_ input: SES.DeleteIdentityRequest, context: RequestContext) async throws
        -> SES.DeleteIdentityResponse
    {
        try await run {
            try await engine.deleteIdentity(Self.scope(context), input.identity)
            return SES.DeleteIdentityResponse()
        }
    }

    func deleteVerifiedEmailAddress(_ input: SES.DeleteVerifiedEmailAddressRequest, context: RequestContext)
        async throws
    {
        try await run {
            try await engine.deleteIdentity(Self.scope(context), input.emailAddress)
        }
    }

    func listIdentities(_ input: SES.ListIdentitiesRequest, context: RequestContext) async throws
        -> SES.ListIdentitiesResponse
    {
        let all = await engine.identities(Self.scope(context)).filter { record in
            switch input.identityType {
            case "EmailAddress": record.kind == .emailAddress
            case "Domain": record.kind == .domain
            default: true
            }
        }
        let (page, next) = Self.page(all, name: \.name, token: input.nextToken, limit: input.maxItems)
        return SES.ListIdentitiesResponse(identities: page.map(\.name), nextToken: next)
    }

    func listVerifiedEmailAddresses(context: RequestContext) async throws -> SES.ListVerifiedEmailAddressesResponse {
        let all = await engine.identities(Self.scope(context)).filter { $0.kind == .emailAddress && $0.verified }
        return SES.ListVerifiedEmailAddressesResponse(verifiedEmailAddresses: all.map(\.name))
    }

    func getIdentityVerificationAttributes(
        _ input: SES.GetIdentityVerificationAttributesRequest, context: RequestContext
    ) async throws -> SES.GetIdentityVerificationAttributesResponse {
        var attributes: [String: SES.IdentityVerificationAttributes] = [:]
        for name in input.identities {
            guard let record = await engine.identity(Self.scope(context), name) else { continue }
            attributes[name] = SES.IdentityVerificationAttributes(
                verificationStatus: record.verificationStatus,
                verificationToken: record.kind == .domain ? record.verificationToken : nil)
        }
        return SES.GetIdentityVerificationAttributesResponse(verificationAttributes: attributes)
    }

    func getIdentityDkimAttributes(_ input: SES.GetIdentityDkimAttributesRequest, context: RequestContext)
        async throws -> SES.GetIdentityDkimAttributesResponse
    {
        var attributes: [String: SES.IdentityDkimAttributes] = [:]
        for name in input.identities {
            guard let record = await engine.identity(Self.scope(context), name) else { continue }
            attributes[name] = SES.IdentityDkimAttributes(
                dkimEnabled: record.dkimEnabled,
                dkimVerificationStatus: record.dkimTokens.isEmpty ? "NotStarted" : "Success",
                dkimTokens: record.dkimTokens.isEmpty ? nil : record.dkimTokens)
        }
        return SES.GetIdentityDkimAttributesResponse(dkimAttributes: attributes)
    }

    func setIdentityDkimEnabled(_ input: SES.SetIdentityDkimEnabledRequest, context: RequestContext) async throws
        -> SES.SetIdentityDkimEnabledResponse
    {
        try await run {
            try await engine.updateIdentity(Self.scope(context), input.identity) { $0.dkimEnabled = input.dkimEnabled }
            return SES.SetIdentityDkimEnabledResponse()
        }
    }

    func getIdentityMailFromDomainAttributes(
        _ input: SES.GetIdentityMailFromDomainAttributesRequest, context: RequestContext
    ) async throws -> SES.GetIdentityMailFromDomainAttributesResponse {
        var attributes: [String: SES.IdentityMailFromDomainAttributes] = [:]
        for name in input.identities {
            guard let record = await engine.identity(Self.scope(context), name), let domain = record.mailFromDomain
            else { continue }
            attributes[name] = SES.IdentityMailFromDomainAttributes(
                mailFromDomain: domain, mailFromDomainStatus: "Success",
                behaviorOnMXFailure: record.mailFromBehaviorOnMXFailure)
        }
        return SES.GetIdentityMailFromDomainAttributesResponse(mailFromDomainAttributes: attributes)
    }

    func setIdentityMailFromDomain(_ input: SES.SetIdentityMailFromDomainRequest, context: RequestContext)
        async throws -> SES.SetIdentityMailFromDomainResponse
    {
        try await run {
            try await engine.updateIdentity(Self.scope(context), input.identity) {
                $0.mailFromDomain = input.mailFromDomain.flatMap { $0.isEmpty ? nil : $0 }
                $0.mailFromBehaviorOnMXFailure = input.behaviorOnMXFailure ?? "UseDefaultValue"
            }
            return SES.SetIdentityMailFromDomainResponse()
        }
    }

    static let notificationTypes = ["Bounce", "Complaint", "Delivery"]

    func setIdentityNotificationTopic(_ input: SES.SetIdentityNotificationTopicRequest, context: RequestContext)
        async throws -> SES.SetIdentityNotificationTopicResponse
    {
        try await run {
            try Self.checkNotificationType(input.notificationType)
            if let topic = input.snsTopic, await engine.resources.exists(topic) == false {
                throw AWSError("InvalidParameterValue", "Invalid SNS topic <\(topic)>.")
            }
            try await engine.updateIdentity(Self.scope(context), input.identity) {
                $0.notificationTopics[input.notificationType] = input.snsTopic
            }
            return SES.SetIdentityNotificationTopicResponse()
        }
    }

    static func checkNotificationType(_ type: String) throws {
        guard notificationTypes.contains(type) else {
            throw SESFailure.invalidParameter(
                "Invalid notification type: \(type). Valid values are: Bounce, Complaint, Delivery.")
        }
    }

    func setIdentityHeadersInNotificationsEnabled(
        _ input: SES.SetIdentityHeadersInNotificationsEnabledRequest, context: RequestContext
    ) async throws -> SES.SetIdentityHeadersInNotificationsEnabledResponse {
        try await run {
            try Self.checkNotificationType(input.notificationType)
            try await engine.updateIdentity(Self.scope(context), input.identity) {
                $0.headersInNotifications[input.notificationType] = input.enabled
            }
            return SES.SetIdentityHeadersInNotificationsEnabledResponse()
        }
    }

    func setIdentityFeedbackForwardingEnabled(
        _ input: SES.SetIdentityFeedbackForwardingEnabledRequest, context: RequestContext
    ) async throws -> SES.SetIdentityFeedbackForwardingEnabledResponse {
        try await run {
            try await engine.updateIdentity(Self.scope(context), input.identity) {
                $0.feedbackForwarding = input.forwardingEnabled
            }
            return SES.SetIdentityFeedbackForwardingEnabledResponse()
        }
    }

    func getIdentityNotificationAttributes(
        _ input: SES.GetIdentityNotificationAttributesRequest, context: RequestContext
    ) async throws -> SES.GetIdentityNotificationAttributesResponse {
        var attributes: [String: SES.IdentityNotificationAttributes] = [:]
        for name in input.identities {
            guard let record = await engine.identity(Self.scope(context), name) else { continue }
            attributes[name] = SES.IdentityNotificationAttributes(
                bounceTopic: record.notificationTopics["Bounce"] ?? "",
                complaintTopic: record.notificationTopics["Complaint"] ?? "",
                deliveryTopic: record.notificationTopics["Delivery"] ?? "",
                forwardingEnabled: record.feedbackForwarding,
                headersInBounceNotificationsEnabled: record.headersInNotifications["Bounce"] ?? false,
                headersInComplaintNotificationsEnabled: record.headersInNotifications["Complaint"] ?? false,
                headersInDeliveryNotificationsEnabled: record.headersInNotifications["Delivery"] ?? false)
        }
        return SES.GetIdentityNotificationAttributesResponse(notificationAttributes: attributes)
    }

    func putIdentityPolicy(_ input: SES.PutIdentityPolicyRequest, context: RequestContext) async throws
        -> SES.PutIdentityPolicyResponse
    {
        try await run {
            guard (try? JSONValue.parse(Array(input.policy.utf8))) != nil else {
                throw AWSError("InvalidPolicyException", "Policy is not valid JSON.")
            }
            try await engine.updateIdentity(Self.scope(context), input.identity) {
                $0.policies[input.policyName] = input.policy
            }
            return SES.PutIdentityPolicyResponse()
        }
    }

    func deleteIdentityPolicy(_ input: SES.DeleteIdentityPolicyRequest, context: RequestContext) async throws
        -> SES.DeleteIdentityPolicyResponse
    {
        try await run {
            try await engine.updateIdentity(Self.scope(context), input.identity) {
                $0.policies[input.policyName] = nil
            }
            return SES.DeleteIdentityPolicyResponse()
        }
    }

    func getIdentityPolicies(_ input: SES.GetIdentityPoliciesRequest, context: RequestContext) async throws
        -> SES.GetIdentityPoliciesResponse
    {
        let record = await engine.identity(Self.scope(context), input.identity)
        var policies: [String: String] = [:]
        for name in input.policyNames { if let policy = record?.policies[name] { policies[name] = policy } }
        return SES.GetIdentityPoliciesResponse(policies: policies)
    }

    func listIdentityPolicies(_ input: SES.ListIdentityPoliciesRequest, context: RequestContext) async throws
        -> SES.ListIdentityPoliciesResponse
    {
        let record = await engine.identity(Self.scope(context), input.identity)
        return SES.ListIdentityPoliciesResponse(policyNames: (record?.policies.keys).map { $0.sorted() } ?? [])
    }
}
