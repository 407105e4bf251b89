import Foundation
import SwitchyardDelivery
import SwitchyardWire

/// A record after processing, with the partition keys it is delivered under.
struct ProcessedRecord: Sendable {
    var source: BufferedRecord
    var data: [UInt8]
    var partitionKeys: [String: String]
    /// Which of the records split from its source this is (de-aggregation, log events).
    var part = 0
}

/// A record processing could not handle; it goes to error output.
struct FailedRecord: Sendable {
    var source: BufferedRecord
    /// What failed it: its data as processing last saw it.
    var data: [UInt8]
    var errorCode: String
    var errorMessage: String
    var attempts: Int
    var lambdaArn: String?
}

/// The processors of a destination run over a batch in AWS's order: decompression and extraction
/// of CloudWatch Logs data, de-aggregation, Lambda transformation with AWS's request and response
/// contract, metadata extraction for dynamic partitioning (the delimiter between records is
/// applied when objects are made).
struct RecordProcessing: Sendable {
    let stream: DeliveryStreamRecord
    let settings: DeliverySettings
    let deliveries: DeliveryEngine
    let clock: @Sendable () -> Int64

    func run(_ batch: [BufferedRecord]) async -> (records: [ProcessedRecord], failed: [FailedRecord]) {
        var records = batch.map { ProcessedRecord(source: $0, data: $0.data, partitionKeys: [:]) }
        var failed: [FailedRecord] = []
        let ordered = settings.processors.sorted { Self.order($0.type) < Self.order($1.type) }
        for processor in ordered {
            switch processor.type {
            case "Decompression", "CloudWatchLogProcessing", "RecordDeAggregation":
                let outcome = Splitting(processor).run(records)
                records = outcome.records
                failed += outcome.failed
            case "Lambda":
                let outcome = await transform(records, processor)
                records = outcome.records
                failed += outcome.failed
            case "MetadataExtraction":
                guard let query = processor.parameters["MetadataExtractionQuery"] else { continue }
                var kept: [ProcessedRecord] = []
                for var record in records {
                    do {
                        let keys = try MetadataQuery(query).extract(from: record.data)
                        record.partitionKeys.merge(keys) { _, new in new }
                        kept.append(record)
                    } catch {
                        failed.append(
                            FailedRecord(
                                source: record.source, data: record.data,
                                errorCode: "DynamicPartitioning.MetadataExtractionFailed",
                                errorMessage: "Non JSON record provided", attempts: 1))
                    }
                }
                records = kept
            default:
                // AppendDelimiterToRecord acts when objects are made (between records, not after the
                // last); record de-aggregation is not supported.
                continue
            }
        }
        return (records, failed)
    }

    /// Where a processor type runs in AWS's fixed processing order.
    static func order(_ type: String) -> Int {
        ["Decompression", "CloudWatchLogProcessing", "RecordDeAggregation", "Lambda", "MetadataExtraction"]
            .firstIndex(of: type) ?? 99
    }

    /// The Lambda processor: records in invocations of at most the processor's buffer size (1 MiB by
    /// default, under Lambda's 6 MB payload limit), each retried as `NumberOfRetries` says (3).
    private func transform(_ records: [ProcessedRecord], _ processor: ProcessorSettings) async -> (
        records: [ProcessedRecord], failed: [FailedRecord]
    ) {
        guard let arn = processor.parameters["LambdaArn"] else { return (records, []) }
        let retries = Int(processor.parameters["NumberOfRetries"] ?? "") ?? 3
        let chunkBytes = min(3, max(1, Int(processor.parameters["BufferSizeInMBs"] ?? "") ?? 1)) << 20
        var output: [ProcessedRecord] = []
        var failed: [FailedRecord] = []
        var start = 0
        while start < records.count {
            var end = start
            var bytes = 0
            while end < records.count, end == start || bytes + records[end].data.count <= chunkBytes {
                bytes += records[end].data.count
                end += 1
            }
            let chunk = Array(records[start..<end])
            start = end
            var attempts = 0
            var lastError = ("Lambda.InvokeFailed", "")
            var answered: [String: OrderedJSON]?
            while attempts <= retries {
                attempts += 1
                switch await invoke(arn, chunk) {
                case .success(let byId): answered = byId
                case .failure(let error): lastError = (error.code, error.message)
                }
                if answered != nil { break }
            }
            guard let answered else {
                failed += chunk.map {
                    FailedRecord(
                        source: $0.source, data: $0.source.data, errorCode: lastError.0, errorMessage: lastError.1,
                        attempts: attempts, lambdaArn: arn)
                }
                continue
            }

            for record in chunk {
                let id = Self.recordId(record)
                guard let result = answered[id] else {
                    failed.append(
                        FailedRecord(
                            source: record.source, data: record.source.data, errorCode: "Lambda.MissingRecordId",
                            errorMessage:
                                "One or more record Ids were not returned. Ensure that the Lambda function returns all received record Ids.",
                            attempts: attempts, lambdaArn: arn))
                    continue
                }
                let data = result["data"]?.stringValue.flatMap { Data(base64Encoded: $0) }.map { Array($0) }

                switch result["result"]?.stringValue {
                case "Ok":
                    guard let data else {
                        failed.append(
                            FailedRecord(
                                source: record.source, data: record.source.data, errorCode: "Lambda.InvalidData",
                                errorMessage:
                                    "The data of a record returned by the Lambda function is not valid base64.",
                                attempts: attempts, lambdaArn: arn))
                        continue
                    }
                    var keys = record.partitionKeys
                    for (key, value) in result["metadata"]?["partitionKeys"]?.members ?? [] {
                        keys[key] = value.plainText
                    }
                    output.append(ProcessedRecord(source: record.source, data: data, partitionKeys: keys))
                case "Dropped":
                    continue
                case "ProcessingFailed":
                    failed.append(
                        FailedRecord(
                            source: record.source, data: record.source.data, errorCode: "Lambda.ProcessingFailedStatus",
                            errorMessage: "ProcessingFailed status set for record", attempts: attempts, lambdaArn: arn))
                default:
                    failed.append(
                        FailedRecord(
                            source: record.source, data: record.source.data, errorCode: "Lambda.InvalidRecordStatus",
                            errorMessage:
                                "The result of a record returned by the Lambda function must be Ok, Dropped or ProcessingFailed.",
                            attempts: attempts, lambdaArn: arn))
                }
            }
        }
        return (output, failed)
    }

    struct InvocationError: Error {
        var code: String
        var message: String
    }

    /// One synchronous invocation; the answered records by id.
    private func invoke(_ arn: String, _ chunk: [ProcessedRecord]) async -> Result<
        [String: OrderedJSON], InvocationError
    > {
        var event: [(key: String, value: OrderedJSON)] = [
            ("invocationId", .string(RandomUUID.make())), ("deliveryStreamArn", .string(stream.arn)),
        ]
        if let source = stream.source?.kinesisStreamARN { event.append(("sourceKinesisStreamArn", .string(source))) }
        event.append(("region", .string(stream.region)))
        event.append(
            (
                "records",
                .array(
                    chunk.map { record in
                        var fields: [(key: String, value: OrderedJSON)] = [
                            ("recordId", .string(Self.recordId(record))),
                            ("approximateArrivalTimestamp", .integer(Int(record.source.arrivalMillis))),
                            ("data", .string(Data(record.data).base64EncodedString())),
                        ]
                        if let origin = record.source.kinesis {
                            fields.append(
                                (
                                    "kinesisRecordMetadata",
                                    .object([
                                        ("shardId", .string(origin.shardId)),
                                        ("partitionKey", .string(origin.partitionKey)),
                                        ("approximateArrivalTimestamp", .integer(Int(origin.arrivalMillis))),
                                        ("sequenceNumber", .string(origin.sequenceNumber)),
                                        ("subsequenceNumber", .integer(0)),
                                    ])
                                ))
                        }
                        return .object(fields)
                    })
            ))
        let request = DeliveryRequest(
            target: .lambda(arn: arn), body: DeliveryPayload(OrderedJSON.object(event).text),
            retry: .eventBridge(maximumRetryAttempts: 0), origin: stream.arn,
            source: DeliverySource(service: "firehose.amazonaws.com", arn: stream.arn, account: stream.account))
        let (outcome, response) = await deliveries.deliverNow(request)
        switch outcome {
        case .delivered: break
        case .failed(let reason), .retry(let reason), .postpone(let reason):
            return .failure(InvocationError(code: "Lambda.FunctionError", message: reason))
        }
        guard let response, let answer = try? OrderedJSON.parse(response), let records = answer["records"] else {
            return .failure(
                InvocationError(
                    code: "Lambda.FunctionError",
                    message: "The Lambda function was successfully invoked but it returned an error result."))
        }
        var byId: [String: OrderedJSON] = [:]
        for record in records.arrayValue {
            guard let id = record["recordId"]?.stringValue else { continue }
            byId[id] = record
        }
        return .success(byId)
    }

    /// The id a record has in Lambda events: its buffer sequence (unique in the stream) and its
    /// part, as 56 digits.
    static func recordId(_ record: ProcessedRecord) -> String {
        let digits = String(record.source.sequence) + String(format: "%05d", record.part)
        return "49" + String(repeating: "0", count: max(0, 54 - digits.count)) + digits
    }
}
