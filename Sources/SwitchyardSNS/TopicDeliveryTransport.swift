import SwitchyardDelivery
import SwitchyardWire

/// Delivers to SNS topics of this server: the payload is published to the topic, as an EventBridge
/// rule, a schedule or a pipe does; the delivery counts as made once the publish and its own
/// deliveries are stored.
struct TopicDeliveryTransport: DeliveryTransport {
    let engine: SNSEngine
    let baseURL: String

    var deliversDurablyInline: Bool { true }

    func attempt(_ request: DeliveryRequest) async -> DeliveryOutcome {
        guard let key = TopicKey(arn: request.target.resource) else { return .failed(reason: "not an SNS topic ARN") }
        guard let message = request.body.text else { return .failed(reason: "the payload is not UTF-8 text") }
        let draft = PublishDraft(
            message: message, subject: request.metadata?["Subject"], messageStructure: nil,
            // What the producer attached (a function's dead-letter attributes) becomes message attributes.
            attributes: request.attributes.mapValues {
                NotificationAttribute(dataType: $0.dataType, stringValue: $0.stringValue, binaryValue: $0.binaryValue)
            },
            messageGroupId: request.messageGroupId,
            messageDeduplicationId: request.messageDeduplicationId
                ?? (key.isFIFO ? request.metadata?["EventId"] : nil),
            publisherAccount: request.source?.account ?? key.account, traceHeader: request.traceHeader)
        do {
            let published = try await engine.publish(key, draft, baseURL: baseURL)
            if let plan = published.plan {
                try await engine.deliver(plan).wait()
            } else {
                try await published.ticket?.wait()
            }
            return .delivered
        } catch let error as AWSError {
            // A topic that does not exist (yet) may come; a message the topic refuses never passes.
            if error.code == "NotFound" { return .retry(reason: "NotFound: \(error.message ?? "")") }
            return .failed(reason: "\(error.code): \(error.message ?? "")")
        } catch {
            return .retry(reason: "\(error)")
        }
    }
}
