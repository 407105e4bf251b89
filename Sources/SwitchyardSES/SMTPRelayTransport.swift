import Foundation
import Logging
import SwitchyardDelivery

/// Relays captured messages to a real SMTP server through the delivery engine, so that a relay that
/// is down is retried and nothing accepted is lost; the server's answer becomes Delivery or Bounce
/// events.
struct SMTPRelayTransport: DeliveryTransport {
    static let kind = DeliveryTargetKind("smtp-relay", targetsName: "SMTP relays")

    let engine: SESEngine
    let relay: SMTPRelaySettings
    let pool: SMTPRelayPool
    let logger: Logger

    init(engine: SESEngine, relay: SMTPRelaySettings, logger: Logger) {
        self.engine = engine
        self.relay = relay
        self.pool = SMTPRelayPool(relay: relay)
        self.logger = logger
    }

    /// The delivery of one message to some of its recipients: the body names the message in the
    /// outbox, the metadata the envelope.
    static func request(messageId: String, from: String, to: [String], relay: SMTPRelaySettings) -> DeliveryRequest {
        DeliveryRequest(
            target: DeliveryTarget(kind: kind, resource: "\(relay.host):\(relay.port)"),
            body: DeliveryPayload(messageId),
            metadata: ["from": from, "to": to.joined(separator: "\n")],
            retry: .eventBridge(maximumRetryAttempts: 30, maximumEventAgeSeconds: 86_400), origin: messageId)
    }

    func attempt(_ request: DeliveryRequest) async -> DeliveryOutcome {
        let id = String(decoding: request.body.bytes, as: UTF8.self)
        let from = request.metadata?["from"] ?? ""
        let recipients = (request.metadata?["to"] ?? "").split(separator: "\n").map(String.init)
        guard let raw = await engine.rawMessage(id) else { return .failed(reason: "The message \(id) is gone.") }
        do {
            let outcome = try await pool.send(from: from, to: recipients, data: MIMEMessage.removingBcc(raw))
            if outcome.delivered {
                await engine.relayFinished(
                    messageId: id, recipients: outcome.accepted, reply: outcome.reply, permanentFailure: false)
                for (recipient, reply) in outcome.refused {
                    await engine.relayFinished(
                        messageId: id, recipients: [recipient], reply: reply, permanentFailure: reply.hasPrefix("5"))
                }
                return .delivered
            }
            if outcome.permanent {
                await engine.relayFinished(
                    messageId: id, recipients: recipients, reply: outcome.reply, permanentFailure: true)
                return .delivered
            }
            await engine.relayDelayed(messageId: id, recipients: recipients, reply: outcome.reply)
            return .retry(reason: outcome.reply)
        } catch {
            logger.debug("SMTP relay \(relay.host):\(relay.port) failed: \(error)")
            await engine.relayDelayed(messageId: id, recipients: recipients, reply: nil)
            return .retry(reason: "\(error)")
        }
    }
}
