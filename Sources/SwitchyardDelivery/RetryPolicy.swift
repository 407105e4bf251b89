import Foundation

/// How often and how far apart a delivery is retried, in the phases SNS documents: immediate
/// retries, retries at the minimum delay, a backoff phase from minimum to maximum delay, and
/// retries at the maximum delay; optionally bounded by the age of the event, as EventBridge targets
/// and asynchronous invocations are.
public struct RetryPolicy: Sendable, Codable, Equatable {
    public var numNoDelayRetries: Int
    public var numMinDelayRetries: Int
    public var numBackoffRetries: Int
    public var numMaxDelayRetries: Int
    /// Seconds.
    public var minDelay: Int
    public var maxDelay: Int
    public var backoff: Backoff
    /// Seconds after the request beyond which no attempt is made: the delivery gives up (to its
    /// dead-letter target) even with retries left. Nil: no age limit.
    public var maximumEventAgeSeconds: Int?

    public enum Backoff: String, Sendable, Codable {
        case linear, arithmetic, geometric, exponential
    }

    public init(
        numNoDelayRetries: Int, numMinDelayRetries: Int, numBackoffRetries: Int, numMaxDelayRetries: Int,
        minDelay: Int, maxDelay: Int, backoff: Backoff, maximumEventAgeSeconds: Int? = nil
    ) {
        self.maximumEventAgeSeconds = maximumEventAgeSeconds
        self.numNoDelayRetries = numNoDelayRetries
        self.numMinDelayRetries = numMinDelayRetries
        self.numBackoffRetries = numBackoffRetries
        self.numMaxDelayRetries = numMaxDelayRetries
        self.minDelay = minDelay
        self.maxDelay = maxDelay
        self.backoff = backoff
    }

    /// Retries after the first attempt.
    public var totalRetries: Int { numNoDelayRetries + numMinDelayRetries + numBackoffRetries + numMaxDelayRetries }

    /// AWS-managed endpoints (SQS, Lambda, Firehose): 3 immediate retries, 2 at 1 s, 10 backing off
    /// from 1 s to 20 s, then 100,000 at 20 s (about 23 days).
    public static let managedEndpoint = RetryPolicy(
        numNoDelayRetries: 3, numMinDelayRetries: 2, numBackoffRetries: 10, numMaxDelayRetries: 100_000, minDelay: 1,
        maxDelay: 20, backoff: .exponential)

    /// An EventBridge target's retry policy: up to `maximumRetryAttempts` retries (0-185, default
    /// 185) with exponential backoff from 1 second to 5 minutes, within `maximumEventAgeSeconds`
    /// (60-86,400, default 24 hours) of the event.
    public static func eventBridge(maximumRetryAttempts: Int = 185, maximumEventAgeSeconds: Int = 86_400)
        -> RetryPolicy
    {
        let backoff = min(maximumRetryAttempts, 10)
        return RetryPolicy(
            numNoDelayRetries: 0, numMinDelayRetries: 0, numBackoffRetries: backoff,
            numMaxDelayRetries: maximumRetryAttempts - backoff, minDelay: 1, maxDelay: 300, backoff: .exponential,
            maximumEventAgeSeconds: maximumEventAgeSeconds)
    }

    /// Asynchronous invocation of a function: up to `maximumRetryAttempts` retries (0-2, default 2),
    /// the first a minute after the failed attempt and the second two minutes after that, within
    /// `maximumEventAgeSeconds` (60-21,600, default 6 hours).
    public static func asynchronousInvocation(maximumRetryAttempts: Int = 2, maximumEventAgeSeconds: Int = 21_600)
        -> RetryPolicy
    {
        RetryPolicy(
            numNoDelayRetries: 0, numMinDelayRetries: min(maximumRetryAttempts, 1), numBackoffRetries: 0,
            numMaxDelayRetries: max(0, maximumRetryAttempts - 1), minDelay: 60, maxDelay: 120, backoff: .linear,
            maximumEventAgeSeconds: maximumEventAgeSeconds)
    }

    /// The delay in milliseconds after the `count`th postponement (1-based): doubling from 1 second
    /// up to 5 minutes, as Lambda retries throttled asynchronous invocations.
    public static func postponementDelayMillis(_ count: Int) -> Int64 {
        min(300_000, 1000 << Int64(min(max(count - 1, 0), 20)))
    }

    /// The delay in milliseconds before retry number `retry` (1-based), or nil when none is left.
    public func delayMillis(beforeRetry retry: Int) -> Int64? {
        guard retry >= 1, retry <= totalRetries else { return nil }
        var index = retry
        if index <= numNoDelayRetries { return 0 }
        index -= numNoDelayRetries
        if index <= numMinDelayRetries { return Int64(minDelay) * 1000 }
        index -= numMinDelayRetries
        if index <= numBackoffRetries {
            let span = Double(maxDelay - minDelay)
            let step = Double(index) / Double(numBackoffRetries + 1)
            let fraction: Double
            switch backoff {
            case .linear: fraction = step
            case .arithmetic: fraction = step * step
            case .geometric: fraction = step * step * step
            case .exponential: fraction = (pow(2, step * 10) - 1) / (pow(2, 10) - 1)
            }
            return Int64((Double(minDelay) + span * fraction) * 1000)
        }
        return Int64(maxDelay) * 1000
    }
}
