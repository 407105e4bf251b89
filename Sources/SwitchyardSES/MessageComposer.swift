import Foundation
import SwitchyardWire

/// Turns the content of a send (simple parts or a template with its data) into the MIME message SES
/// delivers, and reads the envelope back from raw messages.
enum MessageComposer {
    /// Simple content (subject, text and HTML parts, attachments) as a MIME message.
    static func simple(
        from: String, to: [String], cc: [String], replyTo: [String], subject: String?, text: String?, html: String?,
        headers: [(String, String)] = [], attachments: [MIMEBuilder.Attachment] = [], tracking: LinkTracking? = nil,
        messageId: String? = nil
    ) -> [UInt8] {
        MIMEBuilder.build(
            MIMEBuilder.Content(
                from: from, to: to, cc: cc, replyTo: replyTo, subject: subject ?? "", text: text,
                html: html.map { tracking?.apply($0) ?? $0 },
                extraHeaders: headers.map { (name: $0.0, value: $0.1) }, attachments: attachments,
                messageID: messageId.map { "<\($0)@email.amazonses.com>" },
                date: Date()))
    }

    /// A stored template rendered with JSON data: subject, text and HTML, or the reason it failed.
    static func render(_ template: TemplateRecord, data: String) -> Result<(String?, String?, String?), SESFailure> {
        let value: TemplateValue
        do {
            value = try TemplateValue(jsonData: Array(data.utf8))
        } catch {
            return .failure(.invalidParameter(TemplateError.invalidJSONMessage))
        }
        do {
            func part(_ text: String?) throws -> String? {
                guard let text else { return nil }
                return try SESTemplate(parsing: text).render(value)
            }
            return .success((try part(template.subject), try part(template.text), try part(template.html)))
        } catch let error as TemplateError {
            return .failure(.renderingParameter(error.message))
        } catch {
            return .failure(.renderingParameter("\(error)"))
        }
    }

    /// Checks that a template's parts parse (CreateTemplate, UpdateTemplate).
    static func validate(_ template: TemplateRecord) throws {
        for part in [template.subject, template.text, template.html].compactMap({ $0 }) {
            do {
                _ = try SESTemplate(parsing: part)
            } catch let error as TemplateError {
                throw SESFailure.invalidTemplate(error.message)
            }
        }
    }

    /// Checks addresses as SES does, answering its message for the first bad one.
    static func checkAddresses(_ addresses: [String]) throws {
        for address in addresses {
            do {
                _ = try EmailAddress.parse(address)
            } catch {
                throw SESFailure.invalidParameter(error.message)
            }
        }
    }

    /// The bare address of an address as given ("Name <a@b>" → a@b).
    static func bare(_ address: String) -> String { (try? EmailAddress.parse(address))?.address ?? address }

    /// The caller as the `ses:caller-identity` tag names it: the IAM user or role, or root.
    static func callerIdentity(_ context: RequestContext) -> String {
        let arn = context.principalArn
        if arn.hasSuffix(":root") || arn.isEmpty { return "root" }
        return arn.split(separator: "/").last.map(String.init) ?? "root"
    }
}
