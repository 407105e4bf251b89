/// Asks the delivery engine to tell a producer how a delivery ended: the name of the observer the
/// producer registered, and what that observer needs to know about it (stored with the delivery,
/// so that the outcome of one made after a restart is reported too).
public struct OutcomeReport: Sendable, Codable, Equatable {
    /// The observer registered under this name hears the outcome.
    public var observer: String
    public var context: [String: String]

    public init(observer: String, context: [String: String]) {
        self.observer = observer
        self.context = context
    }
}

/// How one delivery ended, as an observer hears it.
public struct ObservedDelivery: Sendable {
    public var request: DeliveryRequest
    public var status: DeliveryRecord.Status
    /// Attempts made, the last one included.
    public var attempts: Int
    /// Why the last attempt failed, when it did.
    public var reason: String?
    /// What the target answered to the last attempt, when its transport reads answers.
    public var response: [UInt8]?
    /// From the request to the end of the last attempt, in milliseconds.
    public var dwellMillis: Int64
}

/// A producer's listener for the outcomes of the deliveries it asked to hear about (SNS's delivery
/// status logs). Called once per delivery, off the delivery engine's actor.
public protocol DeliveryObserver: Sendable {
    func observe(_ delivery: ObservedDelivery) async
}
