import Foundation
import NIOCore
import SwitchyardPlatform

#if canImport(Glibc)
    import Glibc
#endif

/// How to start a worker process for a function version.
struct WorkerLaunch: Sendable {
    var executable: String
    var arguments: [String]
    var environment: [String: String]
    var workingDirectory: String
}

/// One invocation as the Runtime API hands it to the function.
struct Invocation: Sendable {
    var requestId: String
    var payload: [UInt8]
    var functionArn: String
    var deadline: Date
    var clientContext: String?
    var traceId: String?
    /// Where a response the runtime streams goes as it arrives (InvokeWithResponseStream, function
    /// URLs in RESPONSE_STREAM mode); nil: it is only taken whole.
    var sink: ResponseStreamSink? = nil
}

/// How an invocation ended.
enum InvocationOutcome: Sendable, Equatable {
    /// The function's response payload.
    case success([UInt8])
    /// The function reported an error (`/invocation/{id}/error` or `/init/error`): the error document.
    case functionError([UInt8])
    /// The function ran past its timeout and its process was killed.
    case timedOut
    /// The process went over the function's memory size and was killed.
    case outOfMemory
    /// The process ended before answering.
    case exited(status: Int32)
}

/// What one invocation on a worker produced.
struct WorkerRun: Sendable {
    var outcome: InvocationOutcome
    /// The process's output during the invocation.
    var output: [UInt8]
    /// How long the runtime took to start, when this invocation started it.
    var initDuration: Duration?
    /// The process's peak resident memory so far, in MB (Linux), for the REPORT line.
    var peakMemoryMegabytes: Int?
    /// The CloudWatch Logs stream of the worker's execution environment.
    var logStream: String?
    /// The process ended before its runtime took the invocation (its code never saw it): a warm
    /// worker whose runtime quit after its last answer, as Ruby's client does after a NoMethodError.
    var untaken = false
    /// The Content-Type the runtime posted its response with: a streamed response's
    /// (`application/vnd.awslambda.http-integration-response` when it starts with an HTTP prelude).
    var responseContentType: String?
    /// The response went to the invocation's sink as the runtime streamed it: the outcome's payload
    /// is at most its first `RuntimeAPIRequest.keptBodyLimit` bytes, and no one waits for it whole.
    var streamedToSink = false
}

/// A worker process running a function's runtime, and the Runtime API it polls. It takes one
/// invocation at a time; after a success or a handled error it stays warm for the next one.
actor FunctionWorker {
    private let server: RuntimeAPIServer
    private var process: LocalProcess?
    private var exitStatus: Int32 = 0
    /// The log stream the worker's output goes to (`AWS_LAMBDA_LOG_STREAM_NAME`).
    let logStream: String
    private let launchedAt = ContinuousClock.now
    private var initDuration: Duration?
    private var waitingForNext: CheckedContinuation<Invocation?, Never>?
    private var queued: Invocation?
    /// The process ended while an invocation waited for the runtime to take it.
    private var endedBeforeTaking = false
    private var running: (invocation: Invocation, finished: CheckedContinuation<InvocationOutcome, Never>)?
    private var initError: [UInt8]?
    /// Output of the process since the current invocation began.
    private var output: [UInt8] = []
    private var responseContentType: String?
    /// Bytes of the current invocation's streamed response passed to its sink so far, and whether
    /// its start was: the response's end waits until they reach its size.
    private var streamedBytes = 0
    private var streamStarted = false
    /// The current response was posted in streaming mode and went to the sink as it came.
    private var streamedToSink = false
    /// The end of a streamed response, waiting for its last parts to reach the sink.
    private var streamCatchUp: (bytes: Int, waiter: CheckedContinuation<Void, Never>)?
    private(set) var alive = true
    private(set) var lastUsed = ContinuousClock.now
    /// Callers of `initialized(within:)` waiting for the runtime's first request for work.
    private var readinessWaiters: [CheckedContinuation<Bool, Never>] = []

    private init(server: RuntimeAPIServer, logStream: String) {
        self.server = server
        self.logStream = logStream
    }

    private func attach(_ process: LocalProcess) {
        self.process = process
    }

    /// Starts the process with `AWS_LAMBDA_RUNTIME_API` pointing at a new Runtime API server.
    static func launch(_ launch: WorkerLaunch) async throws -> FunctionWorker {
        let box = WorkerBox()
        let server = try await RuntimeAPIServer.start { request in
            guard let worker = box.worker else { return .json(.serviceUnavailable, "{}") }
            return await worker.handle(request)
        }
        var environment = launch.environment
        environment["AWS_LAMBDA_RUNTIME_API"] = "127.0.0.1:\(server.port)"
        let worker = FunctionWorker(server: server, logStream: launch.environment["AWS_LAMBDA_LOG_STREAM_NAME"] ?? "")
        box.worker = worker
        let process: LocalProcess
        do {
            process = try LocalProcess(
                executable: launch.executable, arguments: launch.arguments, environment: environment,
                workingDirectory: launch.workingDirectory
            ) { ended in
                Task { await worker.exited(status: ended.code) }
            }
        } catch {
            server.stop()
            throw error
        }
        process.limit(Self.executionEnvironmentLimits)
        await worker.attach(process)
        // Output is appended in the order it was written.
        Task {
            for await chunk in process.output.chunks { await worker.append(chunk) }
        }
        Task {
            for await part in server.streamedParts { await worker.streamed(part) }
        }
        return worker
    }

    /// Runs one invocation; returns how it ended, the process's output meanwhile, and the init
    /// duration when this was the worker's first.
    /// `memoryLimit`: megabytes of resident memory the process may use (the function's memory size);
    /// a process found above it (every 50 ms) is killed, as Lambda ends an environment out of memory.
    func invoke(_ invocation: Invocation, timeout: Duration, memoryLimit: Int? = nil) async -> WorkerRun {
        let cold = initDuration == nil
        output.removeAll(keepingCapacity: true)
        responseContentType = nil
        streamedBytes = 0
        streamStarted = false
        streamedToSink = false
        let timer = Task {
            try? await Task.sleep(for: timeout)
            guard !Task.isCancelled else { return }
            self.timeOut(invocation.requestId)
        }
        let watchdog = Task {
            guard let memoryLimit else { return }
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(50))
                if self.residentMegabytes() > memoryLimit { self.outOfMemory(invocation.requestId) }
            }
        }
        defer { watchdog.cancel() }
        let outcome: InvocationOutcome
        if let initError {
            outcome = .functionError(initError)
        } else if !alive {
            endedBeforeTaking = true
            outcome = .exited(status: exitStatus)
        } else {
            outcome = await withCheckedContinuation { finished in
                running = (invocation, finished)
                if let waiting = waitingForNext {
                    waitingForNext = nil
                    waiting.resume(returning: invocation)
                } else {
                    queued = invocation
                }
            }
        }
        timer.cancel()
        // Output written just before the answer may still be in the pipe, or read and not yet
        // appended: wait for it, for at most 5 ms. A process that ended (or was killed) has written
        // all it will: wait for the end of its output, for at most a second.
        let waitUntil = ContinuousClock.now + (alive ? .milliseconds(5) : .seconds(1))
        while outputPending, ContinuousClock.now < waitUntil {
            try? await Task.sleep(for: .microseconds(200))
        }
        lastUsed = .now
        return WorkerRun(
            outcome: outcome, output: output,
            initDuration: cold ? (initDuration ?? launchedAt.duration(to: .now)) : nil,
            peakMemoryMegabytes: peakMemoryMegabytes(), logStream: logStream, untaken: endedBeforeTaking,
            responseContentType: responseContentType, streamedToSink: streamedToSink)
    }

    /// VmHWM of the process, from /proc (nil where there is none).
    private func peakMemoryMegabytes() -> Int? {
        guard alive, let kilobytes = process?.peakMemoryKilobytes else { return nil }
        return max(1, (kilobytes + 1023) / 1024)
    }

    /// Whether the worker can take another invocation.
    var reusable: Bool { alive && initError == nil }

    /// Waits until the runtime has initialized (it asked for its first invocation): true then; false
    /// when its initialization failed, the process ended, or `limit` passed first. Provisioned
    /// concurrency starts workers this way, before any invocation.
    func initialized(within limit: Duration) async -> Bool {
        if initError != nil || !alive { return false }
        if initDuration != nil { return true }
        let timer = Task {
            try? await Task.sleep(for: limit)
            guard !Task.isCancelled else { return }
            self.settleReadiness(false)
        }
        defer { timer.cancel() }
        return await withCheckedContinuation { readinessWaiters.append($0) }
    }

    private func settleReadiness(_ ready: Bool) {
        let waiters = readinessWaiters
        readinessWaiters.removeAll()
        for waiter in waiters { waiter.resume(returning: ready) }
    }

    /// The process's output so far that no invocation has taken (what its initialization wrote).
    func takeOutput() async -> [UInt8] {
        let waitUntil = ContinuousClock.now + (alive ? .milliseconds(5) : .seconds(1))
        while outputPending, ContinuousClock.now < waitUntil {
            try? await Task.sleep(for: .microseconds(200))
        }
        defer { output.removeAll() }
        return output
    }

    /// Ends the process (SIGKILL, as Lambda ends an environment) and its Runtime API.
    func stop() {
        if alive { process?.signal(SIGKILL) }
        server.stop()
    }

    /// Bytes of output appended here so far.
    private var appendedBytes = 0

    /// Whether output is still in the pipe or on its way to `output`; for a process that is gone,
    /// until the end of its output.
    private var outputPending: Bool {
        guard let output = process?.output else { return false }
        return output.pending(consumed: appendedBytes) || (!alive && !output.ended)
    }

    private func append(_ data: [UInt8]) {
        appendedBytes += data.count
        // Keep at most the last 1 MiB of an invocation's output.
        output.append(contentsOf: data)
        if output.count > 1 << 20 { output.removeFirst(output.count - (1 << 20)) }
    }

    private func finish(_ outcome: InvocationOutcome) {
        guard let current = running else { return }
        running = nil
        queued = nil
        releaseStreamCatchUp()
        current.finished.resume(returning: outcome)
    }

    /// The process's resident memory now (VmRSS), in MB; 0 where unknown.
    private func residentMegabytes() -> Int {
        guard alive, let kilobytes = process?.residentKilobytes else { return 0 }
        return kilobytes / 1024
    }

    private func outOfMemory(_ requestId: String) {
        guard running?.invocation.requestId == requestId else { return }
        stop()
        alive = false
        finish(.outOfMemory)
    }

    private func timeOut(_ requestId: String) {
        guard running?.invocation.requestId == requestId else { return }
        stop()
        alive = false
        finish(.timedOut)
    }

    private func exited(status: Int32) {
        alive = false
        exitStatus = status
        if queued != nil {
            queued = nil
            endedBeforeTaking = true
        }
        server.stop()
        waitingForNext?.resume(returning: nil)
        waitingForNext = nil
        settleReadiness(false)
        if let initError { finish(.functionError(initError)) }
        finish(.exited(status: status))
    }

    // MARK: The Runtime API

    private func handle(_ request: RuntimeAPIRequest) async -> RuntimeAPIResponse {
        let parts = request.path.split(separator: "?", maxSplits: 1)[0].split(separator: "/").map(String.init)
        guard parts.count >= 3, parts[0] == "2018-06-01", parts[1] == "runtime" else {
            return .json(.notFound, #"{"errorMessage":"Unknown Runtime API path","errorType":"InvalidRequest"}"#)
        }
        let route = Array(parts.dropFirst(2))
        if request.method == .GET, route == ["invocation", "next"] {
            guard let invocation = await next() else {
                return .json(.gone, #"{"errorMessage":"The worker is stopping","errorType":"Gone"}"#)
            }
            var headers = [
                ("Content-Type", "application/json"),
                ("Lambda-Runtime-Aws-Request-Id", invocation.requestId),
                ("Lambda-Runtime-Deadline-Ms", String(Int64(invocation.deadline.timeIntervalSince1970 * 1000))),
                ("Lambda-Runtime-Invoked-Function-Arn", invocation.functionArn),
            ]
            headers.append(("Lambda-Runtime-Trace-Id", TraceHeader.forInvocation(invocation.traceId)))
            if let context = invocation.clientContext { headers.append(("Lambda-Runtime-Client-Context", context)) }
            return RuntimeAPIResponse(status: .ok, headers: headers, body: invocation.payload)
        }
        if request.method == .POST, route == ["init", "error"] {
            let document = Self.errorDocument(request)
            initError = document
            settleReadiness(false)
            finish(.functionError(document))
            return .json(.accepted, #"{"status":"OK"}"#)
        }
        if request.method == .POST, route.count == 3, route[0] == "invocation",
            route[2] == "response" || route[2] == "error"
        {
            guard let current = running, current.invocation.requestId == route[1] else {
                return Self.unknownRequest(route[1])
            }
            responseContentType = route[2] == "response" ? request.headers.first(name: "Content-Type") : nil
            if route[2] == "response", let sink = current.invocation.sink, request.isStreamedResponse {
                startStream(sink, contentType: responseContentType)
                // The body's parts reach the sink on their own path: the last may still be on their way.
                await streamCaughtUp(with: request.size)
                guard running?.invocation.requestId == route[1] else { return Self.unknownRequest(route[1]) }
                streamedToSink = true
            }
            if route[2] == "response", let failure = request.streamedError {
                finish(.functionError(failure))
            } else {
                finish(route[2] == "response" ? .success(request.body) : .functionError(Self.errorDocument(request)))
            }
            return .json(.accepted, #"{"status":"OK"}"#)
        }
        return .json(.notFound, #"{"errorMessage":"Unknown Runtime API path","errorType":"InvalidRequest"}"#)
    }

    /// A part of a streamed response, passed on at once to the invocation's sink (parts of an
    /// invocation that already ended were sent with its end).
    private func streamed(_ part: StreamedResponsePart) {
        guard let current = running, current.invocation.requestId == part.requestId,
            let sink = current.invocation.sink
        else {
            // No one reads these bytes as they come: the response is taken whole, or too late.
            if case .chunk(let bytes) = part.content { server.flow.taken(bytes.count) }
            return
        }
        switch part.content {
        case .head(let contentType):
            startStream(sink, contentType: contentType)
        case .chunk(let bytes):
            startStream(sink, contentType: nil)
            streamedBytes += bytes.count
            sink.send(.chunk(bytes))
            if let catchUp = streamCatchUp, streamedBytes >= catchUp.bytes { releaseStreamCatchUp() }
        }
    }

    /// Returns once `bytes` of the current streamed response have gone to its sink, or the
    /// invocation ended meanwhile.
    private func streamCaughtUp(with bytes: Int) async {
        guard streamedBytes < bytes else { return }
        releaseStreamCatchUp()
        await withCheckedContinuation { streamCatchUp = (bytes, $0) }
    }

    private func releaseStreamCatchUp() {
        let waiter = streamCatchUp?.waiter
        streamCatchUp = nil
        waiter?.resume()
    }

    private func startStream(_ sink: ResponseStreamSink, contentType: String?) {
        guard !streamStarted else { return }
        streamStarted = true
        sink.report(takenTo: server.flow)
        sink.send(.started(contentType: contentType ?? "application/octet-stream"))
    }

    private func next() async -> Invocation? {
        if initDuration == nil { initDuration = launchedAt.duration(to: .now) }
        guard alive else { return nil }
        settleReadiness(true)
        if let queued {
            self.queued = nil
            return queued
        }
        waitingForNext?.resume(returning: nil)
        return await withCheckedContinuation { waitingForNext = $0 }
    }

    /// The error a runtime posted; a body that is not a JSON object becomes one, as Lambda reports it.
    private static func errorDocument(_ request: RuntimeAPIRequest) -> [UInt8] {
        if (try? JSONSerialization.jsonObject(with: Data(request.body))) is [String: Any] { return request.body }
        let type = request.headers.first(name: "Lambda-Runtime-Function-Error-Type") ?? "Unhandled"
        let document: [String: Any] = [
            "errorType": type, "errorMessage": String(decoding: request.body, as: UTF8.self),
        ]
        return Array((try? JSONSerialization.data(withJSONObject: document)) ?? Data())
    }

    private static func unknownRequest(_ id: String) -> RuntimeAPIResponse {
        .json(.badRequest, #"{"errorMessage":"Invalid request ID","errorType":"InvalidRequestID"}"#)
    }
}

/// Lets the Runtime API's handler reach the worker created after the server.
private final class WorkerBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: FunctionWorker?
    var worker: FunctionWorker? {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}
