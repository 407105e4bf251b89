import Foundation

/// Captured mail in the form LocalStack's `/_aws/ses` endpoint gives it, so that test suites written
/// against LocalStack find the messages they sent: simple sends with Subject and Body, templated
/// ones with Template and TemplateData, raw ones (and SMTP) with RawData.
enum LocalStackMailView {
    static let path = "/_aws/ses"

    static func json(_ view: CapturedMessageView, raw: [UInt8]?) -> [String: Any] {
        let message = view.message
        var object: [String: Any] = [
            "Id": message.id, "Region": message.scope.region, "Source": message.source,
            "Timestamp": SESEvents.time(message.sentMillis),
        ]
        switch message.operation {
        case "SendRawEmail", "SendSmtpEmail":
            object["RawData"] = raw.map { String(decoding: $0, as: UTF8.self) } ?? ""
        default:
            var destination: [String: Any] = [:]
            if !view.to.isEmpty { destination["ToAddresses"] = view.to.map(Self.bare) }
            if !view.cc.isEmpty { destination["CcAddresses"] = view.cc.map(Self.bare) }
            let listed = Set((view.to + view.cc).map { Self.bare($0).lowercased() })
            let blind = message.destinations.filter { !listed.contains($0.lowercased()) }
            if !blind.isEmpty { destination["BccAddresses"] = blind }
            object["Destination"] = destination
            if let template = message.template {
                object["Template"] = template
                object["TemplateData"] = message.templateData ?? "{}"
            } else {
                object["Subject"] = message.subject ?? ""
                let text: Any = view.text ?? NSNull()
                let html: Any = view.html ?? NSNull()
                object["Body"] = ["text_part": text, "html_part": html]
            }
        }
        return object
    }

    static func bare(_ address: String) -> String { MessageComposer.bare(address) }
}
