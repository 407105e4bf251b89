import Foundation
import SwitchyardModels
import SwitchyardWire

/// SES v2 (the restJson API under /v2/email) on the shared domain model.
struct SESV2Service: SESv2API {
    let engine: SESEngine

    static func scope(_ context: RequestContext) -> SESScope { SESV1Service.scope(context) }
    static func date(_ millis: Int64) -> Date { SESV1Service.date(millis) }
    static func tags(_ tags: [SESv2.Tag]?) -> [SESTag] { (tags ?? []).map { SESTag(key: $0.key, value: $0.value) } }
    static func shapes(_ tags: [SESTag]) -> [SESv2.Tag] { tags.map { SESv2.Tag(key: $0.key, value: $0.value) } }

    func run<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            throw SESV2Errors.map(error)
        }
    }

    /// v2 words for v1's verification statuses.
    static func status(_ v1: String) -> String {
        switch v1 {
        case "Success": "SUCCESS"
        case "Failed": "FAILED"
        case "TemporaryFailure": "TEMPORARY_FAILURE"
        case "NotStarted": "NOT_STARTED"
        default: "PENDING"
        }
    }

    static func dkim(_ record: IdentityRecord) -> SESv2.DkimAttributes {
        let started = !record.dkimTokens.isEmpty || record.dkimOrigin == "EXTERNAL"
        return SESv2.DkimAttributes(
            signingEnabled: record.dkimEnabled, status: started ? "SUCCESS" : "NOT_STARTED",
            tokens: record.dkimTokens.isEmpty ? nil : record.dkimTokens,
            signingAttributesOrigin: record.dkimOrigin, nextSigningKeyLength: record.dkimKeyLength,
            currentSigningKeyLength: started ? record.dkimKeyLength : nil,
            lastKeyGenerationTimestamp: started ? date(record.createdMillis) : nil)
    }

    // MARK: Identities

    func createEmailIdentity(_ input: SESv2.CreateEmailIdentityRequest, context: RequestContext) async throws
        -> SESv2.CreateEmailIdentityResponse
    {
        try await run {
            let scope = Self.scope(context)
            let name = input.emailIdentity
            guard await engine.identity(scope, name) == nil else {
                throw AWSError("AlreadyExistsException", "Email identity \(name) already exist.")
            }
            let isEmail = name.contains("@")
            if isEmail { try MessageComposer.checkAddresses([name]) }
            if let set = input.configurationSetName, await engine.configurationSet(scope, set) == nil {
                throw SESFailure.configurationSetMissing(set)
            }
            _ = try await engine.requestVerification(scope, name: name, kind: isEmail ? .emailAddress : .domain)
            try await engine.updateIdentity(scope, name) { record in
                record.tags = Self.tags(input.tags)
                record.configurationSetName = input.configurationSetName
                if let signing = input.dkimSigningAttributes {
                    if signing.domainSigningPrivateKey != nil {
                        record.dkimOrigin = "EXTERNAL"
                        record.dkimSelector = signing.domainSigningSelector
                        record.dkimTokens = []
                    }
                    if let length = signing.nextSigningKeyLength { record.dkimKeyLength = length }
                }
                if record.kind == .domain { record.dkimEnabled = true }
            }
            guard let record = await engine.identity(scope, name) else { throw SESFailure.identityMissing(name) }
            return SESv2.CreateEmailIdentityResponse(
                identityType: record.kind.rawValue, verifiedForSendingStatus: record.verified,
                dkimAttributes: Self.dkim(record))
        }
    }

    func getEmailIdentity(_ input: SESv2.GetEmailIdentityRequest, context: RequestContext) async throws
        -> SESv2.GetEmailIdentityResponse
    {
        try await run {
            guard let record = await engine.identity(Self.scope(context), input.emailIdentity) else {
                throw SESFailure.identityMissing(input.emailIdentity)
            }
            return SESv2.GetEmailIdentityResponse(
                identityType: record.kind.rawValue, feedbackForwardingStatus: record.feedbackForwarding,
                verifiedForSendingStatus: record.verified, dkimAttributes: Self.dkim(record),
                mailFromAttributes: SESv2.MailFromAttributes(
                    mailFromDomain: record.mailFromDomain,
                    mailFromDomainStatus: record.mailFromDomain == nil ? nil : "SUCCESS",
                    behaviorOnMxFailure: record.mailFromBehaviorOnMXFailure == "RejectMessage"
                        ? "REJECT_MESSAGE" : "USE_DEFAULT_VALUE"),
                policies: record.policies, tags: Self.shapes(record.tags),
                configurationSetName: record.configurationSetName,
                verificationStatus: Self.status(record.verificationStatus))
        }
    }

    func listEmailIdentities(_ input: SESv2.ListEmailIdentitiesRequest, context: RequestContext) async throws
        -> SESv2.ListEmailIdentitiesResponse
    {
        let all = await engine.identities(Self.scope(context))
        let (page, next) = SESV1Service.page(all, name: \.name, token: input.nextToken, limit: input.pageSize)
        return SESv2.ListEmailIdentitiesResponse(
            emailIdentities: page.map {
                SESv2.IdentityInfo(
                    identityType: $0.kind.rawValue, identityName: $0.name, sendingEnabled: $0.verified,
                    verificationStatus: Self.status($0.verificationStatus))
            }, nextToken: next)
    }

    func deleteEmailIdentity(_ input: SESv2.DeleteEmailIdentityRequest, context: RequestContext) async throws
        -> SESv2.DeleteEmailIdentityResponse
    {
        try await run {
            let scope = Self.scope(context)
            guard await engine.identity(scope, input.emailIdentity) != nil else {
                throw SESFailure.identityMissing(input.emailIdentity)
            }
            try await engine.deleteIdentity(scope, input.emailIdentity)
            return SESv2.DeleteEmailIdentityResponse()
        }
    }

    func putEmailIdentityDkimAttributes(
        _ input: SESv2.PutEmailIdentityDkimAttributesRequest, context: RequestContext
    ) async throws -> SESv2.PutEmailIdentityDkimAttributesResponse {
        try await run {
            let scope = Self.scope(context)
            guard let record = await engine.identity(scope, input.emailIdentity), record.kind == .domain else {
                throw AWSError("BadRequestException", "Domain \(input.emailIdentity) is not verified for DKIM signing.")
            }
            try await engine.updateIdentity(scope, input.emailIdentity) {
                $0.dkimEnabled = input.signingEnabled ?? false
            }
            return SESv2.PutEmailIdentityDkimAttributesResponse()
        }
    }

    func putEmailIdentityFeedbackAttributes(
        _ input: SESv2.PutEmailIdentityFeedbackAttributesRequest, context: RequestContext
    ) async throws -> SESv2.PutEmailIdentityFeedbackAttributesResponse {
        try await run {
            try await engine.updateIdentity(Self.scope(context), input.emailIdentity) {
                $0.feedbackForwarding = input.emailForwardingEnabled ?? false
            }
            return SESv2.PutEmailIdentityFeedbackAttributesResponse()
        }
    }

    func putEmailIdentityMailFromAttributes(
        _ input: SESv2.PutEmailIdentityMailFromAttributesRequest, context: RequestContext
    ) async throws -> SESv2.PutEmailIdentityMailFromAttributesResponse {
        try await run {
            try await engine.updateIdentity(Self.scope(context), input.emailIdentity) {
                $0.mailFromDomain = input.mailFromDomain.flatMap { $0.isEmpty ? nil : $0 }
                $0.mailFromBehaviorOnMXFailure =
                    input.behaviorOnMxFailure == "REJECT_MESSAGE" ? "RejectMessage" : "UseDefaultValue"
            }
            return SESv2.PutEmailIdentityMailFromAttributesResponse()
        }
    }

    func putEmailIdentityConfigurationSetAttributes(
        _ input: SESv2.PutEmailIdentityConfigurationSetAttributesRequest, context: RequestContext
    ) async throws -> SESv2.PutEmailIdentityConfigurationSetAttributesResponse {
        try await run {
            let scope = Self.scope(context)
            if let set = input.configurationSetName, await engine.configurationSet(scope, set) == nil {
                throw SESFailure.configurationSetMissing(set)
            }
            try await engine.updateIdentity(scope, input.emailIdentity) {
                $0.configurationSetName = input.configurationSetName
            }
            return SESv2.PutEmailIdentityConfigurationSetAttributesResponse()
        }
    }

    func createEmailIdentityPolicy(_ input: SESv2.CreateEmailIdentityPolicyRequest, context: RequestContext)
        async throws -> SESv2.CreateEmailIdentityPolicyResponse
    {
        try await run {
            try await engine.updateIdentity(Self.scope(context), input.emailIdentity) {
                guard $0.policies[input.policyName] == nil else {
                    throw AWSError("AlreadyExistsException", "Policy \(input.policyName) already exists.")
                }
                $0.policies[input.policyName] = input.policy
            }
            return SESv2.CreateEmailIdentityPolicyResponse()
        }
    }

    func updateEmailIdentityPolicy(_ input: SESv2.UpdateEmailIdentityPolicyRequest, context: RequestContext)
        async throws -> SESv2.UpdateEmailIdentityPolicyResponse
    {
        try await run {
            try await engine.updateIdentity(Self.scope(context), input.emailIdentity) {
                guard $0.policies[input.policyName] != nil else {
                    throw SESV2Errors.notFound("Policy \(input.policyName) does not exist.")
                }
                $0.policies[input.policyName] = input.policy
            }
            return SESv2.UpdateEmailIdentityPolicyResponse()
        }
    }

    func deleteEmailIdentityPolicy(_ input: SESv2.DeleteEmailIdentityPolicyRequest, context: RequestContext)
        async throws -> SESv2.DeleteEmailIdentityPolicyResponse
    {
        try await run {
            try await engine.updateIdentity(Self.scope(context), input.emailIdentity) {
                $0.policies[input.policyName] = nil
            }
            return SESv2.DeleteEmailIdentityPolicyResponse()
        }
    }

    func getEmailIdentityPolicies(_ input: SESv2.GetEmailIdentityPoliciesRequest, context: RequestContext)
        async throws -> SESv2.GetEmailIdentityPoliciesResponse
    {
        try await run {
            guard let record = await engine.identity(Self.scope(context), input.emailIdentity) else {
                throw SESFailure.identityMissing(input.emailIdentity)
            }
            return SESv2.GetEmailIdentityPoliciesResponse(policies: record.policies)
        }
    }

    // MARK: Account and suppression list

    func getAccount(_ input: SESv2.GetAccountRequest, context: RequestContext) async throws -> SESv2.GetAccountResponse
    {
        let scope = Self.scope(context)
        let account = await engine.account(scope)
        let quota = await engine.quota(scope)
        return SESv2.GetAccountResponse(
            dedicatedIpAutoWarmupEnabled: account.dedicatedIpAutoWarmup, enforcementStatus: "HEALTHY",
            productionAccessEnabled: account.productionAccessEnabled,
            sendQuota: SESv2.SendQuota(
                max24HourSend: quota.max24HourSend, maxSendRate: quota.maxSendRate,
                sentLast24Hours: quota.sentLast24Hours),
            sendingEnabled: account.sendingEnabled,
            suppressionAttributes: SESv2.SuppressionAttributes(suppressedReasons: account.suppressedReasons),
            details: account.details.flatMap { StoredSESv2Shape.read(SESv2.AccountDetails.self, $0) },
            vdmAttributes: account.vdmAttributes.flatMap { StoredSESv2Shape.read(SESv2.VdmAttributes.self, $0) })
    }

    func putAccountSendingAttributes(_ input: SESv2.PutAccountSendingAttributesRequest, context: RequestContext)
        async throws -> SESv2.PutAccountSendingAttributesResponse
    {
        try await run {
            try await engine.updateAccount(Self.scope(context)) { $0.sendingEnabled = input.sendingEnabled ?? false }
            return SESv2.PutAccountSendingAttributesResponse()
        }
    }

    func putAccountSuppressionAttributes(
        _ input: SESv2.PutAccountSuppressionAttributesRequest, context: RequestContext
    ) async throws -> SESv2.PutAccountSuppressionAttributesResponse {
        try await run {
            try await engine.updateAccount(Self.scope(context)) { $0.suppressedReasons = input.suppressedReasons ?? [] }
            return SESv2.PutAccountSuppressionAttributesResponse()
        }
    }

    func putAccountDedicatedIpWarmupAttributes(
        _ input: SESv2.PutAccountDedicatedIpWarmupAttributesRequest, context: RequestContext
    ) async throws -> SESv2.PutAccountDedicatedIpWarmupAttributesResponse {
        try await run {
            try await engine.updateAccount(Self.scope(context)) {
                $0.dedicatedIpAutoWarmup = input.autoWarmupEnabled ?? false
            }
            return SESv2.PutAccountDedicatedIpWarmupAttributesResponse()
        }
    }

    func putAccountDetails(_ input: SESv2.PutAccountDetailsRequest, context: RequestContext) async throws
        -> SESv2.PutAccountDetailsResponse
    {
        try await run {
            let details = SESv2.AccountDetails(
                mailType: input.mailType, websiteURL: input.websiteURL, contactLanguage: input.contactLanguage,
                useCaseDescription: input.useCaseDescription,
                additionalContactEmailAddresses: input.additionalContactEmailAddresses,
                reviewDetails: input.productionAccessEnabled == true ? SESv2.ReviewDetails(status: "GRANTED") : nil)
            try await engine.updateAccount(Self.scope(context)) {
                $0.details = StoredSESv2Shape.write(details)
                if input.productionAccessEnabled == true { $0.productionAccessEnabled = true }
            }
            return SESv2.PutAccountDetailsResponse()
        }
    }

    func putSuppressedDestination(_ input: SESv2.PutSuppressedDestinationRequest, context: RequestContext)
        async throws -> SESv2.PutSuppressedDestinationResponse
    {
        try await run {
            try MessageComposer.checkAddresses([input.emailAddress])
            try await engine.suppress(
                SuppressedDestinationRecord(
                    scope: Self.scope(context), email: input.emailAddress, reason: input.reason,
                    updatedMillis: SESEngine.nowMillis()))
            return SESv2.PutSuppressedDestinationResponse()
        }
    }

    func getSuppressedDestination(_ input: SESv2.GetSuppressedDestinationRequest, context: RequestContext)
        async throws -> SESv2.GetSuppressedDestinationResponse
    {
        try await run {
            guard let record = await engine.suppressedDestination(Self.scope(context), input.emailAddress) else {
                throw SESFailure.suppressedDestinationMissing(input.emailAddress)
            }
            return SESv2.GetSuppressedDestinationResponse(
                suppressedDestination: SESv2.SuppressedDestination(
                    emailAddress: record.email, reason: record.reason, lastUpdateTime: Self.date(record.updatedMillis),
                    attributes: record.messageId == nil && record.feedbackId == nil
                        ? nil
                        : SESv2.SuppressedDestinationAttributes(
                            messageId: record.messageId, feedbackId: record.feedbackId)))
        }
    }

    func deleteSuppressedDestination(_ input: SESv2.DeleteSuppressedDestinationRequest, context: RequestContext)
        async throws -> SESv2.DeleteSuppressedDestinationResponse
    {
        try await run {
            try await engine.unsuppress(Self.scope(context), input.emailAddress)
            return SESv2.DeleteSuppressedDestinationResponse()
        }
    }

    func listSuppressedDestinations(_ input: SESv2.ListSuppressedDestinationsRequest, context: RequestContext)
        async throws -> SESv2.ListSuppressedDestinationsResponse
    {
        let all = await engine.suppressedDestinations(Self.scope(context)).filter { record in
            (input.reasons.map { $0.contains(record.reason) } ?? true)
                && (input.startDate.map { Self.date(record.updatedMillis) >= $0 } ?? true)
                && (input.endDate.map { Self.date(record.updatedMillis) <= $0 } ?? true)
        }
        let (page, next) = SESV1Service.page(all, name: \.email, token: input.nextToken, limit: input.pageSize)
        return SESv2.ListSuppressedDestinationsResponse(
            suppressedDestinationSummaries: page.map {
                SESv2.SuppressedDestinationSummary(
                    emailAddress: $0.email, reason: $0.reason, lastUpdateTime: Self.date($0.updatedMillis))
            }, nextToken: next)
    }
}

/// A generated SES v2 shape kept as JSON.
enum StoredSESv2Shape {
    static func write<Value: AWSValueConvertible>(_ value: Value) -> String {
        ShapeJSON.write(value, model: SESv2.model)
    }

    static func read<Value: AWSValueConvertible>(_ type: Value.Type, _ text: String) -> Value? {
        try? ShapeJSON.read(type, text, model: SESv2.model)
    }
}
