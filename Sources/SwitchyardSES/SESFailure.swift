/// What can go wrong in SES's domain, named once; each API (v1, v2, SMTP) answers it in its own words.
enum SESFailure: Error, Equatable {
    case configurationSetMissing(String)
    case configurationSetExists(String)
    case eventDestinationMissing(configurationSet: String, destination: String)
    case eventDestinationExists(configurationSet: String, destination: String)
    case templateMissing(String)
    case templateExists(String)
    case verificationTemplateMissing(String)
    case verificationTemplateExists(String)
    case identityMissing(String)
    /// Sending from, or in the sandbox to, identities that are not verified.
    case notVerified([String], region: String)
    case accountSendingPaused
    case configurationSetSendingPaused(String)
    case invalidParameter(String)
    case rejected(String)
    case contactListMissing(String)
    case contactListExists(String)
    case contactMissing(list: String, email: String)
    case contactExists(list: String, email: String)
    case suppressedDestinationMissing(String)
    case ruleSetMissing(String)
    case ruleSetExists(String)
    case ruleMissing(String)
    case ruleExists(String)
    case filterExists(String)
    case filterMissing(String)
    case invalidSNSTopic(String)
    case invalidFirehose(String)
    case renderingParameter(String)
    case invalidTemplate(String)
    case limitExceeded(String)
    /// The account's sending quotas, when they are enforced (`--ses-quota`).
    case sendingRateExceeded
    case dailyQuotaExceeded
}
