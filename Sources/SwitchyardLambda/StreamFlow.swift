import Synchronization

/// Flow control for a response a runtime streams: counts the bytes the Runtime API has read from
/// the runtime and its caller has not yet taken, and stops reading from the runtime while more than
/// a few MiB wait. A function that writes faster than its caller reads then waits in its writes, as
/// on AWS, instead of the server holding the whole response.
final class StreamFlow: Sendable {
    /// Reading pauses above this many waiting bytes, and resumes below `resumeBytes`.
    static let pauseBytes = 4 << 20
    static let resumeBytes = 1 << 20

    private struct State {
        var waiting = 0
        /// Set while reading is paused: what resumes it.
        var resume: (@Sendable () -> Void)?
    }

    private let state = Mutex(State())

    /// Bytes read from the runtime and passed on; `pause` runs when too many wait, and `resume` is
    /// kept to run once the caller has taken enough of them.
    func passedOn(_ bytes: Int, pause: () -> Void, resume: @escaping @Sendable () -> Void) {
        let mustPause = state.withLock { state -> Bool in
            state.waiting += bytes
            guard state.resume == nil, state.waiting > Self.pauseBytes else { return false }
            state.resume = resume
            return true
        }
        if mustPause { pause() }
    }

    /// Bytes the caller took, or that were dropped because no one reads them.
    func taken(_ bytes: Int) {
        let resume = state.withLock { state -> (@Sendable () -> Void)? in
            state.waiting = max(0, state.waiting - bytes)
            guard state.waiting < Self.resumeBytes else { return nil }
            defer { state.resume = nil }
            return state.resume
        }
        resume?()
    }

    /// Forgets what waits (a new response begins, or the runtime has sent all of one: reading it
    /// no longer adds to what waits) and resumes reading if it was paused.
    func reset() {
        let resume = state.withLock { state -> (@Sendable () -> Void)? in
            state.waiting = 0
            defer { state.resume = nil }
            return state.resume
        }
        resume?()
    }
}
