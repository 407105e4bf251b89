import Foundation
import SwitchyardDelivery
import SwitchyardWire

/// Tells a partner's SNS topic (the request's notification channel) how its delegation request
/// changed, through the one delivery mechanism, as IAM's service principal publishes:
/// `StateChange` on every change after creation, and `ExchangeToken`, carrying the token, once
/// the request is finalized (IAM User Guide, "Configuring notifications").
public struct DelegationNotifier: Sendable {
    let deliveries: DeliveryEngine

    public init(deliveries: DeliveryEngine) { self.deliveries = deliveries }

    /// Every minute, expires the requests whose time ran out and tells their partners, as AWS
    /// sends `StateChange` with `EXPIRED`.
    func runExpirations(_ identity: IdentityEngine, every interval: Duration = .seconds(60)) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            let (expired, ticket) = await identity.expireDelegationRequests()
            guard (try? await ticket.wait()) != nil else { continue }
            for request in expired { await changed(request) }
        }
    }

    func changed(_ request: DelegationRequestRecord) async {
        var messages = [Self.message(request, type: "StateChange")]
        if request.state == .finalized, let token = request.exchangeToken, let expiresAt = request.tokenExpiresAt {
            messages.append(
                Self.message(
                    request, type: "ExchangeToken",
                    extra: [("ExchangeToken", .string(token)), ("ExpiresAt", .string(Timestamps.iso8601(expiresAt)))]))
        }
        let requests = messages.map { message in
            DeliveryRequest(
                target: DeliveryTarget(kind: .snsTopic, resource: request.notificationChannel),
                body: DeliveryPayload(message.text), retry: .eventBridge(), origin: request.arn,
                source: DeliverySource(service: "iam.amazonaws.com", arn: request.arn, account: request.requestorId))
        }
        // The change is durable already; a notification that cannot be queued is retried by no one,
        // as AWS's are not when the topic refuses them.
        try? await deliveries.enqueue(requests).wait()
    }

    static func message(
        _ request: DelegationRequestRecord, type: String, extra: [(key: String, value: OrderedJSON)] = []
    ) -> OrderedJSON {
        .object(
            [
                ("Type", .string(type)), ("RequestId", .string(request.id)),
                ("RequestorWorkflowId", .string(request.requestorWorkflowId)),
                ("State", .string(request.state.rawValue)),
                ("OwnerAccountId", request.ownerAccountId.map(OrderedJSON.string) ?? .null),
                ("UpdatedAt", .string(Timestamps.iso8601(request.updatedAt))),
            ] + extra)
    }
}
