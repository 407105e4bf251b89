import Foundation

/// Warm workers by function version (and configuration revision): an invocation takes an idle one or
/// starts a new one, and gives it back when it can run again. Workers idle for longer than
/// `idleLifetime` are stopped, as Lambda retires idle execution environments.
actor WorkerPool {
    private var idle: [String: [FunctionWorker]] = [:]
    private var busy: [String: Int] = [:]
    private var all: [ObjectIdentifier: (key: String, worker: FunctionWorker)] = [:]
    let idleLifetime: Duration

    init(idleLifetime: Duration) {
        self.idleLifetime = idleLifetime
    }

    /// Keys with invocations running or workers idle (what the pool keeps besides its workers).
    var keysHeld: Int { Set(busy.keys).union(idle.keys).count }

    /// Invocations running now for a key.
    func running(_ key: String) -> Int { busy[key, default: 0] }

    /// Invocations running now for every key that starts with `prefix` (all versions of a function).
    func running(prefix: String) -> Int {
        busy.filter { $0.key.hasPrefix(prefix) }.reduce(0) { $0 + $1.value }
    }

    /// Runs an invocation on a worker of `key`, starting one with `launch` when none is idle.
    func invoke(
        key: String, launch: @Sendable () async throws -> WorkerLaunch, invocation: Invocation, timeout: Duration,
        memoryLimit: Int? = nil
    ) async throws -> WorkerRun {
        busy[key, default: 0] += 1
        defer {
            // Keys name a revision of a function: one left at zero would stay for good.
            let left = busy[key, default: 1] - 1
            busy[key] = left > 0 ? left : nil
        }
        var mayReuse = true
        while true {
            var worker: FunctionWorker?
            var warm = false
            while mayReuse, worker == nil, var candidates = idle[key], !candidates.isEmpty {
                let candidate = candidates.removeLast()
                idle[key] = candidates.isEmpty ? nil : candidates
                if await candidate.reusable {
                    worker = candidate
                    warm = true
                } else {
                    forget(candidate)
                }
            }
            if worker == nil {
                let started = try await FunctionWorker.launch(try await launch())
                all[ObjectIdentifier(started)] = (key, started)
                worker = started
            }
            guard let worker else { throw CancellationError() }
            let result = await worker.invoke(invocation, timeout: timeout, memoryLimit: memoryLimit)
            if await worker.reusable, all[ObjectIdentifier(worker)] != nil {
                idle[key, default: []].append(worker)
            } else {
                await worker.stop()
                forget(worker)
            }
            // A warm worker whose runtime quit after its last answer never gave this invocation to
            // the code: a new environment takes it, as on AWS, where such an exit only resets the
            // environment. (A new worker that ends first is the invocation's failure.)
            guard result.untaken, warm else { return result }
            mayReuse = false
        }
    }

    /// Stops the workers of every key that starts with `prefix` (a function's, when it changes or goes).
    func retire(prefix: String) async {
        for (id, entry) in all where entry.key.hasPrefix(prefix) {
            all[id] = nil
            await entry.worker.stop()
        }
        for key in idle.keys where key.hasPrefix(prefix) { idle[key] = nil }
    }

    /// Stops workers idle for longer than the idle lifetime.
    func reap() async {
        let now = ContinuousClock.now
        for (key, workers) in idle {
            var kept: [FunctionWorker] = []
            for worker in workers {
                if await worker.lastUsed.duration(to: now) > idleLifetime {
                    await worker.stop()
                    forget(worker)
                } else {
                    kept.append(worker)
                }
            }
            idle[key] = kept.isEmpty ? nil : kept
        }
    }

    func stopAll() async {
        for entry in all.values { await entry.worker.stop() }
        all.removeAll()
        idle.removeAll()
    }

    private func forget(_ worker: FunctionWorker) {
        all[ObjectIdentifier(worker)] = nil
    }
}
