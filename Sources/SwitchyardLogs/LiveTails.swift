import Foundation
import SwitchyardModels

/// The open Live Tail sessions and the events each has not yet been sent. Ingestion hands every
/// appended batch here; a session takes what gathered since its last update once a second.
actor LiveTails {
    /// What one session watches and what it holds for its next update.
    struct Session {
        /// Group key to the identifier the request named it by (events carry that identifier).
        var groups: [String: String]
        var streamNames: Set<String>?
        var streamPrefixes: [String]?
        var pattern: FilterPattern?
        var pending: [CloudWatchLogs.LiveTailSessionLogEvent] = []
        var sampled = false
        /// When the session last took its events: one nobody reads for a while is gone.
        var lastDrained = ContinuousClock.now
    }

    /// A session not read for this long lost its client (a failed write ends the response without
    /// telling the session).
    static let abandonedAfter = Duration.seconds(30)

    /// AWS sends at most this many events in one update and samples the rest away.
    static let eventsPerUpdate = 500
    /// A reader slower than ingestion loses the oldest events beyond this many.
    static let bufferedEvents = 5_000

    private var sessions: [String: Session] = [:]

    var count: Int { sessions.count }

    func open(_ id: String, _ session: Session) { sessions[id] = session }

    func close(_ id: String) { sessions[id] = nil }

    /// Offers newly ingested events to every session that watches their group and stream.
    func ingest(groupKey: String, stream: String, events: [StoredLogEvent]) {
        guard !sessions.isEmpty else { return }
        let now = ContinuousClock.now
        for (id, var session) in sessions {
            if now - session.lastDrained > Self.abandonedAfter {
                sessions[id] = nil
                continue
            }
            guard let identifier = session.groups[groupKey] else { continue }
            if let names = session.streamNames, !names.contains(stream) { continue }
            if let prefixes = session.streamPrefixes, !prefixes.contains(where: { stream.hasPrefix($0) }) {
                continue
            }
            for event in events where session.pattern?.matches(event.message) ?? true {
                session.pending.append(
                    CloudWatchLogs.LiveTailSessionLogEvent(
                        logStreamName: stream, logGroupIdentifier: identifier, message: event.message,
                        timestamp: Int(event.timestamp), ingestionTime: Int(event.ingestionTime)))
            }
            if session.pending.count > Self.bufferedEvents {
                session.pending.removeFirst(session.pending.count - Self.bufferedEvents)
                session.sampled = true
            }
            sessions[id] = session
        }
    }

    /// The events gathered for a session since its last update (at most 500, evenly sampled when
    /// more arrived), and whether any were left out.
    func drain(_ id: String) -> (events: [CloudWatchLogs.LiveTailSessionLogEvent], sampled: Bool)? {
        guard var session = sessions[id] else { return nil }
        var events = session.pending
        var sampled = session.sampled
        if events.count > Self.eventsPerUpdate {
            let stride = Double(events.count) / Double(Self.eventsPerUpdate)
            events = (0..<Self.eventsPerUpdate).map { events[Int(Double($0) * stride)] }
            sampled = true
        }
        session.pending.removeAll(keepingCapacity: true)
        session.sampled = false
        session.lastDrained = .now
        sessions[id] = session
        return (events, sampled)
    }
}
