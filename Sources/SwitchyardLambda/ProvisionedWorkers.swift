import Foundation

/// Execution environments started ahead of invocations for provisioned concurrency, by function
/// version (`<function key>#<version>`). Each is initialized before it counts, is kept warm (never
/// reaped), is replaced when it ends, and is preferred over an on-demand worker while it is idle.
actor ProvisionedWorkers {
    typealias Launch = @Sendable () async throws -> WorkerLaunch
    /// Receives what a worker's initialization wrote, with the worker's log stream.
    typealias InitOutput = @Sendable (_ output: [UInt8], _ logStream: String) async -> Void

    /// How a provisioning ended.
    enum Outcome: Sendable, Equatable {
        /// Every environment initialized.
        case ready
        /// An environment failed to initialize in every attempt: none are kept.
        case initFailed
        /// Another provisioning of the same version replaced this one while it ran.
        case superseded
    }

    private struct WorkerSet {
        var idle: [FunctionWorker] = []
        var busy = 0
        let launch: Launch
        let initOutput: InitOutput
        let generation: UUID
    }

    /// AWS tries to initialize a provisioned environment six times before it reports the
    /// configuration FAILED (its CloudWatch logs of a failing initialization show six attempts).
    static let attempts = 6
    /// How long one initialization may take.
    static let initializationLimit: Duration = .seconds(60)

    private var sets: [String: WorkerSet] = [:]

    /// Starts `count` initialized workers for a version, replacing the ones it had.
    func provision(_ key: String, count: Int, launch: @escaping Launch, initOutput: @escaping InitOutput) async
        -> Outcome
    {
        await stop(key)
        let generation = UUID()
        sets[key] = WorkerSet(launch: launch, initOutput: initOutput, generation: generation)
        let started = await withTaskGroup(of: FunctionWorker?.self) { group in
            for _ in 0..<count { group.addTask { await Self.start(launch, initOutput: initOutput) } }
            var workers: [FunctionWorker?] = []
            for await worker in group { workers.append(worker) }
            return workers
        }
        let workers = started.compactMap { $0 }
        guard sets[key]?.generation == generation else {
            for worker in workers { await worker.stop() }
            return .superseded
        }
        guard workers.count == count else {
            for worker in workers { await worker.stop() }
            sets[key] = nil
            return .initFailed
        }
        sets[key]?.idle = workers
        return .ready
    }

    /// Runs an invocation on an idle worker of the version; nil when none is idle.
    func invoke(_ key: String, invocation: Invocation, timeout: Duration, memoryLimit: Int?) async -> WorkerRun? {
        guard var set = sets[key], let worker = set.idle.popLast() else { return nil }
        set.busy += 1
        sets[key] = set
        let generation = set.generation
        let result = await worker.invoke(invocation, timeout: timeout, memoryLimit: memoryLimit)
        let reusable = await worker.reusable
        guard sets[key]?.generation == generation else {
            await worker.stop()
            return result
        }
        sets[key]?.busy -= 1
        if reusable {
            sets[key]?.idle.append(worker)
        } else {
            // An environment that ended (a crash, a timeout) is replaced, as Lambda keeps the
            // provisioned number of environments.
            await worker.stop()
            replace(key, generation: generation)
        }
        return result
    }

    /// Whether a worker of the version is idle now.
    func hasIdle(_ key: String) -> Bool { !(sets[key]?.idle.isEmpty ?? true) }

    /// Stops the workers of a version (its configuration was deleted or moved).
    func stop(_ key: String) async {
        guard let set = sets.removeValue(forKey: key) else { return }
        for worker in set.idle { await worker.stop() }
    }

    /// Stops the workers of every version whose key starts with `prefix` (a deleted function's).
    func stop(prefix: String) async {
        for key in sets.keys where key.hasPrefix(prefix) { await stop(key) }
    }

    func stopAll() async {
        for key in sets.keys { await stop(key) }
    }

    private func replace(_ key: String, generation: UUID) {
        guard let set = sets[key] else { return }
        Task {
            guard let worker = await Self.start(set.launch, initOutput: set.initOutput) else { return }
            await self.adopt(worker, key: key, generation: generation)
        }
    }

    private func adopt(_ worker: FunctionWorker, key: String, generation: UUID) async {
        guard sets[key]?.generation == generation else {
            await worker.stop()
            return
        }
        sets[key]?.idle.append(worker)
    }

    /// A worker that initialized, trying up to `attempts` times; nil when every attempt failed.
    private static func start(_ launch: Launch, initOutput: InitOutput) async -> FunctionWorker? {
        for _ in 0..<attempts {
            guard let worker = try? await FunctionWorker.launch(try await launch()) else { continue }
            let ready = await worker.initialized(within: initializationLimit)
            let output = await worker.takeOutput()
            if !output.isEmpty { await initOutput(output, worker.logStream) }
            if ready { return worker }
            await worker.stop()
        }
        return nil
    }
}
