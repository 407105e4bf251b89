import ArgumentParser
import Foundation
import NIOCore
import NIOPosix
import Synchronization

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// SES: SES v2 SendEmail of simple content from a verified domain. `ses-send` measures messages/s
/// into the captured outbox (each answered once it is durable); `ses-relay` also runs an SMTP sink
/// that the server relays to (`--smtp-relay 127.0.0.1:<--smtp-sink-port>`) and reports relayed
/// messages/s from the start of the load until the sink has every accepted message.
extension SwitchyardBench {
    func runSES(host: String, port: Int) throws {
        let domain = "bench-\(UInt32.random(in: 0...UInt32.max)).example"
        try sesRequest(host: host, port: port, path: "/v2/email/identities", body: #"{"EmailIdentity":"\#(domain)"}"#)
        let sink = scenario == "ses-relay" ? try SMTPSink.start(port: smtpSinkPort) : nil
        defer { sink?.stop() }
        let body = String(repeating: "x", count: bodySize)
        let started = Date()
        let result = try runLoad(host: host, port: port, connections: connections, seconds: duration, maxMessages: nil)
        { connection in
            Workload.sesSend(from: "sender@\(domain)", to: "reader\(connection)@example.com", body: body)
        }
        var line = String(
            format:
                "%@ against %@: accepted %.0f messages/s, SendEmail p50 %.2f ms, p99 %.2f ms, %d-byte bodies, %d connections",
            scenario, endpoint, result.rate, result.p50, result.p99, bodySize, connections)
        if result.errors > 0 { line += ", \(result.errors) error responses" }
        if let sink {
            let accepted = result.messages
            let deadline = Date().addingTimeInterval(300)
            while sink.received < accepted && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
            let seconds = (sink.lastReceived ?? Date()).timeIntervalSince(started)
            line += String(
                format: "; relayed %d of %d, %.0f messages/s (%.1f s until the last)", sink.received, accepted,
                Double(sink.received) / seconds, seconds)
        }
        if let serverPid, let rss = Self.rssMegabytes(pid: serverPid) {
            line += String(format: ", server RSS %.1f MB", rss)
        }
        print(line)
    }

    func sesRequest(host: String, port: Int, path: String, body: String) throws {
        guard let url = URL(string: "http://\(host):\(port)\(path)") else { return }
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.httpBody = Data(body.utf8)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue(
            "AWS4-HMAC-SHA256 Credential=test/20261124/us-east-1/ses/aws4_request, SignedHeaders=host, Signature=00",
            forHTTPHeaderField: "Authorization")
        request.setValue("20261124T000000Z", forHTTPHeaderField: "X-Amz-Date")
        let semaphore = DispatchSemaphore(value: 0)
        URLSession.shared.dataTask(with: request) { _, _, _ in semaphore.signal() }.resume()
        semaphore.wait()
    }
}

/// An SMTP server that accepts every message and counts them: the far end of `ses-relay`.
final class SMTPSink: Sendable {
    private let channel: any Channel
    private let state = Mutex<(count: Int, last: Date?)>((0, nil))

    var received: Int { state.withLock { $0.count } }
    var lastReceived: Date? { state.withLock { $0.last } }

    private init(channel: any Channel) { self.channel = channel }

    static func start(port: Int) throws -> SMTPSink {
        let box = Mutex<SMTPSink?>(nil)
        let channel = try ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        SMTPSinkHandler { box.withLock { $0 }?.count() })
                }
            }
            .bind(host: "127.0.0.1", port: port).wait()
        let sink = SMTPSink(channel: channel)
        box.withLock { $0 = sink }
        return sink
    }

    func count() { state.withLock { $0 = ($0.count + 1, Date()) } }
    func stop() { try? channel.close().wait() }
}

/// One SMTP connection of the sink: line by line, every command answered with success.
final class SMTPSinkHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    private var pending: [UInt8] = []
    private var inData = false
    private let received: @Sendable () -> Void

    init(received: @escaping @Sendable () -> Void) { self.received = received }

    func channelActive(context: ChannelHandlerContext) { reply(context, "220 sink ESMTP") }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        pending += buffer.readBytes(length: buffer.readableBytes) ?? []
        while let end = pending.firstIndex(of: UInt8(ascii: "\n")) {
            var line = String(decoding: pending[..<end], as: UTF8.self)
            pending.removeFirst(end + 1)
            if line.hasSuffix("\r") { line.removeLast() }
            if inData {
                if line == "." {
                    inData = false
                    received()
                    reply(context, "250 2.0.0 Ok: queued")
                }
                continue
            }
            switch line.prefix(4).uppercased() {
            case "EHLO", "HELO": reply(context, "250 sink")
            case "DATA":
                inData = true
                reply(context, "354 go ahead")
            case "QUIT":
                reply(context, "221 bye")
                context.close(promise: nil)
            default: reply(context, "250 Ok")
            }
        }
    }

    private func reply(_ context: ChannelHandlerContext, _ text: String) {
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: text + "\r\n")), promise: nil)
    }
}
