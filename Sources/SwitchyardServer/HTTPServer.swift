import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import SwitchyardWire

/// The HTTP/1.1 transport: SwiftNIO with keep-alive and pipelining, handing each complete request to the router.
///
/// Handlers stay plain functions of a request to a response, so the transport could be swapped
/// without touching the wire layer or the services.
public final class HTTPServer: Sendable {
    let channel: any Channel
    public let group: MultiThreadedEventLoopGroup

    /// The port actually bound (useful when asked for port 0).
    public var port: Int { channel.localAddress?.port ?? 0 }

    public static func start(host: String, port: Int, router: RequestRouter, maxBodyBytes: Int = 8 << 20) async throws
        -> HTTPServer
    {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(
                        RequestHandler(router: router, maxBodyBytes: maxBodyBytes))
                }
            }
        let channel = try await bootstrap.bind(host: host, port: port).get()
        return HTTPServer(channel: channel, group: group)
    }

    init(channel: any Channel, group: MultiThreadedEventLoopGroup) {
        self.channel = channel
        self.group = group
    }

    /// Waits until the listening socket closes.
    public func waitUntilClosed() async throws {
        try await channel.closeFuture.get()
    }

    public func shutdown() async throws {
        try await channel.close()
        try await group.shutdownGracefully()
    }
}

/// Collects one request's head and body, runs the router, writes the response.
final class RequestHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let router: RequestRouter
    private let maxBodyBytes: Int
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []
    private var tooLarge = false

    init(router: RequestRouter, maxBodyBytes: Int) {
        self.router = router
        self.maxBodyBytes = maxBodyBytes
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body.removeAll(keepingCapacity: true)
            tooLarge = false
        case .body(let chunk):
            if body.count + chunk.readableBytes > maxBodyBytes {
                tooLarge = true
            } else {
                body.append(contentsOf: chunk.readableBytesView)
            }
        case .end:
            guard let head else { return }
            self.head = nil
            let keepAlive = head.isKeepAlive
            if tooLarge {
                write(
                    WireResponse(
                        status: 413, headers: [("Content-Type", "text/plain")],
                        body: Array("Request body too large".utf8)),
                    keepAlive: false, context: context)
                return
            }
            let request = Self.wireRequest(head, body: body)
            let router = self.router
            let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            let eventLoop = context.eventLoop
            Task {
                let response = await router.handle(request)
                eventLoop.execute {
                    let (handler, context) = loopBound.value
                    handler.write(response, keepAlive: keepAlive, context: context)
                }
            }
        }
    }

    static func wireRequest(_ head: HTTPRequestHead, body: [UInt8]) -> WireRequest {
        var headers: [String: String] = [:]
        for (name, value) in head.headers {
            let key = name.lowercased()
            if let existing = headers[key] { headers[key] = existing + "," + value } else { headers[key] = value }
        }
        let uri = head.uri
        let path: String
        let query: String?
        if let mark = uri.firstIndex(of: "?") {
            path = String(uri[..<mark])
            query = String(uri[uri.index(after: mark)...])
        } else {
            path = uri
            query = nil
        }
        return WireRequest(method: head.method.rawValue, path: path, query: query, headers: headers, body: body)
    }

    private func write(_ response: WireResponse, keepAlive: Bool, context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        headers.reserveCapacity(response.headers.count + 3)
        for (name, value) in response.headers where name != "Content-Length" { headers.add(name: name, value: value) }
        headers.add(name: "Content-Length", value: String(response.body.count))
        headers.add(name: "Connection", value: keepAlive ? "keep-alive" : "close")
        let head = HTTPResponseHead(
            version: .http1_1, status: HTTPResponseStatus(statusCode: response.status), headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if !response.body.isEmpty {
            var buffer = context.channel.allocator.buffer(capacity: response.body.count)
            buffer.writeBytes(response.body)
            context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        }
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            let channel = context.channel
            done.whenComplete { _ in channel.close(promise: nil) }
        }
    }
}
