import Foundation
import SwitchyardModels
import SwitchyardWire

/// InvokeWithResponseStream: the invocation's answer as an event stream of `PayloadChunk` events
/// (64 KiB each) closed by `InvokeComplete` (with the error code and details of a function error, and
/// the log tail when asked). Functions answer in full first (the runtimes here buffer their
/// responses), then the answer streams.
extension LambdaService {
    static let streamChunkSize = 64 * 1024

    /// The response as a value tree: the generated typed output cannot carry a live event source.
    func invokeWithResponseStream(_ input: Lambda.InvokeWithResponseStreamRequest, context: RequestContext)
        async throws -> AWSValue
    {
        let answer = try await invoke(
            Lambda.InvocationRequest(
                functionName: input.functionName,
                invocationType: input.invocationType == "DryRun" ? "DryRun" : "RequestResponse",
                logType: input.logType, clientContext: input.clientContext, payload: input.payload,
                qualifier: input.qualifier),
            context: context)
        var members = AWSStructure()
        members.append("StatusCode", answer.statusCode.map { .integer($0) })
        members.append("ExecutedVersion", answer.executedVersion.map { .string($0) })
        guard answer.statusCode == 200 else { return .structure(members) }
        var events: [StreamEvent] = []
        let payload = Array(answer.payload ?? Data())
        if answer.functionError == nil {
            for start in stride(from: 0, to: payload.count, by: Self.streamChunkSize) {
                let chunk = Data(payload[start..<min(payload.count, start + Self.streamChunkSize)])
                events.append(
                    StreamEvent(name: "PayloadChunk", value: Lambda.InvokeResponseStreamUpdate(payload: chunk).awsValue)
                )
            }
        }
        let failure = answer.functionError.flatMap { _ in
            (try? JSONSerialization.jsonObject(with: Data(payload))) as? [String: Any]
        }
        events.append(
            StreamEvent(
                name: "InvokeComplete",
                value: Lambda.InvokeWithResponseStreamCompleteEvent(
                    errorCode: answer.functionError == nil ? nil : (failure?["errorType"] as? String ?? "Unhandled"),
                    errorDetails: answer.functionError == nil ? nil : String(decoding: payload, as: UTF8.self),
                    logResult: answer.logResult
                ).awsValue))
        let remaining = EventList(events)
        members.append("EventStream", .events(EventSource { await remaining.next() }))
        members.append("ResponseStreamContentType", .string("application/octet-stream"))
        return .structure(members)
    }
}

/// Hands out prepared events one at a time.
actor EventList {
    private var events: [StreamEvent]

    init(_ events: [StreamEvent]) { self.events = events }

    func next() -> StreamEvent? { events.isEmpty ? nil : events.removeFirst() }
}
