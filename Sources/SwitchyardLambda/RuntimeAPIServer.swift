import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A request a worker process made of the Lambda Runtime API.
struct RuntimeAPIRequest: Sendable {
    var method: HTTPMethod
    var path: String
    var headers: HTTPHeaders
    /// The body, or its first `keptBodyLimit` bytes.
    var body: [UInt8]
    /// How many bytes the body had.
    var size: Int
    /// Trailers of a chunked body (a streamed response's error).
    var trailers: HTTPHeaders? = nil

    /// More than any buffered response may have (6 MB), so that one over the limit is still seen to
    /// be over it. Beyond this, bytes are counted and not kept: a streamed response reaches its
    /// caller part by part, and however much a runtime posts, the server holds at most this much.
    static let keptBodyLimit = 7 << 20
}

/// The Runtime API's contract for streamed responses.
extension RuntimeAPIRequest {
    static func isStreamed(_ headers: HTTPHeaders) -> Bool {
        headers.first(name: "Lambda-Runtime-Function-Response-Mode")?.lowercased() == "streaming"
    }

    /// A response posted in streaming mode.
    var isStreamedResponse: Bool { Self.isStreamed(headers) }

    /// The error a runtime reported after it began streaming its response, in the request's
    /// trailers: its type, and its document base64-encoded.
    var streamedError: [UInt8]? {
        guard let trailers, let type = trailers.first(name: "Lambda-Runtime-Function-Error-Type") else { return nil }
        if let encoded = trailers.first(name: "Lambda-Runtime-Function-Error-Body"),
            let body = Data(base64Encoded: encoded),
            (try? JSONSerialization.jsonObject(with: body)) is [String: Any]
        {
            return Array(body)
        }
        let document: [String: Any] = ["errorType": type, "errorMessage": ""]
        return Array((try? JSONSerialization.data(withJSONObject: document)) ?? Data())
    }
}

/// A part of a response the runtime streams (`Lambda-Runtime-Function-Response-Mode: streaming`),
/// passed on as it arrives, before the whole request has.
struct StreamedResponsePart: Sendable {
    enum Content: Sendable {
        /// The request's head: the response's Content-Type.
        case head(contentType: String?)
        case chunk([UInt8])
    }

    var requestId: String
    var content: Content
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
    /// The parts of streamed responses, in the order they arrived.
    let streamedParts: AsyncStream<StreamedResponsePart>
    private let partsContinuation: AsyncStream<StreamedResponsePart>.Continuation
    /// How much of a streamed response waits for its caller: reading from the runtime pauses while
    /// too much does. Whoever takes or drops a part's bytes reports them here.
    let flow: StreamFlow

    private init(
        channel: any Channel,
        parts: (AsyncStream<StreamedResponsePart>, AsyncStream<StreamedResponsePart>.Continuation),
        flow: StreamFlow
    ) {
        self.channel = channel
        (streamedParts, partsContinuation) = parts
        self.flow = flow
    }

    static func start(handle: @escaping @Sendable (RuntimeAPIRequest) async -> RuntimeAPIResponse) async throws
        -> RuntimeAPIServer
    {
        let parts = AsyncStream.makeStream(of: StreamedResponsePart.self)
        let passOn = parts.continuation
        let flow = StreamFlow()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 16)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(
                        RuntimeAPIHandler(handle: handle, streamed: { passOn.yield($0) }, flow: flow))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return RuntimeAPIServer(channel: channel, parts: parts, flow: flow)
    }

    func stop() {
        channel.close(promise: nil)
        partsContinuation.finish()
    }
}

/// Reads one request at a time and answers it from a task (never blocking the event loop).
private final class RuntimeAPIHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let handle: @Sendable (RuntimeAPIRequest) async -> RuntimeAPIResponse
    private let streamed: @Sendable (StreamedResponsePart) -> Void
    private let flow: StreamFlow
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []
    private var bodySize = 0
    /// The invocation whose response this request streams, if it does.
    private var streamingRequestId: String?

    init(
        handle: @escaping @Sendable (RuntimeAPIRequest) async -> RuntimeAPIResponse,
        streamed: @escaping @Sendable (StreamedResponsePart) -> Void, flow: StreamFlow
    ) {
        self.handle = handle
        self.streamed = streamed
        self.flow = flow
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body = []
            bodySize = 0
            streamingRequestId = Self.streamedInvocation(head)
            if let streamingRequestId {
                flow.reset()
                streamed(
                    StreamedResponsePart(
                        requestId: streamingRequestId,
                        content: .head(contentType: head.headers.first(name: "Content-Type"))))
            }
        case .body(let chunk):
            let bytes = chunk.readableBytesView
            bodySize += bytes.count
            body.append(contentsOf: bytes.prefix(max(0, RuntimeAPIRequest.keptBodyLimit - body.count)))
            if let streamingRequestId {
                streamed(StreamedResponsePart(requestId: streamingRequestId, content: .chunk(Array(bytes))))
                let channel = context.channel
                flow.passedOn(
                    bytes.count,
                    pause: { channel.setOption(ChannelOptions.autoRead, value: false).whenComplete { _ in } },
                    resume: {
                        channel.eventLoop.execute {
                            channel.setOption(ChannelOptions.autoRead, value: true).whenComplete { _ in }
                        }
                    })
            }
        case .end(let trailers):
            guard let head else { return }
            self.head = nil
            // All of it has been read: what still waits for the caller no longer holds reading back.
            if streamingRequestId != nil { flow.reset() }
            streamingRequestId = nil
            var request = RuntimeAPIRequest(
                method: head.method, path: head.uri, headers: head.headers, body: body, size: bodySize)
            body = []
            request.trailers = trailers
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

    /// The request id of a response posted in streaming mode (`POST .../invocation/<id>/response`).
    private static func streamedInvocation(_ head: HTTPRequestHead) -> String? {
        guard head.method == .POST, RuntimeAPIRequest.isStreamed(head.headers) else { return nil }
        let parts = head.uri.split(separator: "?", maxSplits: 1)[0].split(separator: "/")
        guard parts.count == 5, parts[2] == "invocation", parts[4] == "response" else { return nil }
        return String(parts[3])
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
