import Foundation
import SwitchyardDelivery

extension SESEngine {
    /// SES's message id: a region prefix and the send time in hex, a random UUID and a sequence suffix
    /// (`010001a21dd4bca5-29ff3d43-...-000000`, as AWS's ids read).
    static func messageId(_ millis: Int64) -> String {
        let hex = String(UInt64(max(0, millis)), radix: 16)
        return "0100" + String(repeating: "0", count: max(0, 12 - hex.count)) + hex + "-"
            + UUID().uuidString.lowercased() + "-000000"
    }

    /// The most recipients one message may have.
    static let maximumRecipients = 50

    /// Checks a send as SES does, keeps the message in the captured outbox, and reports what became
    /// of each recipient to the configuration set's destinations and the identity's topics. Answers
    /// the message id once the message and its events are durable.
    func send(_ email: OutgoingEmail) async throws -> String {
        let scope = email.scope
        guard account(scope).sendingEnabled else { throw SESFailure.accountSendingPaused }
        let source = verifiedIdentity(scope, address: email.source)
        let setName = email.configurationSet ?? source?.configurationSetName
        var set: ConfigurationSetRecord?
        if let setName {
            guard let found = configurationSet(scope, setName) else {
                throw SESFailure.configurationSetMissing(setName)
            }
            guard found.sendingEnabled else { throw SESFailure.configurationSetSendingPaused(setName) }
            set = found
        }
        guard !email.destinations.isEmpty else {
            throw SESFailure.invalidParameter("Missing required header 'To'.")
        }
        guard email.destinations.count <= Self.maximumRecipients else {
            throw SESFailure.invalidParameter("Recipient count exceeds 50.")
        }
        guard email.raw.count <= email.maximumBytes else {
            throw SESFailure.invalidParameter("Message length is more than \(email.maximumBytes / 1_048_576) MB")
        }
        var unverified: [String] = []
        if source == nil { unverified.append(email.source) }
        if settings.sandbox {
            unverified += email.destinations.filter {
                verifiedIdentity(scope, address: $0) == nil && MailboxSimulator.outcome(for: $0) == nil
            }
        }
        guard unverified.isEmpty else { throw SESFailure.notVerified(unverified, region: scope.region) }
        try chargeQuota(scope, recipients: Self.quotaRecipients(email.destinations))

        let millis = Self.nowMillis()
        let id = email.id ?? Self.messageId(millis)
        // What SES built already carries its Message-ID and Date; what callers built gets them.
        let raw =
            email.raw.isEmpty || (email.builtBySES && email.id != nil)
            ? email.raw : MIMEMessage.stamped(email.raw, messageId: "<\(id)@email.amazonses.com>")
        let headers = MIMEMessage.headers(of: raw)
        var message = SentMessage(
            id: id, scope: scope, sentMillis: millis, operation: email.operation, source: email.source,
            destinations: email.destinations, subject: headers?.decoded("Subject"), configurationSet: setName,
            tags: email.tags,
            sourceArn: email.sourceArn
                ?? source.map { _ in "arn:aws:ses:\(scope.region):\(scope.account):identity/\(email.source)" },
            template: email.template, templateData: email.templateData, size: raw.count)
        var events: [MailEvent] = [.send]
        var relayed: [String] = []
        if let failure = email.renderingFailure {
            events = [.renderingFailure(template: email.template ?? "", message: failure)]
            for recipient in email.destinations { message.outcomes[recipient] = "rendering-failed" }
        } else if VirusScan.isInfected(raw) {
            // SES accepts the call, finds the virus and sends nothing: a Reject event (AWS's test for
            // it is the EICAR test file, as its documentation suggests).
            events.append(.reject(reason: "Bad content"))
            for recipient in email.destinations { message.outcomes[recipient] = "rejected" }
        } else {
            for recipient in email.destinations {
                let (outcome, recipientEvents) =
                    email.optedOut.contains(recipient)
                    ? ("unsubscribed", [.bounce(MailboxSimulator.unsubscribedBounce(recipient))])
                    : await fate(of: recipient, scope: scope, set: set, messageId: id)
                message.outcomes[recipient] = outcome
                events += recipientEvents
                if outcome == "relaying" { relayed.append(recipient) }
            }
        }
        let stored = outbox.insert(message, raw: raw)
        var requests: [DeliveryRequest] = []
        // The mail object is built only when someone listens for events.
        if set?.eventDestinations.isEmpty == false || source?.notificationTopics.isEmpty == false {
            let mail = summary(email, message: message, parsed: ParsedMail(headers), configurationSet: setName)
            for event in events {
                if let set { requests += SESEvents.requests(event, mail: mail, set: set, at: millis) }
                requests += identityNotifications(event, mail: mail, source: source)
            }
        }
        if !relayed.isEmpty, let relay = settings.relay {
            requests.append(SMTPRelayTransport.request(messageId: id, from: email.source, to: relayed, relay: relay))
        }
        let queued = requests.isEmpty ? nil : await deliveries.enqueue(requests)
        try await stored.wait()
        try await queued?.wait()
        await sendFeedbackEmails(
            events, about: message, to: email.feedbackAddress ?? email.source, forwarding: source?.feedbackForwarding,
            autoResponses: true)
        return id
    }

    /// What becomes of one recipient: its outcome word and the events it produces.
    private func fate(
        of recipient: String, scope: SESScope, set: ConfigurationSetRecord?, messageId: String
    ) async -> (String, [MailEvent]) {
        let delivered = MailEvent.delivery(
            recipients: [recipient], smtpResponse: "250 2.6.0 Message received", processingMillis: 1)
        switch MailboxSimulator.outcome(for: recipient) {
        case .success, .outOfOffice: return ("delivered", [delivered])
        case .bounce: return ("bounced", [.bounce(MailboxSimulator.hardBounce(recipient))])
        case .complaint: return ("complained", [delivered, .complaint(recipients: [recipient], feedbackType: "abuse")])
        case .suppressionList: return ("suppressed", [.bounce(MailboxSimulator.suppressedBounce(recipient))])
        case nil: break
        }
        if let entry = suppressedDestination(scope, recipient) {
            let reasons = set?.suppressedReasons ?? account(scope).suppressedReasons
            if reasons.contains(entry.reason) {
                return ("suppressed", [.bounce(MailboxSimulator.suppressedBounce(recipient))])
            }
        }
        if settings.relay != nil { return ("relaying", []) }
        return ("delivered", [delivered])
    }

    /// The `mail` object of the message's event records.
    func summary(_ email: OutgoingEmail, message: SentMessage, parsed: ParsedMail, configurationSet: String?)
        -> MailSummary
    {
        var tags: [(name: String, values: [String])] = [("ses:operation", [email.operation])]
        if let configurationSet { tags.append(("ses:configuration-set", [configurationSet])) }
        tags.append(("ses:source-ip", ["127.0.0.1"]))
        if let from = parsed.from.first.flatMap({ ParsedMail.domain(of: $0) }) {
            tags.append(("ses:from-domain", [from]))
        }
        for tag in email.tags { tags.append((tag.key, [tag.value])) }
        tags.append(("ses:caller-identity", [email.callerIdentity]))
        var parsed = parsed
        if email.builtBySES {
            parsed.headers.removeAll { $0.name.caseInsensitiveCompare("Date") == .orderedSame }
            parsed.date = nil
        }
        return MailSummary(
            timestampMillis: message.sentMillis, source: email.source, sourceArn: message.sourceArn,
            sendingAccountId: email.scope.account, messageId: message.id, destination: email.destinations,
            headers: parsed.headers, from: parsed.from, to: parsed.to, cc: parsed.cc, bcc: parsed.bcc,
            replyTo: parsed.replyTo, subject: parsed.subject, date: parsed.date, tags: tags,
            callerIdentity: email.callerIdentity)
    }

    /// Notifications to the topics the sending identity set for bounces, complaints and deliveries.
    func identityNotifications(_ event: MailEvent, mail: MailSummary, source: IdentityRecord?) -> [DeliveryRequest] {
        guard let source else { return [] }
        let kind: String
        switch event.type {
        case .bounce: kind = "Bounce"
        case .complaint: kind = "Complaint"
        case .delivery: kind = "Delivery"
        default: return []
        }
        guard let topic = source.notificationTopics[kind] else { return [] }
        let body = SESEvents.notification(
            event, mail: mail, withHeaders: source.headersInNotifications[kind] ?? false, at: Self.nowMillis())
        return [
            DeliveryRequest(
                target: DeliveryTarget(kind: .snsTopic, resource: topic), body: DeliveryPayload(body.text),
                retry: .eventBridge(), origin: source.arn,
                source: DeliverySource(service: "ses.amazonaws.com", arn: source.arn, account: source.scope.account))
        ]
    }

    /// What the relay answered for a message's recipients: delivered or bounced, reported as events.
    func relayFinished(messageId: String, recipients: [String], reply: String, permanentFailure: Bool) async {
        guard var message = try? outbox.message(id: messageId) else { return }
        let event: MailEvent =
            permanentFailure
            ? .bounce(
                BounceDetails(
                    bounceType: "Permanent", bounceSubType: "General",
                    recipients: recipients.map {
                        ($0, "failed", Self.enhancedStatus(reply) ?? "5.0.0", "smtp; " + reply)
                    },
                    reportingMTA: "dsn; \(settings.relay?.host ?? "relay")"))
            : .delivery(
                recipients: recipients, smtpResponse: reply, processingMillis: Self.nowMillis() - message.sentMillis)
        for recipient in recipients { message.outcomes[recipient] = permanentFailure ? "bounced" : "delivered" }
        // A hard bounce puts the address on the account's suppression list, as SES does when the
        // account suppresses bounces.
        if permanentFailure, account(message.scope).suppressedReasons.contains("BOUNCE") {
            for recipient in recipients {
                try? await suppressed.put(
                    SuppressedDestinationRecord(
                        scope: message.scope, email: recipient, reason: "BOUNCE", updatedMillis: Self.nowMillis(),
                        messageId: messageId)
                ).wait()
            }
        }
        let updated = outbox.update(message)
        await report(event, about: message)
        try? await updated.wait()
        await sendFeedbackEmails(
            [event], about: message, to: message.source,
            forwarding: verifiedIdentity(message.scope, address: message.source)?.feedbackForwarding)
    }

    /// A relay attempt that failed for now (a 4xx reply, or no connection): the message is retried,
    /// and its first delay is reported as a DeliveryDelay event, as SES reports a deferral.
    func relayDelayed(messageId: String, recipients: [String], reply: String?) async {
        guard var message = try? outbox.message(id: messageId) else { return }
        let first = recipients.filter { message.outcomes[$0] == "relaying" }
        guard !first.isEmpty else { return }
        for recipient in first { message.outcomes[recipient] = "delayed" }
        let event = MailEvent.deliveryDelay(
            recipients: first, delayType: Self.delayType(reply), status: reply.flatMap(Self.enhancedStatus) ?? "4.4.1",
            diagnosticCode: "smtp; " + (reply ?? "421 4.4.1 Unable to connect to remote host"))
        await report(event, about: message)
        try? await outbox.update(message).wait()
    }

    /// SES's delayType for a deferral: what the reply (or its absence) says.
    static func delayType(_ reply: String?) -> String {
        guard let reply else { return "TransientCommunicationFailure" }
        let lowered = reply.lowercased()
        if reply.hasPrefix("452") || lowered.contains("4.2.2") || lowered.contains("mailbox full") {
            return "MailboxFull"
        }
        if reply.hasPrefix("421") { return "TransientCommunicationFailure" }
        if lowered.contains("spam") { return "SpamDetected" }
        return "RecipientServerError"
    }

    /// Sends an event about a message already in the outbox to its configuration set's destinations
    /// and its identity's notification topics.
    func report(_ event: MailEvent, about message: SentMessage) async {
        let set = message.configurationSet.flatMap { configurationSet(message.scope, $0) }
        let source = verifiedIdentity(message.scope, address: message.source)
        // The message is read back only when someone listens.
        guard set?.eventDestinations.isEmpty == false || source?.notificationTopics.isEmpty == false else { return }
        let raw = (try? outbox.raw(id: message.id)) ?? []
        let email = OutgoingEmail(
            scope: message.scope, operation: message.operation, source: message.source,
            destinations: message.destinations, raw: raw, configurationSet: message.configurationSet,
            tags: message.tags, sourceArn: message.sourceArn, callerIdentity: "root")
        let mail = summary(
            email, message: message, parsed: ParsedMail(raw: raw), configurationSet: message.configurationSet)
        var requests = identityNotifications(event, mail: mail, source: source)
        if let set { requests += SESEvents.requests(event, mail: mail, set: set, at: Self.nowMillis()) }
        if !requests.isEmpty { try? await deliveries.enqueue(requests).wait() }
    }

    /// The enhanced status code (RFC 3463) at the start of an SMTP reply's text, if any.
    static func enhancedStatus(_ reply: String) -> String? {
        let words = reply.split(separator: " ")
        guard words.count > 1 else { return nil }
        let candidate = words[1]
        let parts = candidate.split(separator: ".")
        return parts.count == 3 && parts.allSatisfy({ $0.allSatisfy(\.isNumber) }) ? String(candidate) : nil
    }

    /// Sends SES's verification email for an identity that waits for its link (sandbox mode).
    func sendVerificationEmail(_ record: IdentityRecord) async {
        var record = record
        let token = record.verificationToken ?? UUID().uuidString.lowercased()
        if record.verificationToken == nil {
            record.verificationToken = token
            try? await identities.put(record).wait()
        }
        let link = "\(baseURL)/_switchyard/ses/verify?token=\(token)"
        let text = """
            Dear Amazon SES customer,

            We have received a request to authorize this email address for use with Amazon SES and Amazon Pinpoint \
            in region \(Self.regionName(record.scope.region)). If you requested this verification, please go to the \
            following URL to confirm that you are authorized to use this email address:

            \(link)

            Your request will not be processed unless you confirm the address using this URL.

            Sincerely,

            The Amazon Web Services Team
            """
        await capture(
            scope: record.scope, from: "no-reply-aws@amazon.com", to: record.name,
            subject:
                "Amazon Web Services – Email Address Verification Request in region \(Self.regionName(record.scope.region))",
            text: text, operation: "VerificationEmail")
    }

    /// Keeps a message SES itself sends (verification emails) in the captured outbox.
    func capture(
        scope: SESScope, from: String, to: String, subject: String, text: String, html: String? = nil, operation: String
    ) async {
        let millis = Self.nowMillis()
        let id = Self.messageId(millis)
        let raw = MIMEBuilder.build(
            MIMEBuilder.Content(
                from: from, to: [to], subject: subject, text: text, html: html,
                messageID: "<\(id)@email.amazonses.com>", date: Date(timeIntervalSince1970: Double(millis) / 1000)))
        let message = SentMessage(
            id: id, scope: scope, sentMillis: millis, operation: operation, source: from, destinations: [to],
            subject: subject, configurationSet: nil, tags: [], outcomes: [to: "delivered"], size: raw.count)
        try? await outbox.insert(message, raw: raw).wait()
    }

    /// AWS's long name of a region, as its verification emails give it.
    static func regionName(_ region: String) -> String {
        let names = [
            "us-east-1": "US East (N. Virginia)", "us-east-2": "US East (Ohio)", "us-west-1": "US West (N. California)",
            "us-west-2": "US West (Oregon)", "eu-west-1": "EU (Ireland)", "eu-central-1": "EU (Frankfurt)",
            "eu-west-2": "EU (London)", "ap-southeast-1": "Asia Pacific (Singapore)",
            "ap-southeast-2": "Asia Pacific (Sydney)", "ap-northeast-1": "Asia Pacific (Tokyo)",
        ]
        return names[region] ?? region
    }
}

extension ParsedMail {
    /// The domain of an address header value ("Name <a@b.com>" → b.com).
    static func domain(of value: String) -> String? {
        let address = (try? EmailAddress.parse(value))?.address ?? value
        guard let at = address.lastIndex(of: "@") else { return nil }
        return String(address[address.index(after: at)...]).trimmingCharacters(in: CharacterSet(charactersIn: "> "))
    }
}

extension SESEngine {
    /// Sends a custom verification email: the identity is added (pending in the sandbox) and the
    /// template's content, followed by the verification link, lands in the captured outbox.
    func sendCustomVerification(
        _ scope: SESScope, email: String, templateName: String, configurationSet: String?
    ) async throws -> String {
        guard let template = verificationTemplate(scope, templateName) else {
            throw SESFailure.verificationTemplateMissing(templateName)
        }
        if let configurationSet, self.configurationSet(scope, configurationSet) == nil {
            throw SESFailure.configurationSetMissing(configurationSet)
        }
        var record = try await requestVerification(scope, name: email, kind: .emailAddress)
        if record.verificationToken == nil {
            record.verificationToken = UUID().uuidString.lowercased()
            try await identities.put(record).wait()
        }
        let link = "\(baseURL)/_switchyard/ses/verify?token=\(record.verificationToken ?? "")"
        await capture(
            scope: scope, from: template.fromEmailAddress, to: email, subject: template.subject,
            text: "To verify this address, open \(link)",
            html: template.content + "<p><a href=\"\(link)\">\(link)</a></p>",
            operation: "SendCustomVerificationEmail")
        return (try? outbox.messages(since: Self.nowMillis() - 60_000, limit: Int.max).last?.id) ?? ""
    }
}
