import Foundation
import NIOCore
import Synchronization

/// Connections to the relay kept open between messages, as mail servers keep theirs: a message
/// takes an idle connection (or opens one), and gives it back for the next. Connections idle for
/// longer than `idleMillis` are closed, before the relay's own timeout would.
actor SMTPRelayPool {
    let relay: SMTPRelaySettings
    private var idle: [SMTPRelayConnection] = []
    static let maximumIdle = 16
    static let idleMillis: Int64 = 20_000

    init(relay: SMTPRelaySettings) { self.relay = relay }

    func send(from: String, to: [String], data: [UInt8]) async throws -> SMTPClient.Outcome {
        let now = SESEngine.nowMillis()
        for connection in idle where now - connection.lastUsedMillis > Self.idleMillis { connection.close() }
        idle.removeAll { now - $0.lastUsedMillis > Self.idleMillis }
        // A kept connection the relay has closed since fails before the message is handed over:
        // the next one is tried, then a new one.
        while let connection = idle.popLast() {
            do {
                let outcome = try await connection.send(from: from, to: to, data: data)
                keep(connection)
                return outcome
            } catch is SMTPClient.Stale {
                connection.close()
            } catch {
                connection.close()
                throw error
            }
        }
        let connection: SMTPRelayConnection
        do {
            connection = try await SMTPRelayConnection.open(relay)
        } catch let refused as SMTPClient.Refused {
            return refused.outcome
        }
        do {
            let outcome = try await connection.send(from: from, to: to, data: data)
            keep(connection)
            return outcome
        } catch {
            connection.close()
            throw (error as? SMTPClient.Stale)?.underlying ?? error
        }
    }

    private func keep(_ connection: SMTPRelayConnection) {
        guard connection.isOpen, idle.count < Self.maximumIdle else {
            connection.close()
            return
        }
        idle.append(connection)
    }

    /// Closes every idle connection (the server is stopping).
    func closeAll() {
        for connection in idle { connection.close() }
        idle = []
    }
}

/// One connection to the relay, served by its own task: messages are handed to it one at a time
/// and answered through continuations, since the channel can only be used inside its scope.
final class SMTPRelayConnection: Sendable {
    struct Job: Sendable {
        var from: String
        var to: [String]
        var data: [UInt8]
        var reply: CheckedContinuation<SMTPClient.Outcome, any Error>
    }

    private let jobs: AsyncStream<Job>.Continuation
    private let state = Mutex<(open: Bool, lastUsedMillis: Int64)>((true, SESEngine.nowMillis()))

    private init(jobs: AsyncStream<Job>.Continuation) { self.jobs = jobs }

    var isOpen: Bool { state.withLock { $0.open } }
    var lastUsedMillis: Int64 { state.withLock { $0.lastUsedMillis } }

    /// Connects and completes the handshake; throws what went wrong (`SMTPClient.Refused` when the
    /// relay answered with a refusal).
    static func open(_ relay: SMTPRelaySettings) async throws -> SMTPRelayConnection {
        let channel = try await SMTPClient.connect(relay)
        let (stream, continuation) = AsyncStream<Job>.makeStream()
        let connection = SMTPRelayConnection(jobs: continuation)
        try await withCheckedThrowingContinuation { (ready: CheckedContinuation<Void, any Error>) in
            Task { await connection.serve(channel, relay: relay, jobs: stream, ready: ready) }
        }
        return connection
    }

    func send(from: String, to: [String], data: [UInt8]) async throws -> SMTPClient.Outcome {
        let outcome = try await withCheckedThrowingContinuation { reply in
            let job = Job(from: from, to: to, data: data, reply: reply)
            if case .terminated = jobs.yield(job) {
                reply.resume(throwing: SMTPClient.Stale(underlying: SMTPClient.Failure(description: "Closed.")))
            }
        }
        state.withLock { $0.lastUsedMillis = SESEngine.nowMillis() }
        return outcome
    }

    /// Ends the connection after the message in hand (QUIT).
    func close() {
        state.withLock { $0.open = false }
        jobs.finish()
    }

    private func serve(
        _ channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>, relay: SMTPRelaySettings, jobs: AsyncStream<Job>,
        ready: CheckedContinuation<Void, any Error>
    ) async {
        // Exactly one of the handshake's outcomes resumes `ready`.
        let readiness = Mutex<CheckedContinuation<Void, any Error>?>(ready)
        func signal(_ result: Result<Void, any Error>) {
            readiness.withLock { waiting in
                waiting?.resume(with: result)
                waiting = nil
            }
        }
        var iterator = jobs.makeAsyncIterator()
        do {
            try await channel.executeThenClose { inbound, outbound in
                var conversation = SMTPClient.Conversation(
                    lines: SMTPLineReader(iterator: inbound.makeAsyncIterator()), outbound: outbound,
                    channel: channel.channel)
                try await conversation.handshake(relay)
                signal(.success(()))
                while let job = await iterator.next() {
                    do {
                        job.reply.resume(
                            returning: try await conversation.transaction(from: job.from, to: job.to, data: job.data))
                    } catch {
                        job.reply.resume(throwing: error)
                        throw error
                    }
                }
                _ = try? await conversation.command("QUIT")
            }
        } catch {
            signal(.failure(error))
        }
        signal(.failure(SMTPClient.Failure(description: "The connection closed.")))
        close()
        // Messages handed over after the connection died learn so, and go to another connection.
        while let job = await iterator.next() {
            job.reply.resume(throwing: SMTPClient.Stale(underlying: SMTPClient.Failure(description: "Closed.")))
        }
    }
}
