import SwitchyardWire

/// SES v1's answers to the domain's failures, in its words (docs/FIDELITY.md names the texts that
/// were recorded from AWS and those that are our best reading of its documentation).
enum SESV1Errors {
    static func map(_ error: any Error) -> any Error {
        guard let failure = error as? SESFailure else { return error }
        switch failure {
        case .configurationSetMissing(let name):
            return AWSError("ConfigurationSetDoesNotExistException", "Configuration set <\(name)> does not exist.")
        case .configurationSetExists(let name):
            return AWSError("ConfigurationSetAlreadyExistsException", "Configuration set <\(name)> already exists.")
        case .eventDestinationMissing(let set, _):
            return AWSError("EventDestinationDoesNotExistException", "No EventDestination found for \(set)")
        case .eventDestinationExists(let set, let name):
            return AWSError(
                "EventDestinationAlreadyExistsException", "Event destination \(name) already exists in \(set).")
        case .templateMissing(let name):
            return AWSError("TemplateDoesNotExistException", "Template \(name) does not exist.")
        case .templateExists(let name):
            return AWSError("AlreadyExistsException", "Template \(name) already exists.")
        case .verificationTemplateMissing(let name):
            return AWSError(
                "CustomVerificationEmailTemplateDoesNotExistException",
                "Custom verification email template <\(name)> does not exist.")
        case .verificationTemplateExists(let name):
            return AWSError(
                "CustomVerificationEmailTemplateAlreadyExistsException",
                "Custom verification email template <\(name)> already exists.")
        case .identityMissing(let name):
            return AWSError("MessageRejected", "Identity \(name) is not verified or does not exist.")
        case .notVerified(let identities, let region):
            return AWSError("MessageRejected", notVerifiedMessage(identities, region: region))
        case .accountSendingPaused:
            return AWSError("AccountSendingPausedException", "Account sending paused.")
        case .configurationSetSendingPaused(let name):
            return AWSError("ConfigurationSetSendingPausedException", "Configuration set <\(name)> sending paused.")
        case .invalidParameter(let message):
            return AWSError("InvalidParameterValue", message)
        case .rejected(let message):
            return AWSError("MessageRejected", message)
        case .ruleSetMissing(let name):
            return AWSError("RuleSetDoesNotExistException", "Rule set does not exist: \(name)")
        case .ruleSetExists(let name):
            return AWSError("AlreadyExistsException", "Rule set already exists: \(name)")
        case .ruleMissing(let name):
            return AWSError("RuleDoesNotExistException", "Rule does not exist: \(name)")
        case .ruleExists(let name):
            return AWSError("AlreadyExistsException", "Rule already exists: \(name)")
        case .filterExists(let name):
            return AWSError("AlreadyExistsException", "Filter already exists: \(name)")
        case .filterMissing(let name):
            return AWSError("InvalidParameterValue", "Filter does not exist: \(name)")
        case .invalidSNSTopic(let arn):
            return AWSError("InvalidSNSDestinationException", "SNS topic <\(arn)> not found.")
        case .invalidFirehose(let arn):
            return AWSError("InvalidFirehoseDestinationException", "Firehose stream <\(arn)> not found.")
        case .renderingParameter(let message):
            return AWSError("InvalidRenderingParameterException", message)
        case .invalidTemplate(let message):
            return AWSError("InvalidTemplateException", message)
        case .limitExceeded(let message):
            return AWSError("LimitExceededException", message)
        case .sendingRateExceeded:
            return AWSError("Throttling", "Maximum sending rate exceeded.")
        case .dailyQuotaExceeded:
            return AWSError("Throttling", "Daily message quota exceeded.")
        case .contactListMissing, .contactListExists, .contactMissing, .contactExists, .suppressedDestinationMissing:
            return AWSError("InvalidParameterValue", "\(failure)")
        }
    }

    /// "Email address is not verified. The following identities failed the check in region US-EAST-1: a, b"
    static func notVerifiedMessage(_ identities: [String], region: String) -> String {
        "Email address is not verified. The following identities failed the check in region \(region.uppercased()): "
            + identities.joined(separator: ", ")
    }
}
