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

    func send(_ piece: Piece) {
        continuation.yield(piece)
        switch piece {
        case .finished, .failed: continuation.finish()
        case .started, .chunk: break
        }
    }
}

extension ResponseStreamSink {
    /// Reads the pieces one at a time, from one task at a time.
    final class Reader: @unchecked Sendable {
        // @unchecked: its one reader awaits each piece before asking for the next.
        private var iterator: AsyncStream<Piece>.AsyncIterator

        init(_ sink: ResponseStreamSink) { iterator = sink.pieces.makeAsyncIterator() }

        func next() async -> Piece? {
            var current = iterator
            defer { iterator = current }
            return await current.next()
        }
    }
}
