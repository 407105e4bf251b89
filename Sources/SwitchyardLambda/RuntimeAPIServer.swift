import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A request a worker process made of the Lambda Runtime API.
struct RuntimeAPIRequest: Sendable {
    var method: HTTPMethod
    var path: String
    var headers: HTTPHeaders
    var body: [UInt8]
}

/// The answer to it.
struct RuntimeAPIResponse: Sendable {
    var status: HTTPResponseStatus
    var headers: [(String, String)] = []
    var body: [UInt8] = []

    static func json(_ status: HTTPResponseStatus, _ text: String) -> RuntimeAPIResponse {
        RuntimeAPIResponse(status: status, headers: [("Content-Type", "application/json")], body: Array(text.utf8))
    }
}

/// The Runtime API one worker process talks to (`AWS_LAMBDA_RUNTIME_API`), on its own loopback port:
/// the API's paths name no function or worker, so the port is what tells workers apart. Each request
/// is handed to `handle`, which may wait (the long poll of `/invocation/next`).
final class RuntimeAPIServer: Sendable {
    let channel: any Channel
    var port: Int { channel.localAddress?.port ?? 0 }

    private init(channel: any Channel) { self.channel = channel }

    static func start(handle: @escaping @Sendable (RuntimeAPIRequest) async -> RuntimeAPIResponse) async throws
        -> RuntimeAPIServer
    {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 16)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(RuntimeAPIHandler(handle: handle))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return RuntimeAPIServer(channel: channel)
    }

    func stop() {
        channel.close(promise: nil)
    }
}

/// Reads one request at a time and answers it from a task (never blocking the event loop).
private final class RuntimeAPIHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let handle: @Sendable (RuntimeAPIRequest) async -> RuntimeAPIResponse
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []

    init(handle: @escaping @Sendable (RuntimeAPIRequest) async -> RuntimeAPIResponse) {
        self.handle = handle
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body = []
        case .body(let chunk):
            body.append(contentsOf: chunk.readableBytesView)
        case .end:
            guard let head else { return }
            self.head = nil
            let request = RuntimeAPIRequest(method: head.method, path: head.uri, headers: head.headers, body: body)
            let keepAlive = head.isKeepAlive
            let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            let eventLoop = context.eventLoop
            let handle = self.handle
            Task {
                let response = await handle(request)
                eventLoop.execute {
                    let (handler, context) = loopBound.value
                    handler.write(response, keepAlive: keepAlive, context: context)
                }
            }
        }
    }

    private func write(_ response: RuntimeAPIResponse, keepAlive: Bool, context: ChannelHandlerContext) {
        guard context.channel.isActive else { return }
        var headers = HTTPHeaders(response.headers)
        headers.replaceOrAdd(name: "Content-Length", value: String(response.body.count))
        if !keepAlive { headers.replaceOrAdd(name: "Connection", value: "close") }
        context.write(
            wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: response.status, headers: headers))),
            promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: response.body)))), promise: nil)
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive { done.whenComplete { _ in context.close(promise: nil) } }
    }
}
