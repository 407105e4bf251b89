import SwitchyardWire

/// The events of an InvokeWithResponseStream answer, made from the invocation's sink one piece at a
/// time as the connection asks for the next: `PayloadChunk`s of what the function streams (or of
/// the whole response of one that answers in one piece), then `InvokeComplete`.
actor InvokeStreamEvents {
    private let nextPiece: @Sendable () async -> ResponseStreamSink.Piece?
    private let tail: Bool
    private var queued: [StreamEvent] = []
    private var streamed = false
    private var ended = false

    init(next: @escaping @Sendable () async -> ResponseStreamSink.Piece?, tail: Bool) {
        self.nextPiece = next
        self.tail = tail
    }

    /// The next event; nil after `InvokeComplete`. Called by one reader at a time.
    func next() async -> StreamEvent? {
        while queued.isEmpty {
            guard !ended, let piece = await nextPiece() else { return nil }
            switch piece {
            case .started:
                streamed = true
            case .chunk(let bytes):
                streamed = true
                queued += LambdaService.payloadChunks(bytes)
            case .finished(let result):
                ended = true
                if !streamed && result.functionError == nil {
                    queued += LambdaService.payloadChunks(result.payload)
                }
                queued.append(LambdaService.completion(result, tail: tail))
            case .failed(let error):
                ended = true
                queued.append(LambdaService.failedCompletion(error))
            }
        }
        return queued.removeFirst()
    }
}
