import SwitchyardDelivery
import SwitchyardWire

/// The event a function subscribed to an SNS topic is invoked with, made from the notification SNS
/// hands the delivery engine (its JSON envelope, which is also what a subscription's dead-letter
/// queue receives): one record, with the members Lambda spells its own way (`SigningCertUrl`,
/// `UnsubscribeUrl`), `Subject` null when absent and `MessageAttributes` always present.
enum SNSInvocationEvent {
    static func payload(for request: DeliveryRequest) -> [UInt8] {
        guard request.source?.service == "sns.amazonaws.com",
            case .object(let envelope)? = try? OrderedJSON.parse(request.body.bytes)
        else { return request.body.bytes }
        func member(_ name: String) -> OrderedJSON? { envelope.first { $0.key == name }?.value }
        var sns: [(key: String, value: OrderedJSON)] = []
        for name in ["Type", "MessageId", "TopicArn"] { sns.append((name, member(name) ?? .scalar(.null))) }
        sns.append(("Subject", member("Subject") ?? .scalar(.null)))
        for name in ["Message", "Timestamp", "SignatureVersion", "Signature"] {
            sns.append((name, member(name) ?? .scalar(.null)))
        }
        sns.append(("SigningCertUrl", member("SigningCertURL") ?? .scalar(.null)))
        sns.append(("UnsubscribeUrl", member("UnsubscribeURL") ?? .scalar(.null)))
        sns.append(("MessageAttributes", member("MessageAttributes") ?? .object([])))
        let record = OrderedJSON.object([
            ("EventSource", .string("aws:sns")), ("EventVersion", .string("1.0")),
            ("EventSubscriptionArn", .string(request.origin)), ("Sns", .object(sns)),
        ])
        return Array(OrderedJSON.object([("Records", .array([record]))]).text.utf8)
    }
}
