/// Makes one attempt at a delivery to one kind of target.
public protocol DeliveryTransport: Sendable {
    func attempt(_ request: DeliveryRequest) async -> DeliveryOutcome

    /// One attempt at each of several deliveries, outcomes in the same order; a transport that can
    /// make them together (one commit for many queue sends) does so.
    func attemptAll(_ requests: [DeliveryRequest]) async -> [DeliveryOutcome]

    /// One attempt that may answer with a payload: a synchronous invocation's result, a Pipes
    /// enrichment's output. Transports whose targets answer nothing need not implement it.
    func attemptWithResponse(_ request: DeliveryRequest) async -> (DeliveryOutcome, [UInt8]?)

    /// True when a successful attempt is itself durable (an in-process send to a queue of this
    /// server returns once the message is committed): such deliveries (unless they belong to an
    /// ordered lane) are attempted at once, while the producer waits, and are stored as jobs only if
    /// that attempt does not succeed.
    var deliversDurablyInline: Bool { get }
}

extension DeliveryTransport {
    public var deliversDurablyInline: Bool { false }

    public func attemptWithResponse(_ request: DeliveryRequest) async -> (DeliveryOutcome, [UInt8]?) {
        (await attempt(request), nil)
    }

    public func attemptAll(_ requests: [DeliveryRequest]) async -> [DeliveryOutcome] {
        guard requests.count > 1 else { return [await attempt(requests[0])] }
        return await withTaskGroup(of: (Int, DeliveryOutcome).self) { group in
            for (index, request) in requests.enumerated() {
                group.addTask { (index, await attempt(request)) }
            }
            var outcomes = [DeliveryOutcome](repeating: .delivered, count: requests.count)
            for await (index, outcome) in group { outcomes[index] = outcome }
            return outcomes
        }
    }
}

/// A transport from a function, for targets delivered in-process (an SQS queue of this server).
public struct ClosureTransport: DeliveryTransport {
    let body: @Sendable (DeliveryRequest) async -> DeliveryOutcome
    public let deliversDurablyInline: Bool

    public init(inline: Bool = false, _ body: @escaping @Sendable (DeliveryRequest) async -> DeliveryOutcome) {
        self.body = body
        self.deliversDurablyInline = inline
    }

    public func attempt(_ request: DeliveryRequest) async -> DeliveryOutcome { await body(request) }
}

/// The transport of a target kind that Switchyard cannot reach yet: every attempt fails at once with
/// a reason that says so, so that the delivery is recorded (and dead-lettered), never silently dropped.
public struct UnavailableTransport: DeliveryTransport {
    let reason: String

    public init(reason: String) { self.reason = reason }

    public func attempt(_ request: DeliveryRequest) async -> DeliveryOutcome { .failed(reason: reason) }
}
