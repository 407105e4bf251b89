import ArgumentParser
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Closed-loop SQS load against any AWS-compatible endpoint: many keep-alive connections, each
/// sending its next request as soon as the previous answer arrives.
@main
struct SwitchyardBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "switchyard-bench",
        abstract: "SQS load generator: msgs/s, latency p50/p99 and server RSS.")

    @Option(help: "Endpoint URL of the server under test.")
    var endpoint = "http://127.0.0.1:4566"

    @Option(
        help:
            "send | send-batch | receive-delete | fifo-send | publish | put-events | s3-put | s3-get | s3-upload-memory | kinesis-put | kinesis-get | kinesis-subscribe | firehose-s3 | ses-send | ses-relay | invoke-python | invoke-node | invoke-ruby | invoke-java | invoke-bootstrap | esm-sqs | bare"
    )
    var scenario = "send"

    @Option(help: "publish: SQS queues subscribed to the topic.")
    var fanout = 1

    @Option(help: "put-events: rules on the default bus (one targets a queue, the others name other sources).")
    var rules = 1

    @Flag(help: "publish: subscribe the queues with RawMessageDelivery (default: the signed JSON envelope).")
    var raw = false

    @Option(help: "Concurrent keep-alive connections.")
    var connections = 64

    @Option(help: "Seconds of load.")
    var duration = 10.0

    @Option(help: "Messages to load into the queue before receive-delete.")
    var prefill = 200_000

    @Option(name: .customLong("server-pid"), help: "PID of the server, to report its RSS.")
    var serverPid: Int?

    @Option(help: "kinesis-*: shards of the stream.")
    var shards = 1

    @Option(help: "firehose-s3: the stream's CompressionFormat (UNCOMPRESSED, GZIP, ZIP, Snappy, HADOOP_SNAPPY).")
    var compression = "UNCOMPRESSED"

    @Option(help: "firehose-s3: the stream's buffering size hint in MiB.")
    var bufferMb = 5

    @Option(help: "kinesis-put, firehose-s3: records per PutRecords / PutRecordBatch call.")
    var records = 500

    @Option(
        name: .customLong("smtp-sink-port"),
        help: "ses-relay: the port of the SMTP sink this bench runs; start the server with --smtp-relay 127.0.0.1:PORT."
    )
    var smtpSinkPort = 2525

    @Option(help: "Message body size in bytes.")
    var bodySize = 100

    func run() throws {
        guard let url = URL(string: endpoint), let host = url.host, let port = url.port else {
            throw ValidationError("endpoint must look like http://host:port")
        }
        if scenario == "publish" { return try runPublish(host: host, port: port) }
        if scenario == "put-events" { return try runPutEvents(host: host, port: port) }
        if scenario.hasPrefix("s3-") { return try runS3(host: host, port: port) }
        if scenario.hasPrefix("kinesis-") { return try runKinesis(host: host, port: port) }
        if scenario == "firehose-s3" { return try runFirehose(host: host, port: port) }
        if scenario.hasPrefix("ses-") { return try runSES(host: host, port: port) }
        if scenario.hasPrefix("invoke-") || scenario == "esm-sqs" { return try runLambda(host: host, port: port) }
        let queueName =
            "bench-\(scenario)-\(UInt32.random(in: 0...UInt32.max))" + (scenario == "fifo-send" ? ".fifo" : "")
        let queueURL: String
        if scenario == "bare" {
            queueURL = "\(endpoint)/000000000000/bare"
        } else {
            let attributes =
                scenario == "fifo-send"
                ? #","Attributes":{"FifoQueue":"true","ContentBasedDeduplication":"false"}"# : ""
            let reply = try call(
                host: host, port: port, target: "CreateQueue", body: #"{"QueueName":"\#(queueName)"\#(attributes)}"#)
            guard let object = try JSONSerialization.jsonObject(with: reply) as? [String: Any],
                let created = object["QueueUrl"] as? String
            else { throw ValidationError("CreateQueue failed: \(String(decoding: reply, as: UTF8.self))") }
            queueURL = created
        }
        let body = String(repeating: "x", count: bodySize)
        if scenario == "receive-delete" {
            print("prefilling \(prefill) messages...")
            let fill = try runLoad(host: host, port: port, connections: 16, seconds: 600, maxMessages: prefill) { _ in
                Workload.sendBatch(queueURL: queueURL, body: body)
            }
            print(String(format: "prefill: %.0f msgs/s", fill.rate))
        }
        let result = try runLoad(host: host, port: port, connections: connections, seconds: duration, maxMessages: nil)
        { connection in
            switch scenario {
            case "send", "bare": return Workload.send(queueURL: queueURL, body: body)
            case "send-batch": return Workload.sendBatch(queueURL: queueURL, body: body)
            case "receive-delete": return Workload.receiveDelete(queueURL: queueURL)
            case "fifo-send": return Workload.fifoSend(queueURL: queueURL, body: body, group: "g\(connection % 16)")
            default: return Workload.send(queueURL: queueURL, body: body)
            }
        }
        var line = String(
            format: "%@ against %@: %.0f msgs/s, %.0f req/s, p50 %.2f ms, p99 %.2f ms, %d connections, %.0f s",
            scenario, endpoint, result.rate, result.requestRate, result.p50, result.p99, connections, duration)
        if let serverPid, let rss = Self.rssMegabytes(pid: serverPid) {
            line += String(format: ", server RSS %.1f MB", rss)
        }
        if result.errors > 0 { line += ", \(result.errors) error responses" }
        print(line)
    }

    /// Publish to a topic with `fanout` subscribed queues: publish rate and latency from the load, and
    /// delivered messages/s measured until every acknowledged publish is in every queue.
    func runPublish(host: String, port: Int) throws {
        let suffix = UInt32.random(in: 0...UInt32.max)
        let created = try query(host: host, port: port, ["Action": "CreateTopic", "Name": "bench-\(suffix)"])
        guard let topicArn = Self.element("TopicArn", in: created) else {
            throw ValidationError("CreateTopic failed: \(created)")
        }
        var queueURLs: [String] = []
        for index in 0..<fanout {
            let name = "bench-\(suffix)-\(index)"
            let reply = try call(host: host, port: port, target: "CreateQueue", body: #"{"QueueName":"\#(name)"}"#)
            guard let object = try JSONSerialization.jsonObject(with: reply) as? [String: Any],
                let queueURL = object["QueueUrl"] as? String
            else { throw ValidationError("CreateQueue failed") }
            queueURLs.append(queueURL)
            var subscribe = [
                "Action": "Subscribe", "TopicArn": topicArn, "Protocol": "sqs",
                "Endpoint": "arn:aws:sqs:us-east-1:000000000000:\(name)",
            ]
            if raw {
                subscribe["Attributes.entry.1.key"] = "RawMessageDelivery"
                subscribe["Attributes.entry.1.value"] = "true"
            }
            _ = try query(host: host, port: port, subscribe)
        }
        let body = String(repeating: "x", count: bodySize)
        let started = Date()
        let result = try runLoad(host: host, port: port, connections: connections, seconds: duration, maxMessages: nil)
        { _ in Workload.publish(topicArn: topicArn, body: body) }
        let published = Int(result.rate * duration)
        var delivered = 0
        var finished = Date()
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            delivered = 0
            for queueURL in queueURLs {
                let reply = try call(
                    host: host, port: port, target: "GetQueueAttributes",
                    body: #"{"QueueUrl":"\#(queueURL)","AttributeNames":["ApproximateNumberOfMessages"]}"#)
                let object = try JSONSerialization.jsonObject(with: reply) as? [String: Any]
                let attributes = object?["Attributes"] as? [String: String]
                delivered += Int(attributes?["ApproximateNumberOfMessages"] ?? "0") ?? 0
            }
            finished = Date()
            if delivered >= published * fanout { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        let seconds = finished.timeIntervalSince(started)
        var line = String(
            format:
                "publish (fan-out %d, %@) against %@: %.0f publishes/s, p50 %.2f ms, p99 %.2f ms; %d delivered in %.1f s = %.0f deliveries/s",
            fanout, raw ? "raw" : "envelope", endpoint, result.rate, result.p50, result.p99, delivered, seconds,
            Double(delivered) / seconds)
        if let serverPid, let rss = Self.rssMegabytes(pid: serverPid) {
            line += String(format: ", server RSS %.1f MB", rss)
        }
        if result.errors > 0 { line += ", \(result.errors) error responses" }
        print(line)
    }

    /// PutEvents to the default bus, whose `rules` rules include one that sends each event to a queue;
    /// then waits until the queue holds every acknowledged event.
    func runPutEvents(host: String, port: Int) throws {
        let suffix = UInt32.random(in: 0...UInt32.max)
        let name = "bench-events-\(suffix)"
        let reply = try call(host: host, port: port, target: "CreateQueue", body: #"{"QueueName":"\#(name)"}"#)
        guard let object = try JSONSerialization.jsonObject(with: reply) as? [String: Any],
            let queueURL = object["QueueUrl"] as? String
        else { throw ValidationError("CreateQueue failed") }
        let source = "bench.\(suffix)"
        for index in 0..<rules {
            let ruleSource = index == 0 ? source : "other.\(suffix).\(index)"
            let pattern = #"{\"source\":[\"\#(ruleSource)\"],\"detail\":{\"payload\":[{\"exists\":true}]}}"#
            _ = try call(
                host: host, port: port, target: "PutRule",
                body: #"{"Name":"bench-\#(suffix)-\#(index)","EventPattern":"\#(pattern)"}"#, prefix: "AWSEvents",
                contentType: "application/x-amz-json-1.1")
            if index == 0 {
                _ = try call(
                    host: host, port: port, target: "PutTargets",
                    body:
                        #"{"Rule":"bench-\#(suffix)-0","Targets":[{"Id":"q","Arn":"arn:aws:sqs:us-east-1:000000000000:\#(name)"}]}"#,
                    prefix: "AWSEvents", contentType: "application/x-amz-json-1.1")
            }
        }
        let body = String(repeating: "x", count: bodySize)
        let started = Date()
        let result = try runLoad(host: host, port: port, connections: connections, seconds: duration, maxMessages: nil)
        { _ in Workload.putEvents(source: source, body: body) }
        let acknowledged = Int(result.rate * duration)
        var delivered = 0
        var finished = Date()
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            let reply = try call(
                host: host, port: port, target: "GetQueueAttributes",
                body: #"{"QueueUrl":"\#(queueURL)","AttributeNames":["ApproximateNumberOfMessages"]}"#)
            let object = try JSONSerialization.jsonObject(with: reply) as? [String: Any]
            delivered = Int((object?["Attributes"] as? [String: String])?["ApproximateNumberOfMessages"] ?? "0") ?? 0
            finished = Date()
            if delivered >= acknowledged { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        var line = String(
            format:
                "put-events (%d rules) against %@: %.0f events/s, p50 %.2f ms, p99 %.2f ms; %d delivered in %.1f s",
            rules, endpoint, result.rate, result.p50, result.p99, delivered, finished.timeIntervalSince(started))
        if let serverPid, let rss = Self.rssMegabytes(pid: serverPid) {
            line += String(format: ", server RSS %.1f MB", rss)
        }
        if result.errors > 0 { line += ", \(result.errors) error responses" }
        print(line)
    }

    /// One synchronous awsQuery (SNS) call, for setup; answers the XML text.
    func query(host: String, port: Int, _ parameters: [String: String]) throws -> String {
        guard let url = URL(string: "http://\(host):\(port)/") else { return "" }
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        var form = parameters
        form["Version"] = "2010-03-31"
        request.httpBody = Data(
            form.map { "\($0.key)=\(Workload.percentEncoded($0.value))" }.joined(separator: "&").utf8)
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        request.setValue(
            "AWS4-HMAC-SHA256 Credential=test/20261124/us-east-1/sns/aws4_request, SignedHeaders=host, Signature=00",
            forHTTPHeaderField: "Authorization")
        request.setValue("20261124T000000Z", forHTTPHeaderField: "X-Amz-Date")
        let semaphore = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var result: Data?
        URLSession.shared.dataTask(with: request) { data, _, _ in
            result = data
            semaphore.signal()
        }.resume()
        semaphore.wait()
        return String(decoding: result ?? Data(), as: UTF8.self)
    }

    static func element(_ name: String, in xml: String) -> String? {
        guard let start = xml.range(of: "<\(name)>"),
            let end = xml.range(of: "</\(name)>", range: start.upperBound..<xml.endIndex)
        else { return nil }
        return String(xml[start.upperBound..<end.lowerBound])
    }

    /// One synchronous awsJson call, for setup.
    func call(
        host: String, port: Int, target: String, body: String, prefix: String = "AmazonSQS",
        contentType: String = "application/x-amz-json-1.0"
    ) throws -> Data {
        guard let url = URL(string: "http://\(host):\(port)/") else { return Data() }
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.httpBody = Data(body.utf8)
        request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        request.setValue("\(prefix).\(target)", forHTTPHeaderField: "X-Amz-Target")
        let semaphore = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var result: Data?
        URLSession.shared.dataTask(with: request) { data, _, _ in
            result = data
            semaphore.signal()
        }.resume()
        semaphore.wait()
        return result ?? Data()
    }

    static func rssMegabytes(pid: Int) -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            let kb = line.split(separator: " ").compactMap { Double($0) }.first ?? 0
            return kb / 1024
        }
        return nil
    }
}
