extension SESEngine {
    struct Quota: Sendable {
        var max24HourSend: Double
        var maxSendRate: Double
        var sentLast24Hours: Double
    }

    /// The sending quota: the sandbox's (200 a day, 1 a second) or a production account's default,
    /// and the recipients really sent to in the last 24 hours (the mailbox simulator does not count).
    func quota(_ scope: SESScope) -> Quota {
        let sent = sendWindow(scope).sentLast24Hours(now: Self.nowMillis())
        if let quota = settings.quota {
            return Quota(
                max24HourSend: Double(quota.max24HourSend), maxSendRate: quota.maxSendRate,
                sentLast24Hours: Double(sent))
        }
        let production = account(scope).productionAccessEnabled
        return Quota(
            max24HourSend: production ? 50_000 : 200, maxSendRate: production ? 14 : 1,
            sentLast24Hours: Double(sent))
    }

    /// How many recipients of a send count against the quotas: the mailbox simulator's do not.
    static func quotaRecipients(_ destinations: [String]) -> Int {
        destinations.filter { MailboxSimulator.outcome(for: $0) == nil }.count
    }

    /// A scope's recent sending, read from the outbox the first time it is needed.
    func sendWindow(_ scope: SESScope) -> SendWindow {
        if let window = sendWindows[scope] { return window }
        let now = Self.nowMillis()
        var window = SendWindow(tokens: settings.quota?.maxSendRate ?? 1, refilledMillis: now)
        for message in (try? outbox.messages(since: now - 86_400_000, limit: Int.max)) ?? []
        where message.scope == scope && !message.sentBySES {
            window.record(Self.quotaRecipients(message.destinations), at: message.sentMillis)
        }
        sendWindows[scope] = window
        return window
    }

    /// Counts a send against the quotas; with `--ses-quota`, refuses one the quotas do not allow.
    func chargeQuota(_ scope: SESScope, recipients: Int) throws {
        var window = sendWindow(scope)
        let now = Self.nowMillis()
        if let quota = settings.quota, recipients > 0 {
            guard window.sentLast24Hours(now: now) + recipients <= quota.max24HourSend else {
                sendWindows[scope] = window
                throw SESFailure.dailyQuotaExceeded
            }
            guard window.take(recipients, rate: quota.maxSendRate, now: now) else {
                sendWindows[scope] = window
                throw SESFailure.sendingRateExceeded
            }
        }
        window.record(recipients, at: now)
        sendWindows[scope] = window
    }

    struct DataPoint: Sendable {
        var millis: Int64
        var deliveryAttempts = 0
        var bounces = 0
        var complaints = 0
        var rejects = 0
    }

    /// Sending statistics of the last two weeks in 15-minute intervals, as GetSendStatistics reports them.
    func statistics(_ scope: SESScope) -> [DataPoint] {
        let since = Self.nowMillis() - 14 * 86_400_000
        var points: [Int64: DataPoint] = [:]
        for message in (try? outbox.messages(since: since, limit: Int.max)) ?? []
        where message.scope == scope && !message.sentBySES {
            let bucket = message.sentMillis - message.sentMillis % 900_000
            var point = points[bucket] ?? DataPoint(millis: bucket)
            point.deliveryAttempts += message.destinations.count
            for outcome in message.outcomes.values {
                switch outcome {
                case "bounced", "suppressed", "unsubscribed": point.bounces += 1
                case "complained": point.complaints += 1
                case "rejected": point.rejects += 1
                default: break
                }
            }
            points[bucket] = point
        }
        return points.values.sorted { $0.millis < $1.millis }
    }
}
