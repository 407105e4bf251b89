import Foundation
import SwitchyardCore
import SwitchyardDelivery
import SwitchyardModels
import SwitchyardWire

/// Email receiving: mail that arrives at the inbound SMTP interface (`--smtp-inbound-port`, the
/// MX of SES's receiving endpoint) is matched against each account's active receipt rule set,
/// whose rules' actions run in order: add a header, store in S3, publish to SNS, invoke Lambda,
/// bounce, stop.
extension SESEngine {
    /// One rule set's verdict for a message: the scope that receives it and its matching rules, each
    /// with the recipients it matched.
    struct ReceiptPlan: Sendable {
        var scope: SESScope
        var rules: [(rule: SES.ReceiptRule, recipients: [String])]
        var recipients: [String]
    }

    /// Whether a rule's recipient condition matches an address: an address matches itself, a domain
    /// its addresses, and a domain with a leading dot its subdomains' addresses. A rule without
    /// recipients matches every recipient in the account's verified domains.
    static func ruleMatches(_ rule: SES.ReceiptRule, _ recipient: String) -> Bool {
        let address = recipient.lowercased()
        guard let conditions = rule.recipients, !conditions.isEmpty else { return true }
        let domain = address.split(separator: "@").last.map(String.init) ?? ""
        return conditions.contains { condition in
            let wanted = condition.lowercased()
            if wanted.contains("@") { return wanted == address }
            if wanted.hasPrefix(".") { return domain.hasSuffix(wanted) }
            return domain == wanted
        }
    }

    /// Finds the account (scope) whose active rule set takes the message, if any. A recipient counts
    /// only where it (or its domain) is a verified identity, as SES receives only for those.
    func receiptPlan(recipients: [String], clientIP: String) -> ReceiptPlan? {
        for account in accounts.items.values.sorted(by: { $0.scope.key("") < $1.scope.key("") }) {
            guard let name = account.activeReceiptRuleSet, let set = ruleSets[account.scope.key(name)] else {
                continue
            }
            if ReceiptFilters.blocks(
                clientIP,
                filters: account.receiptFilters.values.compactMap {
                    StoredSESShape.read(SES.ReceiptFilter.self, $0)
                })
            {
                continue
            }
            let verified = recipients.filter { verifiedIdentity(account.scope, address: $0) != nil }
            var rules: [(SES.ReceiptRule, [String])] = []
            for rule in SESV1Service.rules(set) where rule.enabled ?? false {
                let matched = verified.filter { Self.ruleMatches(rule, $0) }
                if !matched.isEmpty { rules.append((rule, matched)) }
            }
            let accepted = verified.filter { recipient in rules.contains { $0.1.contains(recipient) } }
            if !accepted.isEmpty { return ReceiptPlan(scope: account.scope, rules: rules, recipients: accepted) }
        }
        return nil
    }

    /// How long a received message can be bounced (SendBounce), in milliseconds; its record is
    /// kept for that long only.
    static let bounceableMillis: Int64 = 86_400_000

    /// Forgets the records of received messages too old to bounce; returns how many went.
    @discardableResult
    func forgetUnbounceableMessages(now: Int64 = SESEngine.nowMillis()) async -> Int {
        let old = received.items.filter { now - $0.value.receivedMillis > Self.bounceableMillis }.map(\.key)
        var tickets: [CommitTicket] = []
        for key in old { tickets.append(received.remove(key)) }
        for ticket in tickets { try? await ticket.wait() }
        return old.count
    }

    /// Runs `forgetUnbounceableMessages` every ten minutes until cancelled.
    func runReceivedMessageSweep() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(600))
            await forgetUnbounceableMessages()
        }
    }

    /// SES's receiving message ids: 40 lower-case letters and digits.
    static func receivedMessageId() -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        return String((0..<40).map { _ in alphabet[Int.random(in: 0..<alphabet.count)] })
    }

    /// Receives a message: answers what the SMTP client is told. The message is durable (its record
    /// and the actions' deliveries) before the 250 reply.
    func receive(_ envelope: SMTPEnvelope, clientIP: String, tls: Bool) async -> SMTPMessageResult {
        guard let plan = receiptPlan(recipients: envelope.rcptTo, clientIP: clientIP) else {
            return .rejected(code: 550, text: "5.1.1 Requested action not taken: mailbox unavailable")
        }
        let millis = Self.nowMillis()
        let id = Self.receivedMessageId()
        var raw = envelope.data
        let headerEnd = Self.headerBlockEnd(raw)
        let record = ReceivedMessageRecord(
            scope: plan.scope, id: id, receivedMillis: millis, source: envelope.mailFrom, recipients: plan.recipients,
            headerBlock: String(decoding: raw[..<headerEnd], as: UTF8.self))
        do { try await received.put(record).wait() } catch {
            return .rejected(code: 451, text: "4.3.0 Temporary service failure")
        }
        let infected = VirusScan.isInfected(raw)
        for (rule, recipients) in plan.rules {
            if rule.tlsPolicy == "Require" && !tls { continue }
            var stop = false
            for action in rule.actions ?? [] {
                let receipt = InboundReceipt(
                    millis: millis, recipients: recipients, scanned: rule.scanEnabled ?? false, infected: infected)
                let mail = InboundReceipt.mail(
                    raw: raw, source: envelope.mailFrom, messageId: id, destination: envelope.rcptTo, millis: millis)
                if let header = action.addHeaderAction {
                    raw = Array("\(header.headerName): \(header.headerValue)\r\n".utf8) + raw
                } else if let s3 = action.s3Action {
                    let key = (s3.objectKeyPrefix ?? "") + id
                    let failure = await writeObject(
                        bucket: s3.bucketName, key: key, bytes: raw, contentType: "message/rfc822", scope: plan.scope,
                        origin: "arn:aws:ses:\(plan.scope.region):\(plan.scope.account):receipt-rule/\(rule.name)")
                    if let failure {
                        logger.warning("SES receipt rule \(rule.name) could not store \(key): \(failure)")
                    }
                    var fields: [(key: String, value: OrderedJSON)] = [("type", .string("S3"))]
                    if let topic = s3.topicArn { fields.append(("topicArn", .string(topic))) }
                    fields += [
                        ("bucketName", .string(s3.bucketName)), ("objectKeyPrefix", .string(s3.objectKeyPrefix ?? "")),
                        ("objectKey", .string(key)),
                    ]
                    await notify(s3.topicArn, mail: mail, receipt: receipt, action: .object(fields), scope: plan.scope)
                } else if let sns = action.snsAction {
                    let base64 = sns.encoding == "Base64"
                    let content = base64 ? Data(raw).base64EncodedString() : String(decoding: raw, as: UTF8.self)
                    await notify(
                        sns.topicArn, mail: mail, receipt: receipt,
                        action: .object([
                            ("type", .string("SNS")), ("topicArn", .string(sns.topicArn)),
                            ("encoding", .string(base64 ? "BASE64" : "UTF8")),
                        ]), scope: plan.scope, content: content)
                } else if let lambda = action.lambdaAction {
                    let disposition = await invoke(lambda, mail: mail, receipt: receipt, scope: plan.scope)
                    if disposition == "STOP_RULE" { break }
                    if disposition == "STOP_RULE_SET" {
                        stop = true
                        break
                    }
                } else if let bounce = action.bounceAction {
                    await bounceReceived(bounce, envelope: envelope, headerBlock: record.headerBlock, scope: plan.scope)
                    var fields: [(key: String, value: OrderedJSON)] = [("type", .string("Bounce"))]
                    if let topic = bounce.topicArn { fields.append(("topicArn", .string(topic))) }
                    fields += [
                        ("smtpReplyCode", .string(bounce.smtpReplyCode)),
                        ("statusCode", .string(bounce.statusCode ?? "5.0.0")), ("message", .string(bounce.message)),
                        ("sender", .string(bounce.sender)),
                    ]
                    await notify(
                        bounce.topicArn, mail: mail, receipt: receipt, action: .object(fields), scope: plan.scope)
                } else if let stopAction = action.stopAction {
                    var fields: [(key: String, value: OrderedJSON)] = [("type", .string("Stop"))]
                    if let topic = stopAction.topicArn { fields.append(("topicArn", .string(topic))) }
                    await notify(
                        stopAction.topicArn, mail: mail, receipt: receipt, action: .object(fields), scope: plan.scope)
                    stop = true
                    break
                } else if let workmail = action.workmailAction {
                    // There is no WorkMail here: only the notification is sent.
                    await notify(
                        workmail.topicArn, mail: mail, receipt: receipt,
                        action: .object([
                            ("type", .string("WorkMail")), ("topicArn", .string(workmail.topicArn ?? "")),
                            ("organizationArn", .string(workmail.organizationArn)),
                        ]), scope: plan.scope)
                }
            }
            if stop { break }
        }
        return .accepted(messageId: id)
    }

    /// The offset where the header block ends (after its blank line), or the message's length.
    static func headerBlockEnd(_ raw: [UInt8]) -> Int {
        var index = 0
        while index + 3 < raw.count {
            if raw[index] == 13, raw[index + 1] == 10, raw[index + 2] == 13, raw[index + 3] == 10 { return index + 2 }
            index += 1
        }
        return raw.count
    }

    /// Publishes a receiving notification to a topic, if the action names one.
    func notify(
        _ topic: String?, mail: OrderedJSON, receipt: InboundReceipt, action: OrderedJSON, scope: SESScope,
        content: String? = nil
    ) async {
        guard let topic else { return }
        var members: [(key: String, value: OrderedJSON)] = [
            ("notificationType", .string("Received")), ("mail", mail), ("receipt", receipt.json(action: action)),
        ]
        if let content { members.append(("content", .string(content))) }
        let origin = "arn:aws:ses:\(scope.region):\(scope.account):receipt-rule-set"
        let request = DeliveryRequest(
            target: DeliveryTarget(kind: .snsTopic, resource: topic),
            body: DeliveryPayload(OrderedJSON.object(members).text),
            metadata: ["Subject": "Amazon SES Email Receipt Notification"], retry: .eventBridge(), origin: origin,
            source: DeliverySource(service: "ses.amazonaws.com", arn: origin, account: scope.account))
        try? await deliveries.enqueue([request]).wait()
    }

    /// Invokes a Lambda action's function with SES's event; a synchronous invocation's answer may
    /// stop the rule or the rule set (`{"disposition": "STOP_RULE"}`).
    func invoke(_ action: SES.LambdaAction, mail: OrderedJSON, receipt: InboundReceipt, scope: SESScope) async
        -> String?
    {
        let synchronous = action.invocationType == "RequestResponse"
        var fields: [(key: String, value: OrderedJSON)] = [("type", .string("Lambda"))]
        if let topic = action.topicArn { fields.append(("topicArn", .string(topic))) }
        fields += [
            ("functionArn", .string(action.functionArn)),
            ("invocationType", .string(synchronous ? "RequestResponse" : "Event")),
        ]
        let event = OrderedJSON.object([
            (
                "Records",
                .array([
                    .object([
                        ("eventSource", .string("aws:ses")), ("eventVersion", .string("1.0")),
                        ("ses", .object([("mail", mail), ("receipt", receipt.json(action: .object(fields)))])),
                    ])
                ])
            )
        ])
        await notify(action.topicArn, mail: mail, receipt: receipt, action: .object(fields), scope: scope)
        let origin = "arn:aws:ses:\(scope.region):\(scope.account):receipt-rule-set"
        let request = DeliveryRequest(
            target: .lambda(arn: action.functionArn), body: DeliveryPayload(event.text), retry: .eventBridge(),
            origin: origin, source: DeliverySource(service: "ses.amazonaws.com", arn: origin, account: scope.account))
        guard synchronous else {
            try? await deliveries.enqueue([request.invokingAsynchronously()]).wait()
            return nil
        }
        let (_, response) = await deliveries.deliverNow(request)
        guard let response, let answer = try? OrderedJSON.parse(response) else { return nil }
        if case .scalar(.string(let disposition))? = answer["disposition"] { return disposition }
        return nil
    }

    /// A bounce action's answer to the sender: a DSN from the action's sender, through the outbox.
    func bounceReceived(_ action: SES.BounceAction, envelope: SMTPEnvelope, headerBlock: String, scope: SESScope) async
    {
        guard !envelope.mailFrom.isEmpty else { return }
        let status = action.statusCode ?? "5.0.0"
        let raw = DeliveryStatusNotification.build(
            from: action.sender, to: envelope.mailFrom, explanation: action.message,
            reportingMTA: "dns; inbound-smtp.\(scope.region).amazonaws.com", arrival: Date(),
            recipients: envelope.rcptTo.map {
                DeliveryStatusNotification.Recipient(
                    address: $0, action: status.hasPrefix("4") ? "delayed" : "failed", status: status,
                    diagnosticCode: "smtp; \(action.smtpReplyCode) \(status) \(action.message)")
            }, originalHeaders: headerBlock)
        let email = OutgoingEmail(
            scope: scope, operation: "BounceAction", source: action.sender, destinations: [envelope.mailFrom], raw: raw,
            configurationSet: nil, tags: [], callerIdentity: "root")
        do { _ = try await send(email) } catch {
            logger.warning("SES bounce action could not send from \(action.sender): \(error)")
        }
    }
}

/// The `receipt` object of a receiving notification or Lambda event.
struct InboundReceipt: Sendable {
    var millis: Int64
    var recipients: [String]
    var scanned: Bool
    var infected: Bool

    func json(action: OrderedJSON) -> OrderedJSON {
        let pass = OrderedJSON.object([("status", .string("PASS"))])
        let gray = OrderedJSON.object([("status", .string("GRAY"))])
        let virus = OrderedJSON.object([("status", .string(infected ? "FAIL" : "PASS"))])
        var members: [(key: String, value: OrderedJSON)] = [
            ("timestamp", .string(SESEvents.time(millis))),
            ("processingTimeMillis", .integer(Int64(max(0, SESEngine.nowMillis() - millis)))),
            ("recipients", .array(recipients.map(OrderedJSON.string))),
        ]
        if scanned { members += [("spamVerdict", pass), ("virusVerdict", virus)] }
        members += [("spfVerdict", gray), ("dkimVerdict", gray), ("dmarcVerdict", gray), ("action", action)]
        return .object(members)
    }

    /// The `mail` object: the message's headers as received and the common ones.
    static func mail(raw: [UInt8], source: String, messageId: String, destination: [String], millis: Int64)
        -> OrderedJSON
    {
        let headers = MIMEMessage.headers(of: raw)
        let fields = headers?.fields ?? []
        var common: [(key: String, value: OrderedJSON)] = []
        if let returnPath = headers?["Return-Path"] { common.append(("returnPath", .string(returnPath))) }
        for (key, name) in [("from", "From"), ("to", "To"), ("cc", "Cc")] {
            let values = headers?.values(name).flatMap(EmailAddress.parseListLeniently).map(\.displayText) ?? []
            if !values.isEmpty { common.append((key, .array(values.map(OrderedJSON.string)))) }
        }
        if let date = headers?["Date"] { common.append(("date", .string(date))) }
        if let id = headers?["Message-ID"] { common.append(("messageId", .string(id))) }
        if let subject = headers?.decoded("Subject") { common.append(("subject", .string(subject))) }
        return .object([
            ("timestamp", .string(SESEvents.time(millis))), ("source", .string(source)),
            ("messageId", .string(messageId)), ("destination", .array(destination.map(OrderedJSON.string))),
            ("headersTruncated", .bool(false)),
            ("headers", .array(fields.map { .object([("name", .string($0.name)), ("value", .string($0.value))]) })),
            ("commonHeaders", .object(common)),
        ])
    }
}
