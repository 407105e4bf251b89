import Foundation
import SwitchyardPlatform
import SwitchyardWire

/// Reads a queue of this server for consumers in other modules (EventBridge Pipes): messages in the
/// record form AWS hands its consumers (`messageId`, `receiptHandle`, `body`, `attributes`,
/// `messageAttributes`, `md5OfBody`, `eventSource`, `eventSourceARN`, `awsRegion`).
struct SQSSourceReader: EventSourceReader {
    let engine: SQSEngine

    func receive(from arn: String, maximum: Int, waitSeconds: Int, visibilitySeconds: Int?) async throws
        -> [SourceRecord]
    {
        guard let key = QueueKey(arn: arn) else { throw AWSError("ValidationException", "Not a queue ARN: \(arn)") }
        let (received, ticket) = try await engine.receive(
            key,
            ReceiveRequest(
                maxMessages: min(10, max(1, maximum)), visibilityTimeout: visibilitySeconds,
                waitSeconds: waitSeconds))
        try await ticket.wait()
        return received.map { Self.record($0, arn: arn, region: key.region) }
    }

    func acknowledge(_ records: [SourceRecord], from arn: String) async throws {
        guard let key = QueueKey(arn: arn), !records.isEmpty else { return }
        let (_, ticket) = try await engine.delete(key, receiptHandles: records.map(\.handle))
        try await ticket.wait()
    }

    static func record(_ received: ReceivedMessage, arn: String, region: String) -> SourceRecord {
        let message = received.message
        var attributes: [(key: String, value: OrderedJSON)] = [
            ("ApproximateReceiveCount", .scalar(.string(String(message.receiveCount)))),
            ("SentTimestamp", .scalar(.string(String(message.sentAt)))),
            ("SenderId", .scalar(.string(message.senderId))),
            ("ApproximateFirstReceiveTimestamp", .scalar(.string(String(message.firstReceiveAt ?? message.sentAt)))),
        ]
        let trace = message.systemAttributes["AWSTraceHeader"]?.stringValue
        if let trace { attributes.append(("AWSTraceHeader", .scalar(.string(trace)))) }
        if let group = message.messageGroupId { attributes.append(("MessageGroupId", .scalar(.string(group)))) }
        if let sequence = message.sequenceNumber { attributes.append(("SequenceNumber", .scalar(.string(sequence)))) }
        if let deduplication = message.messageDeduplicationId, message.messageGroupId != nil {
            attributes.append(("MessageDeduplicationId", .scalar(.string(deduplication))))
        }
        var messageAttributes: [(key: String, value: OrderedJSON)] = []
        for (name, attribute) in message.attributes.sorted(by: { $0.key < $1.key }) {
            var fields: [(key: String, value: OrderedJSON)] = []
            if let text = attribute.stringValue { fields.append(("stringValue", .scalar(.string(text)))) }
            if let data = attribute.binaryValue {
                fields.append(("binaryValue", .scalar(.string(data.base64EncodedString()))))
            }
            fields += [
                ("stringListValues", .array([])), ("binaryListValues", .array([])),
                ("dataType", .scalar(.string(attribute.dataType))),
            ]
            messageAttributes.append((name, .object(fields)))
        }
        // AWS's recordings of Lambda's SQS poller: a message without attributes has no
        // `md5OfMessageAttributes` when the mapping has no batching window, and a null one when
        // records are gathered over a window.
        func document(nullDigest: Bool) -> String {
            var fields: [(key: String, value: OrderedJSON)] = [
                ("messageId", .scalar(.string(message.messageId))),
                ("receiptHandle", .scalar(.string(received.receiptHandle))),
                ("body", .scalar(.string(message.body))),
                ("attributes", .object(attributes)),
                ("messageAttributes", .object(messageAttributes)),
            ]
            if let digest = message.md5OfMessageAttributes {
                fields.append(("md5OfMessageAttributes", .scalar(.string(digest))))
            } else if nullDigest {
                fields.append(("md5OfMessageAttributes", .scalar(.null)))
            }
            fields += [
                ("md5OfBody", .scalar(.string(message.md5OfBody))),
                ("eventSource", .scalar(.string("aws:sqs"))),
                ("eventSourceARN", .scalar(.string(arn))),
                ("awsRegion", .scalar(.string(region))),
            ]
            return OrderedJSON.object(fields).text
        }
        let plain = document(nullDigest: false)
        return SourceRecord(
            json: plain, handle: received.receiptHandle, id: message.messageId, traceHeader: trace,
            batchedJSON: message.md5OfMessageAttributes == nil ? document(nullDigest: true) : nil)
    }
}
