import SwitchyardWire

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

    /// The next piece, for the one task that reads them.
    func reader() -> @Sendable () async -> Piece? {
        let iterator = SerialIterator(pieces.makeAsyncIterator())
        return { (try? await iterator.next()) ?? nil }
    }

    func send(_ piece: Piece) {
        continuation.yield(piece)
        switch piece {
        case .finished, .failed: continuation.finish()
        case .started, .chunk: break
        }
    }
}
