import Foundation
import SwitchyardModels
import SwitchyardWire

/// StartLiveTail: a `sessionStart` event, then a `sessionUpdate` every second with the matching
/// events ingested since the last one (empty when there were none), until the client hangs up or
/// three hours pass (`SessionTimeoutException`).
extension LogsService {
    /// How long AWS keeps a session open.
    static let liveTailLimit = Duration.seconds(3 * 3600)

    /// The response as a value tree: the generated typed output cannot carry a live event source.
    func startLiveTail(_ input: CloudWatchLogs.StartLiveTailRequest, context: RequestContext) async throws
        -> AWSValue
    {
        if input.logStreamNames != nil, input.logStreamNamePrefixes != nil {
            throw AWSError(
                "InvalidParameterException",
                "logStreamNames and logStreamNamePrefixes are mutually exclusive parameters.")
        }
        if input.logStreamNames != nil || input.logStreamNamePrefixes != nil, input.logGroupIdentifiers.count > 1 {
            throw AWSError(
                "InvalidParameterException",
                "Log stream filters can only be used with a single log group.")
        }
        var groups: [String: String] = [:]
        for identifier in input.logGroupIdentifiers {
            if identifier.hasSuffix("*") {
                throw AWSError("InvalidParameterException", "LogGroup ARN can't end with an asterisk (*).")
            }
            let group = try await group(name: nil, identifier: identifier, context: context)
            groups[group.key] = identifier
        }
        let pattern = try input.logEventFilterPattern.flatMap { $0.isEmpty ? nil : try FilterPattern($0) }
        let id = UUID().uuidString.lowercased()
        let start = CloudWatchLogs.LiveTailSessionStart(
            requestId: context.requestId, sessionId: id, logGroupIdentifiers: input.logGroupIdentifiers,
            logStreamNames: input.logStreamNames, logStreamNamePrefixes: input.logStreamNamePrefixes,
            logEventFilterPattern: input.logEventFilterPattern)
        await engine.liveTails.open(
            id,
            LiveTails.Session(
                groups: groups, streamNames: input.logStreamNames.map(Set.init),
                streamPrefixes: input.logStreamNamePrefixes, pattern: pattern))
        let session = LiveTailSession(id: id, tails: engine.liveTails, start: start, limit: Self.liveTailLimit)
        var members = AWSStructure()
        members.append("responseStream", .events(EventSource { try await session.next() }))
        return .structure(members)
    }
}

/// One client's session as the events it is sent, one per call.
actor LiveTailSession {
    let id: String
    let tails: LiveTails
    private var start: CloudWatchLogs.LiveTailSessionStart?
    private let deadline: ContinuousClock.Instant
    private var ended = false

    init(id: String, tails: LiveTails, start: CloudWatchLogs.LiveTailSessionStart, limit: Duration) {
        self.id = id
        self.tails = tails
        self.start = start
        self.deadline = .now + limit
    }

    func next() async throws -> StreamEvent? {
        if let start {
            self.start = nil
            return StreamEvent(name: "sessionStart", value: start.awsValue)
        }
        guard !ended else { return nil }
        do {
            try await Task.sleep(until: min(deadline, .now + .seconds(1)), clock: .continuous)
        } catch {
            // The client hung up.
            await tails.close(id)
            throw error
        }
        guard ContinuousClock.now < deadline, let update = await tails.drain(id) else {
            ended = true
            await tails.close(id)
            return StreamEvent(
                name: "SessionTimeoutException",
                value: .structure(["message": .string("Session timed out after 3 hours.")]),
                isException: true)
        }
        return StreamEvent(
            name: "sessionUpdate",
            value: CloudWatchLogs.LiveTailSessionUpdate(
                sessionMetadata: CloudWatchLogs.LiveTailSessionMetadata(sampled: update.sampled),
                sessionResults: update.events
            ).awsValue)
    }
}
