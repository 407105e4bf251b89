import Synchronization

/// The writes of one owner of in-memory state (an engine), in the order it submitted them.
///
/// Engines change their memory first and submit the matching storage changes after. When one of
/// those changes fails to commit (a full disk, a vanished device), memory has run ahead of storage:
/// the lineage is then broken, every later write of the same owner that was based on that memory
/// is refused without being run, and the owner reloads what storage really holds. Once it has, it
/// starts a new epoch and its writes are accepted again. A failed request so leaves memory as it
/// was: the client was told it failed, and nothing of it is counted, received or lost later.
public final class WriteLineage: Sendable {
    /// Rebuilds the owner's memory from storage; throws if storage cannot be read yet.
    public typealias Recovery = @Sendable () async throws -> Void

    private struct State {
        var epoch: UInt64 = 0
        /// Writes of this epoch or an earlier one are refused.
        var brokenAt: UInt64?
        var recovery: Recovery?
        var recovering: Task<Void, Never>?
        var retryPause: Duration = .milliseconds(100)
    }

    /// Names the owner in logs.
    public let name: String
    private let state = Mutex(State())

    public init(name: String) { self.name = name }

    /// Sets how the owner rebuilds its memory; called once, when the owner is made.
    public func onBroken(_ recovery: @escaping Recovery) {
        state.withLock { $0.recovery = recovery }
    }

    /// The epoch a write submitted now belongs to.
    var currentEpoch: UInt64 { state.withLock { $0.epoch } }

    /// Whether a write of `epoch` may still be committed.
    func accepts(_ epoch: UInt64) -> Bool {
        state.withLock { state in state.brokenAt.map { epoch > $0 } ?? true }
    }

    /// True while the owner's memory may be ahead of storage.
    public var isBroken: Bool {
        state.withLock { state in state.brokenAt.map { state.epoch <= $0 } ?? false }
    }

    /// A write of `epoch` failed: refuse everything up to it and have the owner recover.
    func breakAt(_ epoch: UInt64) {
        state.withLock { state in state.brokenAt = max(state.brokenAt ?? 0, epoch) }
        startRecovery()
    }

    /// Called by the owner, inside its own isolation, right after it installed what storage holds:
    /// writes submitted from now on are based on that and are accepted.
    public func recovered() {
        state.withLock { state in state.epoch = max(state.epoch, (state.brokenAt ?? 0) + 1) }
    }

    /// Waits for the recovery under way, if any (a failed request answers only once memory is back
    /// as it was, so that a retry sees the truth).
    func awaitRecovery() async {
        let task = state.withLock { $0.recovering }
        await task?.value
    }

    private func startRecovery() {
        state.withLock { state in
            guard state.recovering == nil, let recovery = state.recovery else { return }
            state.recovering = Task { [self] in
                let succeeded = (try? await recovery()) != nil
                finishAttempt(succeeded: succeeded)
            }
        }
    }

    /// After one attempt: done, or (storage could not be read, or broke again meanwhile) another
    /// attempt later, less and less often, while requests that wait are answered meanwhile.
    private func finishAttempt(succeeded: Bool) {
        let pause = state.withLock { state -> Duration? in
            state.recovering = nil
            guard state.brokenAt.map({ state.epoch <= $0 }) ?? false else {
                state.retryPause = .milliseconds(100)
                return nil
            }
            let pause = succeeded ? Duration.zero : state.retryPause
            if !succeeded { state.retryPause = min(state.retryPause * 2, .seconds(5)) }
            return pause
        }
        guard let pause else { return }
        Task {
            try? await Task.sleep(for: pause)
            startRecovery()
        }
    }
}
