import Foundation
import SwitchyardModels
import SwitchyardWire

/// InvokeWithResponseStream: the invocation's answer as an event stream of `PayloadChunk` events
/// (at most 64 KiB each) closed by `InvokeComplete` (with the error code and details of a function
/// error, and the log tail when asked). A response the function streams (Node.js's
/// `awslambda.streamifyResponse`, or a custom runtime posting in `streaming` mode) is sent as it is
/// written; one given whole is sent when the function returns.
extension LambdaService {
    static let streamChunkSize = 64 * 1024

    /// The response as a value tree: the generated typed output cannot carry a live event source.
    func invokeWithResponseStream(_ input: Lambda.InvokeWithResponseStreamRequest, context: RequestContext)
        async throws -> AWSValue
    {
        let request = Lambda.InvocationRequest(
            functionName: input.functionName,
            invocationType: input.invocationType == "DryRun" ? "DryRun" : "RequestResponse",
            logType: input.logType, clientContext: input.clientContext, payload: input.payload,
            qualifier: input.qualifier)
        // What Invoke refuses is refused before the stream starts, as an ordinary error.
        let accepted = try await accept(request, context: context)
        var members = AWSStructure()
        guard accepted.type != "DryRun" else {
            members.append("StatusCode", .integer(204))
            return .structure(members)
        }
        try await checkConcurrency(accepted.function, version: accepted.version)
        let sink = ResponseStreamSink()
        sink.feed { try await run(accepted, input: request, context: context, sink: sink) }
        context.recall?.onUndelivered { sink.abandon() }
        // Events are made as the client's connection takes them, so a slow reader slows the function.
        let events = InvokeStreamEvents(next: sink.reader(), tail: input.logType == "Tail")
        members.append("StatusCode", .integer(200))
        members.append("ExecutedVersion", .string(accepted.version.version))
        members.append("EventStream", .events(EventSource { await events.next() }))
        members.append("ResponseStreamContentType", .string("application/octet-stream"))
        return .structure(members)
    }

    /// The closing event of a function that could not run after all (deleted meanwhile, say): the
    /// stream has begun, so the error ends it.
    static func failedCompletion(_ error: any Error) -> StreamEvent {
        let failure = (error as? AWSError) ?? AWSError("ServiceException", "\(error)")
        return StreamEvent(
            name: "InvokeComplete",
            value: Lambda.InvokeWithResponseStreamCompleteEvent(errorCode: failure.code, errorDetails: failure.message)
                .awsValue)
    }

    /// `PayloadChunk` events of at most 64 KiB.
    static func payloadChunks(_ bytes: [UInt8]) -> [StreamEvent] {
        stride(from: 0, to: bytes.count, by: streamChunkSize).map { start in
            let chunk = Data(bytes[start..<min(bytes.count, start + streamChunkSize)])
            return StreamEvent(name: "PayloadChunk", value: Lambda.InvokeResponseStreamUpdate(payload: chunk).awsValue)
        }
    }

    /// The closing `InvokeComplete`: a function error's type and document, and the log tail.
    static func completion(_ result: InvocationResult, tail withTail: Bool) -> StreamEvent {
        let failure = result.functionError.flatMap { _ in
            (try? JSONSerialization.jsonObject(with: Data(result.payload))) as? [String: Any]
        }
        return StreamEvent(
            name: "InvokeComplete",
            value: Lambda.InvokeWithResponseStreamCompleteEvent(
                errorCode: result.functionError == nil ? nil : (failure?["errorType"] as? String ?? "Unhandled"),
                errorDetails: result.functionError == nil ? nil : String(decoding: result.payload, as: UTF8.self),
                logResult: withTail ? Self.tail(result.log) : nil
            ).awsValue)
    }
}
