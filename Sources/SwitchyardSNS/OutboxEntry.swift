/// A message SNS "sent" somewhere that does not leave the machine (email, SMS, mobile push),
/// captured so that tests and developers can read it back at `GET /_switchyard/sns/messages`.
public struct OutboxEntry: Sendable, Codable, Equatable {
    public var id: Int64
    /// email, email-json, sms or application.
    public var kind: String
    /// The address, phone number or endpoint ARN.
    public var address: String
    public var subject: String?
    public var body: String
    /// The subscription the message was for, or nil for a direct SMS publish.
    public var subscriptionArn: String?
    public var topicArn: String?
    /// Epoch milliseconds.
    public var at: Int64
}
