import SwitchyardModels
import SwitchyardWire

/// What PutBucketWebsite refuses, with S3's words: a redirect of every request beside anything else,
/// no index document, a suffix that is empty or holds a slash, and routing rules that are empty, have
/// an empty condition, an unknown protocol, or replace both the key and its prefix.
enum WebsiteConfigurationRules {
    static func check(_ configuration: S3.WebsiteConfiguration) throws {
        if let redirectAll = configuration.redirectAllRequestsTo {
            guard configuration.indexDocument == nil, configuration.errorDocument == nil,
                configuration.routingRules == nil
            else {
                throw S3Errors.invalidArgument(
                    "RedirectAllRequestsTo cannot be provided in conjunction with other Routing Rules.",
                    name: "RedirectAllRequestsTo", value: "not null")
            }
            try checkProtocol(redirectAll.protocol)
            return
        }
        guard let suffix = configuration.indexDocument?.suffix else {
            throw S3Errors.invalidArgument(
                "A value for IndexDocument Suffix must be provided if RedirectAllRequestsTo is empty",
                name: "IndexDocument", value: "null")
        }
        guard !suffix.isEmpty, !suffix.contains("/") else {
            throw S3Errors.invalidArgument(
                "The IndexDocument Suffix is not well formed", name: "IndexDocument", value: suffix)
        }
        guard let rules = configuration.routingRules else { return }
        guard !rules.isEmpty else { throw S3Errors.malformedXML() }
        for rule in rules {
            if let condition = rule.condition, condition.keyPrefixEquals == nil,
                condition.httpErrorCodeReturnedEquals == nil
            {
                throw AWSError(
                    "InvalidRequest",
                    "Condition cannot be empty. To redirect all requests without a condition, the condition element shouldn't be present."
                )
            }
            try checkProtocol(rule.redirect.protocol)
            if rule.redirect.replaceKeyPrefixWith != nil, rule.redirect.replaceKeyWith != nil {
                throw AWSError("InvalidRequest", "You can only define ReplaceKeyPrefix or ReplaceKey but not both.")
            }
        }
    }

    private static func checkProtocol(_ value: String?) throws {
        guard let value, value != "http", value != "https" else { return }
        throw AWSError(
            "InvalidRequest",
            "Invalid protocol, protocol can be http or https. If not defined the protocol will be selected automatically."
        )
    }
}
