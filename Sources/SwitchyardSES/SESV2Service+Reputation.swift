import Foundation
import SwitchyardModels
import SwitchyardWire

// MARK: Email address insights and reputation entities

extension SESV2Service {
    func getEmailAddressInsights(_ input: SESv2.GetEmailAddressInsightsRequest, context: RequestContext)
        async throws -> SESv2.GetEmailAddressInsightsResponse
    {
        let scope = Self.scope(context)
        var known = EmailAddressInsights.Known()
        known.verified = await engine.verifiedIdentity(scope, address: input.emailAddress) != nil
        known.suppressed = await engine.suppressed[scope.key(input.emailAddress.lowercased())] != nil
        let insights = EmailAddressInsights(input.emailAddress, known: known)
        func verdict(_ value: String) -> SESv2.EmailAddressInsightsVerdict {
            SESv2.EmailAddressInsightsVerdict(confidenceVerdict: value)
        }
        return SESv2.GetEmailAddressInsightsResponse(
            mailboxValidation: SESv2.MailboxValidation(
                isValid: verdict(insights.isValid),
                evaluations: SESv2.EmailAddressInsightsMailboxEvaluations(
                    hasValidSyntax: verdict(insights.hasValidSyntax),
                    hasValidDnsRecords: verdict(insights.hasValidDnsRecords),
                    mailboxExists: verdict(insights.mailboxExists), isRoleAddress: verdict(insights.isRoleAddress),
                    isDisposable: verdict(insights.isDisposable), isRandomInput: verdict(insights.isRandomInput))))
    }

    // MARK: Reputation entities: the account's tenants

    /// SES's managed reputation policies; a tenant starts with the standard one.
    static func reputationPolicies(_ region: String) -> [String] {
        ["none", "standard", "strict"].map { "arn:aws:ses:\(region):aws:reputation-policy/\($0)" }
    }

    static func entity(_ tenant: TenantRecord) -> SESv2.ReputationEntity {
        let customer = tenant.customerStatus ?? "ENABLED"
        return SESv2.ReputationEntity(
            reputationEntityReference: tenant.arn, reputationEntityType: "RESOURCE",
            reputationManagementPolicy: tenant.reputationPolicy ?? reputationPolicies(tenant.scope.region)[1],
            customerManagedStatus: SESv2.StatusRecord(
                status: customer, lastUpdatedTimestamp: date(tenant.customerStatusMillis ?? tenant.createdMillis)),
            // No reputation findings are made here, so SES's own status never changes.
            awsSesManagedStatus: SESv2.StatusRecord(
                status: "ENABLED", lastUpdatedTimestamp: date(tenant.createdMillis)),
            sendingStatusAggregate: customer, reputationImpact: "LOW")
    }

    func reputationTenant(type: String, reference: String, context: RequestContext) async throws -> TenantRecord {
        guard type == "RESOURCE" else {
            throw SESFailure.invalidParameter("ReputationEntityType must be RESOURCE.")
        }
        let scope = Self.scope(context)
        guard
            let tenant = await engine.tenants.records(prefix: scope.key("")).first(where: {
                $0.arn == reference
            })
        else { throw SESV2Errors.notFound("Reputation entity \(reference) does not exist.") }
        return tenant
    }

    func getReputationEntity(_ input: SESv2.GetReputationEntityRequest, context: RequestContext) async throws
        -> SESv2.GetReputationEntityResponse
    {
        try await run {
            let tenant = try await reputationTenant(
                type: input.reputationEntityType, reference: input.reputationEntityReference, context: context)
            return SESv2.GetReputationEntityResponse(reputationEntity: Self.entity(tenant))
        }
    }

    func listReputationEntities(_ input: SESv2.ListReputationEntitiesRequest, context: RequestContext)
        async throws -> SESv2.ListReputationEntitiesResponse
    {
        try await run {
            let filter = input.filter ?? [:]
            for key in filter.keys
            where !["ENTITY_TYPE", "REPUTATION_IMPACT", "SENDING_STATUS", "ENTITY_REFERENCE_PREFIX"].contains(key) {
                throw SESFailure.invalidParameter("Unknown filter key \(key).")
            }
            let all = await engine.tenants.records(prefix: Self.scope(context).key("")).map(Self.entity).filter {
                entity in
                (filter["ENTITY_TYPE"].map { $0 == entity.reputationEntityType } ?? true)
                    && (filter["REPUTATION_IMPACT"].map { $0 == entity.reputationImpact } ?? true)
                    && (filter["SENDING_STATUS"].map { $0 == entity.sendingStatusAggregate } ?? true)
                    && (filter["ENTITY_REFERENCE_PREFIX"].map {
                        entity.reputationEntityReference?.hasPrefix($0) ?? false
                    } ?? true)
            }
            let (page, next) = SESV1Service.page(
                all, name: { $0.reputationEntityReference ?? "" }, token: input.nextToken, limit: input.pageSize)
            return SESv2.ListReputationEntitiesResponse(reputationEntities: page, nextToken: next)
        }
    }

    func updateReputationEntityCustomerManagedStatus(
        _ input: SESv2.UpdateReputationEntityCustomerManagedStatusRequest, context: RequestContext
    ) async throws -> SESv2.UpdateReputationEntityCustomerManagedStatusResponse {
        try await run {
            var tenant = try await reputationTenant(
                type: input.reputationEntityType, reference: input.reputationEntityReference, context: context)
            tenant.customerStatus = input.sendingStatus
            tenant.customerStatusMillis = SESEngine.nowMillis()
            try await engine.putTenant(tenant)
            return SESv2.UpdateReputationEntityCustomerManagedStatusResponse()
        }
    }

    func updateReputationEntityPolicy(
        _ input: SESv2.UpdateReputationEntityPolicyRequest, context: RequestContext
    ) async throws -> SESv2.UpdateReputationEntityPolicyResponse {
        try await run {
            var tenant = try await reputationTenant(
                type: input.reputationEntityType, reference: input.reputationEntityReference, context: context)
            guard Self.reputationPolicies(tenant.scope.region).contains(input.reputationEntityPolicy) else {
                throw SESFailure.invalidParameter("Reputation policy \(input.reputationEntityPolicy) does not exist.")
            }
            tenant.reputationPolicy = input.reputationEntityPolicy
            try await engine.putTenant(tenant)
            return SESv2.UpdateReputationEntityPolicyResponse()
        }
    }
}
