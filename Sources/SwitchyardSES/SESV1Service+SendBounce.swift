import Foundation
import SwitchyardModels
import SwitchyardWire

// MARK: SendBounce: a bounce for mail received through the receiving interface

extension SESV1Service {
    /// What a bounce type stands for in a DSN: the action, the status and the SMTP reply.
    static func dsn(_ bounceType: String) -> (action: String, status: String, reply: String) {
        switch bounceType {
        case "DoesNotExist": ("failed", "5.1.1", "550 5.1.1 user unknown")
        case "MessageTooLarge": ("failed", "5.3.4", "552 5.3.4 message too large")
        case "ExceededQuota": ("failed", "5.2.2", "552 5.2.2 mailbox full")
        case "ContentRejected": ("failed", "5.6.1", "550 5.6.1 content rejected")
        case "TemporaryFailure": ("delayed", "4.0.0", "450 4.0.0 temporary failure")
        default: ("failed", "5.0.0", "550 5.0.0 undefined error")
        }
    }

    func sendBounce(_ input: SES.SendBounceRequest, context: RequestContext) async throws -> SES.SendBounceResponse {
        try await run {
            let scope = Self.scope(context)
            guard !input.bouncedRecipientInfoList.isEmpty else {
                throw SESFailure.invalidParameter("BouncedRecipientInfoList must contain at least one recipient.")
            }
            for info in input.bouncedRecipientInfoList where info.bounceType == nil && info.recipientDsnFields == nil {
                throw SESFailure.invalidParameter(
                    "Either BounceType or RecipientDsnFields must be given for recipient \(info.recipient).")
            }
            // Only mail received here within the last 24 hours can be bounced.
            guard let original = await engine.received[scope.key(input.originalMessageId)],
                SESEngine.nowMillis() - original.receivedMillis <= SESEngine.bounceableMillis
            else { throw SESFailure.rejected("Could not find message with ID \(input.originalMessageId).") }
            guard !original.source.isEmpty else {
                throw SESFailure.rejected("The original message has no sender to bounce to.")
            }
            let recipients = input.bouncedRecipientInfoList.map { info in
                let fields = info.recipientDsnFields
                let defaults = Self.dsn(info.bounceType ?? "Undefined")
                return DeliveryStatusNotification.Recipient(
                    address: info.recipient, finalRecipient: fields?.finalRecipient,
                    action: fields?.action ?? defaults.action, status: fields?.status ?? defaults.status,
                    remoteMTA: fields?.remoteMta,
                    diagnosticCode: fields?.diagnosticCode ?? (fields == nil ? "smtp; " + defaults.reply : nil),
                    lastAttemptDate: fields?.lastAttemptDate.map(DeliveryStatusNotification.rfc822),
                    extensionFields: (fields?.extensionFields ?? []).map { ($0.name, $0.value) })
            }
            let millis = SESEngine.nowMillis()
            let id = SESEngine.messageId(millis)
            let raw = DeliveryStatusNotification.build(
                from: input.bounceSender, to: original.source, explanation: input.explanation,
                reportingMTA: input.messageDsn?.reportingMta ?? "dns; inbound-smtp.\(scope.region).amazonaws.com",
                arrival: input.messageDsn?.arrivalDate
                    ?? Date(timeIntervalSince1970: Double(original.receivedMillis) / 1000),
                recipients: recipients,
                messageExtensionFields: (input.messageDsn?.extensionFields ?? []).map { ($0.name, $0.value) },
                originalHeaders: original.headerBlock, messageId: id)
            let email = OutgoingEmail(
                id: id, scope: scope, operation: "SendBounce", source: MessageComposer.bare(input.bounceSender),
                destinations: [original.source], raw: raw, configurationSet: nil, tags: [],
                sourceArn: input.bounceSenderArn, callerIdentity: MessageComposer.callerIdentity(context),
                builtBySES: true)
            return SES.SendBounceResponse(messageId: try await engine.send(email))
        }
    }
}
