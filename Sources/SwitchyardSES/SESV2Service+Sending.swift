import Foundation
import SwitchyardModels
import SwitchyardWire

// MARK: Sending

extension SESV2Service {
    static func messageTags(_ tags: [SESv2.MessageTag]?) -> [SESTag] {
        (tags ?? []).map { SESTag(key: $0.name, value: $0.value) }
    }

    static func attachments(_ given: [SESv2.Attachment]?) -> [MIMEBuilder.Attachment] {
        (given ?? []).map { attachment in
            MIMEBuilder.Attachment(
                filename: attachment.fileName, contentType: attachment.contentType,
                bytes: [UInt8](attachment.rawContent),
                disposition: attachment.contentDisposition.flatMap(MIMEBuilder.Attachment.Disposition.init)
                    ?? .attachment,
                contentID: attachment.contentId, contentDescription: attachment.contentDescription,
                transferEncoding: attachment.contentTransferEncoding.flatMap(
                    MIMEBuilder.Attachment.TransferEncoding.init)
                    ?? .base64)
        }
    }

    static func headers(_ given: [SESv2.MessageHeader]?) -> [(String, String)] {
        (given ?? []).map { ($0.name, $0.value) }
    }

    /// The stored template a v2 Template names (by name or ARN), or one given inline.
    func template(_ given: SESv2.Template, scope: SESScope) async throws -> TemplateRecord {
        if let content = given.templateContent {
            return TemplateRecord(
                scope: scope, name: given.templateName ?? "inline", subject: content.subject, text: content.text,
                html: content.html, createdMillis: 0)
        }
        let name =
            given.templateName ?? given.templateArn.flatMap { $0.split(separator: "/").last.map(String.init) } ?? ""
        guard let record = await engine.template(scope, name) else { throw SESFailure.templateMissing(name) }
        return record
    }

    func sendEmail(_ input: SESv2.SendEmailRequest, context: RequestContext) async throws -> SESv2.SendEmailResponse {
        try await run {
            let scope = Self.scope(context)
            let tags = Self.messageTags(input.emailTags)
            try MessageTags.validate(tags)
            let to = input.destination?.toAddresses ?? []
            let cc = input.destination?.ccAddresses ?? []
            let bcc = input.destination?.bccAddresses ?? []
            let replyTo = input.replyToAddresses ?? []
            var email: OutgoingEmail
            var listHeaders: [(String, String)] = []
            var optedOut: Set<String> = []
            if let options = input.listManagementOptions {
                optedOut = await engine.optedOut(scope, options: options, recipients: to + cc + bcc)
                listHeaders = try await engine.listManagementHeaders(scope, options: options, recipients: to + cc + bcc)
            }
            if let raw = input.content.raw {
                let bytes = [UInt8](raw.data)
                let headerSet = MIMEMessage.sesHeaders(bytes)
                guard let from = input.fromEmailAddress ?? ParsedMail.fromAddress(raw: headerSet.raw) else {
                    throw SESFailure.invalidParameter("Missing required header 'From'.")
                }
                let destinations = to + cc + bcc
                let recipients = destinations.isEmpty ? ParsedMail.recipients(raw: headerSet.raw) : destinations
                try MessageComposer.checkAddresses([from] + recipients)
                email = OutgoingEmail(
                    scope: scope, operation: "SendEmail", source: MessageComposer.bare(from),
                    destinations: recipients.map(MessageComposer.bare), raw: headerSet.raw,
                    configurationSet: input.configurationSetName ?? headerSet.configurationSet,
                    tags: tags + headerSet.tags,
                    sourceArn: input.fromEmailAddressIdentityArn,
                    callerIdentity: MessageComposer.callerIdentity(context))
            } else {
                guard let from = input.fromEmailAddress else {
                    throw SESFailure.invalidParameter("Missing required header 'From'.")
                }
                try MessageComposer.checkAddresses([from] + to + cc + bcc + replyTo)
                let messageId = SESEngine.messageId(SESEngine.nowMillis())
                let tracking = await engine.tracking(
                    scope, configurationSet: input.configurationSetName, source: from, messageId: messageId)
                if let simple = input.content.simple {
                    let raw = MessageComposer.simple(
                        from: from, to: to, cc: cc, replyTo: replyTo, subject: simple.subject.data,
                        text: simple.body.text?.data, html: simple.body.html?.data,
                        headers: Self.headers(simple.headers) + listHeaders,
                        attachments: Self.attachments(simple.attachments), tracking: tracking,
                        messageId: messageId)
                    email = OutgoingEmail(
                        id: messageId, scope: scope, operation: "SendEmail", source: MessageComposer.bare(from),
                        destinations: (to + cc + bcc).map(MessageComposer.bare), raw: raw,
                        configurationSet: input.configurationSetName, tags: tags,
                        sourceArn: input.fromEmailAddressIdentityArn,
                        callerIdentity: MessageComposer.callerIdentity(context), builtBySES: true)
                } else if let given = input.content.template {
                    let template = try await template(given, scope: scope)
                    email = try Self.templated(
                        template, data: given.templateData ?? "{}", scope: scope, operation: "SendEmail", from: from,
                        to: to, cc: cc, bcc: bcc, replyTo: replyTo, configurationSet: input.configurationSetName,
                        tags: tags, sourceArn: input.fromEmailAddressIdentityArn,
                        headers: Self.headers(given.headers) + listHeaders,
                        attachments: Self.attachments(given.attachments),
                        context: context, id: messageId, tracking: tracking)
                } else {
                    throw SESFailure.invalidParameter("Exactly one of Simple, Raw or Template content must be given.")
                }
            }
            email.maximumBytes = 41_943_040
            email.optedOut = optedOut
            email.feedbackAddress = input.feedbackForwardingEmailAddress
            if let tenant = input.tenantName { try await checkTenant(tenant, scope: scope) }
            return SESv2.SendEmailResponse(messageId: try await engine.send(email))
        }
    }

    /// A send on behalf of a tenant needs the tenant, and the tenant's sending must not be disabled
    /// (its reputation entity's status).
    func checkTenant(_ name: String, scope: SESScope) async throws {
        guard let tenant = await engine.tenants[scope.key(name)] else {
            throw SESV2Errors.notFound("Tenant \(name) does not exist.")
        }
        if tenant.customerStatus == "DISABLED" {
            throw AWSError("SendingPausedException", "Sending is disabled for tenant \(name).")
        }
    }

    static func templated(
        _ template: TemplateRecord, data: String, scope: SESScope, operation: String, from: String, to: [String],
        cc: [String], bcc: [String], replyTo: [String], configurationSet: String?, tags: [SESTag], sourceArn: String?,
        headers: [(String, String)], attachments: [MIMEBuilder.Attachment], context: RequestContext,
        id: String? = nil, tracking: LinkTracking? = nil
    ) throws -> OutgoingEmail {
        var email = OutgoingEmail(
            id: id, scope: scope, operation: operation, source: MessageComposer.bare(from),
            destinations: (to + cc + bcc).map(MessageComposer.bare), raw: [], configurationSet: configurationSet,
            tags: tags, sourceArn: sourceArn, template: template.name, templateData: data,
            callerIdentity: MessageComposer.callerIdentity(context), builtBySES: true)
        email.maximumBytes = 41_943_040
        switch MessageComposer.render(template, data: data) {
        case .success(let (subject, text, html)):
            email.raw = MessageComposer.simple(
                from: from, to: to, cc: cc, replyTo: replyTo, subject: subject, text: text, html: html,
                headers: headers, attachments: attachments, tracking: tracking, messageId: id)
        case .failure(.renderingParameter(let message)):
            email.raw = MessageComposer.simple(
                from: from, to: to, cc: cc, replyTo: replyTo, subject: nil, text: nil, html: nil)
            email.renderingFailure = message
        case .failure(let failure):
            throw failure
        }
        return email
    }

    func sendBulkEmail(_ input: SESv2.SendBulkEmailRequest, context: RequestContext) async throws
        -> SESv2.SendBulkEmailResponse
    {
        try await run {
            let scope = Self.scope(context)
            let defaultTags = Self.messageTags(input.defaultEmailTags)
            try MessageTags.validate(defaultTags)
            guard let from = input.fromEmailAddress else {
                throw SESFailure.invalidParameter("Missing required header 'From'.")
            }
            try MessageComposer.checkAddresses([from])
            guard input.bulkEmailEntries.count <= 50 else {
                throw SESFailure.invalidParameter("The number of bulk email entries exceeds 50.")
            }
            guard let given = input.defaultContent.template else {
                throw SESFailure.invalidParameter("DefaultContent must contain a Template.")
            }
            let template = try await template(given, scope: scope)
            var results: [SESv2.BulkEmailEntryResult] = []
            for entry in input.bulkEmailEntries {
                let tags = SESV1Service.merged(defaultTags, Self.messageTags(entry.replacementTags))
                let data = BulkTemplateData.merge(
                    given.templateData ?? "{}",
                    entry.replacementEmailContent?.replacementTemplate?.replacementTemplateData)
                let to = entry.destination.toAddresses ?? []
                let cc = entry.destination.ccAddresses ?? []
                let bcc = entry.destination.bccAddresses ?? []
                do {
                    try MessageTags.validate(tags)
                    try MessageComposer.checkAddresses(to + cc + bcc)
                    let email = try Self.templated(
                        template, data: data, scope: scope, operation: "SendBulkEmail", from: from, to: to, cc: cc,
                        bcc: bcc, replyTo: input.replyToAddresses ?? [], configurationSet: input.configurationSetName,
                        tags: tags, sourceArn: input.fromEmailAddressIdentityArn,
                        headers: Self.headers(given.headers) + Self.headers(entry.replacementHeaders),
                        attachments: Self.attachments(given.attachments), context: context)
                    results.append(
                        SESv2.BulkEmailEntryResult(status: "SUCCESS", messageId: try await engine.send(email)))
                } catch let failure as SESFailure {
                    results.append(
                        SESv2.BulkEmailEntryResult(
                            status: Self.bulkStatus(failure),
                            error: (SESV2Errors.map(failure) as? AWSError)?.message ?? "\(failure)"))
                }
            }
            return SESv2.SendBulkEmailResponse(bulkEmailEntryResults: results)
        }
    }

    static func bulkStatus(_ failure: SESFailure) -> String {
        switch failure {
        case .notVerified, .rejected: "MESSAGE_REJECTED"
        case .configurationSetMissing: "CONFIGURATION_SET_NOT_FOUND"
        case .templateMissing: "TEMPLATE_NOT_FOUND"
        case .accountSendingPaused: "ACCOUNT_SENDING_PAUSED"
        case .configurationSetSendingPaused: "CONFIGURATION_SET_SENDING_PAUSED"
        case .invalidParameter: "INVALID_PARAMETER"
        default: "FAILED"
        }
    }
}
