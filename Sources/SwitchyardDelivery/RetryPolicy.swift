import Foundation

/// How often and how far apart a delivery is retried, in the phases SNS documents: immediate
/// retries, retries at the minimum delay, a backoff phase from minimum to maximum delay, and
/// retries at the maximum delay.
public struct RetryPolicy: Sendable, Codable, Equatable {
    public var numNoDelayRetries: Int
    public var numMinDelayRetries: Int
    public var numBackoffRetries: Int
    public var numMaxDelayRetries: Int
    /// Seconds.
    public var minDelay: Int
    public var maxDelay: Int
    public var backoff: Backoff

    public enum Backoff: String, Sendable, Codable {
        case linear, arithmetic, geometric, exponential
    }

    public init(
        numNoDelayRetries: Int, numMinDelayRetries: Int, numBackoffRetries: Int, numMaxDelayRetries: Int,
        minDelay: Int, maxDelay: Int, backoff: Backoff
    ) {
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
