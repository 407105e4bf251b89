import SwitchyardWire
import Synchronization

/// Where a streamed invocation's response goes while the function writes it: the Runtime API
/// passes each part of a `streaming` response on as it arrives, and the invoker ends the stream with
/// the invocation's result. InvokeWithResponseStream and function URLs in `RESPONSE_STREAM` mode
/// read it.
final class ResponseStreamSink: Sendable {
    enum Piece: Sendable {
        /// The runtime began a streamed response, with this Content-Type.
        case started(contentType: String)
        case chunk([UInt8])
        /// The invocation ended; what was not streamed (a runtime that answered in one piece, an
        /// error) is in the result.
        case finished(LambdaService.InvocationResult)
        /// The invocation could not run.
        case failed(any Error)
    }

    let pieces: AsyncStream<Piece>
    private let continuation: AsyncStream<Piece>.Continuation
    /// The flow of the Runtime API the pieces come from, told of each chunk its reader takes.
    private let flow = Mutex<StreamFlow?>(nil)

    init() {
        (pieces, continuation) = AsyncStream.makeStream(of: Piece.self)
    }

    /// Runs an invocation for this sink in a task of its own, ending the pieces with its result.
    func feed(from invocation: @escaping @Sendable () async throws -> LambdaService.InvocationResult) {
        Task {
            do {
                send(.finished(try await invocation()))
            } catch {
                send(.failed(error))
            }
        }
    }

    /// The next piece, for the one task that reads them (at the pace its caller takes them).
    func reader() -> @Sendable () async -> Piece? {
        let iterator = SerialIterator(pieces.makeAsyncIterator())
        return { [self] in
            let piece = (try? await iterator.next()) ?? nil
            if case .chunk(let bytes)? = piece { flow.withLock { $0 }?.taken(bytes.count) }
            return piece
        }
    }

    /// Reports the chunks taken from here to `flow`, the flow control of the runtime that streams them.
    func report(takenTo flow: StreamFlow) {
        self.flow.withLock { $0 = flow }
    }

    func send(_ piece: Piece) {
        continuation.yield(piece)
        switch piece {
        case .finished, .failed: continuation.finish()
        case .started, .chunk: break
        }
    }
}
