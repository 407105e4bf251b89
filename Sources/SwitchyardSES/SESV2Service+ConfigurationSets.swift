import Foundation
import SwitchyardModels
import SwitchyardWire

// MARK: Configuration sets, event destinations and templates

extension SESV2Service {
    static func destination(name: String, _ given: SESv2.EventDestinationDefinition) throws -> EventDestinationRecord {
        let types = given.matchingEventTypes ?? []
        for type in types where SESEventType(rawValue: type) == nil {
            throw SESFailure.invalidParameter("Invalid event type: \(type).")
        }
        return EventDestinationRecord(
            name: name, enabled: given.enabled ?? false, matchingTypes: types,
            snsTopicArn: given.snsDestination?.topicArn, eventBusArn: given.eventBridgeDestination?.eventBusArn,
            firehoseStreamArn: given.kinesisFirehoseDestination?.deliveryStreamArn,
            firehoseRoleArn: given.kinesisFirehoseDestination?.iamRoleArn,
            cloudWatch: given.cloudWatchDestination.map(StoredSESv2Shape.write),
            pinpointApplicationArn: given.pinpointDestination?.applicationArn)
    }

    static func shape(_ record: EventDestinationRecord) -> SESv2.EventDestination {
        SESv2.EventDestination(
            name: record.name, enabled: record.enabled,
            matchingEventTypes: record.matchingTypes.map {
                (SESEventType(v1Name: $0) ?? SESEventType(rawValue: $0))?.rawValue ?? $0
            },
            kinesisFirehoseDestination: record.firehoseStreamArn.map {
                SESv2.KinesisFirehoseDestination(iamRoleArn: record.firehoseRoleArn ?? "", deliveryStreamArn: $0)
            },
            cloudWatchDestination: record.cloudWatch.flatMap {
                StoredSESv2Shape.read(SESv2.CloudWatchDestination.self, $0)
            },
            snsDestination: record.snsTopicArn.map { SESv2.SnsDestination(topicArn: $0) },
            eventBridgeDestination: record.eventBusArn.map { SESv2.EventBridgeDestination(eventBusArn: $0) },
            pinpointDestination: record.pinpointApplicationArn.map { SESv2.PinpointDestination(applicationArn: $0) })
    }

    func createConfigurationSet(_ input: SESv2.CreateConfigurationSetRequest, context: RequestContext) async throws
        -> SESv2.CreateConfigurationSetResponse
    {
        try await run {
            var record = ConfigurationSetRecord(
                scope: Self.scope(context), name: input.configurationSetName, createdMillis: SESEngine.nowMillis())
            record.customRedirectDomain = input.trackingOptions?.customRedirectDomain
            record.httpsPolicy = input.trackingOptions?.httpsPolicy
            record.tlsPolicy = input.deliveryOptions?.tlsPolicy ?? "OPTIONAL"
            record.sendingPoolName = input.deliveryOptions?.sendingPoolName
            record.maxDeliverySeconds = input.deliveryOptions?.maxDeliverySeconds.map(Int64.init)
            record.reputationMetricsEnabled = input.reputationOptions?.reputationMetricsEnabled ?? false
            record.sendingEnabled = input.sendingOptions?.sendingEnabled ?? true
            record.suppressedReasons = input.suppressionOptions?.suppressedReasons
            record.vdmOptions = input.vdmOptions.map(StoredSESv2Shape.write)
            record.archiveArn = input.archivingOptions?.archiveArn
            record.tags = Self.tags(input.tags)
            try await engine.createConfigurationSet(record)
            return SESv2.CreateConfigurationSetResponse()
        }
    }

    func getConfigurationSet(_ input: SESv2.GetConfigurationSetRequest, context: RequestContext) async throws
        -> SESv2.GetConfigurationSetResponse
    {
        try await run {
            guard let set = await engine.configurationSet(Self.scope(context), input.configurationSetName) else {
                throw SESFailure.configurationSetMissing(input.configurationSetName)
            }
            return SESv2.GetConfigurationSetResponse(
                configurationSetName: set.name,
                trackingOptions: set.customRedirectDomain.map {
                    SESv2.TrackingOptions(customRedirectDomain: $0, httpsPolicy: set.httpsPolicy)
                },
                deliveryOptions: SESv2.DeliveryOptions(
                    tlsPolicy: set.tlsPolicy, sendingPoolName: set.sendingPoolName,
                    maxDeliverySeconds: set.maxDeliverySeconds.map(Int.init)),
                reputationOptions: SESv2.ReputationOptions(
                    reputationMetricsEnabled: set.reputationMetricsEnabled,
                    lastFreshStart: set.lastFreshStartMillis.map(Self.date)),
                sendingOptions: SESv2.SendingOptions(sendingEnabled: set.sendingEnabled),
                tags: Self.shapes(set.tags),
                suppressionOptions: set.suppressedReasons.map { SESv2.SuppressionOptions(suppressedReasons: $0) },
                vdmOptions: set.vdmOptions.flatMap { StoredSESv2Shape.read(SESv2.VdmOptions.self, $0) },
                archivingOptions: set.archiveArn.map { SESv2.ArchivingOptions(archiveArn: $0) })
        }
    }

    func listConfigurationSets(_ input: SESv2.ListConfigurationSetsRequest, context: RequestContext) async throws
        -> SESv2.ListConfigurationSetsResponse
    {
        let all = await engine.configurationSets(Self.scope(context))
        let (page, next) = SESV1Service.page(all, name: \.name, token: input.nextToken, limit: input.pageSize)
        return SESv2.ListConfigurationSetsResponse(configurationSets: page.map(\.name), nextToken: next)
    }

    func deleteConfigurationSet(_ input: SESv2.DeleteConfigurationSetRequest, context: RequestContext) async throws
        -> SESv2.DeleteConfigurationSetResponse
    {
        try await run {
            try await engine.deleteConfigurationSet(Self.scope(context), input.configurationSetName)
            return SESv2.DeleteConfigurationSetResponse()
        }
    }

    /// Changes one configuration set's options.
    func change(
        _ name: String, context: RequestContext, _ body: @Sendable (inout ConfigurationSetRecord) throws -> Void
    )
        async throws
    {
        try await run { try await engine.updateConfigurationSet(Self.scope(context), name, body) }
    }

    func putConfigurationSetDeliveryOptions(
        _ input: SESv2.PutConfigurationSetDeliveryOptionsRequest, context: RequestContext
    ) async throws -> SESv2.PutConfigurationSetDeliveryOptionsResponse {
        try await change(input.configurationSetName, context: context) {
            $0.tlsPolicy = input.tlsPolicy ?? "OPTIONAL"
            $0.sendingPoolName = input.sendingPoolName
            $0.maxDeliverySeconds = input.maxDeliverySeconds.map(Int64.init)
        }
        return SESv2.PutConfigurationSetDeliveryOptionsResponse()
    }

    func putConfigurationSetReputationOptions(
        _ input: SESv2.PutConfigurationSetReputationOptionsRequest, context: RequestContext
    ) async throws -> SESv2.PutConfigurationSetReputationOptionsResponse {
        try await change(input.configurationSetName, context: context) {
            $0.reputationMetricsEnabled = input.reputationMetricsEnabled ?? false
        }
        return SESv2.PutConfigurationSetReputationOptionsResponse()
    }

    func putConfigurationSetSendingOptions(
        _ input: SESv2.PutConfigurationSetSendingOptionsRequest, context: RequestContext
    ) async throws -> SESv2.PutConfigurationSetSendingOptionsResponse {
        try await change(input.configurationSetName, context: context) {
            $0.sendingEnabled = input.sendingEnabled ?? false
        }
        return SESv2.PutConfigurationSetSendingOptionsResponse()
    }

    func putConfigurationSetSuppressionOptions(
        _ input: SESv2.PutConfigurationSetSuppressionOptionsRequest, context: RequestContext
    ) async throws -> SESv2.PutConfigurationSetSuppressionOptionsResponse {
        try await change(input.configurationSetName, context: context) {
            $0.suppressedReasons = input.suppressedReasons
        }
        return SESv2.PutConfigurationSetSuppressionOptionsResponse()
    }

    func putConfigurationSetTrackingOptions(
        _ input: SESv2.PutConfigurationSetTrackingOptionsRequest, context: RequestContext
    ) async throws -> SESv2.PutConfigurationSetTrackingOptionsResponse {
        try await change(input.configurationSetName, context: context) {
            $0.customRedirectDomain = input.customRedirectDomain
            $0.httpsPolicy = input.httpsPolicy
        }
        return SESv2.PutConfigurationSetTrackingOptionsResponse()
    }

    func createConfigurationSetEventDestination(
        _ input: SESv2.CreateConfigurationSetEventDestinationRequest, context: RequestContext
    ) async throws -> SESv2.CreateConfigurationSetEventDestinationResponse {
        try await run {
            try await engine.putEventDestination(
                Self.scope(context), configurationSet: input.configurationSetName,
                destination: try Self.destination(name: input.eventDestinationName, input.eventDestination),
                creating: true)
            return SESv2.CreateConfigurationSetEventDestinationResponse()
        }
    }

    func updateConfigurationSetEventDestination(
        _ input: SESv2.UpdateConfigurationSetEventDestinationRequest, context: RequestContext
    ) async throws -> SESv2.UpdateConfigurationSetEventDestinationResponse {
        try await run {
            try await engine.putEventDestination(
                Self.scope(context), configurationSet: input.configurationSetName,
                destination: try Self.destination(name: input.eventDestinationName, input.eventDestination),
                creating: false)
            return SESv2.UpdateConfigurationSetEventDestinationResponse()
        }
    }

    func deleteConfigurationSetEventDestination(
        _ input: SESv2.DeleteConfigurationSetEventDestinationRequest, context: RequestContext
    ) async throws -> SESv2.DeleteConfigurationSetEventDestinationResponse {
        try await run {
            try await engine.deleteEventDestination(
                Self.scope(context), configurationSet: input.configurationSetName,
                destination: input.eventDestinationName)
            return SESv2.DeleteConfigurationSetEventDestinationResponse()
        }
    }

    func getConfigurationSetEventDestinations(
        _ input: SESv2.GetConfigurationSetEventDestinationsRequest, context: RequestContext
    ) async throws -> SESv2.GetConfigurationSetEventDestinationsResponse {
        try await run {
            guard let set = await engine.configurationSet(Self.scope(context), input.configurationSetName) else {
                throw SESFailure.configurationSetMissing(input.configurationSetName)
            }
            return SESv2.GetConfigurationSetEventDestinationsResponse(
                eventDestinations: set.eventDestinations.map(Self.shape))
        }
    }

    // MARK: Templates

    func createEmailTemplate(_ input: SESv2.CreateEmailTemplateRequest, context: RequestContext) async throws
        -> SESv2.CreateEmailTemplateResponse
    {
        try await run {
            let record = TemplateRecord(
                scope: Self.scope(context), name: input.templateName, subject: input.templateContent.subject,
                text: input.templateContent.text, html: input.templateContent.html,
                createdMillis: SESEngine.nowMillis(),
                tags: Self.tags(input.tags))
            try MessageComposer.validate(record)
            try await engine.createTemplate(record)
            return SESv2.CreateEmailTemplateResponse()
        }
    }

    func getEmailTemplate(_ input: SESv2.GetEmailTemplateRequest, context: RequestContext) async throws
        -> SESv2.GetEmailTemplateResponse
    {
        try await run {
            guard let record = await engine.template(Self.scope(context), input.templateName) else {
                throw SESFailure.templateMissing(input.templateName)
            }
            return SESv2.GetEmailTemplateResponse(
                templateName: record.name,
                templateContent: SESv2.EmailTemplateContent(
                    subject: record.subject, text: record.text, html: record.html),
                tags: Self.shapes(record.tags))
        }
    }

    func updateEmailTemplate(_ input: SESv2.UpdateEmailTemplateRequest, context: RequestContext) async throws
        -> SESv2.UpdateEmailTemplateResponse
    {
        try await run {
            let scope = Self.scope(context)
            let content = input.templateContent
            try MessageComposer.validate(
                TemplateRecord(
                    scope: scope, name: input.templateName, subject: content.subject, text: content.text,
                    html: content.html, createdMillis: 0))
            try await engine.updateTemplate(scope, input.templateName) {
                $0.subject = content.subject
                $0.text = content.text
                $0.html = content.html
            }
            return SESv2.UpdateEmailTemplateResponse()
        }
    }

    func deleteEmailTemplate(_ input: SESv2.DeleteEmailTemplateRequest, context: RequestContext) async throws
        -> SESv2.DeleteEmailTemplateResponse
    {
        try await run {
            guard try await engine.deleteTemplate(Self.scope(context), input.templateName) else {
                throw SESFailure.templateMissing(input.templateName)
            }
            return SESv2.DeleteEmailTemplateResponse()
        }
    }

    func listEmailTemplates(_ input: SESv2.ListEmailTemplatesRequest, context: RequestContext) async throws
        -> SESv2.ListEmailTemplatesResponse
    {
        let all = await engine.templates(Self.scope(context))
        let (page, next) = SESV1Service.page(all, name: \.name, token: input.nextToken, limit: input.pageSize)
        return SESv2.ListEmailTemplatesResponse(
            templatesMetadata: page.map {
                SESv2.EmailTemplateMetadata(templateName: $0.name, createdTimestamp: Self.date($0.createdMillis))
            }, nextToken: next)
    }

    func testRenderEmailTemplate(_ input: SESv2.TestRenderEmailTemplateRequest, context: RequestContext) async throws
        -> SESv2.TestRenderEmailTemplateResponse
    {
        try await run {
            guard let template = await engine.template(Self.scope(context), input.templateName) else {
                throw SESFailure.templateMissing(input.templateName)
            }
            switch MessageComposer.render(template, data: input.templateData) {
            case .failure(let failure):
                throw failure
            case .success(let (subject, text, html)):
                let raw = MessageComposer.simple(
                    from: "", to: [], cc: [], replyTo: [], subject: subject, text: text, html: html)
                return SESv2.TestRenderEmailTemplateResponse(renderedTemplate: String(decoding: raw, as: UTF8.self))
            }
        }
    }

    // MARK: Custom verification email templates

    func createCustomVerificationEmailTemplate(
        _ input: SESv2.CreateCustomVerificationEmailTemplateRequest, context: RequestContext
    ) async throws -> SESv2.CreateCustomVerificationEmailTemplateResponse {
        try await run {
            let scope = Self.scope(context)
            guard await engine.verifiedIdentity(scope, address: input.fromEmailAddress) != nil else {
                throw SESV2Errors.notFound("From email address <\(input.fromEmailAddress)> is not verified.")
            }
            try await engine.putVerificationTemplate(
                VerificationTemplateRecord(
                    scope: scope, name: input.templateName, fromEmailAddress: input.fromEmailAddress,
                    subject: input.templateSubject, content: input.templateContent,
                    successRedirectionURL: input.successRedirectionURL,
                    failureRedirectionURL: input.failureRedirectionURL,
                    tags: Self.tags(input.tags)),
                creating: true)
            return SESv2.CreateCustomVerificationEmailTemplateResponse()
        }
    }

    func getCustomVerificationEmailTemplate(
        _ input: SESv2.GetCustomVerificationEmailTemplateRequest, context: RequestContext
    ) async throws -> SESv2.GetCustomVerificationEmailTemplateResponse {
        try await run {
            guard let record = await engine.verificationTemplate(Self.scope(context), input.templateName) else {
                throw SESFailure.verificationTemplateMissing(input.templateName)
            }
            return SESv2.GetCustomVerificationEmailTemplateResponse(
                templateName: record.name, fromEmailAddress: record.fromEmailAddress, templateSubject: record.subject,
                templateContent: record.content, tags: Self.shapes(record.tags),
                successRedirectionURL: record.successRedirectionURL, failureRedirectionURL: record.failureRedirectionURL
            )
        }
    }

    func updateCustomVerificationEmailTemplate(
        _ input: SESv2.UpdateCustomVerificationEmailTemplateRequest, context: RequestContext
    ) async throws -> SESv2.UpdateCustomVerificationEmailTemplateResponse {
        try await run {
            let scope = Self.scope(context)
            guard var record = await engine.verificationTemplate(scope, input.templateName) else {
                throw SESFailure.verificationTemplateMissing(input.templateName)
            }
            record.fromEmailAddress = input.fromEmailAddress
            record.subject = input.templateSubject
            record.content = input.templateContent
            record.successRedirectionURL = input.successRedirectionURL
            record.failureRedirectionURL = input.failureRedirectionURL
            try await engine.putVerificationTemplate(record, creating: false)
            return SESv2.UpdateCustomVerificationEmailTemplateResponse()
        }
    }

    func deleteCustomVerificationEmailTemplate(
        _ input: SESv2.DeleteCustomVerificationEmailTemplateRequest, context: RequestContext
    ) async throws -> SESv2.DeleteCustomVerificationEmailTemplateResponse {
        try await run {
            let scope = Self.scope(context)
            guard await engine.verificationTemplate(scope, input.templateName) != nil else {
                throw SESFailure.verificationTemplateMissing(input.templateName)
            }
            try await engine.deleteVerificationTemplate(scope, input.templateName)
            return SESv2.DeleteCustomVerificationEmailTemplateResponse()
        }
    }

    func listCustomVerificationEmailTemplates(
        _ input: SESv2.ListCustomVerificationEmailTemplatesRequest, context: RequestContext
    ) async throws -> SESv2.ListCustomVerificationEmailTemplatesResponse {
        let all = await engine.verificationTemplates(Self.scope(context))
        let (page, next) = SESV1Service.page(all, name: \.name, token: input.nextToken, limit: input.pageSize)
        return SESv2.ListCustomVerificationEmailTemplatesResponse(
            customVerificationEmailTemplates: page.map {
                SESv2.CustomVerificationEmailTemplateMetadata(
                    templateName: $0.name, fromEmailAddress: $0.fromEmailAddress, templateSubject: $0.subject,
                    successRedirectionURL: $0.successRedirectionURL, failureRedirectionURL: $0.failureRedirectionURL)
            }, nextToken: next)
    }

    func sendCustomVerificationEmail(_ input: SESv2.SendCustomVerificationEmailRequest, context: RequestContext)
        async throws -> SESv2.SendCustomVerificationEmailResponse
    {
        try await run {
            let id = try await engine.sendCustomVerification(
                Self.scope(context), email: input.emailAddress, templateName: input.templateName,
                configurationSet: input.configurationSetName)
            return SESv2.SendCustomVerificationEmailResponse(messageId: id)
        }
    }
}
