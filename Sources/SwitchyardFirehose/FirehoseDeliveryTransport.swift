import SwitchyardDelivery
import SwitchyardWire

/// Puts deliveries into delivery streams (SNS subscriptions, EventBridge rules, Pipes and
/// Scheduler targets): the payload is the record. A put into a stream of this server returns once
/// the record is in the durable buffer, so deliveries are made while the producer waits.
struct FirehoseDeliveryTransport: DeliveryTransport {
    let engine: FirehoseEngine

    var deliversDurablyInline: Bool { true }

    func attempt(_ request: DeliveryRequest) async -> DeliveryOutcome {
        guard let key = DeliveryStreamRecord.key(arn: request.target.resource) else {
            return .failed(reason: "not a Firehose delivery stream ARN: \(request.target.resource)")
        }
        guard let stream = await engine.stream(key) else {
            return .retry(reason: "delivery stream \(request.target.resource) does not exist")
        }
        guard stream.type == "DirectPut" else {
            return .failed(reason: "This operation is not permitted on \(stream.type) delivery stream type.")
        }
        do {
            try await engine.put(key, [request.body.bytes])
            return .delivered
        } catch let error as AWSError {
            return .retry(reason: error.message ?? error.code)
        } catch {
            return .retry(reason: "\(error)")
        }
    }
}
