import SwitchyardWire

/// SES v2's answers to the domain's failures: v1's texts under v2's codes (one backend serves both).
enum SESV2Errors {
    static func map(_ error: any Error) -> any Error {
        guard let failure = error as? SESFailure else { return error }
        switch failure {
        case .configurationSetMissing(let name):
            return notFound("Configuration set <\(name)> does not exist.")
        case .configurationSetExists(let name):
            return AWSError("AlreadyExistsException", "Configuration set <\(name)> already exists.")
        case .eventDestinationMissing(let set, let name):
            return notFound("Event destination <\(name)> does not exist in configuration set <\(set)>.")
        case .eventDestinationExists(let set, let name):
            return AWSError("AlreadyExistsException", "Event destination <\(name)> already exists in <\(set)>.")
        case .templateMissing(let name):
            return notFound("Template \(name) does not exist.")
        case .templateExists(let name):
            return AWSError("AlreadyExistsException", "Template \(name) already exists.")
        case .verificationTemplateMissing(let name):
            return notFound("Custom verification email template <\(name)> does not exist")
        case .verificationTemplateExists(let name):
            return AWSError("AlreadyExistsException", "Custom verification email template <\(name)> already exists.")
        case .identityMissing(let name):
            return notFound("Email identity <\(name)> does not exist.")
        case .notVerified(let identities, let region):
            return AWSError("MessageRejected", SESV1Errors.notVerifiedMessage(identities, region: region))
        case .accountSendingPaused:
            return AWSError("SendingPausedException", "Sending is paused for this account.")
        case .configurationSetSendingPaused(let name):
            return AWSError("SendingPausedException", "Sending is paused for configuration set <\(name)>.")
        case .invalidParameter(let message), .renderingParameter(let message), .invalidTemplate(let message):
            return AWSError("BadRequestException", message)
        case .rejected(let message):
            return AWSError("MessageRejected", message)
        case .contactListMissing(let name):
            return notFound("List with name: \(name) doesn't exist.")
        case .contactListExists(let name):
            return AWSError("AlreadyExistsException", "List with name: \(name) already exists.")
        case .contactMissing(_, let email):
            return notFound("Contact \(email) doesn't exist in List.")
        case .contactExists(_, let email):
            return AWSError("AlreadyExistsException", "Contact already exists in list: \(email).")
        case .suppressedDestinationMissing(let email):
            return notFound("Email address \(email) does not exist on your suppression list.")
        case .invalidSNSTopic(let arn):
            return AWSError("BadRequestException", "SNS topic <\(arn)> not found.")
        case .invalidFirehose(let arn):
            return AWSError("BadRequestException", "Firehose stream <\(arn)> not found.")
        case .limitExceeded(let message):
            return AWSError("LimitExceededException", message)
        case .sendingRateExceeded:
            return AWSError("TooManyRequestsException", "Maximum sending rate exceeded.", httpStatus: 429)
        case .dailyQuotaExceeded:
            return AWSError("LimitExceededException", "Daily message quota exceeded.")
        case .ruleSetMissing, .ruleSetExists, .ruleMissing, .ruleExists, .filterExists, .filterMissing:
            return AWSError("BadRequestException", (SESV1Errors.map(failure) as? AWSError)?.message ?? "")
        }
    }

    static func notFound(_ message: String) -> AWSError { AWSError("NotFoundException", message, httpStatus: 404) }
}
