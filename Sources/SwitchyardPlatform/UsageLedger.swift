import Foundation
import Synchronization

/// When something was last used, and where.
public struct LastUse: Sendable, Equatable, Codable {
    public var date: Date
    public var region: String

    public init(date: Date, region: String) {
        self.date = date
        self.region = region
    }
}

/// What the request path saw of credentials: when each access key was last used (for
/// GetAccessKeyLastUsed and the credential report) and when each principal last called each service
/// and action (for IAM's service last accessed reports).
///
/// Requests note uses here under a lock, never waiting for the identity engine, which takes what
/// accumulated when it needs it (`drain`) and keeps it.
public final class UsageLedger: Sendable {
    /// One request's use: the key that signed it and the principal it acted as.
    public struct Use: Sendable {
        /// The access key id; nil for a request signed with a key IAM did not issue.
        public var accessKeyId: String?
        /// The entity the principal is: a user's or role's unique id (`AIDA...`, `AROA...`), or the
        /// account for its root.
        public var entityId: String
        /// The service's IAM namespace (`sqs`, `cloudwatch`, ...).
        public var service: String
        public var action: String
        public var region: String
        public var date: Date

        public init(
            accessKeyId: String?, entityId: String, service: String, action: String, region: String, date: Date
        ) {
            self.accessKeyId = accessKeyId
            self.entityId = entityId
            self.service = service
            self.action = action
            self.region = region
            self.date = date
        }
    }

    /// What accumulated since the last drain: the latest use of each key, each entity's services and
    /// each entity's actions.
    public struct Pending: Sendable {
        public var keys: [String: KeyUse] = [:]
        public var services: [String: [String: LastUse]] = [:]
        public var actions: [String: [Action: LastUse]] = [:]

        public var isEmpty: Bool { keys.isEmpty && services.isEmpty }
    }

    /// An action of a service; kept as its two names so that noting a use builds no new string.
    public struct Action: Hashable, Sendable {
        public var service: String
        public var name: String

        public init(service: String, name: String) {
            self.service = service
            self.name = name
        }

        /// `service:Action`, as policies name it.
        public var qualified: String { "\(service):\(name)" }
    }

    /// An access key's last use.
    public struct KeyUse: Sendable, Equatable {
        public var use: LastUse
        public var service: String

        public init(use: LastUse, service: String) {
            self.use = use
            self.service = service
        }
    }

    private let pending = Mutex(Pending())

    public init() {}

    public func note(_ use: Use) {
        let last = LastUse(date: use.date, region: use.region)
        pending.withLock { pending in
            if let key = use.accessKeyId {
                pending.keys[key] = KeyUse(use: last, service: use.service)
            }
            pending.services[use.entityId, default: [:]][use.service] = last
            pending.actions[use.entityId, default: [:]][Action(service: use.service, name: use.action)] = last
        }
    }

    /// Whether no use is waiting to be absorbed.
    public var isEmpty: Bool { pending.withLock { $0.isEmpty } }

    /// Takes what accumulated, leaving the ledger empty.
    public func drain() -> Pending {
        pending.withLock { pending in
            defer { pending = Pending() }
            return pending
        }
    }
}
