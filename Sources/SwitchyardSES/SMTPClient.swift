import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// A minimal SMTP client for the relay: EHLO, optional STARTTLS or implicit TLS, AUTH PLAIN, then
/// transactions (MAIL, RCPT, DATA) for as long as the connection is kept (`SMTPRelayPool`).
enum SMTPClient {
    /// What the server answered for the message.
    struct Outcome: Sendable {
        /// Recipients the server took, and those it refused with its reply.
        var accepted: [String]
        var refused: [(recipient: String, reply: String)]
        /// The reply to the end of DATA (or to the failing command), and whether a retry cannot help.
        var reply: String
        var permanent: Bool
        var delivered: Bool
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The server refused the connection itself (its greeting or AUTH): the answer for every message.
    struct Refused: Error {
        var outcome: Outcome
    }

    /// Opens a connection to the relay: TCP (or TLS), then SMTP's greeting and handshake.
    static func connect(_ relay: SMTPRelaySettings) async throws -> NIOAsyncChannel<ByteBuffer, ByteBuffer> {
        let tls = relay.security == .tls ? try SMTPTLS.clientContext(insecure: relay.insecure) : nil
        return try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(10))
            .connect(host: relay.host, port: relay.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(
                            try NIOSSLClientHandler(context: tls, serverHostname: relay.host))
                    }
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
    }

    /// One SMTP conversation on an open connection.
    struct Conversation {
        var lines: SMTPLineReader
        let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
        let channel: any Channel

        mutating func command(_ text: String) async throws -> (Int, String) {
            try await outbound.write(ByteBuffer(string: text + "\r\n"))
            return try await lines.reply()
        }

        /// The greeting, EHLO, STARTTLS when asked for, and AUTH PLAIN when credentials are given.
        mutating func handshake(_ relay: SMTPRelaySettings, hostname: String = "localhost") async throws {
            var (code, text) = try await lines.reply()
            guard code == 220 else {
                throw Refused(
                    outcome: Outcome(accepted: [], refused: [], reply: text, permanent: code >= 500, delivered: false))
            }
            (code, text) = try await command("EHLO \(hostname)")
            if relay.security == .starttls {
                guard text.uppercased().contains("STARTTLS") else {
                    throw Failure(description: "The relay does not offer STARTTLS.")
                }
                (code, text) = try await command("STARTTLS")
                guard code == 220 else { throw Failure(description: "STARTTLS refused: \(text)") }
                let tls = try SMTPTLS.clientContext(insecure: relay.insecure)
                try await channel.pipeline.addHandler(
                    try NIOSSLClientHandler(context: tls, serverHostname: relay.host), position: .first)
                (code, text) = try await command("EHLO \(hostname)")
            }
            if let user = relay.username, let password = relay.password {
                let token = Data(([0] + Array(user.utf8) + [0] + Array(password.utf8))).base64EncodedString()
                (code, text) = try await command("AUTH PLAIN \(token)")
                guard code == 235 else {
                    throw Refused(
                        outcome: Outcome(accepted: [], refused: [], reply: text, permanent: false, delivered: false))
                }
            }
        }

        /// One message: MAIL, RCPT for each recipient, DATA. A transaction that did not end in DATA's
        /// reply is reset, so the connection can carry the next one. Throws `Stale` when the
        /// connection failed before the message was handed over (sending it again cannot duplicate it).
        mutating func transaction(from: String, to: [String], data: [UInt8]) async throws -> Outcome {
            var code: Int
            var text: String
            do {
                (code, text) = try await command("MAIL FROM:<\(from)>")
            } catch {
                throw Stale(underlying: error)
            }
            guard code == 250 else {
                _ = try? await command("RSET")
                return Outcome(accepted: [], refused: [], reply: text, permanent: code >= 500, delivered: false)
            }
            var accepted: [String] = []
            var refused: [(String, String)] = []
            for recipient in to {
                (code, text) = try await command("RCPT TO:<\(recipient)>")
                if code == 250 || code == 251 { accepted.append(recipient) } else { refused.append((recipient, text)) }
            }
            guard !accepted.isEmpty else {
                _ = try? await command("RSET")
                return Outcome(accepted: [], refused: refused, reply: text, permanent: code >= 500, delivered: false)
            }
            (code, text) = try await command("DATA")
            guard code == 354 else {
                _ = try? await command("RSET")
                return Outcome(accepted: [], refused: refused, reply: text, permanent: code >= 500, delivered: false)
            }
            try await outbound.write(ByteBuffer(bytes: dotStuffed(data)))
            (code, text) = try await lines.reply()
            return Outcome(
                accepted: code == 250 ? accepted : [], refused: refused, reply: text, permanent: code >= 500,
                delivered: code == 250)
        }
    }

    /// A kept connection that had failed before a message was handed over.
    struct Stale: Error {
        var underlying: any Error
    }

    /// The message with CRLF line ends, leading dots doubled, and the terminating dot line.
    static func dotStuffed(_ data: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(data.count + 64)
        var atLineStart = true
        var previous: UInt8 = 0
        for byte in data {
            if byte == UInt8(ascii: "\n") && previous != UInt8(ascii: "\r") { output.append(UInt8(ascii: "\r")) }
            if atLineStart && byte == UInt8(ascii: ".") { output.append(UInt8(ascii: ".")) }
            output.append(byte)
            atLineStart = byte == UInt8(ascii: "\n")
            previous = byte
        }
        if !atLineStart { output += Array("\r\n".utf8) }
        output += Array(".\r\n".utf8)
        return output
    }
}

/// Reads CRLF-terminated lines and multi-line SMTP replies from a connection's bytes.
struct SMTPLineReader {
    var iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    var pending: [UInt8] = []

    /// The next line without its line end, or nil at the end of the stream.
    mutating func line() async throws -> [UInt8]? {
        while true {
            if let end = pending.firstIndex(of: UInt8(ascii: "\n")) {
                var line = Array(pending[..<end])
                pending.removeFirst(end + 1)
                if line.last == UInt8(ascii: "\r") { line.removeLast() }
                return line
            }
            guard var buffer = try await iterator.next() else { return nil }
            pending += buffer.readBytes(length: buffer.readableBytes) ?? []
            if pending.count > 1_048_576 { throw SMTPClient.Failure(description: "Line too long.") }
        }
    }

    /// A reply: its code and the text of its last line (with the code).
    mutating func reply() async throws -> (Int, String) {
        var texts: [String] = []
        while let bytes = try await line() {
            let text = String(decoding: bytes, as: UTF8.self)
            texts.append(text)
            let characters = Array(text)
            if characters.count < 4 || characters[3] != "-" {
                let code = Int(String(characters.prefix(3))) ?? 0
                return (code, texts.joined(separator: "\n"))
            }
        }
        throw SMTPClient.Failure(description: "The connection closed.")
    }
}
