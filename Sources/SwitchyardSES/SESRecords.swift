import Foundation

/// Where an SES resource lives: SES keeps every resource per account and region.
struct SESScope: Hashable, Codable, Sendable {
    var account: String
    var region: String

    /// The storage key of a named resource of this scope.
    func key(_ name: String) -> String { "\(account)/\(region)/\(name)" }
}

/// A tag of an SES v2 resource (v1 has none on its resources).
struct SESTag: Codable, Sendable, Equatable {
    var key: String
    var value: String
}

/// A verified (or pending) sending identity: an email address or a domain.
struct IdentityRecord: Codable, Sendable {
    enum Kind: String, Codable, Sendable {
        case emailAddress = "EMAIL_ADDRESS"
        case domain = "DOMAIN"
    }

    var scope: SESScope
    /// The address as given, or the domain in lower case.
    var name: String
    var kind: Kind
    /// v1's words: Pending, Success, Failed, TemporaryFailure, NotStarted.
    var verificationStatus: String
    /// The TXT record value a domain is verified with (v1 VerifyDomainIdentity).
    var verificationToken: String?
    var createdMillis: Int64
    var dkimEnabled: Bool = false
    var dkimTokens: [String] = []
    /// AWS_SES (Easy DKIM) or EXTERNAL (BYODKIM).
    var dkimOrigin: String = "AWS_SES"
    var dkimSelector: String?
    var dkimKeyLength: String = "RSA_2048_BIT"
    var mailFromDomain: String?
    var mailFromBehaviorOnMXFailure: String = "UseDefaultValue"
    /// Bounce, Complaint, Delivery → topic ARN.
    var notificationTopics: [String: String] = [:]
    /// Bounce, Complaint, Delivery → whether notifications carry the original headers.
    var headersInNotifications: [String: Bool] = [:]
    var feedbackForwarding: Bool = true
    var policies: [String: String] = [:]
    var tags: [SESTag] = []
    var configurationSetName: String?

    var verified: Bool { verificationStatus == "Success" }
    var arn: String { "arn:aws:ses:\(scope.region):\(scope.account):identity/\(name)" }
}

/// A template of SES v1 (Template) and v2 (EmailTemplate), one namespace for both as in AWS.
struct TemplateRecord: Codable, Sendable {
    var scope: SESScope
    var name: String
    var subject: String?
    var text: String?
    var html: String?
    var createdMillis: Int64
    var tags: [SESTag] = []
}

/// A custom verification email template.
struct VerificationTemplateRecord: Codable, Sendable {
    var scope: SESScope
    var name: String
    var fromEmailAddress: String
    var subject: String
    var content: String
    var successRedirectionURL: String
    var failureRedirectionURL: String
    var tags: [SESTag] = []
}

/// The kinds of event SES publishes, in v2's words; v1 spells them in camel case.
enum SESEventType: String, Codable, Sendable, CaseIterable {
    case send = "SEND"
    case reject = "REJECT"
    case bounce = "BOUNCE"
    case complaint = "COMPLAINT"
    case delivery = "DELIVERY"
    case open = "OPEN"
    case click = "CLICK"
    case renderingFailure = "RENDERING_FAILURE"
    case deliveryDelay = "DELIVERY_DELAY"
    case subscription = "SUBSCRIPTION"

    /// v1's name (MatchingEventTypes of SES v1).
    var v1Name: String {
        switch self {
        case .send: "send"
        case .reject: "reject"
        case .bounce: "bounce"
        case .complaint: "complaint"
        case .delivery: "delivery"
        case .open: "open"
        case .click: "click"
        case .renderingFailure: "renderingFailure"
        case .deliveryDelay: "deliveryDelay"
        case .subscription: "subscription"
        }
    }

    init?(v1Name: String) {
        guard let match = Self.allCases.first(where: { $0.v1Name == v1Name }) else { return nil }
        self = match
    }

    /// The `eventType` of the published record.
    var recordName: String {
        switch self {
        case .send: "Send"
        case .reject: "Reject"
        case .bounce: "Bounce"
        case .complaint: "Complaint"
        case .delivery: "Delivery"
        case .open: "Open"
        case .click: "Click"
        case .renderingFailure: "Rendering Failure"
        case .deliveryDelay: "DeliveryDelay"
        case .subscription: "Subscription"
        }
    }

    /// The EventBridge detail-type of the event.
    var detailType: String {
        switch self {
        case .send: "Email Sent"
        case .reject: "Email Rejected"
        case .bounce: "Email Bounced"
        case .complaint: "Email Complaint Received"
        case .delivery: "Email Delivered"
        case .open: "Email Opened"
        case .click: "Email Clicked"
        case .renderingFailure: "Email Rendering Failed"
        case .deliveryDelay: "Email Delivery Delayed"
        case .subscription: "Email Subscribed"
        }
    }
}

/// Where a configuration set publishes the events it matches.
struct EventDestinationRecord: Codable, Sendable {
    var name: String
    var enabled: Bool
    /// The types in the order and spelling given (v1 echoes them as given).
    var matchingTypes: [String]
    var snsTopicArn: String?
    var eventBusArn: String?
    var firehoseStreamArn: String?
    var firehoseRoleArn: String?
    /// CloudWatch's dimension configurations, kept as given (JSON of the v2 shape).
    var cloudWatch: String?
    var pinpointApplicationArn: String?

    var types: Set<SESEventType> {
        Set(matchingTypes.compactMap { SESEventType(rawValue: $0) ?? SESEventType(v1Name: $0) })
    }
}

/// A configuration set: event destinations and the options applied to the mail sent with it.
struct ConfigurationSetRecord: Codable, Sendable {
    var scope: SESScope
    var name: String
    var createdMillis: Int64
    var eventDestinations: [EventDestinationRecord] = []
    var customRedirectDomain: String?
    var httpsPolicy: String?
    var tlsPolicy: String = "OPTIONAL"
    var sendingPoolName: String?
    var maxDeliverySeconds: Int64?
    var sendingEnabled: Bool = true
    var reputationMetricsEnabled: Bool = false
    var lastFreshStartMillis: Int64?
    var suppressedReasons: [String]?
    var vdmOptions: String?
    var archiveArn: String?
    var tags: [SESTag] = []

    var arn: String { "arn:aws:ses:\(scope.region):\(scope.account):configuration-set/\(name)" }
}

/// A v2 contact list with its topics.
struct ContactListRecord: Codable, Sendable {
    struct Topic: Codable, Sendable {
        var name: String
        var displayName: String
        var description: String?
        var defaultSubscriptionStatus: String
    }

    var scope: SESScope
    var name: String
    var description: String?
    var topics: [Topic]
    var createdMillis: Int64
    var updatedMillis: Int64
    var tags: [SESTag] = []

    var arn: String { "arn:aws:ses:\(scope.region):\(scope.account):contact-list/\(name)" }
}

/// A contact of a contact list.
struct ContactRecord: Codable, Sendable {
    var scope: SESScope
    var listName: String
    var email: String
    /// Topic name → OPT_IN / OPT_OUT, as the contact chose.
    var topicPreferences: [String: String]
    var unsubscribeAll: Bool
    var attributesData: String?
    var createdMillis: Int64
    var updatedMillis: Int64
}

/// An address on the account's suppression list.
struct SuppressedDestinationRecord: Codable, Sendable {
    var scope: SESScope
    var email: String
    /// BOUNCE or COMPLAINT.
    var reason: String
    var updatedMillis: Int64
    var messageId: String?
    var feedbackId: String?
}

/// What an account sets for itself, per region.
struct AccountRecord: Codable, Sendable {
    var scope: SESScope
    var sendingEnabled: Bool = true
    /// Accounts made since 2019 suppress both bounces and complaints unless told otherwise.
    var suppressedReasons: [String] = ["BOUNCE", "COMPLAINT"]
    var dedicatedIpAutoWarmup: Bool = false
    var productionAccessEnabled: Bool
    var details: String?
    var vdmAttributes: String?
    var activeReceiptRuleSet: String?
    var deliverabilityDashboard = false
    /// The dashboard's subscribed domains (JSON of v2's DomainDeliverabilityTrackingOption).
    var deliverabilityDomains: [String] = []
    /// v1 receipt filters as the JSON of their shapes, by name.
    var receiptFilters: [String: String] = [:]
    var receiptFilterOrder: [String] = []
}

/// An inbound receipt rule set and its rules (stored as the JSON of v1's ReceiptRule shape, in order).
struct ReceiptRuleSetRecord: Codable, Sendable {
    var scope: SESScope
    var name: String
    var createdMillis: Int64
    var rules: [String]
}
