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
    private struct Flow {
        /// The flow control of the Runtime API the pieces come from, told of each chunk taken.
        var control: StreamFlow?
        /// The caller went away: chunks are dropped as they come.
        var abandoned = false
    }

    private let flow = Mutex(Flow())

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
            if case .chunk(let bytes)? = piece { taken(bytes.count) }
            return piece
        }
    }

    /// Reports the chunks taken from here to `control`, the flow control of the runtime that
    /// streams them.
    func report(takenTo control: StreamFlow) {
        flow.withLock { $0.control = control }
    }

    /// The caller is gone (its connection closed before the end): what waits, and what the function
    /// still writes, is dropped, so that the function runs on to its end as on AWS instead of
    /// waiting for a reader that will never come.
    func abandon() {
        // A worker streams one response at a time: all that waits in its flow is this one's.
        let control = flow.withLock { flow -> StreamFlow? in
            flow.abandoned = true
            return flow.control
        }
        control?.reset()
    }

    private func taken(_ bytes: Int) {
        flow.withLock { $0.control }?.taken(bytes)
    }

    func send(_ piece: Piece) {
        let (control, abandoned) = flow.withLock { ($0.control, $0.abandoned) }
        if case .chunk(let bytes) = piece, abandoned {
            control?.taken(bytes.count)
            return
        }
        continuation.yield(piece)
        switch piece {
        case .finished, .failed: continuation.finish()
        case .started, .chunk: break
        }
    }
}
