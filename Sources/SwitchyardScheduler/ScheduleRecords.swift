import Foundation

/// A schedule group: schedules are named within one, and tags belong to it.
public struct ScheduleGroupRecord: Sendable, Codable, Equatable {
    public var account: String
    public var region: String
    public var name: String
    public var tags: [String: String]
    public var createdAt: Int64
    public var modifiedAt: Int64

    public var arn: String { "arn:aws:scheduler:\(region):\(account):schedule-group/\(name)" }
    public var storageKey: String { "\(account)/\(region)/\(name)" }
}

/// A schedule: when it fires, and the target it invokes.
public struct ScheduleRecord: Sendable, Codable, Equatable {
    public var account: String
    public var region: String
    public var group: String
    public var name: String
    public var description: String?
    public var expression: String
    public var timeZone: String?
    /// Epoch milliseconds.
    public var startDate: Int64?
    public var endDate: Int64?
    public var enabled: Bool
    public var flexibleMode: String
    public var flexibleWindowMinutes: Int?
    public var actionAfterCompletion: String?
    public var kmsKeyArn: String?
    /// The target as given (awsJson text of Scheduler's `Target`).
    public var target: String
    public var targetArn: String
    public var createdAt: Int64
    public var modifiedAt: Int64
    /// When the schedule last invoked its target (epoch milliseconds): a one-time schedule that
    /// fired never fires again, across restarts too.
    public var lastFiredAt: Int64?

    public var arn: String { "arn:aws:scheduler:\(region):\(account):schedule/\(group)/\(name)" }
    public var groupKey: String { "\(account)/\(region)/\(group)" }
    public var storageKey: String { "\(account)/\(region)/\(group)/\(name)" }
}
