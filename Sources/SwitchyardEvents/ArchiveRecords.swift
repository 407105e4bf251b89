import Foundation

/// An archive of the events that reach a bus (those its pattern matches, or all), for replays.
public struct ArchiveRecord: Sendable, Codable, Equatable {
    public var account: String
    public var region: String
    public var name: String
    public var source: BusKey
    public var description: String?
    public var eventPattern: String?
    public var retentionDays: Int?
    public var createdAt: Int64
    public var eventCount: Int
    public var sizeBytes: Int

    public var arn: String { "arn:aws:events:\(region):\(account):archive/\(name)" }
    public var storageKey: String { "\(account)/\(region)/\(name)" }
}

/// An event kept by an archive.
public struct ArchivedEvent: Sendable, Codable, Equatable {
    /// The event's own time (epoch milliseconds), which replays select on.
    public var time: Int64
    /// The envelope as delivered, compact JSON.
    public var envelope: String
}

/// A replay of an archive's events onto its bus.
public struct ReplayRecord: Sendable, Codable, Equatable {
    public var account: String
    public var region: String
    public var name: String
    public var description: String?
    public var archiveArn: String
    public var destinationArn: String
    public var filterArns: [String]?
    public var eventStartTime: Int64
    public var eventEndTime: Int64
    public var state: String
    public var startedAt: Int64
    public var endedAt: Int64?
    public var lastReplayedTime: Int64?

    public var arn: String { "arn:aws:events:\(region):\(account):replay/\(name)" }
    public var storageKey: String { "\(account)/\(region)/\(name)" }
}
