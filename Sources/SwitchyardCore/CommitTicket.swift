import Synchronization

/// A promise that a storage change is durable: awaited before the response that depends on it is sent.
public final class CommitTicket: Sendable {
    private enum State {
        case pending([CheckedContinuation<Void, any Error>])
        case committed
        case failed(any Error)
    }

    private let state: Mutex<State>
    /// The lineage of the write, whose recovery a failed wait lets finish first.
    private let lineage: WriteLineage?

    public init() {
        state = Mutex(.pending([]))
        lineage = nil
    }

    init(lineage: WriteLineage?) {
        state = Mutex(.pending([]))
        self.lineage = lineage
    }

    /// A ticket for a change that needed no storage work (the in-memory store).
    public static let alreadyCommitted: CommitTicket = {
        let ticket = CommitTicket()
        ticket.complete(nil)
        return ticket
    }()

    /// Resolves the ticket, waking everyone who awaits it.
    public func complete(_ error: (any Error)?) {
        let waiting = state.withLock { state -> [CheckedContinuation<Void, any Error>] in
            guard case .pending(let continuations) = state else { return [] }
            state = error.map { .failed($0) } ?? .committed
            return continuations
        }
        for continuation in waiting {
            if let error { continuation.resume(throwing: error) } else { continuation.resume() }
        }
    }

    /// Returns once the change is committed; throws if committing it failed, after the owner of the
    /// write has put its memory back as storage has it.
    public func wait() async throws {
        do {
            try await outcome()
        } catch {
            await lineage?.awaitRecovery()
            throw error
        }
    }

    private func outcome() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let outcome: Result<Void, any Error>? = state.withLock { state in
                switch state {
                case .pending(var continuations):
                    continuations.append(continuation)
                    state = .pending(continuations)
                    return nil
                case .committed: return .success(())
                case .failed(let error): return .failure(error)
                }
            }
            if let outcome { continuation.resume(with: outcome) }
        }
    }
}
