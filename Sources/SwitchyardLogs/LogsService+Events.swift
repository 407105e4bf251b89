import Foundation
import SwitchyardModels
import SwitchyardPlatform
import SwitchyardWire

/// Putting, reading and filtering events.
extension LogsService {
    public func putLogEvents(_ input: CloudWatchLogs.PutLogEventsRequest, context: RequestContext) async throws
        -> CloudWatchLogs.PutLogEventsResponse
    {
        let group = try await group(name: input.logGroupName, context: context)
        guard await engine.stream(group.key, input.logStreamName) != nil else { throw Self.streamMissing }
        let events = input.logEvents
        for (earlier, later) in zip(events, events.dropFirst()) where later.timestamp < earlier.timestamp {
            throw AWSError(
                "InvalidParameterException",
                "Log events in a single PutLogEvents request must be in chronological order.")
        }
        let size = events.reduce(0) { $0 + $1.message.utf8.count + 26 }
        if size > 1_048_576 {
            throw AWSError(
                "InvalidParameterException",
                "Upload too large: \(size) bytes exceeds limit of 1048576")
        }
        let now = LogsEngine.now()
        // Too old: before 14 days ago; expired: before the group's retention; too new: 2 hours ahead.
        let tooOldLimit = now - 14 * 86_400_000
        let expiredLimit = group.retentionInDays.map { now - Int64($0) * 86_400_000 }
        let tooNewLimit = now + 2 * 3_600_000
        var rejected = CloudWatchLogs.RejectedLogEventsInfo()
        var accepted: [LogLine] = []
        for (index, event) in events.enumerated() {
            let timestamp = Int64(event.timestamp)
            if let expiredLimit, timestamp < expiredLimit {
                rejected.expiredLogEventEndIndex = index + 1
            } else if timestamp < tooOldLimit {
                rejected.tooOldLogEventEndIndex = index + 1
            } else if timestamp > tooNewLimit {
                if rejected.tooNewLogEventStartIndex == nil { rejected.tooNewLogEventStartIndex = index }
            } else {
                accepted.append(LogLine(timestamp: timestamp, message: event.message))
            }
        }
        if let first = accepted.first, let last = accepted.last, last.timestamp - first.timestamp > 86_400_000 {
            throw AWSError(
                "InvalidParameterException",
                "The batch of log events in a single PutLogEvents request cannot span more than 24 hours.")
        }
        let token = try await engine.append(group.key, input.logStreamName, accepted)
        let anyRejected =
            rejected.tooOldLogEventEndIndex != nil || rejected.tooNewLogEventStartIndex != nil
            || rejected.expiredLogEventEndIndex != nil
        return CloudWatchLogs.PutLogEventsResponse(
            nextSequenceToken: token, rejectedLogEventsInfo: anyRejected ? rejected : nil)
    }

    public func getLogEvents(_ input: CloudWatchLogs.GetLogEventsRequest, context: RequestContext) async throws
        -> CloudWatchLogs.GetLogEventsResponse
    {
        let group = try await group(name: input.logGroupName, identifier: input.logGroupIdentifier, context: context)
        guard await engine.stream(group.key, input.logStreamName) != nil else { throw Self.streamMissing }
        let limit = input.limit ?? 10_000
        var query = EventQuery(
            groupKey: group.key, streams: [input.logStreamName], startTime: input.startTime.map(Int64.init),
            endTime: input.endTime.map(Int64.init), ascending: input.startFromHead ?? false, limit: limit)
        if let token = input.nextToken {
            guard let cursor = EventCursor(token: token) else { throw Self.badToken }
            if token.hasPrefix("f/") {
                query.after = cursor
                query.ascending = true
            } else {
                query.before = cursor
                query.ascending = false
            }
        }
        var events = try await engine.events(query)
        if !query.ascending { events.reverse() }
        // With no events, the tokens stay where they were (or at the ends).
        let forward =
            events.last.map { EventCursor(timestamp: $0.timestamp, id: $0.id).token("f") }
            ?? input.nextToken.flatMap { $0.hasPrefix("f/") ? $0 : nil }
            ?? (query.after ?? query.before ?? EventCursor(timestamp: 0, id: 0)).token("f")
        let backward =
            events.first.map { EventCursor(timestamp: $0.timestamp, id: $0.id).token("b") }
            ?? input.nextToken.flatMap { $0.hasPrefix("b/") ? $0 : nil }
            ?? (query.before ?? query.after ?? EventCursor(timestamp: 0, id: 0)).token("b")
        return CloudWatchLogs.GetLogEventsResponse(
            events: events.map {
                CloudWatchLogs.OutputLogEvent(
                    timestamp: Int($0.timestamp), message: $0.message, ingestionTime: Int($0.ingestionTime))
            }, nextForwardToken: forward, nextBackwardToken: backward)
    }

    public func filterLogEvents(_ input: CloudWatchLogs.FilterLogEventsRequest, context: RequestContext) async throws
        -> CloudWatchLogs.FilterLogEventsResponse
    {
        let group = try await group(name: input.logGroupName, identifier: input.logGroupIdentifier, context: context)
        if input.logStreamNames != nil, input.logStreamNamePrefix != nil {
            throw AWSError(
                "InvalidParameterException",
                "logStreamNames and logStreamNamePrefix are mutually exclusive parameters.")
        }
        let pattern: FilterPattern
        do {
            pattern = try await engine.pattern(input.filterPattern ?? "")
        } catch {
            throw AWSError("InvalidParameterException", "Invalid filter pattern")
        }
        let limit = input.limit ?? 10_000
        var cursor: EventCursor?
        if let token = input.nextToken {
            guard let parsed = EventCursor(token: token) else { throw Self.badToken }
            cursor = parsed
        }
        var found: [StoredLogEvent] = []
        var more = false
        // Read in chunks after the cursor, keeping what the pattern matches, until the page is full.
        scan: while true {
            let chunk = try await engine.events(
                EventQuery(
                    groupKey: group.key, streams: input.logStreamNames, streamPrefix: input.logStreamNamePrefix,
                    startTime: input.startTime.map(Int64.init), endTime: input.endTime.map(Int64.init), after: cursor,
                    ascending: true, limit: 1000))
            for event in chunk {
                if found.count == limit {
                    more = true
                    break scan
                }
                cursor = EventCursor(timestamp: event.timestamp, id: event.id)
                if pattern.matches(event.message) { found.append(event) }
            }
            if chunk.count < 1000 { break }
        }
        let last = found.last.map { EventCursor(timestamp: $0.timestamp, id: $0.id) }
        return CloudWatchLogs.FilterLogEventsResponse(
            events: found.map {
                CloudWatchLogs.FilteredLogEvent(
                    logStreamName: $0.stream, timestamp: Int($0.timestamp), message: $0.message,
                    ingestionTime: Int($0.ingestionTime), eventId: LogsEngine.eventId($0))
            }, nextToken: more ? last?.token("f") : nil)
    }
}
