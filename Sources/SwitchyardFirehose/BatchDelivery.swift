import Foundation
import SwitchyardCore
import SwitchyardDelivery
import SwitchyardPlatform
import SwitchyardWire

/// Delivers one batch of a stream's buffered records: the source backup, processing, then the
/// destination, with AWS's retries; what cannot be delivered goes to error output in S3. Returns
/// once every record is delivered or written to error output (or given up after 24 hours of S3
/// failures, as AWS does), so the stream may forget the batch.
struct BatchDelivery: Sendable {
    let stream: DeliveryStreamRecord
    let settings: DeliverySettings
    let deliveries: DeliveryEngine
    let logs: LogWriters
    let clock: any ServiceClock
    /// Statistics of the stream, updated as objects are written.
    let report: @Sendable (DeliveryReport) async -> Void

    /// How long S3 writes are retried (every 5 seconds) before the data is dropped.
    static let s3RetryMillis: Int64 = 24 * 3600 * 1000

    func deliver(_ batch: [BufferedRecord]) async {
        guard let first = batch.first else { return }
        var naming = ObjectNaming(streamName: stream.name, version: stream.version, millis: first.arrivalMillis)
        naming.timeZone = settings.timeZone
        if let backup = settings.sourceBackup {
            _ = await writeObject(
                backup, key: naming.key(prefix: backup.prefix, fileExtension: extensionFor(backup)),
                data: batch.flatMap(\.data))
        }
        let processing = RecordProcessing(
            stream: stream, settings: settings, deliveries: deliveries, clock: { clock.nowMillis() })
        let (records, failed) = await processing.run(batch)
        if !failed.isEmpty {
            await writeErrors(failed, type: "processing-failed", naming: naming)
            await log("Lambda.ProcessingFailed", "\(failed.count) records failed processing: \(failed[0].errorMessage)")
        }
        guard !records.isEmpty else {
            await report(DeliveryReport(records: 0, bytes: 0, objects: 0, failedRecords: failed.count))
            return
        }
        switch settings.kind {
        case .s3, .extendedS3:
            await deliverToS3(records, naming: naming)
        case .httpEndpoint:
            await HTTPEndpointDelivery(batch: self).deliver(records, naming: naming)
        case .elasticsearch, .openSearch:
            await OpenSearchDelivery(batch: self).deliver(records, naming: naming)
        case .redshift:
            await RedshiftDelivery(batch: self).deliver(records, naming: naming)
        case .splunk:
            await SplunkDelivery(batch: self).deliver(records, naming: naming)
        case .openSearchServerless, .snowflake, .iceberg:
            await fail(
                records, code: "\(settings.kind.displayName).DestinationUnavailable",
                message:
                    "\(settings.kind.displayName) destinations are not available in Switchyard; records go to error output.",
                type: "\(settings.kind.displayName)-failed", naming: naming)
        }
    }

    /// S3 destinations: one object per partition (one for all without dynamic partitioning).
    func deliverToS3(_ records: [ProcessedRecord], naming: ObjectNaming) async {
        guard let output = settings.s3 else { return }
        var groups: [[String: String]: [ProcessedRecord]] = [:]
        var order: [[String: String]] = []
        for record in records {
            let keys = settings.dynamicPartitioning ? record.partitionKeys : [:]
            if groups[keys] == nil { order.append(keys) }
            groups[keys, default: []].append(record)
        }
        for keys in order {
            guard let group = groups[keys] else { continue }
            var objectNaming = naming
            objectNaming.partitionKeys = keys
            let key = objectNaming.key(prefix: output.prefix, fileExtension: extensionFor(output))
            let data = joined(group)
            if await writeObject(output, key: key, data: data) {
                await report(DeliveryReport(records: group.count, bytes: data.count, objects: 1, failedRecords: 0))
            }
        }
    }

    /// Records as one object's bytes: concatenated, with the AppendDelimiterToRecord processor's
    /// delimiter between them.
    func joined(_ records: [ProcessedRecord]) -> [UInt8] {
        guard let delimiter = settings.delimiter else { return records.flatMap(\.data) }
        var bytes: [UInt8] = []
        for (position, record) in records.enumerated() {
            if position > 0 { bytes += delimiter }
            bytes += record.data
        }
        return bytes
    }

    func extensionFor(_ output: S3Output) -> String {
        output.fileExtension ?? ObjectCompression.defaultExtension(output.compression)
    }

    /// Writes an object, compressed as the output says, retrying every 5 seconds for up to 24 hours.
    @discardableResult
    func writeObject(_ output: S3Output, key: String, data: [UInt8], compress: Bool = true) async -> Bool {
        // A ZIP object's one entry is named after the object, without the archive's extension.
        var entryName = key.split(separator: "/").last.map(String.init) ?? key
        if entryName.hasSuffix(".zip") { entryName.removeLast(4) }
        let bytes: [UInt8]
        do {
            bytes =
                compress ? try ObjectCompression.compress(data, format: output.compression, entryName: entryName) : data
        } catch {
            await log("S3.CompressionFailed", "Could not compress \(key): \(error)")
            return false
        }
        var metadata: [String: String] = [:]
        if compress, let encoding = ObjectCompression.contentEncoding(output.compression) {
            metadata["ContentEncoding"] = encoding
        }
        if let kms = output.kmsKeyARN {
            metadata["ServerSideEncryption"] = "aws:kms"
            metadata["SSEKMSKeyId"] = kms
        }
        let request = DeliveryRequest.objectWrite(
            bucket: output.bucket, key: key, bytes: bytes, contentType: "application/octet-stream", origin: stream.arn,
            source: DeliverySource(service: "firehose.amazonaws.com", arn: stream.arn, account: stream.account),
            metadata: metadata)
        let deadline = clock.nowMillis() + Self.s3RetryMillis
        var logged = false
        while true {
            let (outcome, _) = await deliveries.deliverNow(request)
            switch outcome {
            case .delivered: return true
            case .failed(let reason), .retry(let reason), .postpone(let reason):
                if !logged {
                    await log("S3.PutObjectFailed", "Could not write \(key) to bucket \(output.bucket): \(reason)")
                    logged = true
                }
            }
            guard clock.nowMillis() < deadline, !Task.isCancelled else { return false }
            try? await Task.sleep(for: .seconds(5))
        }
    }

    /// Records a destination did not take: the error to the logging options' stream, every record
    /// to error output.
    func fail(
        _ records: [ProcessedRecord], code: String, message: String, attempts: Int = 1, type: String,
        naming: ObjectNaming
    ) async {
        await log(code, message)
        let failed = records.map {
            FailedRecord(source: $0.source, data: $0.data, errorCode: code, errorMessage: message, attempts: attempts)
        }
        await writeErrors(failed, type: type, naming: naming)
    }

    /// Records a destination other than S3 took, for the stream's statistics.
    func delivered(_ records: [ProcessedRecord], bytes: Int? = nil) async {
        let bytes = bytes ?? records.reduce(0) { $0 + $1.data.count }
        await report(DeliveryReport(records: records.count, bytes: bytes, objects: 0, failedRecords: 0))
    }

    /// Failed records, one JSON document per line, under the error output prefix of the S3
    /// configuration (the destination's own for S3 destinations, the backup bucket for the others).
    func writeErrors(_ failed: [FailedRecord], type: String, naming: ObjectNaming) async {
        guard let output = settings.s3, !failed.isEmpty else { return }
        let now = clock.nowMillis()
        var lines: [UInt8] = []
        for record in failed {
            var fields: [(key: String, value: OrderedJSON)] = [
                ("attemptsMade", .integer(record.attempts)),
                ("arrivalTimestamp", .integer(Int(record.source.arrivalMillis))),
                ("errorCode", .string(record.errorCode)), ("errorMessage", .string(record.errorMessage)),
                ("attemptEndingTimestamp", .integer(Int(now))),
                ("rawData", .string(Data(record.data).base64EncodedString())),
            ]
            if let arn = record.lambdaArn { fields.append(("lambdaArn", .string(arn))) }
            lines += Array(OrderedJSON.object(fields).text.utf8) + [0x0A]
        }
        var errorNaming = naming
        errorNaming.errorOutputType = type
        let key = errorNaming.errorKey(output: output)
        await writeObject(output, key: key + extensionFor(output), data: lines)
        await report(DeliveryReport(records: 0, bytes: 0, objects: 0, failedRecords: failed.count))
    }

    /// Data that failed at a destination other than S3, backed up as it was (`S3BackupMode`
    /// failed-only modes) or all of it (`AllData`, `AllDocuments`, `AllEvents`).
    func backUpAll(_ records: [ProcessedRecord], naming: ObjectNaming) async {
        guard let output = settings.s3 else { return }
        await writeObject(
            output, key: naming.key(prefix: output.prefix, fileExtension: extensionFor(output)),
            data: joined(records))
    }

    /// Writes a delivery error to the CloudWatch Logs stream the destination names, if it names one.
    func log(_ code: String, _ message: String) async {
        guard let target = settings.logging else { return }
        let line = OrderedJSON.object([
            ("deliveryStreamARN", .string(stream.arn)), ("destination", .string(settings.kind.displayName)),
            ("deliveryStreamVersionId", .integer(stream.version)), ("message", .string(message)),
            ("errorCode", .string(code)),
        ]).text
        await logs.write(
            account: stream.account, region: stream.region, group: target.group, stream: target.stream,
            lines: [LogLine(timestamp: clock.nowMillis(), message: line)])
    }

    /// Retries `attempt` until it succeeds or the destination's retry duration has passed (at least
    /// one attempt), waiting a little longer between attempts each time; the last error if it failed.
    func retrying(_ attempt: () async -> String?) async -> (error: String?, attempts: Int) {
        let deadline = clock.nowMillis() + settings.retryMillis
        var attempts = 0
        var delay: Int64 = 1000
        while true {
            attempts += 1
            guard let error = await attempt() else { return (nil, attempts) }
            let now = clock.nowMillis()
            guard now + delay <= deadline, !Task.isCancelled else { return (error, attempts) }
            try? await Task.sleep(for: .milliseconds(delay))
            delay = min(delay * 2, 30_000)
        }
    }
}

/// What one delivery did, for the stream's statistics.
struct DeliveryReport: Sendable {
    var records: Int
    var bytes: Int
    var objects: Int
    var failedRecords: Int
}
