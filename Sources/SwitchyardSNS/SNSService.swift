import Foundation
import SwitchyardCore
import SwitchyardModels
import SwitchyardPlatform
import SwitchyardWire

/// Amazon SNS as the generated `SNSAPI` describes it.
///
/// Requests arrive parsed and validated against the SNS model; this type turns them into calls on
/// the engine and typed answers. Deliveries leave through the delivery engine; email, SMS and
/// mobile push land in the captured outbox.
public struct SNSService: SNSAPI {
    let engine: SNSEngine
    /// Where delivery status logs of direct SMS and push messages go (none: not written).
    let logs: LogWriters?

    public init(engine: SNSEngine, logs: LogWriters? = nil) {
        self.engine = engine
        self.logs = logs
    }

    public func createTopic(_ input: SNS.CreateTopicInput, context: RequestContext) async throws
        -> SNS.CreateTopicResponse
    {
        let key = TopicKey(account: context.account, region: context.region, name: input.name)
        var attributes = input.attributes ?? [:]
        if let policy = input.dataProtectionPolicy { attributes["DataProtectionPolicy"] = policy }
        let tags = try Self.tags(input.tags)
        try await engine.createTopic(key, attributes: attributes, tags: tags).wait()
        return SNS.CreateTopicResponse(topicArn: key.arn)
    }

    public func deleteTopic(_ input: SNS.DeleteTopicInput, context: RequestContext) async throws {
        try await engine.deleteTopic(try await topic(input.topicArn, context, for: "DeleteTopic")).wait()
    }

    public func listTopics(_ input: SNS.ListTopicsInput, context: RequestContext) async throws
        -> SNS.ListTopicsResponse
    {
        let keys = await engine.topicKeys(account: context.account, region: context.region)
        let (page, next) = try Self.page(keys.count, token: input.nextToken, size: 100)
        return SNS.ListTopicsResponse(topics: keys[page].map { SNS.Topic(topicArn: $0.arn) }, nextToken: next)
    }

    public func getTopicAttributes(_ input: SNS.GetTopicAttributesInput, context: RequestContext) async throws
        -> SNS.GetTopicAttributesResponse
    {
        SNS.GetTopicAttributesResponse(
            attributes: try await engine.attributes(
                of: try await topic(input.topicArn, context, for: "GetTopicAttributes")))
    }

    public func setTopicAttributes(_ input: SNS.SetTopicAttributesInput, context: RequestContext) async throws {
        let key = try await topic(input.topicArn, context, for: "SetTopicAttributes")
        try await engine.setAttribute(key, name: input.attributeName, value: input.attributeValue).wait()
    }

    public func addPermission(_ input: SNS.AddPermissionInput, context: RequestContext) async throws {
        let key = try await topic(input.topicArn, context, for: "AddPermission")
        try await engine.updatePolicy(key) { policy in
            try TopicPolicy.adding(
                label: input.label, accounts: input.awsAccountId, actions: input.actionName, to: policy,
                topicArn: key.arn)
        }.wait()
    }

    public func removePermission(_ input: SNS.RemovePermissionInput, context: RequestContext) async throws {
        let key = try await topic(input.topicArn, context, for: "RemovePermission")
        try await engine.updatePolicy(key) { try TopicPolicy.removing(label: input.label, from: $0) }.wait()
    }

    public func tagResource(_ input: SNS.TagResourceRequest, context: RequestContext) async throws
        -> SNS.TagResourceResponse
    {
        let key = try resource(input.resourceArn, context, for: "TagResource")
        try await engine.tag(key, adding: try Self.tags(input.tags)).wait()
        return SNS.TagResourceResponse()
    }

    public func untagResource(_ input: SNS.UntagResourceRequest, context: RequestContext) async throws
        -> SNS.UntagResourceResponse
    {
        let key = try resource(input.resourceArn, context, for: "UntagResource")
        try await engine.untag(key, removing: input.tagKeys).wait()
        return SNS.UntagResourceResponse()
    }

    public func listTagsForResource(_ input: SNS.ListTagsForResourceRequest, context: RequestContext) async throws
        -> SNS.ListTagsForResourceResponse
    {
        let tags = try await engine.tags(of: try resource(input.resourceArn, context, for: "ListTagsForResource"))
        return SNS.ListTagsForResourceResponse(
            tags: tags.sorted { $0.key < $1.key }.map { SNS.Tag(key: $0.key, value: $0.value) })
    }

    // MARK: Mobile push

    public func createPlatformApplication(_ input: SNS.CreatePlatformApplicationInput, context: RequestContext)
        async throws -> SNS.CreatePlatformApplicationResponse
    {
        let (record, ticket) = try await engine.createPlatformApplication(
            name: input.name, platform: input.platform, attributes: input.attributes, account: context.account,
            region: context.region)
        try await ticket.wait()
        return SNS.CreatePlatformApplicationResponse(platformApplicationArn: record.arn)
    }

    public func getPlatformApplicationAttributes(
        _ input: SNS.GetPlatformApplicationAttributesInput, context: RequestContext
    ) async throws -> SNS.GetPlatformApplicationAttributesResponse {
        let record = try await engine.platformApplication(
            try ownPlatformResource(input.platformApplicationArn, context, for: "GetPlatformApplicationAttributes"))
        return SNS.GetPlatformApplicationAttributesResponse(attributes: Platforms.shown(record))
    }

    public func setPlatformApplicationAttributes(
        _ input: SNS.SetPlatformApplicationAttributesInput, context: RequestContext
    ) async throws {
        try await engine.setPlatformApplicationAttributes(
            try ownPlatformResource(input.platformApplicationArn, context, for: "SetPlatformApplicationAttributes"),
            input.attributes
        ).wait()
    }

    public func deletePlatformApplication(_ input: SNS.DeletePlatformApplicationInput, context: RequestContext)
        async throws
    {
        try await engine.deletePlatformApplication(
            try ownPlatformResource(input.platformApplicationArn, context, for: "DeletePlatformApplication")
        ).wait()
    }

    public func listPlatformApplications(_ input: SNS.ListPlatformApplicationsInput, context: RequestContext)
        async throws -> SNS.ListPlatformApplicationsResponse
    {
        let all = await engine.platformApplications(account: context.account, region: context.region)
        let (page, next) = try Self.page(all.count, token: input.nextToken, size: 100)
        return SNS.ListPlatformApplicationsResponse(
            platformApplications: all[page].map {
                SNS.PlatformApplication(platformApplicationArn: $0.arn, attributes: Platforms.shown($0))
            }, nextToken: next)
    }

    public func createPlatformEndpoint(_ input: SNS.CreatePlatformEndpointInput, context: RequestContext)
        async throws -> SNS.CreateEndpointResponse
    {
        let (record, ticket) = try await engine.createPlatformEndpoint(
            application: try ownPlatformResource(input.platformApplicationArn, context, for: "CreatePlatformEndpoint"),
            token: input.token, customUserData: input.customUserData,
            attributes: input.attributes ?? [:])
        try await ticket.wait()
        return SNS.CreateEndpointResponse(endpointArn: record.arn)
    }

    public func getEndpointAttributes(_ input: SNS.GetEndpointAttributesInput, context: RequestContext)
        async throws -> SNS.GetEndpointAttributesResponse
    {
        SNS.GetEndpointAttributesResponse(
            attributes: try await engine.platformEndpoint(
                try ownPlatformResource(input.endpointArn, context, for: "GetEndpointAttributes")
            ).attributes)
    }

    public func setEndpointAttributes(_ input: SNS.SetEndpointAttributesInput, context: RequestContext) async throws {
        try await engine.setEndpointAttributes(
            try ownPlatformResource(input.endpointArn, context, for: "SetEndpointAttributes"), input.attributes
        ).wait()
    }

    public func deleteEndpoint(_ input: SNS.DeleteEndpointInput, context: RequestContext) async throws {
        try await engine.deletePlatformEndpoint(
            try ownPlatformResource(input.endpointArn, context, for: "DeleteEndpoint")
        ).wait()
    }

    public func listEndpointsByPlatformApplication(
        _ input: SNS.ListEndpointsByPlatformApplicationInput, context: RequestContext
    ) async throws -> SNS.ListEndpointsByPlatformApplicationResponse {
        let all = try await engine.platformEndpoints(
            of: try ownPlatformResource(
                input.platformApplicationArn, context, for: "ListEndpointsByPlatformApplication"))
        let (page, next) = try Self.page(all.count, token: input.nextToken, size: 100)
        return SNS.ListEndpointsByPlatformApplicationResponse(
            endpoints: all[page].map { SNS.Endpoint(endpointArn: $0.arn, attributes: $0.attributes) }, nextToken: next)
    }

    // MARK: SMS

    public func setSMSAttributes(_ input: SNS.SetSMSAttributesInput, context: RequestContext) async throws
        -> SNS.SetSMSAttributesResponse
    {
        try SMSSettings.validate(input.attributes)
        let (_, ticket) = try await engine.withSMSSettings(account: context.account, region: context.region) {
            $0.attributes.merge(input.attributes) { _, new in new }
        }
        try await ticket.wait()
        return SNS.SetSMSAttributesResponse()
    }

    public func getSMSAttributes(_ input: SNS.GetSMSAttributesInput, context: RequestContext) async throws
        -> SNS.GetSMSAttributesResponse
    {
        let (attributes, _) = try await engine.withSMSSettings(account: context.account, region: context.region) {
            $0.attributes
        }
        guard let wanted = input.attributes, !wanted.isEmpty else {
            return SNS.GetSMSAttributesResponse(attributes: attributes)
        }
        return SNS.GetSMSAttributesResponse(attributes: attributes.filter { wanted.contains($0.key) })
    }

    public func checkIfPhoneNumberIsOptedOut(_ input: SNS.CheckIfPhoneNumberIsOptedOutInput, context: RequestContext)
        async throws -> SNS.CheckIfPhoneNumberIsOptedOutResponse
    {
        guard PhoneNumbers.isValid(input.phoneNumber) else { throw SNSErrors.invalidParameter("PhoneNumber") }
        let (optedOut, _) = try await engine.withSMSSettings(account: context.account, region: context.region) {
            $0.optedOut.contains(input.phoneNumber)
        }
        return SNS.CheckIfPhoneNumberIsOptedOutResponse(isOptedOut: optedOut)
    }

    public func listPhoneNumbersOptedOut(_ input: SNS.ListPhoneNumbersOptedOutInput, context: RequestContext)
        async throws -> SNS.ListPhoneNumbersOptedOutResponse
    {
        let (numbers, _) = try await engine.withSMSSettings(account: context.account, region: context.region) {
            $0.optedOut.sorted()
        }
        let (page, next) = try Self.page(numbers.count, token: input.nextToken, size: 100)
        return SNS.ListPhoneNumbersOptedOutResponse(phoneNumbers: Array(numbers[page]), nextToken: next)
    }

    public func optInPhoneNumber(_ input: SNS.OptInPhoneNumberInput, context: RequestContext) async throws
        -> SNS.OptInPhoneNumberResponse
    {
        guard PhoneNumbers.isValid(input.phoneNumber) else {
            throw SNSErrors.invalidParameter("PhoneNumber Reason: input incorrectly formatted")
        }
        let (_, ticket) = try await engine.withSMSSettings(account: context.account, region: context.region) {
            $0.optedOut.remove(input.phoneNumber)
        }
        try await ticket.wait()
        return SNS.OptInPhoneNumberResponse()
    }

    /// Switchyard's SMS go to the captured outbox, not to carriers, so no account is in the SMS sandbox.
    public func getSMSSandboxAccountStatus(_ input: SNS.GetSMSSandboxAccountStatusInput, context: RequestContext)
        async throws -> SNS.GetSMSSandboxAccountStatusResult
    {
        SNS.GetSMSSandboxAccountStatusResult(isInSandbox: false)
    }

    public func createSMSSandboxPhoneNumber(_ input: SNS.CreateSMSSandboxPhoneNumberInput, context: RequestContext)
        async throws -> SNS.CreateSMSSandboxPhoneNumberResult
    {
        guard PhoneNumbers.isValid(input.phoneNumber) else { throw SNSErrors.invalidParameter("PhoneNumber") }
        try await engine.addSandboxNumber(input.phoneNumber, account: context.account, region: context.region).wait()
        return SNS.CreateSMSSandboxPhoneNumberResult()
    }

    public func verifySMSSandboxPhoneNumber(_ input: SNS.VerifySMSSandboxPhoneNumberInput, context: RequestContext)
        async throws -> SNS.VerifySMSSandboxPhoneNumberResult
    {
        let (_, ticket) = try await engine.withSMSSettings(account: context.account, region: context.region) {
            settings in
            guard var number = settings.sandboxNumbers[input.phoneNumber] else {
                throw AWSError("ResourceNotFound", "Phone number does not exist in the sandbox", httpStatus: 404)
            }
            guard number.oneTimePassword == input.oneTimePassword else {
                throw AWSError("VerificationException", "Invalid one-time password")
            }
            number.status = "Verified"
            settings.sandboxNumbers[input.phoneNumber] = number
        }
        try await ticket.wait()
        return SNS.VerifySMSSandboxPhoneNumberResult()
    }

    public func deleteSMSSandboxPhoneNumber(_ input: SNS.DeleteSMSSandboxPhoneNumberInput, context: RequestContext)
        async throws -> SNS.DeleteSMSSandboxPhoneNumberResult
    {
        let (_, ticket) = try await engine.withSMSSettings(account: context.account, region: context.region) {
            settings in
            guard settings.sandboxNumbers.removeValue(forKey: input.phoneNumber) != nil else {
                throw AWSError("ResourceNotFound", "Phone number does not exist in the sandbox", httpStatus: 404)
            }
        }
        try await ticket.wait()
        return SNS.DeleteSMSSandboxPhoneNumberResult()
    }

    public func listSMSSandboxPhoneNumbers(_ input: SNS.ListSMSSandboxPhoneNumbersInput, context: RequestContext)
        async throws -> SNS.ListSMSSandboxPhoneNumbersResult
    {
        let (numbers, _) = try await engine.withSMSSettings(account: context.account, region: context.region) {
            $0.sandboxNumbers.sorted { $0.value.createdSeq < $1.value.createdSeq }
        }
        let (page, next) = try Self.page(numbers.count, token: input.nextToken, size: input.maxResults ?? 100)
        return SNS.ListSMSSandboxPhoneNumbersResult(
            phoneNumbers: numbers[page].map { SNS.SMSSandboxPhoneNumber(phoneNumber: $0.key, status: $0.value.status) },
            nextToken: next)
    }

    /// Switchyard owns no origination numbers: messages are captured, not sent.
    public func listOriginationNumbers(_ input: SNS.ListOriginationNumbersRequest, context: RequestContext)
        async throws -> SNS.ListOriginationNumbersResult
    {
        SNS.ListOriginationNumbersResult(nextToken: nil, phoneNumbers: [])
    }

    // MARK: Data protection

    public func getDataProtectionPolicy(_ input: SNS.GetDataProtectionPolicyInput, context: RequestContext)
        async throws -> SNS.GetDataProtectionPolicyResponse
    {
        let record = try await engine.topic(try resource(input.resourceArn, context, for: "GetDataProtectionPolicy"))
        return SNS.GetDataProtectionPolicyResponse(dataProtectionPolicy: record.attributes["DataProtectionPolicy"])
    }

    public func putDataProtectionPolicy(_ input: SNS.PutDataProtectionPolicyInput, context: RequestContext)
        async throws
    {
        let key = try resource(input.resourceArn, context, for: "PutDataProtectionPolicy")
        try await engine.setAttribute(key, name: "DataProtectionPolicy", value: input.dataProtectionPolicy).wait()
    }

    // MARK: Subscriptions

    public func subscribe(_ input: SNS.SubscribeInput, context: RequestContext) async throws -> SNS.SubscribeResponse {
        let topic = try await topic(input.topicArn, context, for: "Subscribe")
        let arn = "\(topic.arn):\(RandomUUID.make())"
        let (record, ticket) = try await engine.subscribe(
            topic, protocol: input.protocol, endpoint: input.endpoint ?? "", attributes: input.attributes ?? [:],
            newArn: arn, baseURL: "http://\(context.host)", subscriber: context.account)
        try await ticket.wait()
        let showArn = record.confirmed || input.returnSubscriptionArn == true
        return SNS.SubscribeResponse(subscriptionArn: showArn ? record.arn : "pending confirmation")
    }

    public func confirmSubscription(_ input: SNS.ConfirmSubscriptionInput, context: RequestContext) async throws
        -> SNS.ConfirmSubscriptionResponse
    {
        // The token is the authorization: whoever holds it may confirm, from any account.
        guard let key = TopicKey(arn: input.topicArn) else { throw SNSErrors.invalidParameter("TopicArn") }
        let (record, ticket) = try await engine.confirmSubscription(key, token: input.token)
        try await ticket.wait()
        return SNS.ConfirmSubscriptionResponse(subscriptionArn: record.arn)
    }

    public func unsubscribe(_ input: SNS.UnsubscribeInput, context: RequestContext) async throws {
        let arn = try subscriptionArn(input.subscriptionArn, context)
        try await engine.unsubscribe(arn, baseURL: "http://\(context.host)").wait()
    }

    public func getSubscriptionAttributes(_ input: SNS.GetSubscriptionAttributesInput, context: RequestContext)
        async throws -> SNS.GetSubscriptionAttributesResponse
    {
        let record = try await engine.subscription(try subscriptionArn(input.subscriptionArn, context))
        let topicPolicy = try? await engine.topic(record.topic).attributes["DeliveryPolicy"]
        return SNS.GetSubscriptionAttributesResponse(
            attributes: SubscriptionAttributes.effective(record, topicDeliveryPolicy: topicPolicy))
    }

    public func setSubscriptionAttributes(_ input: SNS.SetSubscriptionAttributesInput, context: RequestContext)
        async throws
    {
        let arn = try subscriptionArn(input.subscriptionArn, context)
        try await engine.setSubscriptionAttribute(arn, name: input.attributeName, value: input.attributeValue).wait()
    }

    public func listSubscriptions(_ input: SNS.ListSubscriptionsInput, context: RequestContext) async throws
        -> SNS.ListSubscriptionsResponse
    {
        let all = await engine.subscriptions(account: context.account, region: context.region)
        let (page, next) = try Self.page(all.count, token: input.nextToken, size: 100)
        return SNS.ListSubscriptionsResponse(subscriptions: all[page].map(Self.listed), nextToken: next)
    }

    public func listSubscriptionsByTopic(_ input: SNS.ListSubscriptionsByTopicInput, context: RequestContext)
        async throws -> SNS.ListSubscriptionsByTopicResponse
    {
        let topic = try await topic(input.topicArn, context, for: "ListSubscriptionsByTopic")
        _ = try await engine.topic(topic)
        let all = await engine.subscriptions(topic: topic, account: context.account, region: context.region)
        let (page, next) = try Self.page(all.count, token: input.nextToken, size: 100)
        return SNS.ListSubscriptionsByTopicResponse(subscriptions: all[page].map(Self.listed), nextToken: next)
    }

    static func listed(_ record: SubscriptionRecord) -> SNS.Subscription {
        SNS.Subscription(
            subscriptionArn: record.confirmed ? record.arn : "PendingConfirmation", owner: record.topic.account,
            protocol: record.protocol, endpoint: record.endpoint, topicArn: record.topic.arn)
    }

    // MARK: Publishing

    public func publish(_ input: SNS.PublishInput, context: RequestContext) async throws -> SNS.PublishResponse {
        if let phoneNumber = input.phoneNumber, input.topicArn == nil, input.targetArn == nil {
            // A direct SMS: validated like any publish, captured in the outbox instead of a carrier.
            guard PhoneNumbers.isValid(phoneNumber) else {
                throw SNSErrors.invalidParameter("PhoneNumber Reason: \(phoneNumber) is not valid to publish to")
            }
            guard !input.message.isEmpty else { throw SNSErrors.invalidParameter("Empty message") }
            guard input.message.utf8.count <= 1600 else { throw SNSErrors.invalidParameter("Message too long") }
            let (messageId, published) = (RandomUUID.make(), engine.clock.nowMillis())
            try await engine.capture(
                kind: "sms", address: phoneNumber, subject: nil, body: input.message, subscriptionArn: nil,
                topicArn: nil
            ).wait()
            try await logDirectSMS(
                messageId: messageId, publishedMillis: published, to: phoneNumber, message: input.message,
                smsType: input.messageAttributes?["AWS.SNS.SMS.SMSType"]?.stringValue, account: context.account,
                region: context.region)
            return SNS.PublishResponse(messageId: messageId)
        }
        guard let arn = input.topicArn ?? input.targetArn else {
            throw SNSErrors.invalidParameter("TopicArn or TargetArn Reason: no value for required parameter")
        }
        if input.topicArn == nil, arn.contains(":endpoint/") {
            let draft = PublishDraft(
                message: input.message, subject: input.subject, messageStructure: input.messageStructure,
                attributes: try Self.attributes(input.messageAttributes), messageGroupId: nil,
                messageDeduplicationId: nil)
            let published = engine.clock.nowMillis()
            let endpointArn = try ownPlatformResource(arn, context, for: "Publish")
            let (messageId, ticket) = try await engine.publishToEndpoint(endpointArn, draft)
            try await ticket.wait()
            await logDirectPush(messageId: messageId, publishedMillis: published, to: endpointArn)
            return SNS.PublishResponse(messageId: messageId)
        }
        let draft = PublishDraft(
            message: input.message, subject: input.subject, messageStructure: input.messageStructure,
            attributes: try Self.attributes(input.messageAttributes), messageGroupId: input.messageGroupId,
            messageDeduplicationId: input.messageDeduplicationId, publisherAccount: context.account,
            traceHeader: context.traceHeader)
        let published = try await engine.publish(
            try await topic(arn, context, for: "Publish"), draft, baseURL: "http://\(context.host)")
        try await durable(published).wait()
        return SNS.PublishResponse(messageId: published.messageId, sequenceNumber: published.sequenceNumber)
    }

    public func publishBatch(_ input: SNS.PublishBatchInput, context: RequestContext) async throws
        -> SNS.PublishBatchResponse
    {
        let topic = try await topic(input.topicArn, context, for: "Publish")
        let entries = input.publishBatchRequestEntries
        guard !entries.isEmpty else {
            throw AWSError("EmptyBatchRequest", "The batch request doesn't contain any entries.")
        }
        guard entries.count <= 10 else {
            throw AWSError(
                "TooManyEntriesInBatchRequest", "The batch request contains more entries than permissible.")
        }
        var ids = Set<String>()
        for entry in entries {
            guard entry.id.utf8.count <= 80 else {
                throw AWSError(
                    "InvalidBatchEntryIdException",
                    "The Id of a batch entry in the batch request is too long: \(entry.id)")
            }
            guard NameCharacters.isWord(entry.id, maxLength: 80) else {
                throw AWSError(
                    "InvalidBatchEntryIdException",
                    "The Id of a batch entry in the batch request contains an impermissible character: \(entry.id)")
            }
            guard ids.insert(entry.id).inserted else {
                throw AWSError("BatchEntryIdsNotDistinct", "Two or more batch entries in the request have the same Id.")
            }
        }
        let drafts = try entries.map { entry in
            PublishDraft(
                message: entry.message, subject: entry.subject, messageStructure: entry.messageStructure,
                attributes: try Self.attributes(entry.messageAttributes), messageGroupId: entry.messageGroupId,
                messageDeduplicationId: entry.messageDeduplicationId, publisherAccount: context.account,
                traceHeader: context.traceHeader)
        }
        let total = drafts.reduce(0) { $0 + PublishRules.size(message: $1.message, attributes: $1.attributes) }
        if total > PublishRules.maximumSize {
            throw AWSError("BatchRequestTooLong", "The length of all the messages put together is more than the limit.")
        }
        // An entry AWS would refuse fails the whole request, before anything is published.
        for draft in drafts { try await engine.checkPublishable(topic, draft) }
        var successful: [SNS.PublishBatchResultEntry] = []
        var failed: [SNS.BatchResultErrorEntry] = []
        var tickets: [CommitTicket] = []
        for (entry, draft) in zip(entries, drafts) {
            do {
                let published = try await engine.publish(topic, draft, baseURL: "http://\(context.host)")
                tickets.append(try await durable(published))
                successful.append(
                    SNS.PublishBatchResultEntry(
                        id: entry.id, messageId: published.messageId, sequenceNumber: published.sequenceNumber))
            } catch let error as AWSError {
                failed.append(
                    SNS.BatchResultErrorEntry(
                        id: entry.id, code: error.code, message: error.message, senderFault: error.senderFault))
            }
        }
        for ticket in tickets { try await ticket.wait() }
        return SNS.PublishBatchResponse(successful: successful, failed: failed)
    }

    /// The ticket of a publish's deliveries, making them first when the engine left them to the caller.
    private func durable(_ published: PublishOutcome) async throws -> CommitTicket {
        if let plan = published.plan { return try await engine.deliver(plan) }
        return published.ticket ?? .alreadyCommitted
    }

    // MARK: Conversions

    /// A subscription ARN of the caller's account and region.
    func subscriptionArn(_ arn: String, _ context: RequestContext) throws -> String {
        let parts = arn.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count >= 6 else {
            throw SNSErrors.invalidParameter(
                "SubscriptionArn Reason: An ARN must have at least 6 elements, not \(parts.count)")
        }
        // A topic ARN without the subscription's id.
        guard parts.count == 7, parts[0] == "arn", parts[2] == "sns" else {
            throw SNSErrors.invalidParameter(parts.count == 6 ? "SubscriptionId" : "SubscriptionArn")
        }
        guard context.placement(of: arn, service: "sns") == .callers else { throw SNSErrors.subscriptionNotFound() }
        return arn
    }

    static func attributes(_ values: [String: SNS.MessageAttributeValue]?) throws -> [String: NotificationAttribute] {
        (values ?? [:]).mapValues {
            NotificationAttribute(
                dataType: $0.dataType, stringValue: $0.stringValue, binaryValue: $0.binaryValue?.base64EncodedString())
        }
    }

    /// The topic an ARN names, within the caller's region; a topic of another account only where
    /// its policy lets the caller perform `action` (AuthorizationError otherwise).
    func topic(_ arn: String, _ context: RequestContext, for action: String) async throws -> TopicKey {
        let parts = arn.split(separator: ":", omittingEmptySubsequences: false).count
        guard parts >= 6 else {
            throw SNSErrors.invalidParameter("TopicArn Reason: An ARN must have at least 6 elements, not \(parts)")
        }
        guard let key = TopicKey(arn: arn) else { throw SNSErrors.invalidParameter("TopicArn") }
        switch context.placement(of: arn, service: "sns") {
        case .callers: break
        case .otherAccount:
            try await engine.authorize(key, action, principal: .caller(context), context: context.policyContext)
        // A topic of another region is not "not found" but an invalid parameter, as AWS answers.
        case .otherRegion, .malformed: throw SNSErrors.invalidParameter("TopicArn")
        }
        return key
    }

    /// A topic named as a tagged or protected resource: the caller's own only.
    func resource(_ arn: String, _ context: RequestContext, for action: String) throws -> TopicKey {
        guard let key = TopicKey(arn: arn) else { throw SNSErrors.invalidParameter("ResourceArn") }
        if key.account != context.account {
            throw TopicAccess.denied(.caller(context), action: action, resource: arn, explicit: false)
        }
        guard key.region == context.region else { throw SNSErrors.resourceNotFound() }
        return key
    }

    /// A platform application or endpoint ARN of the caller's own account (they have no policies).
    func ownPlatformResource(_ arn: String, _ context: RequestContext, for action: String) throws -> String {
        switch context.placement(of: arn, service: "sns") {
        case .otherAccount:
            throw TopicAccess.denied(.caller(context), action: action, resource: arn, explicit: false)
        case .otherRegion:
            // This region's endpoint has no such application or endpoint, whoever owns one elsewhere.
            throw AWSError(
                "NotFound", "\(arn.contains(":endpoint/") ? "Endpoint" : "PlatformApplication") does not exist",
                httpStatus: 404)
        case .callers, .malformed:
            return arn
        }
    }

    static func tags(_ tags: [SNS.Tag]?) throws -> [String: String] {
        var result: [String: String] = [:]
        for tag in tags ?? [] {
            guard result.updateValue(tag.value, forKey: tag.key) == nil else {
                throw SNSErrors.invalidParameter("Duplicated keys are not allowed.")
            }
        }
        return result
    }

    /// NextToken pagination over a listing of `count` items.
    static func page(_ count: Int, token: String?, size: Int) throws -> (Range<Int>, String?) {
        try OffsetPage<Never>.range(
            count: count, token: token, size: size, invalidToken: SNSErrors.invalidParameter("NextToken"))
    }
}
