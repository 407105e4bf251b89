import Foundation
import SwitchyardModels
import SwitchyardWire

// MARK: Sending

extension SESV1Service {
    static func tags(_ tags: [SES.MessageTag]?) -> [SESTag] {
        (tags ?? []).map { SESTag(key: $0.name, value: $0.value) }
    }

    static func recipients(_ destination: SES.Destination) -> (to: [String], cc: [String], bcc: [String]) {
        (destination.toAddresses ?? [], destination.ccAddresses ?? [], destination.bccAddresses ?? [])
    }

    func sendEmail(_ input: SES.SendEmailRequest, context: RequestContext) async throws -> SES.SendEmailResponse {
        try await run {
            let tags = Self.tags(input.tags)
            try MessageTags.validate(tags)
            let (to, cc, bcc) = Self.recipients(input.destination)
            try MessageComposer.checkAddresses([input.source] + to + cc + bcc + (input.replyToAddresses ?? []))
            let messageId = SESEngine.messageId(SESEngine.nowMillis())
            let tracking = await engine.tracking(
                Self.scope(context), configurationSet: input.configurationSetName, source: input.source,
                messageId: messageId)
            let raw = MessageComposer.simple(
                from: input.source, to: to, cc: cc, replyTo: input.replyToAddresses ?? [],
                subject: input.message.subject.data, text: input.message.body.text?.data,
                html: input.message.body.html?.data, tracking: tracking, messageId: messageId)
            let id = try await engine.send(
                OutgoingEmail(
                    id: messageId, scope: Self.scope(context), operation: "SendEmail",
                    source: MessageComposer.bare(input.source),
                    destinations: (to + cc + bcc).map(MessageComposer.bare), raw: raw,
                    configurationSet: input.configurationSetName, tags: tags, sourceArn: input.sourceArn,
                    callerIdentity: MessageComposer.callerIdentity(context), builtBySES: true,
                    feedbackAddress: input.returnPath))
            return SES.SendEmailResponse(messageId: id)
        }
    }

    func sendRawEmail(_ input: SES.SendRawEmailRequest, context: RequestContext) async throws
        -> SES.SendRawEmailResponse
    {
        try await run {
            var tags = Self.tags(input.tags)
            try MessageTags.validate(tags)
            var raw = [UInt8](input.rawMessage.data)
            let headerSet = MIMEMessage.sesHeaders(raw)
            raw = headerSet.raw
            tags += headerSet.tags
            guard let source = input.source ?? ParsedMail.fromAddress(raw: raw) else {
                throw SESFailure.invalidParameter("Missing required header 'From'.")
            }
            let destinations = input.destinations ?? ParsedMail.recipients(raw: raw)
            guard !destinations.isEmpty else { throw SESFailure.invalidParameter("Missing required header 'To'.") }
            try MessageComposer.checkAddresses([source] + destinations)
            let id = try await engine.send(
                OutgoingEmail(
                    scope: Self.scope(context), operation: "SendRawEmail", source: MessageComposer.bare(source),
                    destinations: destinations.map(MessageComposer.bare), raw: raw,
                    configurationSet: input.configurationSetName ?? headerSet.configurationSet, tags: tags,
                    sourceArn: input.sourceArn, callerIdentity: MessageComposer.callerIdentity(context)))
            return SES.SendRawEmailResponse(messageId: id)
        }
    }

    func sendTemplatedEmail(_ input: SES.SendTemplatedEmailRequest, context: RequestContext) async throws
        -> SES.SendTemplatedEmailResponse
    {
        try await run {
            let tags = Self.tags(input.tags)
            try MessageTags.validate(tags)
            let (to, cc, bcc) = Self.recipients(input.destination)
            try MessageComposer.checkAddresses([input.source] + to + cc + bcc)
            let scope = Self.scope(context)
            let name = input.template
            guard let template = await engine.template(scope, name) else { throw SESFailure.templateMissing(name) }
            let messageId = SESEngine.messageId(SESEngine.nowMillis())
            let tracking = await engine.tracking(
                scope, configurationSet: input.configurationSetName, source: input.source, messageId: messageId)
            let email = try Self.templated(
                template, data: input.templateData, scope: scope, operation: "SendTemplatedEmail", source: input.source,
                to: to, cc: cc, bcc: bcc, replyTo: input.replyToAddresses ?? [],
                configurationSet: input.configurationSetName,
                tags: tags, sourceArn: input.sourceArn, context: context, id: messageId, tracking: tracking)
            return SES.SendTemplatedEmailResponse(messageId: try await engine.send(email))
        }
    }

    /// A templated send: rendered, or carrying the rendering failure SES reports as an event.
    static func templated(
        _ template: TemplateRecord, data: String, scope: SESScope, operation: String, source: String, to: [String],
        cc: [String], bcc: [String], replyTo: [String], configurationSet: String?, tags: [SESTag], sourceArn: String?,
        context: RequestContext, id: String? = nil, tracking: LinkTracking? = nil
    ) throws -> OutgoingEmail {
        var email = OutgoingEmail(
            id: id, scope: scope, operation: operation, source: MessageComposer.bare(source),
            destinations: (to + cc + bcc).map(MessageComposer.bare), raw: [], configurationSet: configurationSet,
            tags: tags, sourceArn: sourceArn, template: template.name, templateData: data,
            callerIdentity: MessageComposer.callerIdentity(context), builtBySES: true)
        switch MessageComposer.render(template, data: data) {
        case .success(let (subject, text, html)):
            email.raw = MessageComposer.simple(
                from: source, to: to, cc: cc, replyTo: replyTo, subject: subject, text: text, html: html,
                tracking: tracking, messageId: id)
        case .failure(.renderingParameter(let message)):
            email.raw = MessageComposer.simple(
                from: source, to: to, cc: cc, replyTo: replyTo, subject: nil, text: nil, html: nil)
            email.renderingFailure = message
        case .failure(let failure):
            throw failure
        }
        return email
    }

    func sendBulkTemplatedEmail(_ input: SES.SendBulkTemplatedEmailRequest, context: RequestContext) async throws
        -> SES.SendBulkTemplatedEmailResponse
    {
        try await run {
            let defaultTags = Self.tags(input.defaultTags)
            try MessageTags.validate(defaultTags)
            guard input.destinations.count <= 50 else {
                throw SESFailure.invalidParameter("The number of destinations exceeds 50.")
            }
            try MessageComposer.checkAddresses([input.source])
            let scope = Self.scope(context)
            guard let template = await engine.template(scope, input.template) else {
                throw SESFailure.templateMissing(input.template)
            }
            var statuses: [SES.BulkEmailDestinationStatus] = []
            for destination in input.destinations {
                let tags = Self.merged(defaultTags, Self.tags(destination.replacementTags))
                let data = BulkTemplateData.merge(input.defaultTemplateData, destination.replacementTemplateData)
                let (to, cc, bcc) = Self.recipients(destination.destination)
                do {
                    try MessageTags.validate(tags)
                    try MessageComposer.checkAddresses(to + cc + bcc)
                    let email = try Self.templated(
                        template, data: data, scope: scope, operation: "SendBulkTemplatedEmail", source: input.source,
                        to: to, cc: cc, bcc: bcc, replyTo: input.replyToAddresses ?? [],
                        configurationSet: input.configurationSetName, tags: tags, sourceArn: input.sourceArn,
                        context: context)
                    statuses.append(
                        SES.BulkEmailDestinationStatus(status: "Success", messageId: try await engine.send(email)))
                } catch let failure as SESFailure {
                    statuses.append(
                        SES.BulkEmailDestinationStatus(status: Self.bulkStatus(failure), error: failure.v1Message))
                }
            }
            return SES.SendBulkTemplatedEmailResponse(status: statuses)
        }
    }

    /// Replacement tags win over default tags of the same name.
    static func merged(_ defaults: [SESTag], _ replacements: [SESTag]) -> [SESTag] {
        defaults.filter { tag in !replacements.contains { $0.key == tag.key } } + replacements
    }

    static func bulkStatus(_ failure: SESFailure) -> String {
        switch failure {
        case .notVerified, .rejected: "MessageRejected"
        case .configurationSetMissing: "ConfigurationSetDoesNotExist"
        case .templateMissing: "TemplateDoesNotExist"
        case .accountSendingPaused: "AccountSendingPaused"
        case .configurationSetSendingPaused: "ConfigurationSetSendingPaused"
        case .invalidParameter: "InvalidParameterValue"
        default: "Failed"
        }
    }
}

extension SESFailure {
    /// The message v1 gives this failure.
    var v1Message: String {
        (SESV1Errors.map(self) as? AWSError)?.message ?? "\(self)"
    }
}

/// Per-destination template data of bulk sends: the destination's values over the defaults.
enum BulkTemplateData {
    static func merge(_ defaults: String, _ replacement: String?) -> String {
        guard let replacement, !replacement.isEmpty else { return defaults }
        guard case .object(let base)? = try? OrderedJSON.parse(Array(defaults.utf8)),
            case .object(let over)? = try? OrderedJSON.parse(Array(replacement.utf8))
        else { return replacement }
        let replaced = Set(over.map(\.key))
        return OrderedJSON.object(base.filter { !replaced.contains($0.key) } + over).text
    }
}
