import SwitchyardDelivery

/// Delivers email, SMS and mobile push into SNS's captured outbox instead of a carrier; the
/// message is kept (and committed) before the delivery counts as made.
struct OutboxDeliveryTransport: DeliveryTransport {
    let engine: SNSEngine

    var deliversDurablyInline: Bool { true }

    func attempt(_ request: DeliveryRequest) async -> DeliveryOutcome {
        guard case .outbox(let kind, let address) = request.target else {
            return .failed(reason: "not an outbox target")
        }
        do {
            try await engine.capture(
                kind: kind, address: address, subject: request.headers?["Subject"], body: request.body,
                subscriptionArn: request.origin, topicArn: request.headers?["TopicArn"]
            ).wait()
            return .delivered
        } catch {
            return .retry(reason: "\(error)")
        }
    }
}
