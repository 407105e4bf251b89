import Foundation
import SwitchyardModels
import SwitchyardWire

// MARK: Templates and custom verification email templates

extension SESV1Service {
    static func record(_ template: SES.Template, scope: SESScope, created: Int64) -> TemplateRecord {
        TemplateRecord(
            scope: scope, name: template.templateName, subject: template.subjectPart, text: template.textPart,
            html: template.htmlPart, createdMillis: created)
    }

    func createTemplate(_ input: SES.CreateTemplateRequest, context: RequestContext) async throws
        -> SES.CreateTemplateResponse
    {
        try await run {
            let record = Self.record(input.template, scope: Self.scope(context), created: SESEngine.nowMillis())
            try MessageComposer.validate(record)
            try await engine.createTemplate(record)
            return SES.CreateTemplateResponse()
        }
    }

    func updateTemplate(_ input: SES.UpdateTemplateRequest, context: RequestContext) async throws
        -> SES.UpdateTemplateResponse
    {
        try await run {
            let scope = Self.scope(context)
            try MessageComposer.validate(Self.record(input.template, scope: scope, created: 0))
            try await engine.updateTemplate(scope, input.template.templateName) {
                $0.subject = input.template.subjectPart
                $0.text = input.template.textPart
                $0.html = input.template.htmlPart
            }
            return SES.UpdateTemplateResponse()
        }
    }

    func getTemplate(_ input: SES.GetTemplateRequest, context: RequestContext) async throws -> SES.GetTemplateResponse {
        try await run {
            guard let record = await engine.template(Self.scope(context), input.templateName) else {
                throw SESFailure.templateMissing(input.templateName)
            }
            return SES.GetTemplateResponse(
                template: SES.Template(
                    templateName: record.name, subjectPart: record.subject, textPart: record.text, htmlPart: record.html
                ))
        }
    }

    /// Deleting a template that does not exist succeeds (recorded from AWS).
    func deleteTemplate(_ input: SES.DeleteTemplateRequest, context: RequestContext) async throws
        -> SES.DeleteTemplateResponse
    {
        try await run {
            try await engine.deleteTemplate(Self.scope(context), input.templateName)
            return SES.DeleteTemplateResponse()
        }
    }

    func listTemplates(_ input: SES.ListTemplatesRequest, context: RequestContext) async throws
        -> SES.ListTemplatesResponse
    {
        let all = await engine.templates(Self.scope(context))
        let (page, next) = Self.page(all, name: \.name, token: input.nextToken, limit: input.maxItems)
        return SES.ListTemplatesResponse(
            templatesMetadata: page.map {
                SES.TemplateMetadata(name: $0.name, createdTimestamp: Self.date($0.createdMillis))
            },
            nextToken: next)
    }

    func testRenderTemplate(_ input: SES.TestRenderTemplateRequest, context: RequestContext) async throws
        -> SES.TestRenderTemplateResponse
    {
        try await run {
            guard let template = await engine.template(Self.scope(context), input.templateName) else {
                throw SESFailure.templateMissing(input.templateName)
            }
            switch MessageComposer.render(template, data: input.templateData) {
            case .failure(.renderingParameter(let message)):
                throw AWSError("MissingRenderingAttributeException", message)
            case .failure(let failure):
                throw AWSError("InvalidRenderingParameterException", failure.invalidParameterMessage)
            case .success(let (subject, text, html)):
                let raw = MessageComposer.simple(
                    from: "", to: [], cc: [], replyTo: [], subject: subject, text: text, html: html)
                return SES.TestRenderTemplateResponse(renderedTemplate: String(decoding: raw, as: UTF8.self))
            }
        }
    }

    func createCustomVerificationEmailTemplate(
        _ input: SES.CreateCustomVerificationEmailTemplateRequest, context: RequestContext
    ) async throws {
        try await run {
            let scope = Self.scope(context)
            guard await engine.verifiedIdentity(scope, address: input.fromEmailAddress) != nil else {
                throw AWSError(
                    "FromEmailAddressNotVerifiedException",
                    "From email address <\(input.fromEmailAddress)> is not verified.")
            }
            try await engine.putVerificationTemplate(
                VerificationTemplateRecord(
                    scope: scope, name: input.templateName, fromEmailAddress: input.fromEmailAddress,
                    subject: input.templateSubject, content: input.templateContent,
                    successRedirectionURL: input.successRedirectionURL,
                    failureRedirectionURL: input.failureRedirectionURL),
                creating: true)
        }
    }

    func updateCustomVerificationEmailTemplate(
        _ input: SES.UpdateCustomVerificationEmailTemplateRequest, context: RequestContext
    ) async throws {
        try await run {
            let scope = Self.scope(context)
            guard var record = await engine.verificationTemplate(scope, input.templateName) else {
                throw SESFailure.verificationTemplateMissing(input.templateName)
            }
            if let value = input.fromEmailAddress { record.fromEmailAddress = value }
            if let value = input.templateSubject { record.subject = value }
            if let value = input.templateContent { record.content = value }
            if let value = input.successRedirectionURL { record.successRedirectionURL = value }
            if let value = input.failureRedirectionURL { record.failureRedirectionURL = value }
            try await engine.putVerificationTemplate(record, creating: false)
        }
    }

    func getCustomVerificationEmailTemplate(
        _ input: SES.GetCustomVerificationEmailTemplateRequest, context: RequestContext
    ) async throws -> SES.GetCustomVerificationEmailTemplateResponse {
        try await run {
            guard let record = await engine.verificationTemplate(Self.scope(context), input.templateName) else {
                throw SESFailure.verificationTemplateMissing(input.templateName)
            }
            return SES.GetCustomVerificationEmailTemplateResponse(
                templateName: record.name, fromEmailAddress: record.fromEmailAddress, templateSubject: record.subject,
                templateContent: record.content, successRedirectionURL: record.successRedirectionURL,
                failureRedirectionURL: record.failureRedirectionURL)
        }
    }

    func deleteCustomVerificationEmailTemplate(
        _ input: SES.DeleteCustomVerificationEmailTemplateRequest, context: RequestContext
    ) async throws {
        try await run {
            try await engine.deleteVerificationTemplate(Self.scope(context), input.templateName)
        }
    }

    func listCustomVerificationEmailTemplates(
        _ input: SES.ListCustomVerificationEmailTemplatesRequest, context: RequestContext
    ) async throws -> SES.ListCustomVerificationEmailTemplatesResponse {
        let all = await engine.verificationTemplates(Self.scope(context))
        let (page, next) = Self.page(all, name: \.name, token: input.nextToken, limit: input.maxResults)
        return SES.ListCustomVerificationEmailTemplatesResponse(
            customVerificationEmailTemplates: page.map {
                SES.CustomVerificationEmailTemplate(
                    templateName: $0.name, fromEmailAddress: $0.fromEmailAddress, templateSubject: $0.subject,
                    successRedirectionURL: $0.successRedirectionURL, failureRedirectionURL: $0.failureRedirectionURL)
            }, nextToken: next)
    }

    func sendCustomVerificationEmail(_ input: SES.SendCustomVerificationEmailRequest, context: RequestContext)
        async throws -> SES.SendCustomVerificationEmailResponse
    {
        try await run {
            let id = try await engine.sendCustomVerification(
                Self.scope(context), email: input.emailAddress, templateName: input.templateName,
                configurationSet: input.configurationSetName)
            return SES.SendCustomVerificationEmailResponse(messageId: id)
        }
    }
}

extension SESFailure {
    /// The message of an InvalidParameterValue-like failure.
    var invalidParameterMessage: String {
        switch self {
        case .invalidParameter(let message), .renderingParameter(let message), .invalidTemplate(let message):
            message
        default: "\(self)"
        }
    }
}
