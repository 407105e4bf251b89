import Foundation
import SwitchyardCore
import Synchronization
import Testing

@testable import SwitchyardDelivery

@Suite struct DeliveryEngineTests {
    /// Immediate retries only, so that tests do not wait.
    let quick = RetryPolicy(
        numNoDelayRetries: 2, numMinDelayRetries: 0, numBackoffRetries: 0, numMaxDelayRetries: 0, minDelay: 1,
        maxDelay: 1, backoff: .linear)

    /// Records every attempt and answers from a script.
    final class Recorder: Sendable {
        let attempts = Mutex<[String]>([])
        let outcome: @Sendable (DeliveryRequest, Int) -> DeliveryOutcome

        init(_ outcome: @escaping @Sendable (DeliveryRequest, Int) -> DeliveryOutcome) { self.outcome = outcome }

        var transport: ClosureTransport {
            ClosureTransport { request in
                let count = self.attempts.withLock { list -> Int in
                    list.append(request.target.address + "|" + request.body.description)
                    return list.filter { $0.hasPrefix(request.target.address + "|" + request.body.description) }.count
                }
                return self.outcome(request, count)
            }
        }
    }

    func waitUntil(_ condition: @escaping () async -> Bool) async throws {
        for _ in 0..<500 {
            if await condition() { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("condition not met in time")
    }

    @Test func managedEndpointPolicyFollowsTheDocumentedPhases() {
        let policy = RetryPolicy.managedEndpoint
        #expect(policy.delayMillis(beforeRetry: 1) == 0)
        #expect(policy.delayMillis(beforeRetry: 3) == 0)
        #expect(policy.delayMillis(beforeRetry: 4) == 1000)
        #expect(policy.delayMillis(beforeRetry: 5) == 1000)
        let backoff = (6...15).compactMap { policy.delayMillis(beforeRetry: $0) }
        #expect(backoff == backoff.sorted() && backoff.allSatisfy { (1000...20_000).contains($0) })
        #expect(policy.delayMillis(beforeRetry: 16) == 20_000)
        #expect(policy.delayMillis(beforeRetry: policy.totalRetries + 1) == nil)
    }

    @Test func eventBridgeAndAsynchronousInvocationPolicies() {
        let events = RetryPolicy.eventBridge()
        #expect(events.totalRetries == 185 && events.maximumEventAgeSeconds == 86_400)
        #expect(events.delayMillis(beforeRetry: 1).map { $0 >= 1000 } == true)
        #expect(events.delayMillis(beforeRetry: 185) == 300_000 && events.delayMillis(beforeRetry: 186) == nil)
        #expect(RetryPolicy.eventBridge(maximumRetryAttempts: 0).delayMillis(beforeRetry: 1) == nil)
        let invoke = RetryPolicy.asynchronousInvocation()
        #expect(invoke.delayMillis(beforeRetry: 1) == 60_000 && invoke.delayMillis(beforeRetry: 2) == 120_000)
        #expect(invoke.delayMillis(beforeRetry: 3) == nil && invoke.maximumEventAgeSeconds == 21_600)
        #expect(RetryPolicy.asynchronousInvocation(maximumRetryAttempts: 1).totalRetries == 1)
        #expect((1...11).map(RetryPolicy.postponementDelayMillis).prefix(4) == [1000, 2000, 4000, 8000])
        #expect(RetryPolicy.postponementDelayMillis(10) == 300_000)
        #expect(RetryPolicy.postponementDelayMillis(100) == 300_000)
    }

    @Test func aDeliveryOlderThanItsMaximumEventAgeGoesToItsDeadLetterTarget() async throws {
        let clock = ManualClock()
        let moved = Mutex<[DeliveryRequest]>([])
        let transport = ClosureTransport { request in
            guard request.target == .sqs(arn: "q") else {
                moved.withLock { $0.append(request) }
                return .delivered
            }
            clock.advance(seconds: 61)  // each attempt takes a minute
            return .retry(reason: "throttled")
        }
        let engine = try DeliveryEngine(store: MemoryDeliveryStore(), clock: clock, transports: [.sqs: transport])
        var policy = quick
        policy.maximumEventAgeSeconds = 60
        try await engine.enqueue([
            DeliveryRequest(target: .sqs(arn: "q"), body: "e", retry: policy, deadLetter: .sqs(arn: "dlq"), origin: "r")
        ]).wait()
        try await waitUntil { await engine.recentRecords().count == 2 }
        let records = await engine.recentRecords()
        #expect(records[0].status == .deadLettered && records[0].attempts == 1)
        #expect(records[0].reason?.contains("maximum event age") == true)
        #expect(records[1].target == "dlq" && records[1].status == .delivered)
        // The dead-letter delivery learns that the age ended it, after how many attempts, and the
        // last attempt's own reason.
        let request = try #require(moved.withLock { $0.first })
        #expect(request.metadata?[DeliveryRequest.eventAgeExceededKey] == "true")
        #expect(request.metadata?[DeliveryRequest.failedAttemptsKey] == "1")
        #expect(request.metadata?[DeliveryRequest.failureReasonKey] == "throttled")
    }

    @Test func aSynchronousAttemptAnswersWithTheTargetsPayload() async throws {
        struct Echo: DeliveryTransport {
            func attempt(_ request: DeliveryRequest) async -> DeliveryOutcome { .delivered }
            func attemptWithResponse(_ request: DeliveryRequest) async -> (DeliveryOutcome, [UInt8]?) {
                (.delivered, Array("echo:\(request.body)".utf8))
            }
        }
        let engine = try DeliveryEngine(store: MemoryDeliveryStore(), transports: [.lambda: Echo()])
        let (outcome, response) = await engine.deliverNow(
            DeliveryRequest(target: .lambda(arn: "f"), body: "hi", retry: quick, origin: "pipe"))
        #expect(outcome == .delivered && response == Array("echo:hi".utf8))
        #expect(await engine.pendingCount == 0)
        // A kind nobody provides fails at once, with its reason.
        let (missing, nothing) = await engine.deliverNow(
            DeliveryRequest(target: .firehose(arn: "s"), body: "x", retry: quick, origin: "pipe"))
        #expect(
            missing == .failed(reason: "Firehose delivery streams are not available in Switchyard yet")
                && nothing == nil)
    }

    @Test func retriesUntilDelivered() async throws {
        let recorder = Recorder { _, attempt in attempt < 3 ? .retry(reason: "busy") : .delivered }
        let engine = try DeliveryEngine(store: MemoryDeliveryStore(), transports: [.sqs: recorder.transport])
        try await engine.enqueue([DeliveryRequest(target: .sqs(arn: "q"), body: "m", retry: quick, origin: "o")]).wait()
        try await waitUntil { await engine.recentRecords().count == 1 }
        let record = try #require(await engine.recentRecords().first)
        #expect(record.status == .delivered && record.attempts == 3)
        #expect(await engine.pendingCount == 0)
    }

    @Test func exhaustedOrImpossibleDeliveriesGoToTheDeadLetterTarget() async throws {
        let recorder = Recorder { request, _ in
            request.target == .sqs(arn: "dlq") ? .delivered : .retry(reason: "down")
        }
        let engine = try DeliveryEngine(
            store: MemoryDeliveryStore(),
            transports: [.sqs: recorder.transport, .lambda: UnavailableTransport(reason: "no functions")])
        try await engine.enqueue([
            DeliveryRequest(
                target: .sqs(arn: "q"), body: "a", retry: quick, deadLetter: .sqs(arn: "dlq"), origin: "s1"),
            DeliveryRequest(
                target: .lambda(arn: "f"), body: "b", retry: quick, deadLetter: .sqs(arn: "dlq"), origin: "s2"),
            DeliveryRequest(target: .lambda(arn: "f"), body: "c", retry: quick, origin: "s3"),
        ]).wait()
        try await waitUntil { await engine.recentRecords().count == 5 }
        let records = await engine.recentRecords()
        #expect(records.filter { $0.status == .deadLettered }.map(\.origin).sorted() == ["s1", "s2"])
        #expect(records.first { $0.origin == "s1" && $0.status == .deadLettered }?.attempts == 3)
        #expect(records.first { $0.origin == "s2" && $0.status == .deadLettered }?.reason == "no functions")
        #expect(records.first { $0.origin == "s3" }?.status == .failed)
        #expect(records.filter { $0.target == "dlq" && $0.status == .delivered }.count == 2)
    }

    @Test func orderedLanesDeliverInRequestOrderEvenAcrossRetries() async throws {
        let recorder = Recorder { request, attempt in
            request.body == "1" && attempt < 3 ? .retry(reason: "slow") : .delivered
        }
        let engine = try DeliveryEngine(store: MemoryDeliveryStore(), transports: [.sqs: recorder.transport])
        let requests = (0..<5).map {
            DeliveryRequest(
                target: .sqs(arn: "q.fifo"), body: DeliveryPayload(String($0)), orderedLane: "lane", retry: quick,
                origin: "o")
        }
        try await engine.enqueue(requests).wait()
        try await waitUntil { await engine.recentRecords().count == 5 }
        let delivered = await engine.recentRecords().map { Int($0.jobId) }
        #expect(delivered == delivered.sorted())
        let order = recorder.attempts.withLock { $0.map { $0.split(separator: "|").last.map(String.init) ?? "" } }
        #expect(order == ["0", "1", "1", "1", "2", "3", "4"])
        // A lane whose deliveries have all ended is forgotten.
        try await waitUntil { await engine.openLaneCount == 0 }
    }

    @Test func inlineTransportsDeliverWhileTheProducerWaitsAndStoreOnlyWhatFailed() async throws {
        let inline = ClosureTransport(inline: true) { request in
            switch request.body.text {
            case "ok": return .delivered
            case "later": return .retry(reason: "busy")
            default: return request.target == .sqs(arn: "dlq") ? .delivered : .failed(reason: "no queue")
            }
        }
        let engine = try DeliveryEngine(store: MemoryDeliveryStore(), transports: [.sqs: inline])
        try await engine.enqueue([DeliveryRequest(target: .sqs(arn: "q"), body: "ok", retry: quick, origin: "a")])
            .wait()
        #expect(await engine.recentRecords().map(\.status) == [.delivered])
        #expect(await engine.pendingCount == 0)
        try await engine.enqueue([
            DeliveryRequest(
                target: .sqs(arn: "gone"), body: "lost", retry: quick, deadLetter: .sqs(arn: "dlq"), origin: "b")
        ]).wait()
        try await waitUntil { await engine.recentRecords().count == 3 }
        #expect(
            await engine.recentRecords().suffix(2).map(\.status).sorted { $0.rawValue < $1.rawValue } == [
                .deadLettered, .delivered,
            ])
        let slow = RetryPolicy(
            numNoDelayRetries: 0, numMinDelayRetries: 1, numBackoffRetries: 0, numMaxDelayRetries: 0, minDelay: 60,
            maxDelay: 60, backoff: .linear)
        try await engine.enqueue([DeliveryRequest(target: .sqs(arn: "q"), body: "later", retry: slow, origin: "c")])
            .wait()
        #expect(await engine.pendingCount == 1)
    }

    @Test func orderedLanesStayInOrderWithInlineTransportsToo() async throws {
        let recorder = Recorder { request, attempt in
            request.body == "1" && attempt < 3 ? .retry(reason: "slow") : .delivered
        }
        let inline = ClosureTransport(inline: true) { await recorder.transport.attempt($0) }
        let engine = try DeliveryEngine(store: MemoryDeliveryStore(), transports: [.sqs: inline])
        for index in 0..<5 {
            _ = await engine.enqueue([
                DeliveryRequest(
                    target: .sqs(arn: "q.fifo"), body: DeliveryPayload(String(index)), orderedLane: "lane",
                    retry: quick, origin: "o")
            ])
        }
        try await waitUntil { await engine.recentRecords().count == 5 }
        let order = recorder.attempts.withLock { $0.map { $0.split(separator: "|").last.map(String.init) ?? "" } }
        #expect(order == ["0", "1", "1", "1", "2", "3", "4"])
        // A lane whose deliveries have all ended is forgotten.
        try await waitUntil { await engine.openLaneCount == 0 }
    }

    @Test func resetForgetsPendingDeliveries() async throws {
        let engine = try DeliveryEngine(
            store: MemoryDeliveryStore(), transports: [.sqs: ClosureTransport { _ in .retry(reason: "never") }])
        let slow = RetryPolicy(
            numNoDelayRetries: 0, numMinDelayRetries: 5, numBackoffRetries: 0, numMaxDelayRetries: 0, minDelay: 60,
            maxDelay: 60, backoff: .linear)
        try await engine.enqueue([DeliveryRequest(target: .sqs(arn: "q"), body: "m", retry: slow, origin: "o")]).wait()
        #expect(await engine.pendingCount == 1)
        try await engine.reset().wait()
        #expect(await engine.pendingCount == 0)
    }

    /// Hears outcomes, for the tests of observers.
    final class Listener: DeliveryObserver {
        let heard = Mutex<[ObservedDelivery]>([])
        func observe(_ delivery: ObservedDelivery) async { heard.withLock { $0.append(delivery) } }
    }

    /// A transport that answers with the body it was given, failing the target named "down".
    struct EchoTransport: DeliveryTransport {
        var deliversDurablyInline: Bool { true }
        func attempt(_ request: DeliveryRequest) async -> DeliveryOutcome { await attemptWithResponse(request).0 }
        func attemptWithResponse(_ request: DeliveryRequest) async -> (DeliveryOutcome, [UInt8]?) {
            request.target.resource == "down" ? (.retry(reason: "unreachable"), nil) : (.delivered, request.body.bytes)
        }
    }

    @Test func anObserverHearsEachOutcomeOnceWithTheTargetsAnswer() async throws {
        let listener = Listener()
        let engine = try DeliveryEngine(store: MemoryDeliveryStore(), transports: [.sqs: EchoTransport()])
        await engine.register(observer: listener, named: "status")
        let report = OutcomeReport(observer: "status", context: ["topic": "t"])
        try await engine.enqueue([
            DeliveryRequest(target: .sqs(arn: "up"), body: "hello", retry: quick, origin: "s", report: report),
            DeliveryRequest(
                target: .sqs(arn: "down"), body: "lost", retry: quick, deadLetter: .sqs(arn: "dlq"), origin: "s",
                report: report),
            // Not reported: it asked for nothing.
            DeliveryRequest(target: .sqs(arn: "up"), body: "quiet", retry: quick, origin: "s"),
        ]).wait()
        try await waitUntil { listener.heard.withLock { $0.count } == 2 }
        try await Task.sleep(for: .milliseconds(50))
        let heard = listener.heard.withLock { $0 }.sorted { $0.request.target.resource > $1.request.target.resource }
        #expect(heard.count == 2)
        #expect(heard[0].status == .delivered && heard[0].response == Array("hello".utf8) && heard[0].attempts == 1)
        #expect(heard[0].request.report?.context == ["topic": "t"] && heard[0].dwellMillis >= 0)
        #expect(heard[1].status == .deadLettered && heard[1].reason == "unreachable" && heard[1].attempts == 3)
    }

    @Test func aDeadLetterDeliveryCarriesWhyTheOriginalFailed() async throws {
        let moved = Mutex<[DeliveryRequest]>([])
        let transport = ClosureTransport { request in
            if request.target.resource == "dlq" {
                moved.withLock { $0.append(request) }
                return .delivered
            }
            return .retry(reason: "function error")
        }
        let engine = try DeliveryEngine(store: MemoryDeliveryStore(), transports: [.sqs: transport])
        try await engine.enqueue([
            DeliveryRequest(
                target: .sqs(arn: "q"), body: "e", retry: quick, deadLetter: .sqs(arn: "dlq"), origin: "r",
                report: OutcomeReport(observer: "nobody", context: [:]))
        ]).wait()
        try await waitUntil { moved.withLock { $0.count } == 1 }
        let request = try #require(moved.withLock { $0.first })
        #expect(request.metadata?[DeliveryRequest.failureReasonKey] == "function error")
        #expect(request.metadata?[DeliveryRequest.failedAttemptsKey] == String(quick.totalRetries + 1))
        #expect(request.metadata?[DeliveryRequest.eventAgeExceededKey] == nil)
        #expect(request.report == nil)
    }

    @Test func onlyRequestsToFunctionsAreMarkedAsAsynchronousInvocations() {
        let toFunction = DeliveryRequest(target: .lambda(arn: "f"), body: "e", retry: quick, origin: "t")
        #expect(!toFunction.isAsynchronousInvocation)
        #expect(toFunction.invokingAsynchronously().isAsynchronousInvocation)
        let toQueue = DeliveryRequest(target: .sqs(arn: "q"), body: "e", retry: quick, origin: "t")
        #expect(!toQueue.invokingAsynchronously().isAsynchronousInvocation)
    }
}

@Suite struct DeliveryTargetTests {
    @Test func targetsStoredByEarlierVersionsStillDecode() throws {
        let decoder = JSONDecoder()
        let legacy: [(String, DeliveryTarget)] = [
            (#"{"sqs":{"arn":"arn:aws:sqs:us-east-1:1:q"}}"#, .sqs(arn: "arn:aws:sqs:us-east-1:1:q")),
            (#"{"http":{"url":"http://h/x"}}"#, .http(url: "http://h/x")),
            (#"{"lambda":{"arn":"f"}}"#, .lambda(arn: "f")),
            (#"{"outbox":{"kind":"email","address":"a@b"}}"#, .outbox(kind: "email", address: "a@b")),
        ]
        for (text, expected) in legacy {
            #expect(try decoder.decode(DeliveryTarget.self, from: Data(text.utf8)) == expected)
        }
    }

    @Test func kindsAreOpenAndRoundTrip() throws {
        let bus = DeliveryTargetKind("event-bus", targetsName: "EventBridge event buses")
        let target = DeliveryTarget(kind: bus, resource: "arn:aws:events:us-east-1:1:event-bus/default")
        let decoded = try JSONDecoder().decode(DeliveryTarget.self, from: try JSONEncoder().encode(target))
        #expect(decoded == target && decoded.kind == bus)
        #expect(DeliveryTarget.outbox(kind: "sms", address: "+1555").address == "sms:+1555")
        #expect(DeliveryTargetKind.lambda.targetsName == "Lambda functions")
    }
}
