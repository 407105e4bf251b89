import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The output of a child process, read from its pipe on a thread of its own until every writer has
/// closed it, and handed on in order as `chunks`.
///
/// Not a `FileHandle.readabilityHandler`: its dispatch source sometimes missed what a process wrote
/// just before it exited, and closing the pipe while the source was still registered crashed the
/// server inside libdispatch. Here the reading thread owns the descriptor and closes it itself, after
/// the end of the output, so it is never closed under a reader.
public final class ProcessOutput: Sendable {
    /// The output, chunk by chunk, in the order it was written; finishes at its end.
    public let chunks: AsyncStream<[UInt8]>
    /// Bytes taken from the pipe so far (all of them have been, or are being, yielded to `chunks`).
    private let bytesRead = Atomic<Int>(0)
    /// 1 while the reading thread is between the pipe and `bytesRead`.
    private let reading = Atomic<Int>(0)
    private let finished = Atomic<Bool>(false)
    private let descriptor: Int32

    /// Starts reading `descriptor`, which this takes over.
    init(descriptor: Int32) {
        self.descriptor = descriptor
        let (chunks, sink) = AsyncStream.makeStream(of: [UInt8].self)
        self.chunks = chunks
        Thread.detachNewThread { [self] in
            pump(into: sink)
        }
    }

    /// Whether every byte of the output has been read (the pipe's writers are gone).
    public var ended: Bool { finished.load(ordering: .sequentiallyConsistent) }

    /// Whether output is in the pipe or on its way into `chunks`, when `consumed` bytes have been taken
    /// from `chunks`.
    public func pending(consumed: Int) -> Bool {
        if reading.load(ordering: .sequentiallyConsistent) != 0 { return true }
        if bytesRead.load(ordering: .sequentiallyConsistent) != consumed { return true }
        if ended { return false }
        // The descriptor is closed only after `finished` is set: at worst this asks one closed (or
        // reused) a moment ago, which only lengthens a short wait.
        var available: Int32 = 0
        return ioctl(descriptor, UInt(FIONREAD), &available) == 0 && available > 0
    }

    private func pump(into sink: AsyncStream<[UInt8]>.Continuation) {
        let size = 64 * 1024
        var buffer = [UInt8](repeating: 0, count: size)
        while true {
            // Wait for data first, so that `reading` marks only the moment bytes are in hand.
            var ready = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            if poll(&ready, 1, -1) < 0 {
                if errno == EINTR { continue }
                break
            }
            reading.store(1, ordering: .sequentiallyConsistent)
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, size) }
            if count < 0, errno == EINTR || errno == EAGAIN {
                reading.store(0, ordering: .sequentiallyConsistent)
                continue
            }
            guard count > 0 else {
                reading.store(0, ordering: .sequentiallyConsistent)
                break
            }
            bytesRead.add(count, ordering: .sequentiallyConsistent)
            sink.yield(Array(buffer[0..<count]))
            reading.store(0, ordering: .sequentiallyConsistent)
        }
        finished.store(true, ordering: .sequentiallyConsistent)
        close(descriptor)
        sink.finish()
    }
}
