import Foundation
import SwitchyardDelivery
import SwitchyardWire

/// Delivers to queues of this server: a delivery is a SendMessage to the queue its ARN names, made
/// in-process and acknowledged once the message is stored.
struct SQSDeliveryTransport: DeliveryTransport {
    let engine: SQSEngine
    /// The sender id SQS shows for messages that SNS delivered.
    static let senderId = "AIDAIT2UOQQY3AUEKVGXU"

    /// A send returns once the message is committed, so a delivery that succeeded needs no job.
    var deliversDurablyInline: Bool { true }

    /// Every send of one fan-out in one engine call and one commit.
    func attemptAll(_ requests: [DeliveryRequest]) async -> [DeliveryOutcome] {
        var outcomes = [DeliveryOutcome?](repeating: nil, count: requests.count)
        // One engine call per source (a fan-out has one: its topic), so that queue policies judge it.
        var bySource: [String: [Int]] = [:]
        for (index, request) in requests.enumerated() {
            guard request.target.kind == .sqs, QueueKey(arn: request.target.resource) != nil else {
                outcomes[index] = .failed(reason: "not an SQS queue ARN")
                continue
            }
            guard request.body.text != nil else {
                outcomes[index] = .failed(reason: "InvalidMessageContents: the payload is not UTF-8 text")
                continue
            }
            bySource[request.source?.arn ?? "", default: []].append(index)
        }
        for indices in bySource.values {
            await send(indices.map { requests[$0] }, at: indices, into: &outcomes)
        }
        return outcomes.map { $0 ?? .retry(reason: "no result") }
    }

    private func send(_ requests: [DeliveryRequest], at positions: [Int], into outcomes: inout [DeliveryOutcome?]) async
    {
        let sends = requests.compactMap { request -> (QueueKey, OutgoingMessage)? in
            guard request.target.kind == .sqs, let key = QueueKey(arn: request.target.resource),
                let message = Self.message(request)
            else { return nil }
            return (key, message)
        }
        let source = requests.first?.source.map(Self.sender)
        if !sends.isEmpty {
            let (results, ticket) = await engine.sendToEach(sends, senderId: Self.senderId, source: source)
            do {
                try await ticket.wait()
                for (position, result) in zip(positions, results) {
                    switch result {
                    case .success: outcomes[position] = .delivered
                    case .failure(let error):
                        outcomes[position] = .failed(reason: "\(error.code): \(error.message ?? "")")
                    }
                }
            } catch {
                for position in positions { outcomes[position] = .retry(reason: "\(error)") }
            }
        }
    }

    static func sender(_ source: DeliverySource) -> ServiceSender {
        ServiceSender(service: source.service, sourceArn: source.arn, sourceAccount: source.account)
    }

    /// The message a delivery sends, or nil when its payload is not text (an SQS body is text).
    static func message(_ request: DeliveryRequest) -> OutgoingMessage? {
        let attributes = request.attributes.mapValues { attribute in
            MessageAttribute(
                dataType: attribute.dataType, stringValue: attribute.stringValue,
                binaryValue: attribute.binaryValue.flatMap { Data(base64Encoded: $0) })
        }
        var system: [String: MessageAttribute] = [:]
        if let trace = request.traceHeader {
            system["AWSTraceHeader"] = MessageAttribute(dataType: "String", stringValue: trace, binaryValue: nil)
        }
        guard let body = request.body.text else { return nil }
        return OutgoingMessage(
            body: body, attributes: attributes, systemAttributes: system,
            messageGroupId: request.messageGroupId, messageDeduplicationId: request.messageDeduplicationId)
    }

    func attempt(_ request: DeliveryRequest) async -> DeliveryOutcome {
        await attemptWithResponse(request).0
    }

    /// One send; a message that was sent answers its message id.
    func attemptWithResponse(_ request: DeliveryRequest) async -> (DeliveryOutcome, [UInt8]?) {
        guard request.target.kind == .sqs, let key = QueueKey(arn: request.target.resource) else {
            return (.failed(reason: "not an SQS queue ARN"), nil)
        }
        guard let message = Self.message(request) else {
            return (.failed(reason: "InvalidMessageContents: the payload is not UTF-8 text"), nil)
        }
        do {
            if let source = request.source.map(Self.sender) {
                try await engine.authorize(key, "SendMessage", principal: source.principal, context: source.context)
            }
            let (results, ticket) = try await engine.send(key, [message], senderId: Self.senderId)
            try await ticket.wait()
            switch results.first {
            case .success(let sent)?: return (.delivered, Array(sent.messageId.utf8))
            case .failure(let error)?: return (.failed(reason: "\(error.code): \(error.message ?? "")"), nil)
            case nil: return (.retry(reason: "no result"), nil)
            }
        } catch let error as AWSError {
            // A missing queue is a client-side error: AWS does not retry those; they dead-letter.
            return (.failed(reason: "\(error.code): \(error.message ?? "")"), nil)
        } catch {
            return (.retry(reason: "\(error)"), nil)
        }
    }
}
