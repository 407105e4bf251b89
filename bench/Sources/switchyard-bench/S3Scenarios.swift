import ArgumentParser
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// S3 throughput and memory: PUT and GET of objects of `--body-size` bytes (objects/s and MB/s),
/// and the server's memory high-water mark while one large object (`--body-size`, e.g. 1 GiB) is
/// uploaded.
extension SwitchyardBench {
    func runS3(host: String, port: Int) throws {
        let bucket = "bench-\(UInt32.random(in: 0...UInt32.max))"
        try s3Request(host: host, port: port, method: "PUT", path: "/\(bucket)", body: [])
        switch scenario {
        case "s3-put":
            let result = try runLoad(
                host: host, port: port, connections: connections, seconds: duration, maxMessages: nil
            ) { connection in Workload.s3Put(bucket: bucket, connection: connection, size: bodySize) }
            report(result, bytesEach: bodySize)
        case "s3-get":
            try s3Request(
                host: host, port: port, method: "PUT", path: "/\(bucket)/object",
                body: [UInt8](repeating: UInt8(ascii: "x"), count: bodySize))
            let result = try runLoad(
                host: host, port: port, connections: connections, seconds: duration, maxMessages: nil
            ) { _ in Workload.s3Get(bucket: bucket, key: "object") }
            report(result, bytesEach: bodySize)
        case "s3-upload-memory":
            guard let serverPid else { throw ValidationError("s3-upload-memory needs --server-pid") }
            let before = Self.highWaterMegabytes(pid: serverPid) ?? 0
            let started = Date()
            try s3Request(
                host: host, port: port, method: "PUT", path: "/\(bucket)/large",
                body: [UInt8](repeating: UInt8(ascii: "x"), count: bodySize))
            let seconds = Date().timeIntervalSince(started)
            let after = Self.highWaterMegabytes(pid: serverPid) ?? 0
            print(
                String(
                    format:
                        "s3-upload-memory against %@: %.0f MB in %.1f s (%.0f MB/s); server memory high-water %.1f MB before, %.1f MB after",
                    endpoint, Double(bodySize) / 1_048_576, seconds, Double(bodySize) / 1_048_576 / seconds, before,
                    after))
        default:
            throw ValidationError("unknown scenario \(scenario)")
        }
    }

    func report(_ result: LoadResult, bytesEach: Int) {
        var line = String(
            format: "%@ (%d-byte objects) against %@: %.0f objects/s, %.1f MB/s, p50 %.2f ms, p99 %.2f ms",
            scenario, bytesEach, endpoint, result.rate, result.rate * Double(bytesEach) / 1_048_576, result.p50,
            result.p99)
        if let serverPid, let rss = Self.rssMegabytes(pid: serverPid) {
            line += String(format: ", server RSS %.1f MB", rss)
        }
        if result.errors > 0 { line += ", \(result.errors) error responses" }
        print(line)
    }

    /// One synchronous S3 request (setup, and the single large upload).
    func s3Request(host: String, port: Int, method: String, path: String, body: [UInt8]) throws {
        guard let url = URL(string: "http://\(host):\(port)\(path)") else { return }
        var request = URLRequest(url: url, timeoutInterval: 600)
        request.httpMethod = method
        request.setValue("UNSIGNED-PAYLOAD", forHTTPHeaderField: "x-amz-content-sha256")
        request.setValue("20261124T000000Z", forHTTPHeaderField: "X-Amz-Date")
        request.setValue(
            "AWS4-HMAC-SHA256 Credential=test/20261124/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00",
            forHTTPHeaderField: "Authorization")
        if !body.isEmpty { request.httpBody = Data(body) }
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var failure: Error?
        URLSession.shared.dataTask(with: request) { _, response, error in
            if let error { failure = error }
            if let status = (response as? HTTPURLResponse)?.statusCode, status >= 300 {
                failure = ValidationError("\(method) \(path) answered \(status)")
            }
            done.signal()
        }.resume()
        done.wait()
        if let failure { throw failure }
    }

    /// The most resident memory the process has had (VmHWM), in MB.
    static func highWaterMegabytes(pid: Int) -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let kilobytes = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first
            return kilobytes.flatMap { Double($0) }.map { $0 / 1024 }
        }
        return nil
    }
}
