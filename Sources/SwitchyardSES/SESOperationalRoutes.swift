import Foundation
import SwitchyardPlatform
import SwitchyardWire

/// SES's operational endpoints: the captured outbox (admin access), and the links that captured
/// mail carries (verification, open and click tracking), which any browser may follow.
enum SESOperationalRoutes {
    static let messages = "/_switchyard/ses/messages"
    static let raw = "/_switchyard/ses/messages/raw"
    static let attachment = "/_switchyard/ses/messages/attachment"
    static let verify = "/_switchyard/ses/verify"
    static let open = "/_switchyard/ses/open"
    static let click = "/_switchyard/ses/click"
    static let unsubscribe = "/_switchyard/ses/unsubscribe"
    /// An export job's file: the pre-signed URL GetExportJob answers, so it needs no credentials.
    static let exports = "/_switchyard/ses/exports"

    static let publicPaths: Set<String> = [verify, open, click, unsubscribe, exports]

    static func parameters(_ request: WireRequest) -> [String: String] {
        var values: [String: String] = [:]
        for (name, value) in FormParameters.decode(Array((request.query ?? "").utf8)) { values[name] = value }
        return values
    }

    static func routes(_ engine: SESEngine) -> [String: OperationalRoute] {
        [
            messages: { request in
                let filters = parameters(request)
                if request.method == "DELETE" {
                    try? await engine.clearOutbox()
                    return WireResponse(status: 204)
                }
                let list = await engine.capturedMessages(
                    id: filters["id"], source: filters["source"] ?? filters["from"],
                    destination: filters["destination"] ?? filters["to"], since: filters["since"].flatMap(Int64.init),
                    configurationSet: filters["configurationSet"])
                return OperationalResponse.json(200, ["messages": list.map(\.json)])
            },
            raw: { request in
                guard let id = parameters(request)["id"], let bytes = await engine.rawMessage(id) else {
                    return OperationalResponse.json(404, ["message": "No captured message has this id."])
                }
                return WireResponse(status: 200, headers: [("Content-Type", "message/rfc822")], body: bytes)
            },
            attachment: { request in
                let values = parameters(request)
                guard let id = values["id"], let index = values["index"].flatMap(Int.init),
                    let file = await engine.attachment(id, index: index)
                else { return OperationalResponse.json(404, ["message": "No such attachment."]) }
                var headers = [("Content-Type", file.contentType)]
                if let name = file.filename {
                    headers.append(("Content-Disposition", "attachment; filename=\"\(name)\""))
                }
                return WireResponse(status: 200, headers: headers, body: file.bytes)
            },
            // LocalStack's retrospection endpoint: `id` and `email` (the source) filter, DELETE removes
            // one message (`id`) or all.
            LocalStackMailView.path: { request in
                let filters = parameters(request)
                let id = filters["id"].flatMap { $0.isEmpty ? nil : $0 }
                if request.method == "DELETE" {
                    if let id { try? await engine.deleteCapturedMessage(id) } else { try? await engine.clearOutbox() }
                    return WireResponse(status: 204)
                }
                let source = filters["email"].flatMap { $0.isEmpty ? nil : $0 }
                var messages: [[String: Any]] = []
                for view in await engine.capturedMessages(
                    id: id, source: nil, destination: nil, since: nil, configurationSet: nil)
                where source == nil || view.message.source == source {
                    messages.append(LocalStackMailView.json(view, raw: await engine.rawMessage(view.message.id)))
                }
                return OperationalResponse.json(200, ["messages": messages])
            },
            exports: { request in
                guard let id = parameters(request)["id"], let file = await engine.exportFile(id: id) else {
                    return OperationalResponse.json(404, ["message": "No export file has this id."])
                }
                let type = file.format == "JSON" ? "application/x-ndjson" : "text/csv"
                return WireResponse(status: 200, headers: [("Content-Type", type)], body: Array(file.text.utf8))
            },
            verify: { request in
                guard let token = parameters(request)["token"], await engine.confirmVerification(token: token) else {
                    return html(404, "The verification link is not valid or has expired.")
                }
                return html(200, "Congratulations! You have successfully verified an email address with Amazon SES.")
            },
            unsubscribe: { request in
                let values = parameters(request)
                guard let list = values["list"], let email = values["email"], let account = values["account"],
                    let region = values["region"],
                    await engine.unsubscribe(
                        SESScope(account: account, region: region), list: list, topic: values["topic"], email: email)
                else { return html(404, "This unsubscribe link is not valid.") }
                return html(200, "You have been unsubscribed.")
            },
            open: { request in
                await engine.recordOpen(token: parameters(request)["t"] ?? "")
                return WireResponse(status: 200, headers: [("Content-Type", "image/gif")], body: transparentGIF)
            },
            click: { request in
                let values = parameters(request)
                guard let target = await engine.recordClick(token: values["t"] ?? "", link: values["u"] ?? "") else {
                    return html(404, "This link is not valid.")
                }
                return WireResponse(status: 302, headers: [("Location", target)])
            },
        ]
    }

    static func html(_ status: Int, _ text: String) -> WireResponse {
        WireResponse(
            status: status, headers: [("Content-Type", "text/html; charset=utf-8")],
            body: Array("<!DOCTYPE html><html><body><p>\(text)</p></body></html>".utf8))
    }

    /// A 1×1 transparent GIF, the open-tracking pixel.
    static let transparentGIF: [UInt8] = [
        0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff,
        0xff, 0x21, 0xf9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00,
        0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3b,
    ]
}
