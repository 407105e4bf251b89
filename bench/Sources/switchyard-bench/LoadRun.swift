import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// Totals of one load run.
struct LoadResult {
    var messages: Int
    var requests: Int
    var errors: Int
    var seconds: Double
    var latenciesMicros: [Int]

    var rate: Double { Double(messages) / seconds }
    var requestRate: Double { Double(requests) / seconds }
    var p50: Double { percentile(0.50) }
    var p99: Double { percentile(0.99) }

    func percentile(_ p: Double) -> Double {
        guard !latenciesMicros.isEmpty else { return 0 }
        let sorted = latenciesMicros.sorted()
        return Double(sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]) / 1000
    }
}

/// Shared tallies; connections add to them from their event loops.
final class Tally: Sendable {
    struct State {
        var messages = 0
        var requests = 0
        var errors = 0
        var latencies: [Int] = []
    }
    let state = Mutex(State())
}

func runLoad(
    host: String, port: Int, connections: Int, seconds: Double, maxMessages: Int?,
    workload: @escaping @Sendable (Int) -> Workload
) throws -> LoadResult {
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
    defer { try? group.syncShutdownGracefully() }
    let tally = Tally()
    let started = DispatchTime.now().uptimeNanoseconds
    let deadline = started + UInt64(seconds * 1e9)
    var channels: [any Channel] = []
    let finished = DispatchGroup()
    for index in 0..<connections {
        finished.enter()
        let handler = LoadConnection(
            host: "\(host):\(port)", workload: workload(index), tally: tally, deadline: deadline,
            maxMessages: maxMessages,
            done: { finished.leave() })
        let channel = try ClientBootstrap(group: group)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
            .connect(host: host, port: port).wait()
        channels.append(channel)
    }
    finished.wait()
    let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
    for channel in channels { channel.close(promise: nil) }
    return tally.state.withLock { state in
        LoadResult(
            messages: state.messages, requests: state.requests, errors: state.errors, seconds: elapsed,
            latenciesMicros: state.latencies)
    }
}

/// One keep-alive connection running its workload in a closed loop.
final class LoadConnection: ChannelInboundHandler, @unchecked Sendable {
    // @unchecked: all mutable state is touched on the channel's event loop only.
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    let host: String
    var workload: Workload
    let tally: Tally
    let deadline: UInt64
    let maxMessages: Int?
    let done: @Sendable () -> Void
    var current: Workload.Request
    var sentAt: UInt64 = 0
    var response: [UInt8] = []
    var status = 200
    var latencies: [Int] = []
    var finished = false

    init(
        host: String, workload: Workload, tally: Tally, deadline: UInt64, maxMessages: Int?,
        done: @escaping @Sendable () -> Void
    ) {
        self.host = host
        self.workload = workload
        self.tally = tally
        self.deadline = deadline
        self.maxMessages = maxMessages
        self.done = done
        self.current = workload.first
    }

    func channelActive(context: ChannelHandlerContext) {
        send(context: context)
    }

    func send(context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: host)
        let signingName: String
        switch current.service {
        case .sqs:
            headers.add(name: "Content-Type", value: "application/x-amz-json-1.0")
            headers.add(name: "X-Amz-Target", value: "AmazonSQS.\(current.target)")
            signingName = "sqs"
        case .sns:
            headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded; charset=utf-8")
            signingName = "sns"
        case .events:
            headers.add(name: "Content-Type", value: "application/x-amz-json-1.1")
            headers.add(name: "X-Amz-Target", value: "AWSEvents.\(current.target)")
            signingName = "events"
        case .s3:
            headers.add(name: "x-amz-content-sha256", value: "UNSIGNED-PAYLOAD")
            signingName = "s3"
        case .lambda:
            headers.add(name: "Content-Type", value: "application/json")
            signingName = "lambda"
        case .kinesis:
            headers.add(name: "Content-Type", value: "application/x-amz-json-1.1")
            headers.add(name: "X-Amz-Target", value: "Kinesis_20131202.\(current.target)")
            signingName = "kinesis"
        case .firehose:
            headers.add(name: "Content-Type", value: "application/x-amz-json-1.1")
            headers.add(name: "X-Amz-Target", value: "Firehose_20150804.\(current.target)")
            signingName = "firehose"
        case .ses:
            headers.add(name: "Content-Type", value: "application/json")
            signingName = "ses"
        }
        headers.add(name: "X-Amz-Date", value: "20261124T000000Z")
        headers.add(
            name: "Authorization",
            value:
                "AWS4-HMAC-SHA256 Credential=test/20261124/us-east-1/\(signingName)/aws4_request, SignedHeaders=host;x-amz-date, Signature=00"
        )
        if current.method != "GET" { headers.add(name: "Content-Length", value: String(current.body.count)) }
        var head = HTTPRequestHead(
            version: .http1_1, method: HTTPMethod(rawValue: current.method), uri: current.path)
        head.headers = headers
        sentAt = DispatchTime.now().uptimeNanoseconds
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if !current.body.isEmpty {
            var buffer = context.channel.allocator.buffer(capacity: current.body.count)
            buffer.writeBytes(current.body)
            context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            status = Int(head.status.code)
            response.removeAll(keepingCapacity: true)
        case .body(var chunk):
            // An object's body is counted, not kept.
            if current.service == .s3 {
                chunk.moveReaderIndex(forwardBy: chunk.readableBytes)
            } else {
                response += chunk.readBytes(length: chunk.readableBytes) ?? []
            }
        case .end:
            let now = DispatchTime.now().uptimeNanoseconds
            latencies.append(Int((now - sentAt) / 1000))
            let ok = status == 200
            let (next, completed) = ok ? workload.next(current, response) : (current, 0)
            let total = tally.state.withLock { state -> Int in
                state.messages += completed
                state.requests += 1
                if !ok { state.errors += 1 }
                return state.messages
            }
            current = next
            if now >= deadline || (maxMessages.map { total >= $0 } ?? false) {
                finish()
            } else {
                send(context: context)
            }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        finish()
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) { finish() }

    private func finish() {
        guard !finished else { return }
        finished = true
        let mine = latencies
        tally.state.withLock { $0.latencies += mine }
        done()
    }
}
