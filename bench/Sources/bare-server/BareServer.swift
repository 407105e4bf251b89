import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// The transport ceiling: a bare SwiftNIO server that decodes the same JSON request the SQS
/// benchmark sends and answers a SendMessage-shaped response, doing no other work.
@main
struct BareServer {
    static func main() throws {
        let port = Int(CommandLine.arguments.dropFirst().first ?? "4599") ?? 4599
        let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
        let channel = try ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Handler())
                }
            }
            .bind(host: "127.0.0.1", port: port).wait()
        print("bare-server listening on 127.0.0.1:\(port)")
        try channel.closeFuture.wait()
    }
}

final class Handler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart
    private var body: [UInt8] = []

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head: body.removeAll(keepingCapacity: true)
        case .body(var chunk): body += chunk.readBytes(length: chunk.readableBytes) ?? []
        case .end:
            let parsed = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
            let id = (parsed?["MessageBody"] as? String).map { _ in UUID().uuidString.lowercased() } ?? "none"
            let reply = Array(
                "{\"MD5OfMessageBody\":\"49f68a5c8493ec2c0bf489821c21fc3b\",\"MessageId\":\"\(id)\"}".utf8)
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "application/x-amz-json-1.0")
            headers.add(name: "Content-Length", value: String(reply.count))
            context.write(
                wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil
            )
            var buffer = context.channel.allocator.buffer(capacity: reply.count)
            buffer.writeBytes(reply)
            context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }
}
