import SwitchyardDelivery

/// Delivers email, SMS and mobile push into SNS's captured outbox instead of a carrier; the
/// message is kept (and committed) before the delivery counts as made.
struct OutboxDeliveryTransport: DeliveryTransport {
    let engine: SNSEngine

    var deliversDurablyInline: Bool { true }

    func attempt(_ request: DeliveryRequest) async -> DeliveryOutcome {
        guard request.target.kind == .outbox, let kind = request.target.qualifier else {
            return .failed(reason: "not an outbox target")
        }
        // Email, SMS and push carry text; bytes that are not UTF-8 cannot become one.
        guard let body = request.body.text else { return .failed(reason: "the payload is not UTF-8 text") }
        // A device endpoint that was disabled (or deleted) since it subscribed takes nothing: the push
        // service would refuse it, and no retry changes that.
        if kind == "application" {
            guard let endpoint = try? await engine.platformEndpoint(request.target.resource) else {
                return .failed(reason: "EndpointNotFound: Endpoint does not exist")
            }
            guard endpoint.enabled else { return .failed(reason: "EndpointDisabled: Endpoint is disabled") }
        }
        do {
            try await engine.capture(
                kind: kind, address: request.target.resource, subject: Self.metadata("Subject", of: request),
                body: body,
                subscriptionArn: request.origin, topicArn: Self.metadata("TopicArn", of: request)
            ).wait()
            return .delivered
        } catch {
            return .retry(reason: "\(error)")
        }
    }

    /// Deliveries stored by earlier versions carried these in `headers`.
    static func metadata(_ name: String, of request: DeliveryRequest) -> String? {
        request.metadata?[name] ?? request.headers?[name]
    }
}
