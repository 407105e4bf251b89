import SwitchyardDelivery
import SwitchyardSNS
import Synchronization

/// Delivers email, SMS and mobile push into SNS's captured outbox instead of a carrier; the
/// message is kept (and committed) before the delivery counts as made.
final class OutboxDeliveryTransport: DeliveryTransport {
    /// Set once SNS exists: the delivery engine is built first, and SNS on top of it.
    let engine = Mutex<SNSEngine?>(nil)

    var deliversDurablyInline: Bool { true }

    func attempt(_ request: DeliveryRequest) async -> DeliveryOutcome {
        guard case .outbox(let kind, let address) = request.target, let sns = engine.withLock({ $0 }) else {
            return .retry(reason: "the outbox is not ready")
        }
        do {
            try await sns.capture(
                kind: kind, address: address, subject: request.headers?["Subject"], body: request.body,
                subscriptionArn: request.origin, topicArn: request.headers?["TopicArn"]
            ).wait()
            return .delivered
        } catch {
            return .retry(reason: "\(error)")
        }
    }
}
