import Foundation
import Logging
import SwitchyardCore
import SwitchyardDelivery
import SwitchyardModels
import SwitchyardPlatform
import SwitchyardWire

#if canImport(Glibc)
    import Glibc
#endif

/// ECS's state: clusters, task definitions and tasks, durable before answers; tasks' containers
/// run as local processes whose output goes to CloudWatch Logs (awslogs) and whose state changes go
/// to the default event bus as "ECS Task State Change" events.
actor ECSEngine {
    let store: any ECSStore
    let deliveries: DeliveryEngine
    let logs: LogWriters
    let credentials: CredentialDirectory
    let endpointURL: String
    let logger: Logger
    private(set) var clusters: [String: ClusterRecord] = [:]
    private(set) var definitions: [String: TaskDefinitionRecord] = [:]
    private(set) var tasks: [String: TaskRecord] = [:]
    /// The processes of running tasks, by task ARN and container name.
    private var processes: [String: [String: LocalProcess]] = [:]

    init(
        store: any ECSStore, deliveries: DeliveryEngine, logs: LogWriters, credentials: CredentialDirectory,
        endpointURL: String, logger: Logger
    ) throws {
        self.store = store
        self.deliveries = deliveries
        self.logs = logs
        self.credentials = credentials
        self.endpointURL = endpointURL
        self.logger = logger
        let loaded = try store.load()
        for cluster in loaded.clusters { clusters[cluster.key] = cluster }
        for definition in loaded.definitions { definitions[definition.key] = definition }
        for task in loaded.tasks { tasks[task.arn] = task }
    }

    // MARK: State

    func cluster(_ key: String) -> ClusterRecord? { clusters[key] }
    func definition(_ key: String) -> TaskDefinitionRecord? { definitions[key] }
    func task(_ arn: String) -> TaskRecord? { tasks[arn] }

    func save(_ cluster: ClusterRecord) async throws {
        clusters[cluster.key] = cluster
        try await store.submit([.putCluster(cluster)]).wait()
    }

    func removeCluster(_ key: String) async throws {
        clusters[key] = nil
        try await store.submit([.deleteCluster(key: key)]).wait()
    }

    func save(_ definition: TaskDefinitionRecord) async throws {
        definitions[definition.key] = definition
        try await store.submit([.putDefinition(definition)]).wait()
    }

    /// The next revision number of a family (revisions are never reused).
    func nextRevision(account: String, region: String, family: String) -> Int {
        (definitions.values.filter { $0.account == account && $0.region == region && $0.family == family }
            .map(\.revision).max() ?? 0) + 1
    }

    func save(_ task: TaskRecord) async throws {
        tasks[task.arn] = task
        try await store.submit([.putTask(task)]).wait()
    }

    func reset() async throws {
        for (arn, _) in processes { terminate(arn, signal: SIGKILL) }
        processes.removeAll()
        clusters.removeAll()
        definitions.removeAll()
        tasks.removeAll()
        try await store.wipe().wait()
    }

    /// How long a stopped task stays listed and described: AWS keeps them "for at least one hour".
    static let stoppedTaskLifetime: TimeInterval = 3600

    /// Forgets tasks stopped longer ago than `stoppedTaskLifetime`; DescribeTasks then answers them
    /// `MISSING`, as AWS does. Returns how many went.
    @discardableResult
    func forgetStoppedTasks(now: Date = Date()) async throws -> Int {
        let gone = tasks.values.filter { task in
            task.lastStatus == "STOPPED" && processes[task.arn] == nil
                && (task.stoppedAt ?? now).addingTimeInterval(Self.stoppedTaskLifetime) < now
        }.map(\.arn)
        guard !gone.isEmpty else { return 0 }
        for arn in gone { tasks[arn] = nil }
        try await store.submit(gone.map { .deleteTask(arn: $0) }).wait()
        return gone.count
    }

    /// Forgets stopped tasks once a minute until the task is cancelled.
    func runStoppedTaskSweep() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(60))
            _ = try? await forgetStoppedTasks()
        }
    }

    /// Tasks that were running when the server stopped have lost their processes.
    func stopOrphans() async {
        for var task in tasks.values where task.lastStatus != "STOPPED" {
            task.lastStatus = "STOPPED"
            task.desiredStatus = "STOPPED"
            task.stopCode = "TaskFailedToStart"
            task.stoppedReason = "Task stopped because the Switchyard server that ran it stopped"
            task.stoppedAt = Date()
            for index in task.containers.indices where task.containers[index].lastStatus != "STOPPED" {
                task.containers[index].lastStatus = "STOPPED"
            }
            try? await save(task)
        }
    }

    // MARK: Running

    /// Starts a task's containers (it was stored as PROVISIONING).
    func start(_ arn: String) async {
        guard var task = tasks[arn],
            let definition = definitions.values.first(where: { $0.arn == task.taskDefinitionArn }),
            let model = try? TaskShapes.definition(definition)
        else { return }
        let overrides = task.overridesJSON.flatMap { try? TaskShapes.overrides($0) }
        task.lastStatus = "PENDING"
        try? await save(task)
        await emit(task)
        let images = ImageEntryPoints.load()
        let role = overrides?.taskRoleArn ?? model.taskRoleArn
        let credential = role.map {
            credentials.issueRoleSession(roleArn: $0, account: task.account, sessionName: task.id)
        }
        var failure: String?
        for (index, container) in (model.containerDefinitions ?? []).enumerated() {
            let name = container.name ?? "container-\(index)"
            let override = overrides?.containerOverrides?.first { $0.name == name }
            let mapped = ImageEntryPoints.lookup(container.image ?? "", in: images)
            let arguments =
                (container.entryPoint ?? mapped?.entryPoint ?? [])
                + (override?.command ?? container.command ?? mapped?.command ?? [])
            guard let executable = arguments.first else {
                failure =
                    "CannotStartContainerError: no entry point or command for image \(container.image ?? "") (map it in SWITCHYARD_ECS_IMAGES)"
                task.containers[index].lastStatus = "STOPPED"
                task.containers[index].reason = failure
                continue
            }
            var environment = mapped?.environment ?? [:]
            let inherited = ProcessInfo.processInfo.environment
            environment["PATH"] = inherited["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
            environment["HOME"] = inherited["HOME"] ?? "/tmp"
            environment["AWS_REGION"] = task.region
            environment["AWS_DEFAULT_REGION"] = task.region
            environment["AWS_ENDPOINT_URL"] = endpointURL
            environment["ECS_CONTAINER_METADATA_URI_V4"] = "\(endpointURL)/_switchyard/ecs/metadata/\(task.id)"
            if let credential {
                environment["AWS_ACCESS_KEY_ID"] = credential.accessKeyId
                environment["AWS_SECRET_ACCESS_KEY"] = credential.secret
                environment["AWS_SESSION_TOKEN"] = credential.sessionToken
            }
            for pair in container.environment ?? [] where pair.name != nil {
                environment[pair.name ?? ""] = pair.value ?? ""
            }
            for pair in override?.environment ?? [] where pair.name != nil {
                environment[pair.name ?? ""] = pair.value ?? ""
            }
            let taskArn = task.arn
            do {
                let process = try LocalProcess(
                    executable: executable, arguments: Array(arguments.dropFirst()), environment: environment,
                    workingDirectory: container.workingDirectory ?? mapped?.workingDirectory
                ) { [weak self] ended in
                    Task { await self?.exited(taskArn, container: name, code: Int(ended.code)) }
                }
                forward(process.output, task: task, container: name, configuration: container.logConfiguration)
                processes[task.arn, default: [:]][name] = process
                task.containers[index].lastStatus = "RUNNING"
                task.containers[index].runtimeId = "\(task.id)-\(process.pid)"
            } catch {
                failure = "CannotStartContainerError: \(executable): \(error.localizedDescription)"
                task.containers[index].lastStatus = "STOPPED"
                task.containers[index].reason = failure
            }
        }
        if let failure, task.containers.contains(where: { $0.essential && $0.lastStatus == "STOPPED" }) {
            // An essential container that cannot start stops the task.
            task.desiredStatus = "STOPPED"
            task.stopCode = "TaskFailedToStart"
            task.stoppedReason = failure
            tasks[task.arn] = task
            await stopProcesses(task.arn, reason: failure, code: "TaskFailedToStart")
            await finishIfDone(task.arn)
            return
        }
        task.lastStatus = "RUNNING"
        task.startedAt = Date()
        task.version += 1
        try? await save(task)
        await emit(task)
        // A task whose processes all ended before this point is finished now.
        await finishIfDone(task.arn)
    }

    /// Stops a task on request: SIGTERM, then SIGKILL after the stop timeout (30 s by default).
    func stop(_ arn: String, reason: String) async {
        guard var task = tasks[arn], task.lastStatus != "STOPPED" else { return }
        task.desiredStatus = "STOPPED"
        task.stopCode = "UserInitiated"
        task.stoppedReason = reason
        task.stoppingAt = Date()
        try? await save(task)
        await stopProcesses(arn, reason: reason, code: "UserInitiated")
        await finishIfDone(arn)
    }

    private func stopProcesses(_ arn: String, reason: String, code: String) async {
        terminate(arn, signal: SIGTERM)
        let seconds = 30
        Task { [weak self] in
            try? await Task.sleep(for: .seconds(seconds))
            await self?.terminate(arn, signal: SIGKILL)
        }
    }

    private func terminate(_ arn: String, signal: Int32) {
        for process in (processes[arn] ?? [:]).values { process.signal(signal) }
    }

    private func exited(_ arn: String, container: String, code: Int) async {
        processes[arn]?[container] = nil
        guard var task = tasks[arn], let index = task.containers.firstIndex(where: { $0.name == container }) else {
            return
        }
        task.containers[index].lastStatus = "STOPPED"
        task.containers[index].exitCode = code
        if task.containers[index].essential, task.desiredStatus != "STOPPED" {
            task.desiredStatus = "STOPPED"
            task.stopCode = "EssentialContainerExited"
            task.stoppedReason = "Essential container in task exited"
            task.stoppingAt = Date()
            tasks[arn] = task
            terminate(arn, signal: SIGTERM)
        }
        tasks[arn] = task
        await finishIfDone(arn)
    }

    /// A task whose containers have all stopped is STOPPED.
    private func finishIfDone(_ arn: String) async {
        guard var task = tasks[arn], task.lastStatus != "STOPPED",
            task.containers.allSatisfy({ $0.lastStatus == "STOPPED" }), (processes[arn] ?? [:]).isEmpty
        else { return }
        processes[arn] = nil
        task.lastStatus = "STOPPED"
        task.desiredStatus = "STOPPED"
        task.stoppedAt = Date()
        task.version += 1
        try? await save(task)
        await emit(task)
    }

    /// Sends a container's output, line by line, to its awslogs stream.
    private nonisolated func forward(
        _ output: ProcessOutput, task: TaskRecord, container: String, configuration: ECS.LogConfiguration?
    ) {
        let options = configuration?.options ?? [:]
        let group = configuration?.logDriver == "awslogs" ? options["awslogs-group"] : nil
        let prefix = options["awslogs-stream-prefix"]
        let region = options["awslogs-region"] ?? task.region
        let stream = [prefix, container, task.id].compactMap { $0 }.joined(separator: "/")
        let logs = self.logs
        Task {
            var pending = Data()
            for await chunk in output.chunks {
                pending.append(contentsOf: chunk)
                guard let group, let last = pending.lastIndex(of: UInt8(ascii: "\n")) else { continue }
                let complete = pending[..<last]
                pending = Data(pending[pending.index(after: last)...])
                await Self.write(
                    complete, group: group, stream: stream, account: task.account, region: region, logs: logs)
            }
            if let group, !pending.isEmpty {
                await Self.write(
                    pending, group: group, stream: stream, account: task.account, region: region, logs: logs)
            }
        }
    }

    private static func write(
        _ data: Data, group: String, stream: String, account: String, region: String, logs: LogWriters
    ) async {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true)
            .map { LogLine(timestamp: now, message: String($0)) }
        await logs.write(account: account, region: region, group: group, stream: stream, lines: lines)
    }

    /// "ECS Task State Change" on the default event bus.
    func emit(_ task: TaskRecord) async {
        let bus = "arn:aws:events:\(task.region):\(task.account):event-bus/default"
        let detail = TaskShapes.eventDetail(task)
        let event = OrderedJSON.object([
            ("version", .string("0")), ("id", .string(UUID().uuidString.lowercased())),
            ("detail-type", .string("ECS Task State Change")), ("source", .string("aws.ecs")),
            ("account", .string(task.account)), ("time", .string(TaskShapes.iso8601(Date()))),
            ("region", .string(task.region)), ("resources", .array([.string(task.arn)])), ("detail", detail),
        ])
        let request = DeliveryRequest(
            target: DeliveryTarget(kind: .eventBus, resource: bus), body: DeliveryPayload(event.text),
            retry: .eventBridge(), origin: task.arn,
            source: DeliverySource(service: "ecs.amazonaws.com", arn: task.clusterArn, account: task.account))
        try? await deliveries.enqueue([request]).wait()
    }

}
