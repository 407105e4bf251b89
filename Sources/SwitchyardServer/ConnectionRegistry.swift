import NIOCore
import Synchronization

/// Every connection the server holds and every request it is answering, shared by all event loops:
/// it enforces the connection limit and lets a shutdown wait for the requests in flight.
final class ConnectionRegistry: Sendable {
    private struct State {
        var open: [ObjectIdentifier: any Channel] = [:]
        var requestsInFlight = 0
        var draining = false
        var lastRefusalLog: ContinuousClock.Instant?
    }

    private let state = Mutex(State())
    let limits: ConnectionLimits

    init(limits: ConnectionLimits) { self.limits = limits }

    /// Takes a new connection unless the server is at its limit or shutting down.
    /// Returns whether it was admitted, and whether a refusal should be logged (at most every 10 s).
    func admit(_ channel: any Channel) -> (admitted: Bool, logRefusal: Bool) {
        state.withLock { state in
            guard !state.draining, state.open.count < limits.maxConnections else {
                let now = ContinuousClock.now
                let log = state.lastRefusalLog.map { $0.duration(to: now) > .seconds(10) } ?? true
                if log { state.lastRefusalLog = now }
                return (false, log)
            }
            state.open[ObjectIdentifier(channel)] = channel
            return (true, false)
        }
    }

    func remove(_ channel: any Channel) {
        _ = state.withLock { $0.open.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    var openCount: Int { state.withLock { $0.open.count } }

    var isDraining: Bool { state.withLock { $0.draining } }

    func requestStarted() {
        state.withLock { $0.requestsInFlight += 1 }
    }

    func requestFinished() {
        state.withLock { $0.requestsInFlight -= 1 }
    }

    /// Refuses new connections from now on and returns every open one.
    func beginDraining() -> [any Channel] {
        state.withLock { state in
            state.draining = true
            return Array(state.open.values)
        }
    }

    var requestsInFlight: Int { state.withLock { $0.requestsInFlight } }

    var openChannels: [any Channel] { state.withLock { Array($0.open.values) } }
}
