import Foundation

/// A bounce message (RFC 3464 delivery status notification, RFC 6522 multipart/report): the
/// explanation for people, the machine-readable status per recipient, and the original's headers.
enum DeliveryStatusNotification {
    struct Recipient: Sendable {
        var address: String
        var finalRecipient: String?
        var action: String
        var status: String
        var remoteMTA: String?
        var diagnosticCode: String?
        var lastAttemptDate: String?
        var extensionFields: [(String, String)] = []
    }

    static func build(
        from: String, to: String, explanation: String?, reportingMTA: String, arrival: Date?,
        recipients: [Recipient], messageExtensionFields: [(String, String)] = [], originalHeaders: String,
        messageId: String? = nil, date: Date = Date()
    ) -> [UInt8] {
        let boundary = "dsn-" + UUID().uuidString.lowercased()
        let text =
            explanation
            ?? "An error occurred while trying to deliver the mail to the following recipients:\r\n"
            + recipients.map(\.address).joined(separator: "\r\n")
        var status = "Reporting-MTA: \(reportingMTA)\r\n"
        if let arrival { status += "Arrival-Date: \(rfc822(arrival))\r\n" }
        for (name, value) in messageExtensionFields { status += "X-\(name): \(value)\r\n" }
        for recipient in recipients {
            status += "\r\nFinal-Recipient: rfc822; \(recipient.finalRecipient ?? recipient.address)\r\n"
            status += "Action: \(recipient.action)\r\nStatus: \(recipient.status)\r\n"
            if let mta = recipient.remoteMTA { status += "Remote-MTA: \(mta)\r\n" }
            if let code = recipient.diagnosticCode { status += "Diagnostic-Code: \(code)\r\n" }
            if let last = recipient.lastAttemptDate { status += "Last-Attempt-Date: \(last)\r\n" }
            for (name, value) in recipient.extensionFields { status += "X-\(name): \(value)\r\n" }
        }
        var message = "From: \(from)\r\nTo: \(to)\r\nSubject: Delivery Status Notification (Failure)\r\n"
        if let messageId { message += "Message-ID: <\(messageId)@email.amazonses.com>\r\n" }
        message += "Date: \(rfc822(date))\r\nMIME-Version: 1.0\r\n"
        message += "Content-Type: multipart/report; report-type=delivery-status; boundary=\"\(boundary)\"\r\n\r\n"
        message += "--\(boundary)\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n\(text)\r\n"
        message += "--\(boundary)\r\nContent-Type: message/delivery-status\r\n\r\n\(status)"
        message += "--\(boundary)\r\nContent-Type: text/rfc822-headers\r\n\r\n\(originalHeaders)"
        if !originalHeaders.hasSuffix("\r\n") { message += "\r\n" }
        message += "--\(boundary)--\r\n"
        return Array(message.utf8)
    }

    static func rfc822(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, d MMM yyyy HH:mm:ss Z"
        return formatter.string(from: date)
    }
}
