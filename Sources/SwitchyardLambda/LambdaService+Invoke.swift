import Foundation
import SwitchyardDelivery
import SwitchyardModels
import SwitchyardPlatform
import SwitchyardWire

/// Invoke: synchronous (RequestResponse), asynchronous (Event, queued durably through the delivery
/// engine and retried as Lambda retries), and DryRun.
extension LambdaService {
    /// Payload limits: 6 MB for a synchronous invocation, 1 MB for an asynchronous one.
    static let synchronousPayloadLimit = 6_291_456
    static let asynchronousPayloadLimit = 1_048_576

    public func invoke(_ input: Lambda.InvocationRequest, context: RequestContext) async throws
        -> Lambda.InvocationResponse
    {
        let accepted = try await accept(input, context: context)
        let (function, version, payload) = (accepted.function, accepted.version, accepted.payload)
        switch accepted.type {
        case "DryRun":
            return Lambda.InvocationResponse(statusCode: 204)
        case "Event":
            try await queueEvent(
                function, version: version, qualifier: accepted.reference.qualifier, payload: payload,
                requestId: context.requestId, traceHeader: context.traceHeader)
            return Lambda.InvocationResponse(statusCode: 202)
        default:
            try await checkConcurrency(function, version: version)
            let ran = try await run(accepted, input: input, context: context)
            return Lambda.InvocationResponse(
                statusCode: 200, functionError: ran.functionError,
                logResult: input.logType == "Tail" ? Self.tail(ran.log) : nil, payload: Data(ran.payload),
                executedVersion: version.version)
        }
    }

    /// An invocation that passed every check: the function, the version it runs (an alias's
    /// routing applied) and its payload.
    struct AcceptedInvocation: Sendable {
        var reference: FunctionReference
        var function: FunctionRecord
        var version: FunctionVersionRecord
        var payload: [UInt8]
        var type: String
    }

    /// Runs an accepted synchronous invocation for its caller.
    func run(
        _ accepted: AcceptedInvocation, input: Lambda.InvocationRequest, context: RequestContext,
        sink: ResponseStreamSink? = nil
    ) async throws -> InvocationResult {
        try await run(
            accepted.function, version: accepted.version, payload: accepted.payload,
            // Invoke takes the client context base64-encoded; the runtime gets its JSON.
            clientContext: input.clientContext.flatMap { Data(base64Encoded: $0) }.map {
                String(decoding: $0, as: UTF8.self)
            },
            traceId: context.traceHeader, requestId: context.requestId, invokedArn: accepted.reference.qualifiedArn,
            sink: sink)
    }

    /// Finds what an Invoke names and checks its payload, as Invoke does before running anything.
    func accept(_ input: Lambda.InvocationRequest, context: RequestContext) async throws -> AcceptedInvocation {
        let reference = try Self.reference(input.functionName, qualifier: input.qualifier, context: context)
        guard let function = await engine.function(reference.key) else {
            // Invoke names the version it looked for, $LATEST when none was given.
            throw LambdaErrors.functionNotFound(
                reference.qualifier == nil ? reference.arn + ":$LATEST" : reference.qualifiedArn)
        }
        _ = try await self.function(reference)
        var version = try version(of: function, reference)
        // An alias with a routing configuration sends each additional version its share.
        if let alias = reference.qualifier.flatMap({ function.aliases[$0] }),
            let (other, weight) = alias.additionalVersionWeights?.first, Double.random(in: 0..<1) < weight,
            let routed = function.version(other)
        {
            version = routed
        }
        let payload = input.payload.map { Array($0) } ?? []
        let type = input.invocationType ?? "RequestResponse"
        let limit = type == "Event" ? Self.asynchronousPayloadLimit : Self.synchronousPayloadLimit
        if payload.count > limit {
            throw AWSError(
                "RequestTooLargeException",
                "Request must be smaller than \(limit) bytes for the InvokeFunction operation", httpStatus: 413
            ).with("Type", "User")
        }
        try Self.checkJSON(payload)
        return AcceptedInvocation(
            reference: reference, function: function, version: version, payload: payload, type: type)
    }

    /// Puts an asynchronous invocation in the function's queue (stored by the delivery engine), from
    /// where it is run and retried as the function's event invoke config says, and then sent to its
    /// destinations and dead-letter queue: Invoke with `Event`, and every producer that invokes
    /// asynchronously (SNS, EventBridge, S3, ...), once Lambda has accepted its event.
    func queueEvent(
        _ function: FunctionRecord, version: FunctionVersionRecord, qualifier: String?, payload: [UInt8],
        requestId: String, traceHeader: String?
    ) async throws {
        guard version.state == "Active" || version.state == "Pending" else {
            throw LambdaErrors.notActive(version.state)
        }
        let target = qualifier.map { "\(function.arn):\($0)" } ?? function.arn
        let config = Self.eventInvokeConfig(function, qualifier: qualifier)
        let retries = config?.maximumRetryAttempts ?? 2
        var metadata = ["RequestId": requestId, "FunctionArn": target, "Attempts": String(retries + 1)]
        metadata["OnSuccess"] = config?.onSuccess
        metadata["OnFailure"] = config?.onFailure
        metadata["DeadLetterArn"] = version.deadLetterTarget
        let failureTarget =
            metadata["OnFailure"] != nil || metadata["DeadLetterArn"] != nil
            ? DeliveryTarget(kind: LambdaFailureTransport.kind, resource: target) : nil
        let ticket = await deliveries.enqueue([
            DeliveryRequest(
                target: .lambda(arn: target),
                body: DeliveryPayload(bytes: payload.isEmpty ? Array("{}".utf8) : payload),
                metadata: metadata,
                retry: .asynchronousInvocation(
                    maximumRetryAttempts: retries,
                    maximumEventAgeSeconds: config?.maximumEventAgeInSeconds ?? 21_600),
                deadLetter: failureTarget, origin: target, traceHeader: traceHeader)
        ])
        try await ticket.wait()
    }

    /// What a synchronous invocation produced: the payload, "Unhandled" when it is an error document,
    /// and the invocation's log (START ... REPORT).
    struct InvocationResult: Sendable {
        var payload: [UInt8]
        var functionError: String?
        var log: String
        /// The Content-Type of a success as the runtime posted it (nil: JSON).
        var contentType: String? = nil
    }

    /// Runs a version once and shapes the result as Lambda reports it.
    /// `requestId`: the invocation's id, which is the Invoke request's own for synchronous ones;
    /// `invokedArn`: the ARN the caller named (an alias's, when invoked through one); `sink`: where a
    /// response the function streams goes as it is written.
    func run(
        _ function: FunctionRecord, version: FunctionVersionRecord, payload: [UInt8], clientContext: String?,
        traceId: String?, requestId: String = UUID().uuidString.lowercased(), invokedArn: String? = nil,
        sink: ResponseStreamSink? = nil
    ) async throws -> InvocationResult {
        if version.state == "Pending" {
            // Preparation is quick (an unpacked zip, a prepared runtime): wait for it, briefly.
            for _ in 0..<100 {
                try await Task.sleep(for: .milliseconds(100))
                if let current = await engine.function(function.storageKey)?.version(version.version),
                    current.state != "Pending"
                {
                    break
                }
            }
        }
        guard let function = await engine.function(function.storageKey), let version = function.version(version.version)
        else { throw LambdaErrors.functionNotFound(function.arn) }
        guard version.state == "Active" else { throw LambdaErrors.notActive(version.state) }
        let started = ContinuousClock.now
        let invocation = Invocation(
            requestId: requestId, payload: payload.isEmpty ? Array("{}".utf8) : payload,
            functionArn: invokedArn
                ?? (version.version == "$LATEST" ? function.arn : "\(function.arn):\(version.version)"),
            deadline: Date().addingTimeInterval(Double(version.timeout)), clientContext: clientContext,
            traceId: traceId, sink: sink)
        let result: WorkerRun
        do {
            result = try await engine.run(function, version: version, invocation: invocation)
        } catch {
            // The worker could not start: no bootstrap, not executable, no runtime.
            result = WorkerRun(
                outcome: .functionError(Self.entrypointError(requestId: requestId, error: error)), output: [])
        }
        let elapsed = started.duration(to: .now)
        var log = "START RequestId: \(requestId) Version: \(version.version)\n"
        log += String(decoding: result.output, as: UTF8.self)
        let payloadOut: [UInt8]
        var functionError: String?
        switch result.outcome {
        case .success(let body) where body.count > Self.synchronousPayloadLimit + 100 && !result.streamedToSink:
            // The response payload limit, as AWS counts it.
            payloadOut = Self.errorDocument(
                type: "Function.ResponseSizeTooLarge",
                message: "Response payload size exceeded maximum allowed payload size (6291556 bytes).")
            functionError = "Unhandled"
        case .success(let body):
            payloadOut = body
        case .functionError(let document):
            payloadOut = version.runtime == "python3.8" ? Self.withoutRequestId(document) : document
            functionError = "Unhandled"
        case .timedOut:
            let message = "Task timed out after \(String(format: "%.2f", Double(version.timeout))) seconds"
            log += "\(Self.logTimestamp()) \(requestId) \(message)\n"
            payloadOut = Self.errorDocument(
                type: "Sandbox.Timedout", message: "RequestId: \(requestId) Error: \(message)")
            functionError = "Unhandled"
        case .outOfMemory:
            let message = "RequestId: \(requestId) Error: Runtime exited with error: signal: killed"
            log += message + "\nRuntime.OutOfMemory\n"
            payloadOut = Self.errorDocument(type: "Runtime.OutOfMemory", message: message)
            functionError = "Unhandled"
        case .exited(let status):
            let message = "RequestId: \(requestId) Error: Runtime exited with error: exit status \(status)"
            log += message + "\nRuntime.ExitError\n"
            payloadOut = Self.errorDocument(type: "Runtime.ExitError", message: message)
            functionError = "Unhandled"
        }
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        log += "END RequestId: \(requestId)\n"
        log += "REPORT RequestId: \(requestId)\tDuration: \(String(format: "%.2f", milliseconds)) ms\t"
        log += "Billed Duration: \(Int(milliseconds.rounded(.up))) ms\tMemory Size: \(version.memorySize) MB\t"
        if let peak = result.peakMemoryMegabytes { log += "Max Memory Used: \(peak) MB\t" }
        if let initDuration = result.initDuration {
            let initMilliseconds =
                Double(initDuration.components.seconds) * 1000 + Double(initDuration.components.attoseconds) / 1e15
            log += "Init Duration: \(String(format: "%.2f", initMilliseconds)) ms\t"
        }
        log += "\n"
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        // Written to CloudWatch Logs after the answer, as Lambda's logs arrive after the response.
        let logs = self.logs
        var lines = FunctionLogLines.events(log, at: now)
        if result.initDuration != nil {
            let runtime = version.runtime ?? "provided.al2023"
            lines.insert(
                LogLine(timestamp: now, message: FunctionLogLines.initStart(runtime: runtime, region: function.region)),
                at: 0)
        }
        let stream = result.logStream ?? WorkerEnvironment.logStreamName(version: version.version)
        Task {
            await logs.write(
                account: function.account, region: function.region,
                group: version.logGroup ?? "/aws/lambda/\(function.name)", stream: stream, lines: lines)
        }
        return InvocationResult(
            payload: payloadOut, functionError: functionError, log: log,
            contentType: functionError == nil ? result.responseContentType : nil)
    }

    /// Reserved concurrency: 0 throttles every invocation, n throttles the (n+1)th at once. The
    /// function's provisioned environments hold part of it: an invocation that an idle one of them
    /// takes always runs, and the rest share what is left.
    func checkConcurrency(_ function: FunctionRecord, version: FunctionVersionRecord) async throws {
        guard let reserved = function.reservedConcurrency else { return }
        if version.version != "$LATEST",
            await engine.provisioned.hasIdle("\(function.storageKey)#\(version.version)")
        {
            return
        }
        let onDemand = reserved - Self.provisionedTotal(function)
        if await engine.pool.running(prefix: function.storageKey + "#") >= onDemand {
            throw AWSError("TooManyRequestsException", "Rate Exceeded.", httpStatus: 429)
                .with("Reason", "ReservedFunctionConcurrentInvocationLimitExceeded").with("Type", "User")
        }
    }

    /// The last 4 KB of an invocation's log, base64, as `LogType=Tail` returns it.
    static func tail(_ log: String) -> String {
        Data(Array(log.utf8).suffix(4096)).base64EncodedString()
    }

    static func checkJSON(_ payload: [UInt8]) throws {
        guard !payload.isEmpty else { return }
        do {
            _ = try JSONSerialization.jsonObject(with: Data(payload), options: [.fragmentsAllowed])
        } catch {
            throw AWSError(
                "InvalidRequestContentException",
                "Could not parse request body into json: Could not parse payload into json: Unexpected character: was expecting a JSON value",
                httpStatus: 400
            ).with("Type", "User")
        }
    }

    /// An error document without its `requestId`: Lambda's python3.8 runtime writes none (AWS's
    /// recordings of 2026: every later Python runtime does), while the runtime interface client
    /// run here always adds it.
    static func withoutRequestId(_ document: [UInt8]) -> [UInt8] {
        guard var object = (try? JSONSerialization.jsonObject(with: Data(document))) as? [String: Any],
            object.removeValue(forKey: "requestId") != nil,
            let data = try? JSONSerialization.data(
                withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        else { return document }
        return Array(data)
    }

    static func errorDocument(type: String, message: String) -> [UInt8] {
        let document = ["errorType": type, "errorMessage": message]
        return Array((try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys])) ?? Data())
    }

    static func entrypointError(requestId: String, error: any Error) -> [UInt8] {
        if let failure = error as? RuntimeEnvironments.Failure {
            return errorDocument(type: "Runtime.Unavailable", message: "RequestId: \(requestId) Error: \(failure)")
        }
        return errorDocument(
            type: "Runtime.InvalidEntrypoint",
            message:
                "RequestId: \(requestId) Error: Couldn't find valid bootstrap(s): [/var/task/bootstrap /opt/bootstrap]"
        )
    }

    static func deadLetterTarget(_ arn: String) -> DeliveryTarget? {
        if arn.contains(":sqs:") { return .sqs(arn: arn) }
        if arn.contains(":sns:") { return DeliveryTarget(kind: .snsTopic, resource: arn) }
        return nil
    }

    static func logTimestamp() -> String { UTCDateFormats.string(Date(), "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'") }
}

/// Delivers to functions. A producer's asynchronous invocation (`DeliveryRequest.isAsynchronousInvocation`:
/// SNS subscriptions, EventBridge rules, schedules, S3 notifications, log subscriptions) is accepted into the
/// function's own queue, as Lambda accepts it with 202: the producer's retries cover only a function
/// it cannot reach, and the function's event invoke config governs what follows. Every other request
/// is one invocation per attempt (a queued asynchronous invocation, a synchronous one): a function
/// error or timeout is retried as the request's policy says, a missing function is not.
struct LambdaDeliveryTransport: DeliveryTransport {
    let service: LambdaService

    func attempt(_ request: DeliveryRequest) async -> DeliveryOutcome {
        await attemptWithResponse(request).0
    }

    func attemptWithResponse(_ request: DeliveryRequest) async -> (DeliveryOutcome, [UInt8]?) {
        let parts = request.target.resource.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 7, parts[2] == "lambda" else { return (.failed(reason: "not a function ARN"), nil) }
        let key = LambdaEngine.key(account: parts[4], region: parts[3], name: parts[6])
        guard let function = await service.engine.function(key) else {
            return (.failed(reason: "Function not found: \(request.target.resource)"), nil)
        }
        let qualifier = parts.count > 7 ? parts[7] : nil
        let reference = LambdaService.FunctionReference(
            account: parts[4], region: parts[3], name: parts[6], qualifier: qualifier)
        guard let version = try? service.version(of: function, reference) else {
            return (.failed(reason: "Function not found: \(request.target.resource)"), nil)
        }
        if request.isAsynchronousInvocation {
            // Accepted: the answer is the request id of the invocation now queued.
            let requestId = RandomUUID.make()
            do {
                try await service.queueEvent(
                    function, version: version, qualifier: qualifier, payload: SNSInvocationEvent.payload(for: request),
                    requestId: requestId, traceHeader: request.traceHeader)
                return (.delivered, Array(requestId.utf8))
            } catch let error as AWSError {
                return (.retry(reason: error.message ?? error.code), nil)
            } catch {
                return (.retry(reason: "\(error)"), nil)
            }
        }
        if function.reservedConcurrency == 0 {
            // Nothing can ever run it: AWS sends the event to the failure destinations at once.
            return (.failed(reason: LambdaFailureTransport.zeroReservedConcurrency), nil)
        }
        do {
            try await service.checkConcurrency(function, version: version)
            let result = try await service.run(
                function, version: version, payload: SNSInvocationEvent.payload(for: request), clientContext: nil,
                traceId: request.traceHeader,
                requestId: request.metadata?["RequestId"] ?? UUID().uuidString.lowercased(),
                invokedArn: request.target.resource)
            if result.functionError != nil {
                // The whole error document (up to a size worth keeping), for the dead-letter queue's
                // ErrorMessage attribute.
                return (.retry(reason: String(decoding: result.payload.prefix(4096), as: UTF8.self)), result.payload)
            }
            if let destination = request.metadata?["OnSuccess"] {
                let record = LambdaService.invocationRecord(
                    requestId: request.metadata?["RequestId"] ?? "",
                    functionArn: LambdaService.recordedFunctionArn(request.target.resource),
                    condition: "Success", attempts: 1, request: request.body.bytes, functionError: nil,
                    response: result.payload)
                _ = try? await service.deliveries.enqueue([
                    DeliveryRequest(
                        target: LambdaService.destinationTarget(destination), body: DeliveryPayload(record),
                        retry: .managedEndpoint, origin: request.target.resource)
                ]).wait()
            }
            return (.delivered, result.payload)
        } catch let error as AWSError where error.code == "TooManyRequestsException" {
            // Throttled: AWS puts the event back and tries again for up to the maximum event age,
            // without using one of the function's retry attempts.
            return (.postpone(reason: error.message ?? error.code), nil)
        } catch let error as AWSError {
            return (.retry(reason: error.message ?? error.code), nil)
        } catch {
            return (.retry(reason: "\(error)"), nil)
        }
    }
}
