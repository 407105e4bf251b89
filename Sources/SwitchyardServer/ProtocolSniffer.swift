import NIOCore
import NIOHTTP1
import NIOHTTP2

/// Tells HTTP/1.1 from cleartext HTTP/2 (h2c with prior knowledge, as the AWS SDK for Java v2 and
/// the KCL talk to Kinesis) by a connection's first bytes, then puts the matching pipeline behind
/// itself, hands on what it read and leaves. HTTP/2 streams each get a request handler of their own
/// behind a codec that turns HTTP/2 frames into HTTP/1 request and response parts, so every
/// request takes the same path whichever protocol carried it.
final class ProtocolSniffer: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    /// The client connection preface every HTTP/2 connection starts with (RFC 9113, 3.4).
    static let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)

    private var buffered: ByteBuffer?
    /// How long a connection may stay silent: before its first bytes, and between frames of HTTP/2.
    private let idleTimeout: TimeAmount
    private var timer: Scheduled<Void>?
    private let configureHTTP1: (ChannelPipeline.SynchronousOperations) throws -> Void
    private let makeRequestHandler: @Sendable () -> RequestHandler

    init(
        idleTimeout: TimeAmount, configureHTTP1: @escaping (ChannelPipeline.SynchronousOperations) throws -> Void,
        makeRequestHandler: @escaping @Sendable () -> RequestHandler
    ) {
        self.idleTimeout = idleTimeout
        self.configureHTTP1 = configureHTTP1
        self.makeRequestHandler = makeRequestHandler
    }

    func handlerAdded(context: ChannelHandlerContext) {
        // A connection that never says anything is closed like an idle one.
        let channel = context.channel
        timer = context.eventLoop.scheduleTask(in: idleTimeout) { channel.close(promise: nil) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        if buffered == nil {
            buffered = incoming
        } else {
            buffered?.writeBuffer(&incoming)
        }
        guard let bytes = buffered else { return }
        let seen = bytes.readableBytesView.prefix(Self.preface.count)
        // Not the preface (or not yet known): HTTP/1.1 as soon as the bytes part ways with it.
        guard seen.elementsEqual(Self.preface.prefix(seen.count)) else { return choose(http2: false, context: context) }
        if seen.count == Self.preface.count { choose(http2: true, context: context) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        buffered = nil
        context.fireChannelInactive()
    }

    private func choose(http2: Bool, context: ChannelHandlerContext) {
        let sync = context.pipeline.syncOperations
        do {
            if http2 {
                let makeRequestHandler = self.makeRequestHandler
                // The sniffer is the only handler yet: what it adds goes behind it. A connection whose
                // frames stop both ways for the idle time is closed (a subscription's events count).
                try sync.addHandler(IdleStateHandler(allTimeout: idleTimeout))
                try sync.addHandler(IdleConnectionCloser())
                _ = try sync.configureHTTP2Pipeline(
                    mode: .server, connectionConfiguration: .init(), streamConfiguration: .init()
                ) { stream in
                    stream.eventLoop.makeCompletedFuture {
                        try stream.pipeline.syncOperations.addHandlers([
                            HTTP2FramePayloadToHTTP1ServerCodec(), makeRequestHandler(),
                        ])
                    }
                }
            } else {
                try configureHTTP1(sync)
            }
        } catch {
            context.close(promise: nil)
            return
        }
        if let bytes = buffered {
            buffered = nil
            context.fireChannelRead(wrapInboundOut(bytes))
        }
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }
}

/// Closes a connection when NIO's IdleStateHandler says it has been idle.
final class IdleConnectionCloser: ChannelInboundHandler {
    typealias InboundIn = NIOAny

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }
}
