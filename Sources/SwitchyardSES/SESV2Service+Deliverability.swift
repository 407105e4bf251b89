import Foundation
import SwitchyardModels
import SwitchyardWire

// MARK: Deliverability dashboard: inbox placement tests, campaigns, blacklist reports

extension SESV2Service {
    /// The dashboard's features need its subscription, as on AWS.
    func requireDashboard(_ scope: SESScope) async throws {
        guard await engine.account(scope).deliverabilityDashboard else {
            throw AWSError("BadRequestException", "The Deliverability dashboard is not enabled for this account.")
        }
    }

    /// Builds the test message as SendEmail would and reports where it would land. The only mailbox
    /// here is the captured outbox, which has no spam folder and no mailbox providers: a message SES
    /// would send lands in the inbox, one it would reject (a virus) is missing, and DKIM passes when
    /// the sending domain signs.
    func createDeliverabilityTestReport(
        _ input: SESv2.CreateDeliverabilityTestReportRequest, context: RequestContext
    ) async throws -> SESv2.CreateDeliverabilityTestReportResponse {
        try await run {
            let scope = Self.scope(context)
            try await requireDashboard(scope)
            try MessageComposer.checkAddresses([input.fromEmailAddress])
            guard let identity = await engine.verifiedIdentity(scope, address: input.fromEmailAddress) else {
                throw SESFailure.notVerified([input.fromEmailAddress], region: scope.region)
            }
            let raw: [UInt8]
            if let simple = input.content.simple {
                raw = MessageComposer.simple(
                    from: input.fromEmailAddress, to: [], cc: [], replyTo: [], subject: simple.subject.data,
                    text: simple.body.text?.data, html: simple.body.html?.data, headers: Self.headers(simple.headers),
                    attachments: Self.attachments(simple.attachments))
            } else if let given = input.content.raw {
                raw = [UInt8](given.data)
            } else if let given = input.content.template {
                let template = try await template(given, scope: scope)
                let email = try Self.templated(
                    template, data: given.templateData ?? "{}", scope: scope, operation: "DeliverabilityTest",
                    from: input.fromEmailAddress, to: [], cc: [], bcc: [], replyTo: [], configurationSet: nil, tags: [],
                    sourceArn: nil, headers: Self.headers(given.headers),
                    attachments: Self.attachments(given.attachments), context: context)
                if let failure = email.renderingFailure { throw SESFailure.invalidParameter(failure) }
                raw = email.raw
            } else {
                throw SESFailure.invalidParameter("Exactly one of Simple, Raw or Template content must be given.")
            }
            let rejected = VirusScan.isInfected(raw)
            let domain = await engine.identity(scope, ParsedMail.domain(of: input.fromEmailAddress) ?? "")
            let signs = [identity, domain].contains { $0?.dkimEnabled == true && $0?.kind == .domain }
            let record = DeliverabilityTestRecord(
                scope: scope, id: UUID().uuidString.lowercased(), name: input.reportName,
                subject: MIMEMessage.headers(of: raw)?.decoded("Subject"), from: input.fromEmailAddress,
                createdMillis: SESEngine.nowMillis(), inboxPercentage: rejected ? 0 : 100,
                missingPercentage: rejected ? 100 : 0, dkimPercentage: signs && !rejected ? 100 : 0,
                message: String(decoding: raw, as: UTF8.self), tags: Self.tags(input.tags))
            try await engine.putDeliverabilityTest(record)
            return SESv2.CreateDeliverabilityTestReportResponse(
                reportId: record.id, deliverabilityTestStatus: "COMPLETED")
        }
    }

    static func report(_ record: DeliverabilityTestRecord) -> SESv2.DeliverabilityTestReport {
        SESv2.DeliverabilityTestReport(
            reportId: record.id, reportName: record.name, subject: record.subject, fromEmailAddress: record.from,
            createDate: date(record.createdMillis), deliverabilityTestStatus: "COMPLETED")
    }

    func getDeliverabilityTestReport(
        _ input: SESv2.GetDeliverabilityTestReportRequest, context: RequestContext
    ) async throws -> SESv2.GetDeliverabilityTestReportResponse {
        try await run {
            guard let record = await engine.deliverabilityTests[Self.scope(context).key(input.reportId)] else {
                throw SESV2Errors.notFound("Deliverability test report \(input.reportId) does not exist.")
            }
            return SESv2.GetDeliverabilityTestReportResponse(
                deliverabilityTestReport: Self.report(record),
                overallPlacement: SESv2.PlacementStatistics(
                    inboxPercentage: record.inboxPercentage, spamPercentage: 0,
                    missingPercentage: record.missingPercentage,
                    // SES's own MAIL FROM domain passes SPF for every message it sends.
                    spfPercentage: record.missingPercentage == 100 ? 0 : 100, dkimPercentage: record.dkimPercentage),
                ispPlacements: [], message: record.message, tags: Self.shapes(record.tags))
        }
    }

    func listDeliverabilityTestReports(
        _ input: SESv2.ListDeliverabilityTestReportsRequest, context: RequestContext
    ) async throws -> SESv2.ListDeliverabilityTestReportsResponse {
        let all = await engine.deliverabilityTests.records(prefix: Self.scope(context).key(""))
            .sorted { $0.createdMillis < $1.createdMillis }
        let (page, next) = SESV1Service.page(all, name: \.id, token: input.nextToken, limit: input.pageSize)
        return SESv2.ListDeliverabilityTestReportsResponse(
            deliverabilityTestReports: page.map(Self.report), nextToken: next)
    }

    // MARK: Campaigns, counted from the captured outbox

    /// A campaign is what the dashboard groups as one: the messages of one sender with one subject.
    static func campaignId(scope: SESScope, from: String, subject: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in "\(scope.account)/\(scope.region)/\(from.lowercased())/\(subject)".utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    func campaigns(_ scope: SESScope, domain: String?, from start: Int64, to end: Int64) async
        -> [SESv2.DomainDeliverabilityCampaign]
    {
        let messages = await engine.sentMessages(scope, from: start, to: end).filter { message in
            domain.map { ParsedMail.domain(of: message.source)?.lowercased() == $0.lowercased() } ?? true
        }
        let groups = Dictionary(grouping: messages) {
            Self.campaignId(scope: scope, from: $0.source, subject: $0.subject ?? "")
        }
        let campaigns = groups.map { id, messages in Self.campaign(id: id, messages: messages) }
        return campaigns.sorted { ($0.firstSeenDateTime ?? .distantPast) < ($1.firstSeenDateTime ?? .distantPast) }
    }

    /// What the dashboard reports of one campaign: its recipients delivered (all to the inbox, as
    /// the captured outbox has no spam folder) and how many of them opened it.
    static func campaign(id: String, messages: [SentMessage]) -> SESv2.DomainDeliverabilityCampaign {
        var recipients = 0
        var delivered = 0
        var opened = 0
        for message in messages {
            for recipient in message.destinations {
                recipients += 1
                guard ["delivered", "relayed", "complained"].contains(message.outcomes[recipient] ?? "") else {
                    continue
                }
                delivered += 1
                if message.openedBy?.contains(recipient) == true { opened += 1 }
            }
        }
        let times = messages.map(\.sentMillis)
        let readRate = delivered == 0 ? 0 : Double(opened) / Double(delivered)
        return SESv2.DomainDeliverabilityCampaign(
            campaignId: id, subject: messages.first?.subject, fromAddress: messages.first?.source, sendingIps: [],
            firstSeenDateTime: times.min().map(date), lastSeenDateTime: times.max().map(date), inboxCount: delivered,
            spamCount: 0, readRate: readRate, deleteRate: 0, readDeleteRate: 0, projectedVolume: recipients, esps: [])
    }

    func listDomainDeliverabilityCampaigns(
        _ input: SESv2.ListDomainDeliverabilityCampaignsRequest, context: RequestContext
    ) async throws -> SESv2.ListDomainDeliverabilityCampaignsResponse {
        try await run {
            let scope = Self.scope(context)
            try await requireDashboard(scope)
            let subscribed = await engine.account(scope).deliverabilityDomains.compactMap {
                StoredSESv2Shape.read(SESv2.DomainDeliverabilityTrackingOption.self, $0)?.domain?.lowercased()
            }
            guard subscribed.contains(input.subscribedDomain.lowercased()) else {
                throw SESV2Errors.notFound(
                    "Domain \(input.subscribedDomain) is not subscribed to the Deliverability dashboard.")
            }
            guard input.startDate <= input.endDate,
                input.endDate.timeIntervalSince(input.startDate) <= 30 * 86_400
            else {
                throw SESFailure.invalidParameter("EndDate must be within 30 days after StartDate.")
            }
            let all = await campaigns(
                scope, domain: input.subscribedDomain, from: Int64(input.startDate.timeIntervalSince1970 * 1000),
                to: Int64(input.endDate.timeIntervalSince1970 * 1000))
            let (page, next) = SESV1Service.page(
                all, name: { $0.campaignId ?? "" }, token: input.nextToken, limit: input.pageSize)
            return SESv2.ListDomainDeliverabilityCampaignsResponse(domainDeliverabilityCampaigns: page, nextToken: next)
        }
    }

    func getDomainDeliverabilityCampaign(
        _ input: SESv2.GetDomainDeliverabilityCampaignRequest, context: RequestContext
    ) async throws -> SESv2.GetDomainDeliverabilityCampaignResponse {
        try await run {
            let scope = Self.scope(context)
            try await requireDashboard(scope)
            guard
                let campaign = await campaigns(scope, domain: nil, from: 0, to: Int64.max).first(where: {
                    $0.campaignId == input.campaignId
                })
            else { throw SESV2Errors.notFound("Campaign \(input.campaignId) does not exist.") }
            return SESv2.GetDomainDeliverabilityCampaignResponse(domainDeliverabilityCampaign: campaign)
        }
    }

    /// Blacklist reports cover the account's dedicated IPs, and none are leased here.
    func getBlacklistReports(_ input: SESv2.GetBlacklistReportsRequest, context: RequestContext) async throws
        -> SESv2.GetBlacklistReportsResponse
    {
        try await run {
            try await requireDashboard(Self.scope(context))
            throw SESV2Errors.notFound("Dedicated IP \(input.blacklistItemNames.first ?? "") does not exist.")
        }
    }
}
