import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL

/// The SMTP submission interface (`--smtp-port`): what clients send here is sent as SendRawEmail
/// sends it, after AUTH with SMTP credentials derived from an access key, as SES's SMTP endpoint asks.
/// The same server in `inbound` mode is the receiving endpoint (`--smtp-inbound-port`, an MX): no
/// AUTH, and what arrives goes to the accounts' receipt rules.
final class SMTPServer: Sendable {
    let listener: NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>
    let inbound: Bool
    let engine: SESEngine
    let authenticator: SMTPAuthenticator
    let tls: NIOSSLContext?
    let logger: Logger
    /// SES takes messages of up to 40 MB over SMTP.
    static let maximumMessageBytes = 41_943_040

    private init(
        listener: NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>, inbound: Bool, engine: SESEngine,
        authenticator: SMTPAuthenticator, tls: NIOSSLContext?, logger: Logger
    ) {
        self.listener = listener
        self.inbound = inbound
        self.engine = engine
        self.authenticator = authenticator
        self.tls = tls
        self.logger = logger
    }

    /// Binds the port now, so that a port in use fails the server's start.
    static func start(
        host: String, port: Int, inbound: Bool = false, settings: SESSettings, engine: SESEngine,
        authenticator: SMTPAuthenticator, logger: Logger
    ) async throws -> SMTPServer {
        let tls = try SMTPTLS.serverContext(
            certificatePath: settings.smtpCertificatePath, keyPath: settings.smtpKeyPath)
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let role = inbound ? "receiving" : "SMTP"
        logger.info("SES \(role) interface listening on \(host):\(listener.channel.localAddress?.port ?? port)")
        return SMTPServer(
            listener: listener, inbound: inbound, engine: engine, authenticator: authenticator, tls: tls,
            logger: logger)
    }

    var port: Int? { listener.channel.localAddress?.port }

    /// Accepts connections until the server shuts down.
    func run() async {
        do {
            try await listener.executeThenClose { connections in
                try await withThrowingDiscardingTaskGroup { group in
                    for try await connection in connections {
                        group.addTask { await self.serve(connection) }
                    }
                }
            }
        } catch {
            logger.debug("SES SMTP interface stopped: \(error)")
        }
    }

    private func serve(_ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>) async {
        do {
            try await connection.executeThenClose { inbound, outbound in
                var reader = SMTPLineReader(iterator: inbound.makeAsyncIterator())
                var session = SMTPSession(
                    hostname: self.inbound ? "inbound-smtp.amazonaws.com" : "email-smtp.amazonaws.com",
                    maxMessageBytes: Self.maximumMessageBytes, tlsAvailable: tls != nil, tlsActive: false,
                    authRequired: !self.inbound)
                var scope: SESScope?
                var encrypted = false
                let clientIP = connection.channel.remoteAddress?.ipAddress ?? "127.0.0.1"
                try await outbound.write(ByteBuffer(bytes: session.greeting().encoded()))
                while let line = try await reader.line() {
                    switch session.receive(line: line) {
                    case .none:
                        continue
                    case .reply(let reply):
                        try await outbound.write(ByteBuffer(bytes: reply.encoded()))
                    case .replyAndClose(let reply):
                        try await outbound.write(ByteBuffer(bytes: reply.encoded()))
                        return
                    case .startTLS(let reply):
                        guard let tls else {
                            try await outbound.write(ByteBuffer(bytes: reply.encoded()))
                            return
                        }
                        // Whatever the client sent before the handshake is discarded (RFC 3207).
                        reader.pending = []
                        try await Self.startTLS(connection.channel, reply: reply, context: tls)
                        encrypted = true
                    case .authenticate(let username, let password):
                        scope = authenticator.authenticate(username: username, password: password)
                        let reply = session.authenticationResult(ok: scope != nil)
                        try await outbound.write(ByteBuffer(bytes: reply.encoded()))
                    case .message(let envelope):
                        let result =
                            self.inbound
                            ? await engine.receive(envelope, clientIP: clientIP, tls: encrypted)
                            : await accept(envelope, scope: scope)
                        try await outbound.write(ByteBuffer(bytes: session.messageResult(result).encoded()))
                    }
                    if session.isClosed { return }
                }
            }
        } catch {
            logger.debug("SES SMTP connection ended: \(error)")
        }
    }

    /// Answers STARTTLS and puts TLS in front of the connection in one turn of its event loop: the
    /// client starts its handshake as soon as it reads the 220, and a ClientHello read before the TLS
    /// handler is in place would go to the plaintext reader and the handshake would stall.
    static func startTLS(_ channel: any Channel, reply: SMTPReply, context: NIOSSLContext) async throws {
        let bytes = reply.encoded()
        try await channel.eventLoop.submit {
            let pipeline = channel.pipeline.syncOperations
            try pipeline.addHandler(NIOSSLServerHandler(context: context), position: .first)
            // Written from the TLS handler's own context, which passes it below the handler: the
            // 220 itself goes out in plaintext.
            let tlsContext = try pipeline.context(handlerType: NIOSSLServerHandler.self)
            tlsContext.writeAndFlush(NIOAny(ByteBuffer(bytes: bytes)), promise: nil)
        }.get()
    }

    /// Sends a received message as SendRawEmail would, answering in SES's SMTP words.
    func accept(_ envelope: SMTPEnvelope, scope: SESScope?) async -> SMTPMessageResult {
        guard let scope else { return .rejected(code: 530, text: "Authentication required") }
        let headers = MIMEMessage.sesHeaders(envelope.data)
        do {
            try MessageTags.validate(headers.tags)
            var email = OutgoingEmail(
                scope: scope, operation: "SendSmtpEmail", source: envelope.mailFrom, destinations: envelope.rcptTo,
                raw: headers.raw, configurationSet: headers.configurationSet, tags: headers.tags,
                callerIdentity: envelope.username ?? "root")
            email.maximumBytes = Self.maximumMessageBytes
            return .accepted(messageId: try await engine.send(email))
        } catch let failure as SESFailure where failure == .sendingRateExceeded || failure == .dailyQuotaExceeded {
            return .rejected(code: 454, text: "Throttling failure: " + failure.v1Message)
        } catch let failure as SESFailure {
            return .rejected(code: 554, text: "Message rejected: " + failure.v1Message)
        } catch {
            return .rejected(code: 451, text: "Temporary service failure")
        }
    }
}
