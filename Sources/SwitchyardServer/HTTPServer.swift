import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import SwitchyardWire

/// The HTTP/1.1 transport: SwiftNIO with keep-alive and pipelining, handing each complete request to the router.
///
/// Handlers stay plain functions of a request to a response, so the transport could be swapped
/// without touching the wire layer or the services. The transport also defends the server against
/// its clients: a connection limit, header and idle timeouts, bodies refused from their declared
/// length, and connections closed after any request it cannot frame.
public final class HTTPServer: Sendable {
    let channel: any Channel
    public let group: MultiThreadedEventLoopGroup
    let connections: ConnectionRegistry

    /// The port actually bound (useful when asked for port 0).
    public var port: Int { channel.localAddress?.port ?? 0 }

    /// The server could not listen where it was told to.
    public struct ListenFailure: Error, CustomStringConvertible {
        public let description: String
    }

    public static func start(
        host: String, port: Int, router: RequestRouter, limits: ConnectionLimits = ConnectionLimits(),
        spoolDirectory: String, logger: Logger = Logger(label: "switchyard")
    ) async throws -> HTTPServer {
        try RequestBodySpool.prepare(directory: spoolDirectory)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
        let connections = ConnectionRegistry(limits: limits)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            // TCP_NODELAY is an IPPROTO_TCP option: `.socketOption(.tcp_nodelay)` would set SOL_SOCKET's option
            // of the same number (SO_DEBUG), which needs CAP_NET_ADMIN and closes every connection without it.
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                let (admitted, logRefusal) = connections.admit(channel)
                guard admitted else {
                    if logRefusal {
                        logger.warning(
                            "connection refused: \(limits.maxConnections) connections are open (--max-connections)")
                    }
                    return channel.eventLoop.makeFailedFuture(ConnectionRefused())
                }
                channel.closeFuture.whenComplete { _ in connections.remove(channel) }
                return channel.eventLoop.makeCompletedFuture {
                    let makeRequestHandler: @Sendable () -> RequestHandler = {
                        RequestHandler(
                            router: router, limits: limits, connections: connections, spoolDirectory: spoolDirectory,
                            logger: logger)
                    }
                    try channel.pipeline.syncOperations.addHandler(
                        ProtocolSniffer(
                            idleTimeout: .seconds(Int64(limits.idleTimeoutSeconds)),
                            configureHTTP1: { sync in
                                try sync.addHandler(RequestBytesDetector())
                                try sync.configureHTTPServerPipeline(withErrorHandling: true)
                                try sync.addHandler(makeRequestHandler())
                            }, makeRequestHandler: makeRequestHandler))
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.bind(host: host, port: port).get()
        } catch {
            try? await group.shutdownGracefully()
            throw ListenFailure(description: Self.explain(error, host: host, port: port))
        }
        return HTTPServer(channel: channel, group: group, connections: connections)
    }

    /// A bind error in words that name the address and say what to do.
    static func explain(_ error: any Error, host: String, port: Int) -> String {
        let address = "\(host):\(port)"
        if let io = error as? IOError {
            switch io.errnoCode {
            case EADDRINUSE:
                return
                    "Cannot listen on \(address): the port is already in use (another Switchyard, LocalStack or other server?). Stop that process or choose another --port (SWITCHYARD_PORT)."
            case EACCES:
                return
                    "Cannot listen on \(address): permission denied (ports below 1024 need privileges). Choose a port above 1023 with --port (SWITCHYARD_PORT)."
            case EADDRNOTAVAIL:
                return
                    "Cannot listen on \(address): no network interface has the address \(host). Use 127.0.0.1, 0.0.0.0 or an address of this machine with --host (SWITCHYARD_HOST)."
            default:
                break
            }
        }
        if error is SocketAddressError {
            return
                "Cannot listen on \(address): \(host) is not an address or a host name that resolves. Use 127.0.0.1, 0.0.0.0 or a resolvable name with --host (SWITCHYARD_HOST)."
        }
        return "Cannot listen on \(address): \(error)."
    }

    init(channel: any Channel, group: MultiThreadedEventLoopGroup, connections: ConnectionRegistry) {
        self.channel = channel
        self.group = group
        self.connections = connections
    }

    /// Waits until the listening socket closes.
    public func waitUntilClosed() async throws {
        try await channel.closeFuture.get()
    }

    /// Requests being answered right now.
    public var requestsInFlight: Int { connections.requestsInFlight }

    /// Stops accepting, closes idle connections, lets the requests in flight finish for up to
    /// `gracePeriod`, then closes everything.
    public func shutdown(gracePeriod: Duration = .seconds(10)) async {
        try? await channel.close()
        for open in connections.beginDraining() {
            open.pipeline.fireUserInboundEventTriggered(ServerDraining())
        }
        let deadline = ContinuousClock.now + gracePeriod
        while connections.requestsInFlight > 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        for open in connections.openChannels { try? await open.close() }
        try? await group.shutdownGracefully()
    }
}

/// A connection over the limit; NIO closes the channel when its initializer fails.
struct ConnectionRefused: Error {}

/// Tells the request handler the server is shutting down.
struct ServerDraining {}

/// Bytes of a request arrived (raw, before HTTP decoding): the start of a request or a body's progress.
struct RequestBytesArrived {}

/// Sits in front of the HTTP decoder and reports that bytes arrived, so that the header timeout can
/// run from a request's first byte rather than from the moment its last header line is complete.
final class RequestBytesDetector: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireUserInboundEventTriggered(RequestBytesArrived())
        context.fireChannelRead(data)
    }
}

/// Collects one request's head and body, runs the router, writes the response; and keeps the
/// connection's timers.
final class RequestHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private enum Phase {
        /// Between requests: the idle timer runs.
        case awaitingRequest
        /// Bytes of a request arrived, its head is not complete: the header timer runs.
        case readingHead
        /// The head arrived; the idle timer runs between body parts.
        case readingBody
        /// The router has the request.
        case processing
        /// The request was refused; what else arrives is ignored until the connection closes.
        case discarding
    }

    private let router: RequestRouter
    private let limits: ConnectionLimits
    /// The body limit of the request being read: the server's, or more for operations that take more.
    private var bodyLimit = 0
    /// Where bodies that stream are written as they arrive.
    private let spoolDirectory: String
    /// The file the body being read goes to, for operations whose input streams.
    private var spool: RequestBodySpool?
    /// The last write to the spool; each chunk's write waits for the one before.
    private var spoolTail: EventLoopFuture<Void>?
    /// Bytes handed to the spool and not yet written: reading pauses above a limit, so that a
    /// client faster than the disk does not fill memory.
    private var spoolBacklog = 0
    private var readingPaused = false
    /// Body bytes received for the request being read.
    private var bodyCount = 0
    private let connections: ConnectionRegistry
    private let logger: Logger
    private var phase = Phase.awaitingRequest
    private var timer: Scheduled<Void>?
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []
    private var tooLarge = false
    /// The answer to a body over `bodyLimit` in the operation's protocol, when its service has one.
    private var tooLargeAnswer: WireResponse?
    private var closeAfterResponse = false
    /// The request being answered is a HEAD: its answer declares the length a GET's body would have.
    private var answeringHead = false
    private var inFlight: Task<Void, Never>?

    init(
        router: RequestRouter, limits: ConnectionLimits, connections: ConnectionRegistry, spoolDirectory: String,
        logger: Logger
    ) {
        self.router = router
        self.spoolDirectory = spoolDirectory
        self.limits = limits
        self.connections = connections
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(.seconds(Int64(limits.idleTimeoutSeconds)), context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(.seconds(Int64(limits.idleTimeoutSeconds)), context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        discardSpool()
        // The client is gone: whatever is still computing its answer can stop (a long poll ends
        // without taking messages that nobody could receive).
        inFlight?.cancel()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A request the parser could not frame was answered 400 "Connection: close" by NIO's error
        // handler; any other error leaves the connection unusable too. Either way, it ends here.
        phase = .discarding
        context.close(promise: nil)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event {
        case is RequestBytesArrived:
            switch phase {
            case .awaitingRequest:
                phase = .readingHead
                arm(.seconds(Int64(limits.headerTimeoutSeconds)), context: context)
            case .readingBody:
                arm(.seconds(Int64(limits.idleTimeoutSeconds)), context: context)
            case .readingHead, .processing, .discarding:
                break
            }
        case is ServerDraining:
            closeAfterResponse = true
            if phase == .awaitingRequest { context.close(promise: nil) }
        default:
            context.fireUserInboundEventTriggered(event)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            guard phase != .discarding else { return }
            answeringHead = head.method == .HEAD
            let handling = bodyHandling(for: head)
            bodyLimit = handling.maximumBytes
            tooLargeAnswer = handling.tooLarge
            if let refusal = Self.refusal(of: head, maxBodyBytes: bodyLimit, tooLarge: handling.tooLarge) {
                refuse(refusal, context: context)
                return
            }
            self.head = head
            body.removeAll(keepingCapacity: true)
            bodyCount = 0
            tooLarge = false
            if handling.spool {
                do {
                    spool = try RequestBodySpool(directory: spoolDirectory)
                    spoolTail = context.eventLoop.makeSucceededVoidFuture()
                } catch {
                    logger.error("cannot store a request body: \(error)")
                    refuse(
                        Self.plain(503, "The server cannot store the request body now; retry later."), context: context)
                    return
                }
            }
            phase = .readingBody
            if head.headers[canonicalForm: "expect"].contains(where: { $0.lowercased() == "100-continue" }) {
                // The client waits for this before sending the body (boto3 waits a second for S3
                // uploads); the head passed every check that does not need the body.
                let interim = HTTPResponseHead(version: .http1_1, status: .continue)
                context.writeAndFlush(wrapOutboundOut(.head(interim)), promise: nil)
            }
            arm(.seconds(Int64(limits.idleTimeoutSeconds)), context: context)
        case .body(let chunk):
            guard phase == .readingBody else { return }
            bodyCount += chunk.readableBytes
            if bodyCount > bodyLimit {
                // A chunked body that outgrows the limit: refused without reading the rest.
                refuse(tooLargeAnswer ?? Self.plain(413, "Request body too large"), context: context)
                return
            }
            if spool != nil {
                appendToSpool(chunk, context: context)
            } else {
                body.append(contentsOf: chunk.readableBytesView)
            }
        case .end:
            guard phase == .readingBody, let head else { return }
            self.head = nil
            phase = .processing
            timer?.cancel()
            timer = nil
            let keepAlive = head.isKeepAlive && !closeAfterResponse && !connections.isDraining
            var received = Self.wireRequest(head, body: body)
            // The channel's stored address: an HTTP/2 stream's context has none of its own (asking it traps).
            received.clientAddress = context.channel.remoteAddress?.ipAddress
            let request = received
            if let spool, let written = spoolTail {
                self.spool = nil
                spoolTail = nil
                let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                let eventLoop = context.eventLoop
                written.flatMap {
                    NIOThreadPool.singleton.runIfActive(eventLoop: eventLoop) { try spool.finish() }
                }.whenComplete { result in
                    let (handler, context) = loopBound.value
                    switch result {
                    case .success(let spooled):
                        // A client gone meanwhile gets nothing; its file goes with `spooled`.
                        guard context.channel.isActive else { return }
                        var complete = request
                        complete.spooledBody = spooled
                        handler.process(complete, keepAlive: keepAlive, context: context)
                    case .failure(let error):
                        spool.discard()
                        handler.logger.error("cannot store a request body: \(error)")
                        handler.phase = .discarding
                        handler.write(
                            Self.plain(503, "The server cannot store the request body now; retry later."),
                            keepAlive: false, context: context)
                    }
                }
                return
            }
            process(request, keepAlive: keepAlive, context: context)
        }
    }

    /// Hands a complete request to the router and writes its answer.
    private func process(_ request: WireRequest, keepAlive: Bool, context: ChannelHandlerContext) {
        let router = self.router
        let connections = self.connections
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        let eventLoop = context.eventLoop
        connections.requestStarted()
        inFlight = Task {
            let response = await router.handle(request)
            eventLoop.execute {
                let (handler, context) = loopBound.value
                handler.inFlight = nil
                if handler.finish(response, keepAlive: keepAlive, context: context) {
                    connections.requestFinished()
                }
            }
        }
    }

    /// Answers a request refused before its body was read, and ends the connection.
    private func refuse(_ response: WireResponse, context: ChannelHandlerContext) {
        phase = .discarding
        timer?.cancel()
        discardSpool()
        write(response, keepAlive: false, context: context)
    }

    /// Queues a chunk for the spool's file after the chunks before it; reading from the client
    /// pauses while more than a few MiB wait for the disk.
    private func appendToSpool(_ chunk: ByteBuffer, context: ChannelHandlerContext) {
        guard let spool, let tail = spoolTail else { return }
        let size = chunk.readableBytes
        spoolBacklog += size
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        let eventLoop = context.eventLoop
        let written = tail.flatMap {
            NIOThreadPool.singleton.runIfActive(eventLoop: eventLoop) { try spool.write(chunk) }
        }
        spoolTail = written
        written.whenComplete { _ in
            let (handler, context) = loopBound.value
            handler.spoolBacklog -= size
            if handler.readingPaused, handler.spoolBacklog < Self.spoolResumeBytes {
                handler.readingPaused = false
                context.channel.setOption(ChannelOptions.autoRead, value: true).whenComplete { _ in }
            }
        }
        if !readingPaused, spoolBacklog > Self.spoolPauseBytes {
            readingPaused = true
            context.channel.setOption(ChannelOptions.autoRead, value: false).whenComplete { _ in }
        }
    }

    static let spoolPauseBytes = 4 << 20
    static let spoolResumeBytes = 1 << 20

    /// Drops the file of a body that will not be processed, once the writes queued for it are done.
    private func discardSpool() {
        guard let spool else { return }
        self.spool = nil
        if readingPaused {
            readingPaused = false
        }
        if let tail = spoolTail {
            tail.whenComplete { _ in spool.discard() }
        } else {
            spool.discard()
        }
        spoolTail = nil
    }

    /// Writes the answer to a request that was processed, or hands it back when the client is gone.
    /// False when the answer is a stream still being written (the request is finished when it ends).
    private func finish(_ response: WireResponse, keepAlive: Bool, context: ChannelHandlerContext) -> Bool {
        guard context.channel.isActive else {
            response.undelivered?.run()
            return true
        }
        if let stream = response.stream {
            writeStreaming(response, stream: stream, keepAlive: keepAlive, context: context)
            return false
        }
        phase = .awaitingRequest
        let keepAlive = keepAlive && !closeAfterResponse
        let done = write(response, keepAlive: keepAlive, context: context)
        if let undelivered = response.undelivered {
            done.whenFailure { _ in undelivered.run() }
        }
        if keepAlive { arm(.seconds(Int64(limits.idleTimeoutSeconds)), context: context) }
        return true
    }

    /// Writes a response whose body is produced while it is sent: the head at once, then each chunk
    /// as the stream yields it, pulling the next only once the previous one reached the socket (a
    /// slow client slows the producer instead of filling memory). A stream that fails part-way
    /// closes the connection, so that the client sees the body cut short rather than complete.
    private func writeStreaming(
        _ response: WireResponse, stream: ByteStream, keepAlive: Bool, context: ChannelHandlerContext
    ) {
        var headers = HTTPHeaders()
        for (name, value) in response.headers where name.lowercased() != "content-length" {
            ResponseHeaderSafety.add(name, value, to: &headers)
        }
        if let length = stream.length {
            headers.add(name: "Content-Length", value: String(length))
        } else {
            headers.add(name: "Transfer-Encoding", value: "chunked")
        }
        // HTTP/1.1 connections persist unless told otherwise: only their end is announced.
        if !(keepAlive && !closeAfterResponse) { headers.add(name: "Connection", value: "close") }
        let head = HTTPResponseHead(
            version: .http1_1, status: HTTPResponseStatus(statusCode: response.status), headers: headers)
        context.writeAndFlush(wrapOutboundOut(.head(head)), promise: nil)
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        let eventLoop = context.eventLoop
        let connections = self.connections
        inFlight = Task {
            var written = true
            do {
                while let chunk = try await stream.next() {
                    guard !chunk.isEmpty else { continue }
                    try await eventLoop.flatSubmit {
                        let (handler, context) = loopBound.value
                        var buffer = context.channel.allocator.buffer(capacity: chunk.count)
                        buffer.writeBytes(chunk)
                        return context.writeAndFlush(handler.wrapOutboundOut(.body(.byteBuffer(buffer))))
                    }.get()
                }
            } catch {
                written = false
            }
            let complete = written
            eventLoop.execute {
                let (handler, context) = loopBound.value
                handler.inFlight = nil
                connections.requestFinished()
                guard complete, context.channel.isActive else {
                    handler.phase = .discarding
                    context.close(promise: nil)
                    response.undelivered?.run()
                    return
                }
                handler.phase = .awaitingRequest
                let keepAlive = keepAlive && !handler.closeAfterResponse
                let done = context.writeAndFlush(handler.wrapOutboundOut(.end(nil)))
                if keepAlive {
                    handler.arm(.seconds(Int64(handler.limits.idleTimeoutSeconds)), context: context)
                } else {
                    let channel = context.channel
                    done.whenComplete { _ in channel.close(promise: nil) }
                }
            }
        }
    }

    /// How the body is read: the server's limit in memory, unless the operation the head names takes
    /// more or streams its input (then the body goes to a file). The router is asked only when the
    /// declared length could exceed the server's limit, or when the request could be a REST upload
    /// (a PUT or POST with a body that names no operation in an X-Amz-Target or form body).
    private func bodyHandling(for head: HTTPRequestHead) -> RequestRouter.BodyHandling {
        let standard = RequestRouter.BodyHandling(maximumBytes: limits.maxBodyBytes, spool: false)
        let declared = head.headers[canonicalForm: "content-length"].first.flatMap { Int($0) }
        let chunked = !head.headers[canonicalForm: "transfer-encoding"].isEmpty
        guard (declared ?? 0) > 0 || chunked else { return standard }
        let mayExceed = declared.map { $0 > limits.maxBodyBytes } ?? true
        let mayUpload =
            (head.method == .PUT || head.method == .POST) && !head.headers.contains(name: "x-amz-target")
            && !head.headers.contains(name: "smithy-protocol")
            && !(head.headers.first(name: "content-type")?.hasPrefix("application/x-www-form-urlencoded") ?? false)
        guard mayExceed || mayUpload else { return standard }
        return router.bodyHandling(forHead: Self.wireRequest(head, body: []), default: limits.maxBodyBytes)
    }

    /// The answer to a request refused from its head alone, if it is refused.
    static func refusal(of head: HTTPRequestHead, maxBodyBytes: Int, tooLarge: WireResponse? = nil) -> WireResponse? {
        if head.method == .CONNECT {
            return plain(
                405, "CONNECT is not supported: this is not a proxy.",
                extra: [("Allow", "GET, HEAD, POST, PUT, DELETE")])
        }
        let encodings = head.headers[canonicalForm: "transfer-encoding"].map { $0.lowercased() }
        if !encodings.isEmpty, encodings != ["chunked"] {
            return plain(
                501,
                "Transfer-Encoding \(encodings.joined(separator: ", ")) is not supported; send the body plain or chunked."
            )
        }
        let lengths = head.headers["content-length"]
        if lengths.count > 1, Set(lengths).count > 1 {
            return plain(400, "Conflicting Content-Length headers.")
        }
        if let length = lengths.first.flatMap({ Int($0) }), length > maxBodyBytes {
            if let tooLarge { return tooLarge }
            return plain(413, "Request body too large: \(length) bytes declared, at most \(maxBodyBytes) accepted.")
        }
        return nil
    }

    static func plain(_ status: Int, _ message: String, extra: [(String, String)] = []) -> WireResponse {
        WireResponse(status: status, headers: [("Content-Type", "text/plain")] + extra, body: Array(message.utf8))
    }

    /// Closes the connection if nothing happens before `delay`: a request whose body stalls is
    /// answered 408 first; an idle connection, or one whose request head never completes (no
    /// request exists to answer yet), is just closed.
    private func arm(_ delay: TimeAmount, context: ChannelHandlerContext) {
        timer?.cancel()
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: delay) {
            let (handler, context) = loopBound.value
            handler.timer = nil
            switch handler.phase {
            case .readingBody:
                handler.phase = .discarding
                handler.write(Self.plain(408, "Request timed out"), keepAlive: false, context: context)
            case .awaitingRequest, .readingHead:
                handler.phase = .discarding
                context.close(promise: nil)
            case .processing, .discarding:
                break
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

    @discardableResult
    private func write(_ response: WireResponse, keepAlive: Bool, context: ChannelHandlerContext)
        -> EventLoopFuture<Void>
    {
        var headers = HTTPHeaders()
        headers.reserveCapacity(response.headers.count + 3)
        var length = String(response.body.count)
        for (name, value) in response.headers {
            guard name.lowercased() == "content-length" else {
                ResponseHeaderSafety.add(name, value, to: &headers)
                continue
            }
            // A HEAD answer has no body, but says how long the resource is (S3 HeadObject).
            if answeringHead, response.body.isEmpty { length = value }
        }
        headers.add(name: "Content-Length", value: length)
        if !keepAlive { headers.add(name: "Connection", value: "close") }
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
        return done
    }
}
