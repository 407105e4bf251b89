import ArgumentParser
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Kinesis: PutRecords into a stream of `--shards` shards (`kinesis-put`: records/s and MB/s),
/// reading back `--prefill` records with GetRecords across its shards (`kinesis-get`: records/s),
/// and SubscribeToShard latency from an acknowledged PutRecord to the event that carries it
/// (`kinesis-subscribe`: p50/p99 over 200 records).
extension SwitchyardBench {
    func runKinesis(host: String, port: Int) throws {
        let stream = "bench-\(UInt32.random(in: 0...UInt32.max))"
        _ = try kinesis(host, port, "CreateStream", ["StreamName": stream, "ShardCount": shards])
        for _ in 0..<600 {
            let described = try kinesis(host, port, "DescribeStreamSummary", ["StreamName": stream])
            if (described["StreamDescriptionSummary"] as? [String: Any])?["StreamStatus"] as? String == "ACTIVE" {
                break
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        switch scenario {
        case "kinesis-put":
            let result = try runLoad(
                host: host, port: port, connections: connections, seconds: duration, maxMessages: nil
            ) { connection in
                Workload.putRecords(stream: stream, count: records, size: bodySize, connection: connection)
            }
            var line = String(
                format:
                    "kinesis-put against %@: %.0f records/s, %.1f MB/s, PutRecords p50 %.2f ms, p99 %.2f ms, %d shards, %d records of %d bytes per call, %d connections",
                endpoint, result.rate, result.rate * Double(bodySize) / 1_048_576, result.p50, result.p99, shards,
                records, bodySize, connections)
            if let serverPid, let rss = Self.rssMegabytes(pid: serverPid) {
                line += String(format: ", server RSS %.1f MB", rss)
            }
            if result.errors > 0 { line += ", \(result.errors) error responses" }
            print(line)
        case "kinesis-get":
            _ = try runLoad(host: host, port: port, connections: connections, seconds: 600, maxMessages: prefill) {
                connection in
                Workload.putRecords(stream: stream, count: records, size: bodySize, connection: connection)
            }
            let started = Date()
            var read = 0
            var calls = 0
            let shardList =
                try kinesis(host, port, "ListShards", ["StreamName": stream])["Shards"] as? [[String: Any]] ?? []
            for shard in shardList {
                guard let id = shard["ShardId"] as? String else { continue }
                var iterator =
                    try kinesis(
                        host, port, "GetShardIterator",
                        ["StreamName": stream, "ShardId": id, "ShardIteratorType": "TRIM_HORIZON"])["ShardIterator"]
                    as? String
                while let current = iterator {
                    let answer = try kinesis(host, port, "GetRecords", ["ShardIterator": current, "Limit": 10_000])
                    calls += 1
                    let count = (answer["Records"] as? [Any])?.count ?? 0
                    read += count
                    iterator = count == 0 ? nil : answer["NextShardIterator"] as? String
                }
            }
            let seconds = Date().timeIntervalSince(started)
            print(
                String(
                    format:
                        "kinesis-get against %@: %d records read in %.2f s: %.0f records/s, %.1f MB/s, %d GetRecords calls, %d shards",
                    endpoint, read, seconds, Double(read) / seconds, Double(read * bodySize) / 1_048_576 / seconds,
                    calls, shards))
        case "kinesis-subscribe":
            try runSubscribeLatency(host: host, port: port, stream: stream)
        default:
            throw ValidationError("unknown scenario \(scenario)")
        }
    }

    /// One awsJson 1.1 call to Kinesis, for setup and the read loop.
    func kinesis(_ host: String, _ port: Int, _ operation: String, _ json: [String: Any]) throws -> [String: Any] {
        try awsJSON(host, port, target: "Kinesis_20131202.\(operation)", signingName: "kinesis", json)
    }

    /// Registers a consumer, subscribes to the first shard, then puts records one at a time and
    /// times each until the event carrying it arrives.
    func runSubscribeLatency(host: String, port: Int, stream: String) throws {
        let arn = "arn:aws:kinesis:us-east-1:000000000000:stream/\(stream)"
        let consumer =
            try kinesis(host, port, "RegisterStreamConsumer", ["StreamARN": arn, "ConsumerName": "bench"])["Consumer"]
            as? [String: Any]
        guard let consumerARN = consumer?["ConsumerARN"] as? String else { throw ValidationError("no consumer") }
        for _ in 0..<600 {
            let described =
                try kinesis(host, port, "DescribeStreamConsumer", ["ConsumerARN": consumerARN])["ConsumerDescription"]
                as? [String: Any]
            if described?["ConsumerStatus"] as? String == "ACTIVE" { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        let events = EventCounter()
        let session = URLSession(configuration: .default, delegate: events, delegateQueue: nil)
        guard let url = URL(string: "http://\(host):\(port)/") else { return }
        var request = URLRequest(url: url, timeoutInterval: 600)
        request.httpMethod = "POST"
        request.setValue("application/x-amz-json-1.1", forHTTPHeaderField: "Content-Type")
        request.setValue("Kinesis_20131202.SubscribeToShard", forHTTPHeaderField: "X-Amz-Target")
        request.setValue("20261124T000000Z", forHTTPHeaderField: "X-Amz-Date")
        request.setValue(
            "AWS4-HMAC-SHA256 Credential=test/20261124/us-east-1/kinesis/aws4_request, SignedHeaders=host, Signature=00",
            forHTTPHeaderField: "Authorization")
        request.httpBody = try JSONSerialization.data(withJSONObject: [
            "ConsumerARN": consumerARN, "ShardId": "shardId-000000000000", "StartingPosition": ["Type": "LATEST"],
        ])
        session.dataTask(with: request).resume()
        // The initial response and the first (empty, after the heartbeat) event tell the stream is up.
        events.waitFor(messages: 1, timeout: 10)
        Thread.sleep(forTimeInterval: 0.2)
        var latencies: [Double] = []
        let payload = Data(repeating: UInt8(ascii: "x"), count: bodySize).base64EncodedString()
        for index in 0..<200 {
            let before = events.recordEvents
            let started = DispatchTime.now().uptimeNanoseconds
            _ = try kinesis(
                host, port, "PutRecord", ["StreamName": stream, "Data": payload, "PartitionKey": "k\(index)"])
            events.waitFor(recordEvents: before + 1, timeout: 10)
            latencies.append(Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6)
        }
        session.invalidateAndCancel()
        latencies.sort()
        func percentile(_ p: Double) -> Double { latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
        print(
            String(
                format:
                    "kinesis-subscribe against %@: PutRecord acknowledged to SubscribeToShard event p50 %.2f ms, p99 %.2f ms over %d records",
                endpoint, percentile(0.5), percentile(0.99), latencies.count))
    }
}

/// Counts event-stream messages as they arrive (each starts with its total length), and the
/// events among them that carry records.
final class EventCounter: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    private let lock = NSCondition()
    private var buffer = Data()
    private(set) var messages = 0
    private(set) var recordEvents = 0

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        lock.lock()
        buffer.append(data)
        while buffer.count >= 4 {
            let bytes = [UInt8](buffer.prefix(4))
            let length = Int(bytes[0]) << 24 | Int(bytes[1]) << 16 | Int(bytes[2]) << 8 | Int(bytes[3])
            guard buffer.count >= length else { break }
            let message = buffer.prefix(length)
            buffer.removeFirst(length)
            messages += 1
            if message.range(of: Data(#""SequenceNumber""#.utf8)) != nil { recordEvents += 1 }
        }
        lock.broadcast()
        lock.unlock()
    }

    func waitFor(messages wanted: Int, timeout: Double) {
        wait(timeout) { self.messages >= wanted }
    }

    func waitFor(recordEvents wanted: Int, timeout: Double) {
        wait(timeout) { self.recordEvents >= wanted }
    }

    private func wait(_ timeout: Double, until done: () -> Bool) {
        let deadline = Date().addingTimeInterval(timeout)
        lock.lock()
        while !done(), lock.wait(until: deadline) {}
        lock.unlock()
    }
}
