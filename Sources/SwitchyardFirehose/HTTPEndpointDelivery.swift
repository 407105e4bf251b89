import CompressNIO
import Foundation
import NIOCore
import SwitchyardDelivery
import SwitchyardWire

/// The HTTP endpoint destination: one POST per batch in AWS's request format (a request id, a
/// timestamp and the records' base64 data), with its headers; delivered when the endpoint answers
/// 200 with the same request id. Retried for the destination's retry duration, then backed up to S3
/// as `http-endpoint-failed`.
struct HTTPEndpointDelivery: Sendable {
    let batch: BatchDelivery

    func deliver(_ records: [ProcessedRecord], naming: ObjectNaming) async {
        let configuration = batch.settings.configuration
        guard let url = configuration["EndpointConfiguration"]?["Url"]?.stringValue else { return }
        let requestConfiguration = configuration["RequestConfiguration"]
        let gzip = requestConfiguration?["ContentEncoding"]?.stringValue == "GZIP"
        var commonAttributes: [(key: String, value: OrderedJSON)] = []
        for attribute in requestConfiguration?["CommonAttributes"]?.arrayValue ?? [] {
            if let name = attribute["AttributeName"]?.stringValue, let value = attribute["AttributeValue"]?.stringValue
            {
                commonAttributes.append((name, .string(value)))
            }
        }
        // One request id for every attempt, as AWS keeps it across retries.
        let requestId = RandomUUID.make()
        let (error, attempts) = await batch.retrying {
            let document = OrderedJSON.object([
                ("requestId", .string(requestId)), ("timestamp", .integer(Int(batch.clock.nowMillis()))),
                ("records", .array(records.map { .object([("data", .string(Data($0.data).base64EncodedString()))]) })),
            ])
            var body = Array(document.text.utf8)
            var headers = [
                "Content-Type": "application/json", "X-Amz-Firehose-Protocol-Version": "1.0",
                "X-Amz-Firehose-Request-Id": requestId, "X-Amz-Firehose-Source-Arn": batch.stream.arn,
                "User-Agent": "Amazon Kinesis Data Firehose Agent/1.0",
            ]
            if let key = configuration["EndpointConfiguration"]?["AccessKey"]?.stringValue {
                headers["X-Amz-Firehose-Access-Key"] = key
            }
            if !commonAttributes.isEmpty {
                headers["X-Amz-Firehose-Common-Attributes"] =
                    OrderedJSON.object([("commonAttributes", .object(commonAttributes))]).text
            }
            if gzip {
                var buffer = ByteBuffer(bytes: body)
                if let compressed = try? buffer.compress(with: .gzip()) {
                    body = Array(compressed.readableBytesView)
                    headers["Content-Encoding"] = "gzip"
                }
            }
            let request = DeliveryRequest(
                target: .http(url: url), body: DeliveryPayload(bytes: body), headers: headers,
                retry: .managedEndpoint, origin: batch.stream.arn)
            let (outcome, response) = await batch.deliveries.deliverNow(request)
            switch outcome {
            case .delivered:
                guard let response, let answer = try? OrderedJSON.parse(response),
                    answer["requestId"]?.stringValue == requestId
                else {
                    return
                        "The response received from the endpoint is invalid. See Troubleshooting HTTP Endpoints in the Firehose documentation for more information."
                }
                return nil
            case .failed(let reason), .retry(let reason), .postpone(let reason):
                let detail = response.flatMap { try? OrderedJSON.parse($0) }?["errorMessage"]?.stringValue
                return "Received error response from the endpoint: \(detail ?? reason)"
            }
        }
        let mode = batch.settings.backupMode ?? "FailedDataOnly"
        if let error {
            await batch.fail(
                records, code: "HttpEndpoint.InvalidResponseFromDestination", message: error, attempts: attempts,
                type: "http-endpoint-failed", naming: naming)
        } else {
            await batch.delivered(records)
        }
        if mode == "AllData" { await batch.backUpAll(records, naming: naming) }
    }
}
