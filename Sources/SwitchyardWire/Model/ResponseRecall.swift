import Synchronization

/// What to undo if a response never reaches its client.
///
/// A service registers an action while it computes its answer (a receive registers handing its
/// messages back); the transport runs the actions when the connection is gone before the answer
/// could be written, so that work done for a client who cannot see it is not lost to everyone else.
public final class ResponseRecall: Sendable {
    private let actions = Mutex<[@Sendable () async -> Void]>([])

    public init() {}

    /// Adds an action to run if the response is not delivered.
    public func onUndelivered(_ action: @escaping @Sendable () async -> Void) {
        actions.withLock { $0.append(action) }
    }

    /// Runs every registered action once, in a task of its own.
    public func run() {
        let pending = actions.withLock { actions -> [@Sendable () async -> Void] in
            defer { actions.removeAll() }
            return actions
        }
        guard !pending.isEmpty else { return }
        Task {
            for action in pending { await action() }
        }
    }
}
