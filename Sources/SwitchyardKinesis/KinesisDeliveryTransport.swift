import Foundation
import SwitchyardDelivery
import SwitchyardWire

/// Puts deliveries into Kinesis streams (EventBridge and Pipes targets): the payload is the record's
/// data, the `PartitionKey` metadata its partition key (a random one when the producer gives none).
/// A put into a stream of this server returns once the record is durable, so deliveries are made
/// while the producer waits.
struct KinesisDeliveryTransport: DeliveryTransport {
    static let kind = DeliveryTargetKind(rawValue: "kinesis")
    let engine: KinesisEngine

    var deliversDurablyInline: Bool { true }

    func attempt(_ request: DeliveryRequest) async -> DeliveryOutcome {
        guard let stream = KinesisService.parseStreamARN(request.target.resource) else {
            return .failed(reason: "not a Kinesis stream ARN: \(request.target.resource)")
        }
        let key = StreamRecord.key(account: stream.account, region: stream.region, name: stream.name)
        let partitionKey = request.metadata?["PartitionKey"].flatMap { $0.isEmpty ? nil : String($0.prefix(256)) }
        do {
            let result = try await engine.put(
                key,
                [
                    RecordInput(
                        partitionKey: partitionKey ?? UUID().uuidString, explicitHashKey: nil,
                        data: request.body.bytes)
                ])
            return result.first?.sequenceNumber == nil ? .retry(reason: "the shard's write quota is spent") : .delivered
        } catch let error as AWSError {
            return .retry(reason: error.message ?? error.code)
        } catch {
            return .retry(reason: "\(error)")
        }
    }
}
