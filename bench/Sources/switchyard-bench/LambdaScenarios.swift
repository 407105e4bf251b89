import ArgumentParser
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Lambda: warm synchronous invocations of a no-op function (p50/p99 latency and invocations/s)
/// in the Python runtime (`invoke-python`, AWS's runtime interface client), Switchyard's own
/// runtime clients (`invoke-node`, `invoke-ruby`, `invoke-java`; the Java handler is compiled here
/// with javac) and a custom runtime (`invoke-bootstrap`, a `bootstrap` script speaking the Runtime
/// API), and an SQS event source mapping draining `--prefill` messages through a no-op function
/// (`esm-sqs`, messages/s).
extension SwitchyardBench {
    static let noOpHandler = "def handler(event, context):\n    return event\n"
    static let bootstrapScript = """
        #!/usr/bin/env python3
        import os, urllib.request
        api = "http://" + os.environ["AWS_LAMBDA_RUNTIME_API"] + "/2018-06-01/runtime/invocation/"
        while True:
            with urllib.request.urlopen(api + "next") as answer:
                request_id = answer.headers["Lambda-Runtime-Aws-Request-Id"]
                body = answer.read()
            urllib.request.urlopen(urllib.request.Request(api + request_id + "/response", data=body, method="POST")).read()

        """

    static let noOpNode = "exports.handler = async (event) => event;\n"
    static let noOpRuby = "def handler(event:, context:)\n  event\nend\n"
    static let noOpJava = """
        package bench;
        public class NoOp {
            public java.util.Map<String, Object> handleRequest(java.util.Map<String, Object> event) { return event; }
        }

        """

    /// The no-op function of the scenario: its runtime, handler and zip.
    func noOpFunction() throws -> (runtime: String, handler: String, zip: [UInt8]) {
        switch scenario {
        case "invoke-bootstrap":
            return (
                "provided.al2023", "app.handler",
                StoredZip.make([("bootstrap", Array(Self.bootstrapScript.utf8), 0o755)])
            )
        case "invoke-node":
            return ("nodejs20.x", "index.handler", StoredZip.make([("index.js", Array(Self.noOpNode.utf8), 0o644)]))
        case "invoke-ruby":
            return ("ruby3.3", "function.handler", StoredZip.make([("function.rb", Array(Self.noOpRuby.utf8), 0o644)]))
        case "invoke-java":
            return ("java17", "bench.NoOp", StoredZip.make([("bench/NoOp.class", try Self.compiledJava(), 0o644)]))
        default:
            return ("python3.12", "app.handler", StoredZip.make([("app.py", Array(Self.noOpHandler.utf8), 0o644)]))
        }
    }

    /// The no-op Java handler's class file, compiled with the machine's javac.
    static func compiledJava() throws -> [UInt8] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bench-java-\(getpid())")
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let source = directory.appendingPathComponent("NoOp.java")
        try noOpJava.write(to: source, atomically: true, encoding: .utf8)
        let javac = Process()
        javac.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        javac.arguments = ["javac", "-d", directory.path, source.path]
        try javac.run()
        javac.waitUntilExit()
        guard javac.terminationStatus == 0 else { throw ValidationError("javac failed") }
        return Array(try Data(contentsOf: directory.appendingPathComponent("bench/NoOp.class")))
    }

    func runLambda(host: String, port: Int) throws {
        let name = "bench-\(UInt32.random(in: 0...UInt32.max))"
        let function = try noOpFunction()
        let create: [String: Any] = [
            "FunctionName": name, "Runtime": function.runtime, "Handler": function.handler,
            "Role": "arn:aws:iam::000000000000:role/bench",
            "Code": ["ZipFile": Data(function.zip).base64EncodedString()],
        ]
        _ = try call(host: host, port: port, "POST", "/2015-03-31/functions", service: "lambda", json: create)
        // Wait for Active, then warm one worker up.
        for _ in 0..<600 {
            let answer = try call(host: host, port: port, "GET", "/2015-03-31/functions/\(name)", service: "lambda")
            if let configuration = answer["Configuration"] as? [String: Any],
                configuration["State"] as? String == "Active"
            {
                break
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        _ = try call(
            host: host, port: port, "POST", "/2015-03-31/functions/\(name)/invocations", service: "lambda",
            json: ["warm": true])
        if scenario == "esm-sqs" { return try runMapping(host: host, port: port, function: name) }
        let payload = #"{"payload":"\#(String(repeating: "x", count: bodySize))"}"#
        let result = try runLoad(host: host, port: port, connections: connections, seconds: duration, maxMessages: nil)
        {
            _ in Workload.invoke(function: name, payload: payload)
        }
        var line = String(
            format: "%@ against %@: %.0f invocations/s, p50 %.2f ms, p99 %.2f ms, %d connections",
            scenario, endpoint, result.rate, result.p50, result.p99, connections)
        if let serverPid, let rss = Self.rssMegabytes(pid: serverPid) {
            line += String(format: ", server RSS %.1f MB", rss)
        }
        if result.errors > 0 { line += ", \(result.errors) error responses" }
        print(line)
    }

    /// Fills a queue, maps it to the function, and times until the queue is empty.
    func runMapping(host: String, port: Int, function: String) throws {
        let queueName = "bench-esm-\(UInt32.random(in: 0...UInt32.max))"
        let created = try call(
            host: host, port: port, "POST", "/", service: "sqs", target: "AmazonSQS.CreateQueue",
            json: ["QueueName": queueName])
        guard let queueURL = created["QueueUrl"] as? String else { throw ValidationError("no queue") }
        let fill = try runLoad(host: host, port: port, connections: connections, seconds: 600, maxMessages: prefill) {
            _ in
            Workload.send(queueURL: queueURL, body: String(repeating: "x", count: bodySize))
        }
        let arn = "arn:aws:sqs:us-east-1:000000000000:\(queueName)"
        let started = Date()
        _ = try call(
            host: host, port: port, "POST", "/2015-03-31/event-source-mappings", service: "lambda",
            json: ["FunctionName": function, "EventSourceArn": arn, "BatchSize": 10])
        while Date().timeIntervalSince(started) < 600 {
            let attributes = try call(
                host: host, port: port, "POST", "/", service: "sqs", target: "AmazonSQS.GetQueueAttributes",
                json: ["QueueUrl": queueURL, "AttributeNames": ["All"]])
            let values = attributes["Attributes"] as? [String: String] ?? [:]
            if values["ApproximateNumberOfMessages"] == "0", values["ApproximateNumberOfMessagesNotVisible"] == "0" {
                break
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        let seconds = Date().timeIntervalSince(started)
        print(
            String(
                format:
                    "esm-sqs against %@: %.0f messages (%.0f/s sent) through a no-op Python function in %.1f s: %.0f messages/s",
                endpoint, Double(fill.messages), fill.rate, seconds, Double(fill.messages) / seconds))
    }

    /// One JSON request for setup, answered as a JSON object.
    func call(
        host: String, port: Int, _ method: String, _ path: String, service: String, target: String? = nil,
        json: Any? = nil
    ) throws -> [String: Any] {
        guard let url = URL(string: "http://\(host):\(port)\(path)") else { return [:] }
        var request = URLRequest(url: url, timeoutInterval: 120)
        request.httpMethod = method
        request.setValue("20261124T000000Z", forHTTPHeaderField: "X-Amz-Date")
        request.setValue(
            "AWS4-HMAC-SHA256 Credential=test/20261124/us-east-1/\(service)/aws4_request, SignedHeaders=host, Signature=00",
            forHTTPHeaderField: "Authorization")
        if let target {
            request.setValue(target, forHTTPHeaderField: "X-Amz-Target")
            request.setValue("application/x-amz-json-1.0", forHTTPHeaderField: "Content-Type")
        } else {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        if let json { request.httpBody = try JSONSerialization.data(withJSONObject: json) }
        return try perform(request, label: "\(method) \(path)")
    }
}

/// A zip of stored (uncompressed) files, enough for a function's code.
enum StoredZip {
    static func make(_ files: [(name: String, bytes: [UInt8], mode: UInt32)]) -> [UInt8] {
        var out: [UInt8] = []
        var central: [UInt8] = []
        func le16(_ value: Int) -> [UInt8] { [UInt8(value & 0xff), UInt8((value >> 8) & 0xff)] }
        func le32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8((value >> (8 * $0)) & 0xff) } }
        for file in files {
            let offset = out.count
            let crc = crc32(file.bytes)
            let name = Array(file.name.utf8)
            let common =
                le16(20) + le16(0) + le16(0) + le16(0) + le16(0) + le32(crc) + le32(UInt32(file.bytes.count))
                + le32(UInt32(file.bytes.count)) + le16(name.count) + le16(0)
            out += le32(0x0403_4b50) + common + name + file.bytes
            central +=
                le32(0x0201_4b50) + le16(0x031e) + common + le16(0) + le16(0) + le16(0)
                + le32((0o100000 | file.mode) << 16) + le32(UInt32(offset)) + name
        }
        let centralOffset = out.count
        out += central
        out +=
            le32(0x0605_4b50) + le16(0) + le16(0) + le16(files.count) + le16(files.count) + le32(UInt32(central.count))
            + le32(UInt32(centralOffset)) + le16(0)
        return out
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xffff_ffff
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = (crc >> 1) ^ (0xedb8_8320 & (0 &- (crc & 1))) }
        }
        return ~crc
    }
}
