import Foundation
import SwitchyardCore
import SwitchyardModels
import SwitchyardWire

/// Amazon SQS: the 23 operations of the model, on top of `SQSEngine`.
///
/// This layer turns the generated input types into engine calls, applies the request-level checks
/// SQS makes (batch rules, parameter ranges, attribute names), waits for durability, and builds
/// the generated output types. It knows nothing of HTTP, JSON or XML.
public struct SQSService: SQSAPI {
    public let engine: SQSEngine

    public init(engine: SQSEngine) { self.engine = engine }

    func key(_ url: String, _ context: RequestContext) throws -> QueueKey {
        // A bare queue name stands for the caller's queue of that name, as AWS accepts.
        if QueueNames.isValidName(url) {
            return QueueKey(account: context.account, region: context.region, name: url)
        }
        guard let key = QueueKey(url: url, region: context.region) else {
            throw url.isEmpty ? AWSError.missingParameter("QueueUrl") : SQSErrors.invalidAddress(url)
        }
        return key
    }

    /// The queue a URL names, once the caller may perform `action` on it: always in its own account,
    /// in another account only as the queue's policy allows (one more engine call, on that path only).
    func key(_ url: String, _ context: RequestContext, for action: String) async throws -> QueueKey {
        let key = try key(url, context)
        if key.account != context.account {
            try await engine.authorize(key, action, principal: .caller(context), context: context.policyContext)
        }
        return key
    }

    // MARK: Queues

    public func createQueue(_ input: SQS.CreateQueueRequest, context: RequestContext) async throws
        -> SQS.CreateQueueResult
    {
        try QueueNames.validate(input.queueName, fifo: input.attributes?["FifoQueue"]?.lowercased() == "true")
        let key = QueueKey(account: context.account, region: context.region, name: input.queueName)
        try TagRules.validate(input.tags ?? [:])
        try await engine.createQueue(key, attributes: input.attributes ?? [:], tags: input.tags ?? [:]).wait()
        return SQS.CreateQueueResult(queueUrl: key.url(host: context.host, serverRegion: context.serverRegion))
    }

    public func getQueueUrl(_ input: SQS.GetQueueUrlRequest, context: RequestContext) async throws
        -> SQS.GetQueueUrlResult
    {
        let key = QueueKey(
            account: input.queueOwnerAWSAccountId ?? context.account, region: context.region, name: input.queueName)
        if key.account != context.account {
            // Another account's queue is found only where its policy lets the caller get its URL.
            do {
                try await engine.authorize(
                    key, "GetQueueUrl", principal: .caller(context), context: context.policyContext)
            } catch {
                throw SQSErrors.queueDoesNotExist()
            }
        }
        guard await engine.queueExists(key) else { throw SQSErrors.queueDoesNotExist() }
        return SQS.GetQueueUrlResult(queueUrl: key.url(host: context.host, serverRegion: context.serverRegion))
    }

    public func deleteQueue(_ input: SQS.DeleteQueueRequest, context: RequestContext) async throws {
        try await engine.deleteQueue(key(input.queueUrl, context, for: "DeleteQueue")).wait()
    }

    public func listQueues(_ input: SQS.ListQueuesRequest, context: RequestContext) async throws -> SQS.ListQueuesResult
    {
        if let max = input.maxResults, !(1...1000).contains(max) {
            throw SQSErrors.invalidParameter(
                "MaxResults", value: String(max), reason: "MaxResults must be an integer between 1 and 1000.")
        }
        let all = await engine.listQueues(
            account: context.account, region: context.region, prefix: input.queueNamePrefix)
        let (page, next) = try Pagination.page(
            all.map { $0.url(host: context.host, serverRegion: context.serverRegion) }, token: input.nextToken,
            maxResults: input.maxResults)
        return SQS.ListQueuesResult(queueUrls: page.isEmpty && input.maxResults == nil ? nil : page, nextToken: next)
    }

    public func getQueueAttributes(_ input: SQS.GetQueueAttributesRequest, context: RequestContext) async throws
        -> SQS.GetQueueAttributesResult
    {
        let attributes = try await engine.attributes(
            of: key(input.queueUrl, context, for: "GetQueueAttributes"), names: input.attributeNames ?? [])
        return SQS.GetQueueAttributesResult(attributes: attributes.isEmpty ? nil : attributes)
    }

    public func setQueueAttributes(_ input: SQS.SetQueueAttributesRequest, context: RequestContext) async throws {
        try await engine.setAttributes(key(input.queueUrl, context, for: "SetQueueAttributes"), input.attributes).wait()
    }

    public func purgeQueue(_ input: SQS.PurgeQueueRequest, context: RequestContext) async throws {
        try await engine.purge(key(input.queueUrl, context, for: "PurgeQueue")).wait()
    }

    public func listQueueTags(_ input: SQS.ListQueueTagsRequest, context: RequestContext) async throws
        -> SQS.ListQueueTagsResult
    {
        let tags = try await engine.tags(of: key(input.queueUrl, context, for: "ListQueueTags"))
        return SQS.ListQueueTagsResult(tags: tags.isEmpty ? nil : tags)
    }

    public func tagQueue(_ input: SQS.TagQueueRequest, context: RequestContext) async throws {
        try TagRules.validate(input.tags)
        try await engine.tag(key(input.queueUrl, context, for: "TagQueue"), input.tags).wait()
    }

    public func untagQueue(_ input: SQS.UntagQueueRequest, context: RequestContext) async throws {
        try await engine.untag(key(input.queueUrl, context, for: "UntagQueue"), input.tagKeys).wait()
    }

    public func listDeadLetterSourceQueues(_ input: SQS.ListDeadLetterSourceQueuesRequest, context: RequestContext)
        async throws
        -> SQS.ListDeadLetterSourceQueuesResult
    {
        if let max = input.maxResults, !(1...1000).contains(max) {
            throw SQSErrors.invalidParameter(
                "MaxResults", value: String(max), reason: "MaxResults must be an integer between 1 and 1000.")
        }
        let sources = try await engine.deadLetterSources(
            of: key(input.queueUrl, context, for: "ListDeadLetterSourceQueues"))
        let (page, next) = try Pagination.page(
            sources.map { $0.url(host: context.host, serverRegion: context.serverRegion) }, token: input.nextToken,
            maxResults: input.maxResults)
        return SQS.ListDeadLetterSourceQueuesResult(queueUrls: page, nextToken: next)
    }

    public func addPermission(_ input: SQS.AddPermissionRequest, context: RequestContext) async throws {
        let key = try await key(input.queueUrl, context, for: "AddPermission")
        let statement = try QueuePolicy.Statement(
            label: input.label, accounts: input.awsAccountIds, actions: input.actions, resource: key.arn)
        try await engine.updatePolicy(key) { try QueuePolicy.adding(statement, to: $0, queueArn: key.arn) }.wait()
    }

    public func removePermission(_ input: SQS.RemovePermissionRequest, context: RequestContext) async throws {
        let key = try await key(input.queueUrl, context, for: "RemovePermission")
        try await engine.updatePolicy(key) { try QueuePolicy.removing(label: input.label, from: $0) }.wait()
    }

    // MARK: Messages

    public func sendMessage(_ input: SQS.SendMessageRequest, context: RequestContext) async throws
        -> SQS.SendMessageResult
    {
        var message = OutgoingMessage(
            body: input.messageBody, delaySeconds: input.delaySeconds,
            attributes: Self.attributes(input.messageAttributes),
            systemAttributes: Self.systemAttributes(input.messageSystemAttributes),
            messageGroupId: input.messageGroupId, messageDeduplicationId: input.messageDeduplicationId)
        message.traceHeader = context.traceHeader
        let (results, ticket) = try await engine.send(
            key(input.queueUrl, context, for: "SendMessage"), [message], senderId: Self.senderId(context))
        try await ticket.wait()
        let result = try results[0].get()
        return SQS.SendMessageResult(
            md5OfMessageBody: result.md5OfBody, md5OfMessageAttributes: result.md5OfMessageAttributes,
            md5OfMessageSystemAttributes: result.md5OfMessageSystemAttributes, messageId: result.messageId,
            sequenceNumber: result.sequenceNumber)
    }

    public func sendMessageBatch(_ input: SQS.SendMessageBatchRequest, context: RequestContext) async throws
        -> SQS.SendMessageBatchResult
    {
        let ids = input.entries.map { $0.id }
        try BatchRules.validate(ids: ids, entryName: "SendMessageBatchRequestEntry")
        let messages = input.entries.map { entry in
            var message = OutgoingMessage(
                body: entry.messageBody, delaySeconds: entry.delaySeconds,
                attributes: Self.attributes(entry.messageAttributes),
                systemAttributes: Self.systemAttributes(entry.messageSystemAttributes),
                messageGroupId: entry.messageGroupId, messageDeduplicationId: entry.messageDeduplicationId)
            message.traceHeader = context.traceHeader
            return message
        }
        let total = messages.reduce(0) { $0 + $1.size }
        if total > 1_048_576 { throw SQSErrors.batchTooLong(total, limit: 1_048_576) }
        var failed: [SQS.BatchResultErrorEntry] = []
        let (results, ticket) = try await engine.send(
            key(input.queueUrl, context, for: "SendMessage"), messages, senderId: Self.senderId(context), batch: true)
        try await ticket.wait()
        var successful: [SQS.SendMessageBatchResultEntry] = []
        successful.reserveCapacity(results.count)
        for (id, result) in zip(ids, results) {
            switch result {
            case .success(let sent):
                successful.append(
                    SQS.SendMessageBatchResultEntry(
                        id: id, messageId: sent.messageId, md5OfMessageBody: sent.md5OfBody,
                        md5OfMessageAttributes: sent.md5OfMessageAttributes,
                        md5OfMessageSystemAttributes: sent.md5OfMessageSystemAttributes,
                        sequenceNumber: sent.sequenceNumber))
            case .failure(let error):
                failed.append(Self.failure(id, error))
            }
        }
        return SQS.SendMessageBatchResult(successful: successful, failed: failed)
    }

    public func receiveMessage(_ input: SQS.ReceiveMessageRequest, context: RequestContext) async throws
        -> SQS.ReceiveMessageResult
    {
        let maxMessages = input.maxNumberOfMessages ?? 1
        guard (1...10).contains(maxMessages) else {
            throw SQSErrors.invalidParameter(
                "MaxNumberOfMessages", value: String(maxMessages), reason: "Must be between 1 and 10, if provided.")
        }
        if let wait = input.waitTimeSeconds, !(0...20).contains(wait) {
            throw SQSErrors.invalidParameter(
                "WaitTimeSeconds", value: String(wait), reason: "Must be >= 0 and <= 20, if provided.")
        }
        if let visibility = input.visibilityTimeout, !(0...43_200).contains(visibility) {
            throw SQSErrors.invalidParameter(
                "VisibilityTimeout", value: String(visibility), reason: "Must be >= 0 and <= 43200, if provided.")
        }
        let systemNames = try ReceiveSelection.systemAttributeNames(
            (input.attributeNames ?? []) + (input.messageSystemAttributeNames ?? []))
        let attributeFilter = ReceiveSelection(names: input.messageAttributeNames ?? [])
        let request = ReceiveRequest(
            maxMessages: maxMessages, visibilityTimeout: input.visibilityTimeout, waitSeconds: input.waitTimeSeconds,
            attemptId: input.receiveRequestAttemptId)
        let queue = try await key(input.queueUrl, context, for: "ReceiveMessage")
        let (received, ticket) = try await engine.receive(queue, request)
        if !received.isEmpty, let recall = context.recall {
            let engine = self.engine
            recall.onUndelivered { try? await engine.handBack(queue, received).wait() }
        }
        try await ticket.wait()
        let messages = received.map { item -> SQS.Message in
            let message = item.message
            let selected = message.attributes.filter { attributeFilter.includes($0.key) }
            return SQS.Message(
                messageId: message.messageId, receiptHandle: item.receiptHandle, md5OfBody: message.md5OfBody,
                body: message.body, attributes: ReceiveSelection.systemAttributes(of: message, names: systemNames),
                md5OfMessageAttributes: MessageDigest.md5OfAttributes(selected),
                messageAttributes: selected.isEmpty ? nil : selected.mapValues(Self.attributeValue))
        }
        return SQS.ReceiveMessageResult(messages: messages.isEmpty ? nil : messages)
    }

    public func deleteMessage(_ input: SQS.DeleteMessageRequest, context: RequestContext) async throws {
        let (results, ticket) = try await engine.delete(
            key(input.queueUrl, context, for: "DeleteMessage"), receiptHandles: [input.receiptHandle])
        try await ticket.wait()
        try results[0].get()
    }

    public func deleteMessageBatch(_ input: SQS.DeleteMessageBatchRequest, context: RequestContext) async throws
        -> SQS.DeleteMessageBatchResult
    {
        try BatchRules.validate(ids: input.entries.map(\.id), entryName: "DeleteMessageBatchRequestEntry")
        let (results, ticket) = try await engine.delete(
            key(input.queueUrl, context, for: "DeleteMessage"), receiptHandles: input.entries.map(\.receiptHandle))
        try await ticket.wait()
        var successful: [SQS.DeleteMessageBatchResultEntry] = []
        var failed: [SQS.BatchResultErrorEntry] = []
        for (entry, result) in zip(input.entries, results) {
            switch result {
            case .success: successful.append(SQS.DeleteMessageBatchResultEntry(id: entry.id))
            case .failure(let error): failed.append(Self.failure(entry.id, error))
            }
        }
        return SQS.DeleteMessageBatchResult(successful: successful, failed: failed)
    }

    public func changeMessageVisibility(_ input: SQS.ChangeMessageVisibilityRequest, context: RequestContext)
        async throws
    {
        let (results, ticket) = try await engine.changeVisibility(
            key(input.queueUrl, context, for: "ChangeMessageVisibility"),
            [(input.receiptHandle, input.visibilityTimeout)])
        try await ticket.wait()
        try results[0].get()
    }

    public func changeMessageVisibilityBatch(_ input: SQS.ChangeMessageVisibilityBatchRequest, context: RequestContext)
        async throws
        -> SQS.ChangeMessageVisibilityBatchResult
    {
        try BatchRules.validate(ids: input.entries.map(\.id), entryName: "ChangeMessageVisibilityBatchRequestEntry")
        let (results, ticket) = try await engine.changeVisibility(
            key(input.queueUrl, context, for: "ChangeMessageVisibility"),
            input.entries.map { ($0.receiptHandle, $0.visibilityTimeout ?? 0) })
        try await ticket.wait()
        var successful: [SQS.ChangeMessageVisibilityBatchResultEntry] = []
        var failed: [SQS.BatchResultErrorEntry] = []
        for (entry, result) in zip(input.entries, results) {
            switch result {
            case .success: successful.append(SQS.ChangeMessageVisibilityBatchResultEntry(id: entry.id))
            case .failure(let error): failed.append(Self.failure(entry.id, error))
            }
        }
        return SQS.ChangeMessageVisibilityBatchResult(successful: successful, failed: failed)
    }

    // MARK: Dead-letter queue redrive

    public func startMessageMoveTask(_ input: SQS.StartMessageMoveTaskRequest, context: RequestContext) async throws
        -> SQS.StartMessageMoveTaskResult
    {
        for (arn, parameter) in [(input.sourceArn, "SourceArn"), (input.destinationArn, "DestinationArn")] {
            guard let arn else { continue }
            switch context.placement(of: arn, service: "sqs") {
            case .otherAccount:
                throw QueueAccess.denied(
                    .caller(context), action: "StartMessageMoveTask", queueArn: arn, explicit: false)
            case .otherRegion:
                throw SQSErrors.resourceNotFound(
                    "The resource that you specified for the \(parameter) parameter doesn't exist.")
            case .callers, .malformed:
                continue
            }
        }
        let (handle, ticket) = try await engine.startMoveTask(
            sourceArn: input.sourceArn, destinationArn: input.destinationArn,
            maxPerSecond: input.maxNumberOfMessagesPerSecond)
        try await ticket.wait()
        return SQS.StartMessageMoveTaskResult(taskHandle: handle)
    }

    public func cancelMessageMoveTask(_ input: SQS.CancelMessageMoveTaskRequest, context: RequestContext) async throws
        -> SQS.CancelMessageMoveTaskResult
    {
        // AWS answers a handle whose queue does not exist as such, whoever's account it names
        // (recorded with another account's ARN); an existing queue of another account is denied.
        if let (_, sourceArn) = MoveTask.decode(handle: input.taskHandle),
            case .otherAccount = context.placement(of: sourceArn, service: "sqs"),
            let source = QueueKey(arn: sourceArn), await engine.queueExists(source)
        {
            throw QueueAccess.denied(
                .caller(context), action: "CancelMessageMoveTask", queueArn: sourceArn, explicit: false)
        }
        let (moved, ticket) = try await engine.cancelMoveTask(handle: input.taskHandle)
        try await ticket.wait()
        return SQS.CancelMessageMoveTaskResult(approximateNumberOfMessagesMoved: moved)
    }

    public func listMessageMoveTasks(_ input: SQS.ListMessageMoveTasksRequest, context: RequestContext) async throws
        -> SQS.ListMessageMoveTasksResult
    {
        let max = input.maxResults ?? 1
        guard (1...10).contains(max) else {
            throw SQSErrors.invalidParameter(
                "MaxResults", value: String(max), reason: "MaxResults must be between 1 and 10.")
        }
        switch context.placement(of: input.sourceArn, service: "sqs") {
        case .otherAccount:
            throw QueueAccess.denied(
                .caller(context), action: "ListMessageMoveTasks", queueArn: input.sourceArn, explicit: false)
        case .otherRegion:
            throw SQSErrors.resourceNotFound(
                "The resource that you specified for the SourceArn parameter doesn't exist.")
        case .callers, .malformed:
            break
        }
        let tasks = try await engine.listMoveTasks(sourceArn: input.sourceArn, maxResults: max)
        return SQS.ListMessageMoveTasksResult(
            results: tasks.map { task in
                SQS.ListMessageMoveTasksResultEntry(
                    taskHandle: task.taskHandle, status: task.status, sourceArn: task.sourceArn,
                    destinationArn: task.destinationArn,
                    maxNumberOfMessagesPerSecond: task.maxNumberOfMessagesPerSecond,
                    approximateNumberOfMessagesMoved: task.approximateNumberOfMessagesMoved,
                    approximateNumberOfMessagesToMove: task.approximateNumberOfMessagesToMove,
                    failureReason: task.failureReason, startedTimestamp: task.startedTimestamp)
            })
    }

    // MARK: Conversions

    static func senderId(_ context: RequestContext) -> String {
        context.accessKeyId.map { $0.count == 12 && $0.allSatisfy(\.isNumber) ? $0 : "AIDA\($0.uppercased())" }
            ?? context.account
    }

    static func attributes(_ values: [String: SQS.MessageAttributeValue]?) -> [String: MessageAttribute] {
        (values ?? [:]).mapValues {
            MessageAttribute(dataType: $0.dataType, stringValue: $0.stringValue, binaryValue: $0.binaryValue)
        }
    }

    static func systemAttributes(_ values: [String: SQS.MessageSystemAttributeValue]?) -> [String: MessageAttribute] {
        (values ?? [:]).mapValues {
            MessageAttribute(dataType: $0.dataType, stringValue: $0.stringValue, binaryValue: $0.binaryValue)
        }
    }

    static func attributeValue(_ attribute: MessageAttribute) -> SQS.MessageAttributeValue {
        SQS.MessageAttributeValue(
            stringValue: attribute.stringValue, binaryValue: attribute.binaryValue, dataType: attribute.dataType)
    }

    static func failure(_ id: String, _ error: AWSError) -> SQS.BatchResultErrorEntry {
        let code = SQS.model.errorShapes[error.code]?.error?.code ?? error.code
        return SQS.BatchResultErrorEntry(id: id, senderFault: error.senderFault, code: code, message: error.message)
    }
}
