import Synchronization

/// A body produced while it is sent (an S3 object read from disk, a function's streamed answer).
///
/// The transport pulls it one chunk at a time and asks for the next chunk only once the previous one
/// was written to the client, so a producer goes at the client's pace and no more than one chunk of
/// it is held in memory. When the client goes away, the pulling task is cancelled.
public final class ByteStream: Sendable {
    private let pull: @Sendable () async throws -> [UInt8]?
    /// The whole length when known in advance: sent as Content-Length instead of chunked encoding.
    public let length: Int?

    /// A stream from a function that returns the next chunk, or nil at the end.
    public init(length: Int? = nil, next: @escaping @Sendable () async throws -> [UInt8]?) {
        self.pull = next
        self.length = length
    }

    /// A stream of an asynchronous sequence of chunks.
    public convenience init<Chunks: AsyncSequence & Sendable>(length: Int? = nil, chunks: Chunks)
    where Chunks.Element == [UInt8] {
        let iterator = SerialIterator(chunks.makeAsyncIterator())
        self.init(length: length) { try await iterator.next() }
    }

    /// The next chunk, or nil when the body is complete.
    public func next() async throws -> [UInt8]? { try await pull() }

    /// Every remaining chunk joined (for tests and for bodies known to be small).
    public func collect() async throws -> [UInt8] {
        var bytes: [UInt8] = []
        while let chunk = try await next() { bytes += chunk }
        return bytes
    }
}

extension ByteStream: AWSValueConvertible {
    /// The stream of a streaming member; a blob the codec read whole becomes a one-chunk stream.
    public convenience init(awsValue: AWSValue) throws {
        switch awsValue {
        case .stream(let stream):
            self.init(length: stream.length) { try await stream.next() }
        case .blob(let data):
            self.init(bytes: Array(data))
        default:
            throw AWSError.serialization("Expected a stream of bytes")
        }
    }

    /// A stream of bytes already in memory, sent as one chunk.
    public convenience init(bytes: [UInt8]) {
        let remaining = Mutex<[UInt8]?>(bytes)
        self.init(length: bytes.count) {
            remaining.withLock { pending in
                defer { pending = nil }; return pending
            }
        }
    }

    public var awsValue: AWSValue { .stream(self) }
}

extension ByteStream: Equatable {
    /// Streams are equal only to themselves: their contents exist only once they are read.
    public static func == (lhs: ByteStream, rhs: ByteStream) -> Bool { lhs === rhs }
}

/// Holds an iterator that is advanced from one task at a time.
///
/// `@unchecked Sendable` because an iterator is not Sendable; a stream's transport pulls one chunk
/// and waits for it before pulling the next, so the iterator is never advanced concurrently.
public final class SerialIterator<Base: AsyncIteratorProtocol>: @unchecked Sendable {
    private var base: Base

    public init(_ base: Base) { self.base = base }

    public func next() async throws -> Base.Element? {
        var iterator = base
        defer { base = iterator }
        return try await iterator.next()
    }
}

/// One event of an event stream: which member of the stream's union it is, and its value.
public struct StreamEvent: Sendable {
    /// The member name of the stream union (`SubscribeToShardEvent`, `PayloadChunk`).
    public var name: String
    public var value: AWSValue
    /// A modelled exception of the stream, sent as `:message-type: exception`.
    public var isException: Bool

    public init(name: String, value: AWSValue, isException: Bool = false) {
        self.name = name
        self.value = value
        self.isException = isException
    }
}

/// The events of an event-stream output member, produced while they are sent. The protocol codec
/// frames each one as its model says; an error the source throws ends the stream with an error
/// message (an `AWSError` keeps its code).
public final class EventSource: Sendable {
    private let pull: @Sendable () async throws -> StreamEvent?

    public init(next: @escaping @Sendable () async throws -> StreamEvent?) { self.pull = next }

    public convenience init<Events: AsyncSequence & Sendable>(events: Events) where Events.Element == StreamEvent {
        let iterator = SerialIterator(events.makeAsyncIterator())
        self.init { try await iterator.next() }
    }

    public func next() async throws -> StreamEvent? { try await pull() }
}

extension EventSource: Equatable {
    public static func == (lhs: EventSource, rhs: EventSource) -> Bool { lhs === rhs }
}
