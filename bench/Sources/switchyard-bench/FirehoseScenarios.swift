import ArgumentParser
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Firehose: PutRecordBatch into a DirectPut stream that delivers to an S3 bucket (`firehose-s3`),
/// with `--compression` and a `--buffer-mb` size hint (interval 1 s): accepted records/s and MB/s
/// during the load, then delivered records/s and MB/s from the start of the load until every
/// accepted record is in an object. The delivered figures read Switchyard's
/// `/_switchyard/firehose/streams` counters; against other servers only the accepted rate is shown.
extension SwitchyardBench {
    func runFirehose(host: String, port: Int) throws {
        let suffix = UInt32.random(in: 0...UInt32.max)
        let bucket = "bench-firehose-\(suffix)"
        let stream = "bench-\(suffix)"
        try s3Request(host: host, port: port, method: "PUT", path: "/\(bucket)", body: [])
        _ = try firehose(
            host, port, "CreateDeliveryStream",
            [
                "DeliveryStreamName": stream,
                "ExtendedS3DestinationConfiguration": [
                    "RoleARN": "arn:aws:iam::000000000000:role/bench", "BucketARN": "arn:aws:s3:::\(bucket)",
                    "CompressionFormat": compression,
                    "BufferingHints": ["SizeInMBs": bufferMb, "IntervalInSeconds": 1],
                ],
            ])
        let started = Date()
        let result = try runLoad(host: host, port: port, connections: connections, seconds: duration, maxMessages: nil)
        {
            _ in
            Workload.putRecordBatch(stream: stream, count: records, size: bodySize)
        }
        var line = String(
            format:
                "firehose-s3 against %@: accepted %.0f records/s, %.1f MB/s, PutRecordBatch p50 %.2f ms, p99 %.2f ms, %d records of %d bytes per call, %@, %d MiB buffers, %d connections",
            endpoint, result.rate, result.rate * Double(bodySize) / 1_048_576, result.p50, result.p99, records,
            bodySize, compression, bufferMb, connections)
        if result.errors > 0 { line += ", \(result.errors) error responses" }
        if let delivered = try waitForDelivery(host: host, port: port, stream: stream) {
            let seconds = delivered.at.timeIntervalSince(started)
            line += String(
                format: "; delivered %.0f records/s, %.1f MB/s into %d objects (%.1f s until the last)",
                Double(delivered.records) / seconds, Double(delivered.bytes) / 1_048_576 / seconds, delivered.objects,
                seconds)
        }
        if let serverPid, let rss = Self.rssMegabytes(pid: serverPid) {
            line += String(format: ", server RSS %.1f MB", rss)
        }
        print(line)
    }

    /// Polls Switchyard's stream counters until every accepted record was delivered; nil when the
    /// server has no such endpoint.
    func waitForDelivery(host: String, port: Int, stream: String) throws -> (
        records: Int, bytes: Int, objects: Int, at: Date
    )? {
        guard let url = URL(string: "http://\(host):\(port)/_switchyard/firehose/streams") else { return nil }
        for _ in 0..<6000 {
            guard let data = try? Data(contentsOf: url),
                let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                let streams = object["deliveryStreams"] as? [[String: Any]],
                let mine = streams.first(where: {
                    ($0["deliveryStreamARN"] as? String)?.hasSuffix("/\(stream)") == true
                })
            else { return nil }
            let incoming = mine["incomingRecords"] as? Int ?? 0
            let delivered = mine["deliveredRecords"] as? Int ?? 0
            if delivered >= incoming, mine["bufferedRecords"] as? Int == 0 {
                let last = Double(mine["lastDeliveryMillis"] as? Int ?? 0) / 1000
                return (
                    delivered, mine["deliveredBytes"] as? Int ?? 0, mine["objects"] as? Int ?? 0,
                    Date(timeIntervalSince1970: last)
                )
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return nil
    }

    /// One awsJson 1.1 call to Firehose, for setup.
    func firehose(_ host: String, _ port: Int, _ operation: String, _ json: [String: Any]) throws -> [String: Any] {
        try awsJSON(host, port, target: "Firehose_20150804.\(operation)", signingName: "firehose", json)
    }
}
