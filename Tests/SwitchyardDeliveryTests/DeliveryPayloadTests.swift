import Foundation
import Synchronization
import Testing

@testable import SwitchyardDelivery

@Suite struct DeliveryPayloadTests {
    @Test func textPayloadsAreStoredAsTheStringsEarlierVersionsStored() throws {
        let payload: DeliveryPayload = "héllo"
        let stored = String(decoding: try JSONEncoder().encode([payload]), as: UTF8.self)
        #expect(stored == #"["héllo"]"#)
        #expect(try JSONDecoder().decode([DeliveryPayload].self, from: Data(stored.utf8)) == [payload])
    }

    @Test func bytesThatAreNotTextRoundTripAsBase64() throws {
        let payload = DeliveryPayload(bytes: [0xff, 0x00, 0xfe, 0x41])
        #expect(payload.text == nil)
        #expect(payload.description == "<4 bytes>")
        let stored = try JSONEncoder().encode(payload)
        let object = try JSONSerialization.jsonObject(with: stored) as? [String: String]
        #expect(object == ["base64": "/wD+QQ=="])
        #expect(try JSONDecoder().decode(DeliveryPayload.self, from: stored) == payload)
    }

    let once = RetryPolicy(
        numNoDelayRetries: 0, numMinDelayRetries: 0, numBackoffRetries: 0, numMaxDelayRetries: 0, minDelay: 1,
        maxDelay: 1, backoff: .linear)

    @Test func jobsKeepATextBodyAsTheStringEarlierVersionsStoredAndRead() throws {
        let job = DeliveryJob(
            id: 7, request: DeliveryRequest(target: .sqs(arn: "a"), body: "old", retry: once, origin: "o"))
        let stored = String(decoding: try JSONEncoder().encode(job), as: UTF8.self)
        #expect(stored.contains(#""body":"old""#))
        #expect(try JSONDecoder().decode(DeliveryJob.self, from: Data(stored.utf8)) == job)
    }

    @Test func binaryPayloadsReachTheirTransportUnchanged() async throws {
        let received = Mutex<[UInt8]>([])
        let transport = ClosureTransport { request in
            received.withLock { $0 = request.body.bytes }
            return .delivered
        }
        let engine = try DeliveryEngine(store: MemoryDeliveryStore(), transports: [.lambda: transport])
        let bytes: [UInt8] = [0, 1, 2, 0xff, 0x80]
        try await engine.enqueue([
            DeliveryRequest(
                target: .lambda(arn: "f"), body: DeliveryPayload(bytes: bytes), retry: once, origin: "t")
        ]).wait()
        for _ in 0..<500 where received.withLock({ $0 }) != bytes { try await Task.sleep(for: .milliseconds(10)) }
        #expect(received.withLock { $0 } == bytes)
    }
}
