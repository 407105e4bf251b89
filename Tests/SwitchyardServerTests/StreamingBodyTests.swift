import AsyncHTTPClient
import Crypto
import Foundation
import Logging
import NIOCore
import SwitchyardModels
import SwitchyardPlatform
import SwitchyardWire
import Synchronization
import Testing

@testable import SwitchyardServer

/// Bodies that do not fit in memory at once: responses written while they are produced (an event
/// stream) and request bodies written to a file while they arrive (an S3 upload), through the real
/// transport and a real HTTP client.
@Suite struct StreamingBodyTests {
    /// A server whose only services are the given endpoints.
    func withServer(
        _ endpoints: [ServiceEndpoint], spoolDirectory: String, maxBodyBytes: Int = 8 << 20,
        _ body: (Int) async throws -> Void
    ) async throws {
        var configuration = ServerConfiguration()
        configuration.connectionLimits.maxBodyBytes = maxBodyBytes
        let operations = OperationalEndpoints(
            storage: "memory", dataDirectory: nil, serviceNames: [:], reset: {}, statistics: { [:] })
        let router = RequestRouter(
            services: endpoints, configuration: configuration, operations: operations,
            logger: Logger(label: "test"))
        var limits = ConnectionLimits()
        limits.maxBodyBytes = maxBodyBytes
        let server = try await HTTPServer.start(
            host: "127.0.0.1", port: 0, router: router, limits: limits, spoolDirectory: spoolDirectory)
        do {
            try await body(server.port)
        } catch {
            await server.shutdown(gracePeriod: .seconds(1))
            throw error
        }
        await server.shutdown(gracePeriod: .seconds(1))
    }

    func temporaryDirectory() -> String {
        NSTemporaryDirectory() + "switchyard-test-" + RandomUUID.make()
    }

    @Test func anEventStreamIsWrittenWhileItIsProduced() async throws {
        // The producer sends its second chunk only after the client has read the first: a
        // buffered response would never complete.
        let (gate, opener) = AsyncStream<Void>.makeStream()
        let endpoint = ServiceEndpoint(descriptor: Lambda.descriptor, model: { Lambda.model }) { operation, _, _ in
            #expect(operation == "InvokeWithResponseStream")
            let step = Mutex(0)
            let waiting = SerialGate(gate)
            let source = EventSource {
                let next = step.withLock { value -> Int in
                    value += 1
                    return value
                }
                switch next {
                case 1:
                    return StreamEvent(name: "PayloadChunk", value: .structure(["Payload": .blob(Data("one".utf8))]))
                case 2:
                    await waiting.wait()
                    return StreamEvent(name: "PayloadChunk", value: .structure(["Payload": .blob(Data("two".utf8))]))
                case 3: return StreamEvent(name: "InvokeComplete", value: .structure(["LogResult": .string("bG9n")]))
                default: return nil
                }
            }
            return .structure([
                "StatusCode": .integer(200), "ExecutedVersion": .string("$LATEST"), "EventStream": .events(source),
            ])
        }
        try await withServer([endpoint], spoolDirectory: temporaryDirectory()) { port in
            var request = HTTPClientRequest(
                url: "http://127.0.0.1:\(port)/2021-11-15/functions/f/response-streaming-invocations")
            request.method = .POST
            request.body = .bytes(ByteBuffer(string: "{}"))
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            #expect(response.status == .ok)
            #expect(response.headers.first(name: "content-type") == "application/vnd.amazon.eventstream")
            #expect(response.headers.first(name: "transfer-encoding") == "chunked")
            #expect(response.headers.first(name: "x-amz-executed-version") == "$LATEST")
            var received: [UInt8] = []
            var messages: [TestFrame] = []
            for try await chunk in response.body {
                received += chunk.readableBytesView
                while let (frame, used) = TestFrame.decode(received) {
                    received.removeFirst(used)
                    messages.append(frame)
                    if messages.count == 1 { opener.yield() }
                }
            }
            #expect(messages.map(\.eventType) == ["PayloadChunk", "PayloadChunk", "InvokeComplete"])
            #expect(messages.prefix(2).map { String(decoding: $0.payload, as: UTF8.self) } == ["one", "two"])
            #expect(messages[0].headers[":content-type"] == "application/octet-stream")
            #expect(String(decoding: messages[2].payload, as: UTF8.self) == #"{"LogResult":"bG9n"}"#)
        }
    }

    @Test func aStreamThatFailsEndsWithAnErrorMessage() async throws {
        let endpoint = ServiceEndpoint(descriptor: Lambda.descriptor, model: { Lambda.model }) { _, _, _ in
            let sent = Mutex(false)
            let source = EventSource {
                if sent.withLock({ flag in
                    defer { flag = true }; return flag
                }) {
                    throw AWSError("ServiceException", "the function went away")
                }
                return StreamEvent(name: "PayloadChunk", value: .structure(["Payload": .blob(Data("x".utf8))]))
            }
            return .structure(["StatusCode": .integer(200), "EventStream": .events(source)])
        }
        try await withServer([endpoint], spoolDirectory: temporaryDirectory()) { port in
            var request = HTTPClientRequest(
                url: "http://127.0.0.1:\(port)/2021-11-15/functions/f/response-streaming-invocations")
            request.method = .POST
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            var received = try await response.body.collect(upTo: 1 << 20)
            var bytes = Array(received.readBytes(length: received.readableBytes) ?? [])
            var frames: [TestFrame] = []
            while let (frame, used) = TestFrame.decode(bytes) {
                bytes.removeFirst(used)
                frames.append(frame)
            }
            #expect(frames.count == 2)
            #expect(frames.last?.headers[":message-type"] == "error")
            #expect(frames.last?.headers[":error-code"] == "ServiceException")
        }
    }

    @Test func awsJsonSendsTheOutputsOtherMembersInAnInitialResponseFirst() async throws {
        let endpoint = ServiceEndpoint(descriptor: Kinesis.descriptor, model: { Kinesis.model }) { _, _, _ in
            let sent = Mutex(false)
            let source = EventSource {
                guard
                    !sent.withLock({ flag in
                        defer { flag = true }; return flag
                    })
                else { return nil }
                return StreamEvent(
                    name: "SubscribeToShardEvent",
                    value: .structure([
                        "Records": .list([]), "ContinuationSequenceNumber": .string("49"),
                        "MillisBehindLatest": .integer(0),
                    ]))
            }
            return .structure(["EventStream": .events(source)])
        }
        try await withServer([endpoint], spoolDirectory: temporaryDirectory()) { port in
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/")
            request.method = .POST
            request.headers.add(name: "X-Amz-Target", value: "Kinesis_20131202.SubscribeToShard")
            request.headers.add(name: "Content-Type", value: "application/x-amz-json-1.1")
            request.body = .bytes(
                ByteBuffer(
                    string: #"{"ConsumerARN":"arn:aws:kinesis:us-east-1:000000000000:stream/s/consumer/c:1","#
                        + #""ShardId":"shardId-000000000000","StartingPosition":{"Type":"LATEST"}}"#))
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            #expect(response.headers.first(name: "content-type") == "application/vnd.amazon.eventstream")
            var received = try await response.body.collect(upTo: 1 << 20)
            var bytes = Array(received.readBytes(length: received.readableBytes) ?? [])
            var frames: [TestFrame] = []
            while let (frame, used) = TestFrame.decode(bytes) {
                bytes.removeFirst(used)
                frames.append(frame)
            }
            #expect(frames.map(\.eventType) == ["initial-response", "SubscribeToShardEvent"])
            #expect(frames.first.map { String(decoding: $0.payload, as: UTF8.self) } == "{}")
            #expect(
                frames.last.map { String(decoding: $0.payload, as: UTF8.self) }
                    == #"{"Records":[],"ContinuationSequenceNumber":"49","MillisBehindLatest":0}"#)
        }
    }

    @Test func anUploadIsWrittenToAFileWhileItArrivesAndRemovedAfterwards() async throws {
        let seen = Mutex<(count: Int, sha: String, streamed: Int, sameBytes: Bool)?>(nil)
        let size = 24 << 20
        let chunk = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        var expectedHash = SHA256()
        for _ in 0..<(size / chunk.count) { expectedHash.update(data: chunk) }
        let expected = expectedHash.finalize().map { String(format: "%02x", $0) }.joined()
        // PutObject takes up to 5 GB, far more than the server's 8 MiB of a body in memory.
        let endpoint = ServiceEndpoint(
            descriptor: S3.descriptor, model: { S3.model }, maximumBodyBytes: { _ in 5 << 30 }
        ) { operation, input, context in
            #expect(operation == "PutObject")
            #expect(input["Key"] == .string("big.bin"))
            guard let spooled = context.spooledBody else { throw AWSError("InternalError", "no spooled body") }
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: spooled.path))
            let first = try handle.read(upToCount: chunk.count) ?? Data()
            try handle.close()
            // The payload member streams the same file.
            var streamed = 0
            if case .stream(let stream)? = input["Body"] {
                while let piece = try await stream.next() { streamed += piece.count }
            }
            let total = streamed
            seen.withLock { $0 = (spooled.count, spooled.sha256Hex, total, Array(first) == chunk) }
            return .structure(["ETag": .string("\"e\"")])
        }
        let directory = temporaryDirectory()
        try await withServer([endpoint], spoolDirectory: directory) { port in
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/bucket/big.bin")
            request.method = .PUT
            let pieces = AsyncStream<ByteBuffer> { continuation in
                for _ in 0..<(size / chunk.count) { continuation.yield(ByteBuffer(bytes: chunk)) }
                continuation.finish()
            }
            request.body = .stream(pieces, length: .unknown)
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            if response.status != .ok {
                let text = try await response.body.collect(upTo: 1 << 20)
                Issue.record("\(response.status): \(String(buffer: text))")
            }
            #expect(response.headers.first(name: "etag") == "\"e\"")
            let observed = seen.withLock { $0 }
            #expect(observed?.count == size)
            #expect(observed?.sha == expected)
            #expect(observed?.streamed == size)
            #expect(observed?.sameBytes == true)
            // The file went with the request.
            try await Task.sleep(for: .milliseconds(100))
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty)
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    @Test func anOperationThatDoesNotStreamKeepsTheServersLimit() async throws {
        let endpoint = ServiceEndpoint(descriptor: S3.descriptor, model: { S3.model }) { _, _, _ in nil }
        try await withServer([endpoint], spoolDirectory: temporaryDirectory(), maxBodyBytes: 1 << 20) { port in
            // PutBucketTagging's body is an XML document, read in memory: 2 MiB is refused from its length.
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/bucket?tagging")
            request.method = .PUT
            request.body = .bytes(ByteBuffer(repeating: UInt8(ascii: " "), count: 2 << 20))
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            #expect(response.status == .payloadTooLarge)
        }
    }
}

/// Lets a producer wait until the test opens the gate.
final class SerialGate: Sendable {
    private let stream: AsyncStream<Void>
    init(_ stream: AsyncStream<Void>) { self.stream = stream }
    func wait() async {
        for await _ in stream { return }
    }
}

/// Reads the event-stream framing back (only what these tests check: string headers and payload).
struct TestFrame {
    var headers: [String: String]
    var payload: [UInt8]
    var eventType: String? { headers[":event-type"] }

    static func decode(_ bytes: [UInt8]) -> (TestFrame, Int)? {
        guard bytes.count >= 12 else { return nil }
        func number(_ at: Int, _ width: Int) -> Int { bytes[at..<(at + width)].reduce(0) { $0 << 8 | Int($1) } }
        let total = number(0, 4)
        let headerLength = number(4, 4)
        guard bytes.count >= total else { return nil }
        var headers: [String: String] = [:]
        var position = 12
        while position < 12 + headerLength {
            let nameLength = Int(bytes[position])
            let name = String(decoding: bytes[(position + 1)..<(position + 1 + nameLength)], as: UTF8.self)
            position += 1 + nameLength
            let type = bytes[position]
            position += 1
            switch type {
            case 7:
                let length = number(position, 2)
                headers[name] = String(decoding: bytes[(position + 2)..<(position + 2 + length)], as: UTF8.self)
                position += 2 + length
            case 6:
                position += 2 + number(position, 2)
            case 0, 1: break
            case 2: position += 1
            case 3: position += 2
            case 4: position += 4
            case 5, 8: position += 8
            default: position += 16
            }
        }
        let payload = Array(bytes[(12 + headerLength)..<(total - 4)])
        return (TestFrame(headers: headers, payload: payload), total)
    }
}
