import Foundation
import SwitchyardDelivery

/// A captured message as `/_switchyard/ses/messages` lists it.
struct CapturedMessageView: Sendable {
    var message: SentMessage
    var from: [String]
    var to: [String]
    var cc: [String]
    var text: String?
    var html: String?
    var attachments: [(filename: String?, contentType: String, size: Int)]

    var json: [String: Any] {
        var object: [String: Any] = [
            "id": message.id, "account": message.scope.account, "region": message.scope.region,
            "timestamp": SESEvents.time(message.sentMillis), "operation": message.operation,
            "source": message.source, "destinations": message.destinations, "from": from, "to": to, "cc": cc,
            "outcomes": message.outcomes, "size": message.size,
            "tags": Dictionary(message.tags.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last }),
            "attachments": attachments.enumerated().map { index, file -> [String: Any] in
                var entry: [String: Any] = ["index": index, "contentType": file.contentType, "size": file.size]
                if let name = file.filename { entry["filename"] = name }
                return entry
            },
        ]
        if let subject = message.subject { object["subject"] = subject }
        if let text { object["text"] = text }
        if let html { object["html"] = html }
        if let set = message.configurationSet { object["configurationSet"] = set }
        if let template = message.template { object["template"] = template }
        if let data = message.templateData { object["templateData"] = data }
        return object
    }
}

extension SESEngine {
    func messageCount() -> Int { (try? outbox.count()) ?? 0 }

    func clearOutbox() async throws { try await outbox.wipe().wait() }

    func deleteCapturedMessage(_ id: String) async throws { try await outbox.delete(id: id).wait() }

    /// Captured messages, oldest first, filtered by id, envelope sender or recipient, time and configuration set.
    func capturedMessages(
        id: String?, source: String?, destination: String?, since: Int64?, configurationSet: String?
    ) -> [CapturedMessageView] {
        let all: [SentMessage]
        if let id {
            all = ((try? outbox.message(id: id)) ?? nil).map { [$0] } ?? []
        } else {
            all = (try? outbox.messages(since: since ?? 0, limit: Int.max)) ?? []
        }
        return all.filter { message in
            (source.map { message.source.caseInsensitiveCompare($0) == .orderedSame } ?? true)
                && (destination.map { wanted in
                    message.destinations.contains { $0.caseInsensitiveCompare(wanted) == .orderedSame }
                } ?? true)
                && (configurationSet.map { message.configurationSet == $0 } ?? true)
        }.map { message in
            let raw = (try? outbox.raw(id: message.id)) ?? nil
            let parsed = raw.flatMap { try? MIMEMessage.parse($0) }
            return CapturedMessageView(
                message: message, from: parsed?.from.map(\.displayText) ?? [],
                to: parsed?.to.map(\.displayText) ?? [], cc: parsed?.cc.map(\.displayText) ?? [],
                text: parsed?.textBody, html: parsed?.htmlBody,
                attachments: (parsed?.attachments ?? []).map { ($0.filename, $0.contentType, $0.bytes.count) })
        }
    }

    func rawMessage(_ id: String) -> [UInt8]? { (try? outbox.raw(id: id)) ?? nil }

    func attachment(_ id: String, index: Int) -> (filename: String?, contentType: String, bytes: [UInt8])? {
        guard let raw = rawMessage(id), let parsed = try? MIMEMessage.parse(raw),
            parsed.attachments.indices.contains(index)
        else { return nil }
        let file = parsed.attachments[index]
        return (file.filename, file.contentType, file.bytes)
    }

    /// An open of a tracked message (its pixel was loaded): an Open event to its configuration set.
    func recordOpen(token: String) async {
        guard var message = (try? outbox.message(id: token)) ?? nil else { return }
        // One message is one tracked copy here: its first recipient stands for who opened it.
        if let reader = message.destinations.first, message.openedBy?.contains(reader) != true {
            message.openedBy = (message.openedBy ?? []) + [reader]
            try? await outbox.update(message).wait()
        }
        await report(.open(link: nil), about: message)
    }

    /// A click on a tracked link: a Click event, and where to send the browser.
    func recordClick(token: String, link: String) async -> String? {
        guard var message = (try? outbox.message(id: token)) ?? nil, !link.isEmpty else { return nil }
        if let reader = message.destinations.first, message.clickedBy?.contains(reader) != true {
            message.clickedBy = (message.clickedBy ?? []) + [reader]
            try? await outbox.update(message).wait()
        }
        await report(.click(link: link, tags: [:]), about: message)
        return link
    }

}
extension SESEngine {
    /// The messages of a scope sent within a time range.
    func sentMessages(_ scope: SESScope, from start: Int64, to end: Int64) -> [SentMessage] {
        ((try? outbox.messages(since: start, limit: Int.max)) ?? []).filter {
            $0.scope == scope && $0.sentMillis <= end && !$0.sentBySES
        }
    }
}
