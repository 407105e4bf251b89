import SwitchyardCore
import SwitchyardWire

// SMS account settings and sandbox numbers, and the captured outbox of messages that would leave AWS.
extension SNSEngine {
    /// Reads or changes an account's SMS settings in a region.
    public func withSMSSettings<T: Sendable>(
        account: String, region: String, _ body: (inout SMSSettings) throws -> T
    ) throws -> (T, CommitTicket) {
        let key = "\(account)/\(region)"
        var settings = smsSettings[key] ?? SMSSettings()
        let before = settings
        let result = try body(&settings)
        guard settings != before else { return (result, .alreadyCommitted) }
        smsSettings[key] = settings
        return (result, store.submit([.putSMSSettings(key: key, settings)]))
    }

    /// A new sandbox destination number: its one-time password is "texted" to it, into the outbox.
    public func addSandboxNumber(_ number: String, account: String, region: String) throws -> CommitTicket {
        let password = String(RandomUUID.makeBits().high % 1_000_000).leftPadded(to: 6)
        let seq = nextSeq
        nextSeq += 1
        let (_, stored) = try withSMSSettings(account: account, region: region) { settings in
            guard settings.sandboxNumbers[number] == nil else {
                throw SNSErrors.invalidParameter("PhoneNumber Reason: \(number) is already in the sandbox")
            }
            settings.sandboxNumbers[number] = SMSSettings.SandboxNumber(
                status: "Pending", oneTimePassword: password, createdSeq: seq)
        }
        _ = stored
        return capture(
            kind: "sms", address: number, subject: nil,
            body: "Your Amazon SNS verification code is: \(password)", subscriptionArn: nil, topicArn: nil)
    }

    // MARK: Outbox

    /// Keeps a message that would have left the machine (email, SMS, mobile push).
    public func capture(
        kind: String, address: String, subject: String?, body: String, subscriptionArn: String?, topicArn: String?
    ) -> CommitTicket {
        let entry = OutboxEntry(
            id: nextSeq, kind: kind, address: address, subject: subject, body: body,
            subscriptionArn: subscriptionArn, topicArn: topicArn, at: clock.nowMillis())
        nextSeq += 1
        outbox.append(entry)
        var changes: [SNSChange] = [.putOutbox(entry)]
        if let before = trimOutbox() { changes.append(.pruneOutbox(before: before)) }
        return store.submit(changes)
    }

    /// Drops the oldest captured messages beyond the outbox's limit, a tenth of it at a time so that
    /// a capture seldom pays for the copy; returns the id of the oldest message kept when it dropped any.
    func trimOutbox() -> Int64? {
        let kept = Self.kept(outbox, limit: outboxLimit)
        guard kept.count < outbox.count else { return nil }
        outbox = kept
        return outbox.first?.id
    }

    /// The entries an outbox of `limit` keeps: all of them until they pass the limit by a tenth,
    /// then the newest `limit`.
    static func kept(_ entries: [OutboxEntry], limit: Int) -> [OutboxEntry] {
        entries.count > limit + max(1, limit / 10) ? Array(entries.suffix(limit)) : entries
    }

    /// Captured messages, oldest first, optionally only of one kind, address or topic.
    public func capturedMessages(kind: String? = nil, address: String? = nil, topicArn: String? = nil)
        -> [OutboxEntry]
    {
        outbox.filter { entry in
            (kind.map { entry.kind == $0 } ?? true) && (address.map { entry.address == $0 } ?? true)
                && (topicArn.map { entry.topicArn == $0 } ?? true)
        }
    }
}
