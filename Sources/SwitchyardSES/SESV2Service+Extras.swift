import Foundation
import SwitchyardModels
import SwitchyardWire

// MARK: DKIM signing, VDM and archiving options, deliverability dashboard, recommendations

extension SESV2Service {
    func putEmailIdentityDkimSigningAttributes(
        _ input: SESv2.PutEmailIdentityDkimSigningAttributesRequest, context: RequestContext
    ) async throws -> SESv2.PutEmailIdentityDkimSigningAttributesResponse {
        try await run {
            let scope = Self.scope(context)
            guard let record = await engine.identity(scope, input.emailIdentity), record.kind == .domain else {
                throw AWSError(
                    "BadRequestException", "Domain \(input.emailIdentity) is not verified for DKIM signing.")
            }
            let external = input.signingAttributesOrigin == "EXTERNAL"
            if external,
                input.signingAttributes?.domainSigningPrivateKey == nil
                    || input.signingAttributes?.domainSigningSelector == nil
            {
                throw SESFailure.invalidParameter(
                    "DomainSigningSelector and DomainSigningPrivateKey are required for EXTERNAL signing.")
            }
            try await engine.updateIdentity(scope, input.emailIdentity) { identity in
                identity.dkimOrigin = input.signingAttributesOrigin
                if external {
                    identity.dkimSelector = input.signingAttributes?.domainSigningSelector
                    identity.dkimTokens = []
                } else {
                    if identity.dkimTokens.isEmpty { identity.dkimTokens = SESEngine.dkimTokens() }
                    if let length = input.signingAttributes?.nextSigningKeyLength { identity.dkimKeyLength = length }
                }
                identity.dkimEnabled = true
            }
            let updated = await engine.identity(scope, input.emailIdentity)
            return SESv2.PutEmailIdentityDkimSigningAttributesResponse(
                dkimStatus: "SUCCESS", dkimTokens: external ? nil : updated?.dkimTokens)
        }
    }

    func putAccountVdmAttributes(_ input: SESv2.PutAccountVdmAttributesRequest, context: RequestContext)
        async throws -> SESv2.PutAccountVdmAttributesResponse
    {
        try await run {
            let text = StoredSESv2Shape.write(input.vdmAttributes)
            try await engine.updateAccount(Self.scope(context)) { $0.vdmAttributes = text }
            return SESv2.PutAccountVdmAttributesResponse()
        }
    }

    func putConfigurationSetVdmOptions(
        _ input: SESv2.PutConfigurationSetVdmOptionsRequest, context: RequestContext
    ) async throws -> SESv2.PutConfigurationSetVdmOptionsResponse {
        let text = input.vdmOptions.map(StoredSESv2Shape.write)
        try await change(input.configurationSetName, context: context) { $0.vdmOptions = text }
        return SESv2.PutConfigurationSetVdmOptionsResponse()
    }

    func putConfigurationSetArchivingOptions(
        _ input: SESv2.PutConfigurationSetArchivingOptionsRequest, context: RequestContext
    ) async throws -> SESv2.PutConfigurationSetArchivingOptionsResponse {
        try await change(input.configurationSetName, context: context) { $0.archiveArn = input.archiveArn }
        return SESv2.PutConfigurationSetArchivingOptionsResponse()
    }

    func putDeliverabilityDashboardOption(
        _ input: SESv2.PutDeliverabilityDashboardOptionRequest, context: RequestContext
    ) async throws -> SESv2.PutDeliverabilityDashboardOptionResponse {
        try await run {
            let domains = (input.subscribedDomains ?? []).map(StoredSESv2Shape.write)
            try await engine.updateAccount(Self.scope(context)) {
                $0.deliverabilityDashboard = input.dashboardEnabled
                $0.deliverabilityDomains = input.dashboardEnabled ? domains : []
            }
            return SESv2.PutDeliverabilityDashboardOptionResponse()
        }
    }

    func getDeliverabilityDashboardOptions(
        _ input: SESv2.GetDeliverabilityDashboardOptionsRequest, context: RequestContext
    ) async throws -> SESv2.GetDeliverabilityDashboardOptionsResponse {
        let account = await engine.account(Self.scope(context))
        let domains = account.deliverabilityDomains.compactMap {
            StoredSESv2Shape.read(SESv2.DomainDeliverabilityTrackingOption.self, $0)
        }
        return SESv2.GetDeliverabilityDashboardOptionsResponse(
            dashboardEnabled: account.deliverabilityDashboard,
            accountStatus: account.deliverabilityDashboard ? "ACTIVE" : nil,
            activeSubscribedDomains: account.deliverabilityDashboard ? domains : nil)
    }

    /// There is no reputation analysis here, so there is nothing to recommend.
    func listRecommendations(_ input: SESv2.ListRecommendationsRequest, context: RequestContext) async throws
        -> SESv2.ListRecommendationsResponse
    {
        SESv2.ListRecommendationsResponse(recommendations: [])
    }
}

// MARK: Dedicated IP pools (no dedicated IPs are leased here)

extension SESV2Service {
    func createDedicatedIpPool(_ input: SESv2.CreateDedicatedIpPoolRequest, context: RequestContext) async throws
        -> SESv2.CreateDedicatedIpPoolResponse
    {
        try await run {
            let scope = Self.scope(context)
            guard await engine.dedicatedIpPools[scope.key(input.poolName)] == nil else {
                throw AWSError("AlreadyExistsException", "Dedicated IP pool \(input.poolName) already exists.")
            }
            try await engine.putDedicatedIpPool(
                DedicatedIpPoolRecord(
                    scope: scope, name: input.poolName, scalingMode: input.scalingMode ?? "STANDARD",
                    tags: Self.tags(input.tags)))
            return SESv2.CreateDedicatedIpPoolResponse()
        }
    }

    func pool(_ name: String, context: RequestContext) async throws -> DedicatedIpPoolRecord {
        guard let pool = await engine.dedicatedIpPools[Self.scope(context).key(name)] else {
            throw SESV2Errors.notFound("Pool \(name) does not exist.")
        }
        return pool
    }

    func getDedicatedIpPool(_ input: SESv2.GetDedicatedIpPoolRequest, context: RequestContext) async throws
        -> SESv2.GetDedicatedIpPoolResponse
    {
        try await run {
            let pool = try await pool(input.poolName, context: context)
            return SESv2.GetDedicatedIpPoolResponse(
                dedicatedIpPool: SESv2.DedicatedIpPool(poolName: pool.name, scalingMode: pool.scalingMode))
        }
    }

    func deleteDedicatedIpPool(_ input: SESv2.DeleteDedicatedIpPoolRequest, context: RequestContext) async throws
        -> SESv2.DeleteDedicatedIpPoolResponse
    {
        try await run {
            _ = try await pool(input.poolName, context: context)
            try await engine.deleteDedicatedIpPool(Self.scope(context), input.poolName)
            return SESv2.DeleteDedicatedIpPoolResponse()
        }
    }

    func listDedicatedIpPools(_ input: SESv2.ListDedicatedIpPoolsRequest, context: RequestContext) async throws
        -> SESv2.ListDedicatedIpPoolsResponse
    {
        let scope = Self.scope(context)
        let all = await engine.dedicatedIpPools.records(prefix: scope.key(""))
        let (page, next) = SESV1Service.page(all, name: \.name, token: input.nextToken, limit: input.pageSize)
        return SESv2.ListDedicatedIpPoolsResponse(dedicatedIpPools: page.map(\.name), nextToken: next)
    }

    func putDedicatedIpPoolScalingAttributes(
        _ input: SESv2.PutDedicatedIpPoolScalingAttributesRequest, context: RequestContext
    ) async throws -> SESv2.PutDedicatedIpPoolScalingAttributesResponse {
        try await run {
            var pool = try await pool(input.poolName, context: context)
            guard pool.scalingMode == "STANDARD" || input.scalingMode == "MANAGED" else {
                throw AWSError("BadRequestException", "A MANAGED pool cannot be changed to STANDARD.")
            }
            pool.scalingMode = input.scalingMode
            try await engine.putDedicatedIpPool(pool)
            return SESv2.PutDedicatedIpPoolScalingAttributesResponse()
        }
    }

    /// The dedicated IPs of the account, or of a pool: none are leased here.
    func getDedicatedIps(_ input: SESv2.GetDedicatedIpsRequest, context: RequestContext) async throws
        -> SESv2.GetDedicatedIpsResponse
    {
        try await run {
            if let name = input.poolName { _ = try await pool(name, context: context) }
            return SESv2.GetDedicatedIpsResponse(dedicatedIps: [])
        }
    }

    func getDedicatedIp(_ input: SESv2.GetDedicatedIpRequest, context: RequestContext) async throws
        -> SESv2.GetDedicatedIpResponse
    {
        throw SESV2Errors.notFound("Dedicated IP \(input.ip) does not exist.")
    }

    func putDedicatedIpInPool(_ input: SESv2.PutDedicatedIpInPoolRequest, context: RequestContext) async throws
        -> SESv2.PutDedicatedIpInPoolResponse
    {
        throw SESV2Errors.notFound("Dedicated IP \(input.ip) does not exist.")
    }

    func putDedicatedIpWarmupAttributes(
        _ input: SESv2.PutDedicatedIpWarmupAttributesRequest, context: RequestContext
    ) async throws -> SESv2.PutDedicatedIpWarmupAttributesResponse {
        throw SESV2Errors.notFound("Dedicated IP \(input.ip) does not exist.")
    }
}

// MARK: Message insights

extension SESV2Service {
    /// What became of a message sent in the last 30 days, per recipient, from the captured outbox.
    func getMessageInsights(_ input: SESv2.GetMessageInsightsRequest, context: RequestContext) async throws
        -> SESv2.GetMessageInsightsResponse
    {
        try await run {
            let scope = Self.scope(context)
            guard
                let view = await engine.capturedMessages(
                    id: input.messageId, source: nil, destination: nil, since: nil, configurationSet: nil
                ).first, view.message.scope == scope
            else { throw SESV2Errors.notFound("Message \(input.messageId) does not exist.") }
            let message = view.message
            let sent = Self.date(message.sentMillis)
            let insights = message.destinations.map { recipient -> SESv2.EmailInsights in
                var events = [SESv2.InsightsEvent(timestamp: sent, type: "SEND")]
                switch message.outcomes[recipient] {
                case "delivered", "relayed":
                    events.append(SESv2.InsightsEvent(timestamp: sent, type: "DELIVERY"))
                case "complained":
                    events.append(SESv2.InsightsEvent(timestamp: sent, type: "DELIVERY"))
                    events.append(
                        SESv2.InsightsEvent(
                            timestamp: sent, type: "COMPLAINT",
                            details: SESv2.EventDetails(complaint: SESv2.Complaint(complaintFeedbackType: "ABUSE"))))
                case "bounced", "suppressed", "unsubscribed":
                    let suppressed = message.outcomes[recipient] == "suppressed"
                    events.append(
                        SESv2.InsightsEvent(
                            timestamp: sent, type: "PERMANENT_BOUNCE",
                            details: SESv2.EventDetails(
                                bounce: SESv2.Bounce(
                                    bounceType: "PERMANENT",
                                    bounceSubType: suppressed ? "ON_ACCOUNT_SUPPRESSION_LIST" : "GENERAL"))))
                case "rendering-failed":
                    events = [SESv2.InsightsEvent(timestamp: sent, type: "RENDERING_FAILURE")]
                default:
                    break
                }
                return SESv2.EmailInsights(destination: recipient, isp: nil, events: events)
            }
            return SESv2.GetMessageInsightsResponse(
                messageId: message.id, fromEmailAddress: message.source, subject: message.subject,
                emailTags: message.tags.map { SESv2.MessageTag(name: $0.key, value: $0.value) }, insights: insights)
        }
    }
}
