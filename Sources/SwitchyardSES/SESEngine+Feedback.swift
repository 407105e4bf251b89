import Foundation

extension SESEngine {
    /// The mail SES itself sends back to a sender after a send: the mailbox simulator's out-of-office
    /// auto-response, and, when the identity forwards feedback by email (the default), a notice of each
    /// bounce and complaint. Both land in the captured outbox, addressed to the sender.
    /// Auto-responses come once, from the send itself (`autoResponses`), not from later relay answers.
    func sendFeedbackEmails(
        _ events: [MailEvent], about message: SentMessage, to sender: String, forwarding: Bool?,
        autoResponses: Bool = false
    ) async {
        for recipient in message.destinations
        where autoResponses && MailboxSimulator.outcome(for: recipient) == .outOfOffice
            && message.outcomes[recipient] == "delivered"
        {
            await capture(
                scope: message.scope, from: recipient, to: sender, subject: "Out of the office",
                text:
                    "I am out of the office and will reply to your message \"\(message.subject ?? "")\" when I return.",
                operation: "AutoResponse")
        }
        guard forwarding ?? false else { return }
        for event in events {
            switch event {
            case .bounce(let details) where details.bounceSubType != "OnAccountSuppressionList":
                let lines = details.recipients.map { "\($0.address)\n    \($0.diagnosticCode ?? $0.status)" }
                await capture(
                    scope: message.scope, from: "MAILER-DAEMON@amazonses.com", to: sender,
                    subject: "Delivery Status Notification (Failure)",
                    text: "An error occurred while trying to deliver the mail to the following recipients:\n"
                        + lines.joined(separator: "\n") + "\n\nOriginal message id: \(message.id)",
                    operation: "FeedbackForwarding")
            case .complaint(let recipients, let feedbackType):
                await capture(
                    scope: message.scope, from: "complaints@email-abuse.amazonses.com", to: sender,
                    subject: "Complaint about your message \"\(message.subject ?? "")\"",
                    text: "A recipient marked your message as spam (\(feedbackType ?? "abuse")):\n"
                        + recipients.joined(separator: "\n") + "\n\nOriginal message id: \(message.id)",
                    operation: "FeedbackForwarding")
            default:
                continue
            }
        }
    }
}
