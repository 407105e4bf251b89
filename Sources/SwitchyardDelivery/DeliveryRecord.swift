/// What happened to one delivery, kept for inspection (`GET /_switchyard/deliveries`).
public struct DeliveryRecord: Sendable, Equatable {
    public enum Status: String, Sendable {
        case delivered
        /// Every attempt failed; the payload went to the dead-letter target.
        case deadLettered = "dead-lettered"
        /// Every attempt failed and there was no dead-letter target.
        case failed
    }

    public var jobId: Int64
    public var origin: String
    public var target: String
    public var status: Status
    public var attempts: Int
    public var reason: String?
    public var at: Int64
}
