/// One account's sending as the quotas see it: recipients sent in the last 24 hours (in minute
/// buckets, so memory stays small at any volume) and a token bucket for the per-second rate.
struct SendWindow: Sendable {
    /// Recipients per minute (start millis), oldest first.
    private(set) var minutes: [(millis: Int64, count: Int)] = []
    var tokens: Double
    var refilledMillis: Int64

    init(tokens: Double, refilledMillis: Int64) {
        self.tokens = tokens
        self.refilledMillis = refilledMillis
    }

    mutating func record(_ count: Int, at millis: Int64) {
        guard count > 0 else { return }
        if let first = minutes.first, first.millis <= millis - 86_400_000 {
            minutes.removeAll { $0.millis <= millis - 86_400_000 }
        }
        let minute = millis - millis % 60_000
        if let last = minutes.last, last.millis == minute {
            minutes[minutes.count - 1].count += count
        } else {
            minutes.append((minute, count))
            minutes.sort { $0.millis < $1.millis }
        }
    }

    func sentLast24Hours(now: Int64) -> Int {
        minutes.reduce(0) { $0 + ($1.millis > now - 86_400_000 ? $1.count : 0) }
    }

    /// Takes `count` sends from the rate bucket (capacity: one second's worth). A send is allowed
    /// while the bucket holds at least one token, and may leave it in debt, so that one message to
    /// more recipients than the rate still goes, and the sends after it wait.
    mutating func take(_ count: Int, rate: Double, now: Int64) -> Bool {
        let capacity = max(rate, 1)
        tokens = min(capacity, tokens + Double(now - refilledMillis) / 1000 * rate)
        refilledMillis = now
        guard tokens >= 1 else { return false }
        tokens -= Double(count)
        return true
    }
}
