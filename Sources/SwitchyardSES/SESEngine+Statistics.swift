extension SESEngine {
    struct Quota: Sendable {
        var max24HourSend: Double
        var maxSendRate: Double
        var sentLast24Hours: Double
    }

    /// The sending quota: the sandbox's (200 a day, 1 a second) or a production account's default,
    /// and the recipients really sent to in the last 24 hours (the mailbox simulator does not count).
    func quota(_ scope: SESScope) -> Quota {
        let since = Self.nowMillis() - 86_400_000
        let sent = ((try? outbox.messages(since: since, limit: Int.max)) ?? [])
            .filter { $0.scope == scope && !$0.sentBySES }
            .reduce(0) { total, message in
                total + message.destinations.filter { MailboxSimulator.outcome(for: $0) == nil }.count
            }
        let production = account(scope).productionAccessEnabled
        return Quota(
            max24HourSend: production ? 50_000 : 200, maxSendRate: production ? 14 : 1,
            sentLast24Hours: Double(sent))
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
