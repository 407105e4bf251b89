import Foundation
import SwitchyardCore
import SwitchyardDelivery
import SwitchyardMatching
import SwitchyardWire

/// EventBridge's state and behaviour: buses, rules and their targets, and events routed from
/// PutEvents to the targets of every rule whose pattern they match, through the delivery engine.
///
/// Rules are compiled once (when put or loaded) and indexed by the sources they require, so that an
/// event is matched against the rules that could match it rather than against every rule of its bus.
public actor EventBridgeEngine {
    var buses: [BusKey: BusRecord] = [:]
    /// Rules by bus, then by name.
    var rules: [BusKey: [String: RuleRecord]] = [:]
    var patterns: [String: EventPattern] = [:]
    var indexes: [BusKey: RuleIndex] = [:]
    /// When each scheduled rule fires next (epoch milliseconds), by storage key.
    var nextFirings: [String: Int64] = [:]
    var archives: [String: ArchiveRecord] = [:]
    var archivePatterns: [String: EventPattern] = [:]
    var archived: [String: [ArchivedEvent]] = [:]
    var replays: [String: ReplayRecord] = [:]
    var connections: [String: ConnectionRecord] = [:]
    var apiDestinations: [String: APIDestinationRecord] = [:]
    var endpoints: [String: EndpointRecord] = [:]
    var partnerSources: [String: PartnerSourceRecord] = [:]
    let store: any EventBridgeStore
    let deliveries: DeliveryEngine
    let clock: any ServiceClock
    /// When the default buses came to be, as far as this server knows (it creates them on first use).
    let startedAt: Int64

    public init(store: any EventBridgeStore, deliveries: DeliveryEngine, clock: any ServiceClock = SystemClock())
        throws
    {
        self.store = store
        self.deliveries = deliveries
        self.clock = clock
        self.startedAt = clock.nowMillis()
        for bus in try store.loadBuses() { buses[bus.key] = bus }
        for rule in try store.loadRules() {
            rules[rule.bus, default: [:]][rule.name] = rule
            if let text = rule.eventPattern, let pattern = try? EventPattern(json: text) {
                patterns[rule.storageKey] = pattern
            }
        }
        for bus in rules.keys { indexes[bus] = RuleIndex(rules[bus]?.values.map { $0 } ?? [], patterns: patterns) }
        for archive in try store.loadArchives() {
            archives[archive.storageKey] = archive
            if let text = archive.eventPattern { archivePatterns[archive.storageKey] = try? EventPattern(json: text) }
        }
        archived = try store.loadArchivedEvents()
        for replay in try store.loadReplays() { replays[replay.storageKey] = replay }
        for connection in try store.loadConnections() { connections[connection.storageKey] = connection }
        for destination in try store.loadAPIDestinations() { apiDestinations[destination.storageKey] = destination }
        for endpoint in try store.loadEndpoints() { endpoints[endpoint.storageKey] = endpoint }
        for source in try store.loadPartnerSources() { partnerSources[source.storageKey] = source }
    }

    public var ruleCount: Int { rules.values.reduce(0) { $0 + $1.count } }
    public var busCount: Int { buses.count }

    public func reset() -> CommitTicket {
        buses = [:]
        rules = [:]
        patterns = [:]
        indexes = [:]
        archives = [:]
        archivePatterns = [:]
        archived = [:]
        replays = [:]
        connections = [:]
        apiDestinations = [:]
        endpoints = [:]
        partnerSources = [:]
        return store.wipe()
    }

    // MARK: Buses

    /// A bus that exists: a created one, or the default bus of any account and region.
    func bus(_ key: BusKey) -> BusRecord? {
        if let bus = buses[key] { return bus }
        guard key.name == "default" else { return nil }
        return BusRecord(key: key, createdAt: startedAt)
    }

    public func describeBus(_ key: BusKey) throws -> BusRecord {
        guard let bus = bus(key) else { throw EventBridgeErrors.busNotFound(key.name) }
        return bus
    }

    public func createBus(_ record: BusRecord) throws -> CommitTicket {
        guard bus(record.key) == nil else {
            throw AWSError("ResourceAlreadyExistsException", "Event bus \(record.key.name) already exists.")
        }
        buses[record.key] = record
        return store.submit([.putBus(record)])
    }

    public func updateBus(_ key: BusKey, _ change: (inout BusRecord) -> Void) throws -> (BusRecord, CommitTicket) {
        guard var record = bus(key) else { throw EventBridgeErrors.busNotFound(key.name) }
        change(&record)
        record.modifiedAt = clock.nowMillis()
        if record.createdAt == 0 { record.createdAt = record.modifiedAt }
        buses[key] = record
        return (record, store.submit([.putBus(record)]))
    }

    public func deleteBus(_ key: BusKey) throws -> CommitTicket {
        guard key.name != "default" else {
            throw EventBridgeErrors.validation("Cannot delete event bus default.")
        }
        guard buses.removeValue(forKey: key) != nil else { return .alreadyCommitted }
        var changes: [EventBridgeChange] = [.deleteBus(key)]
        for rule in rules.removeValue(forKey: key)?.values ?? [:].values {
            patterns[rule.storageKey] = nil
            nextFirings[rule.storageKey] = nil
            changes.append(.deleteRule(storageKey: rule.storageKey))
        }
        indexes[key] = nil
        return store.submit(changes)
    }

    /// The buses of an account in a region, by name, the default bus first among equals.
    public func listBuses(account: String, region: String) -> [BusRecord] {
        let defaultKey = BusKey(account: account, region: region, name: "default")
        var all = buses.values.filter { $0.key.account == account && $0.key.region == region }
        if buses[defaultKey] == nil, let implicit = bus(defaultKey) { all.append(implicit) }
        return all.sorted { $0.key.name < $1.key.name }
    }

    // MARK: Rules

    public func rule(_ name: String, on bus: BusKey) throws -> RuleRecord {
        guard self.bus(bus) != nil else { throw EventBridgeErrors.busNotFound(bus.name) }
        guard let rule = rules[bus]?[name] else { throw EventBridgeErrors.ruleNotFound(name, bus: bus.name) }
        return rule
    }

    /// Creates or updates a rule; its targets and tags stay unless given.
    public func putRule(_ record: RuleRecord, pattern: EventPattern?) throws -> CommitTicket {
        guard bus(record.bus) != nil else { throw EventBridgeErrors.busNotFound(record.bus.name) }
        var stored = record
        if let existing = rules[record.bus]?[record.name] {
            stored.targets = existing.targets
            stored.createdBy = existing.createdBy
            stored.managedBy = existing.managedBy
            if record.tags.isEmpty { stored.tags = existing.tags }
        }
        rules[record.bus, default: [:]][record.name] = stored
        patterns[stored.storageKey] = pattern
        nextFirings[stored.storageKey] = nil
        reindex(record.bus)
        return store.submit([.putRule(stored)])
    }

    public func updateRule(_ name: String, on bus: BusKey, _ change: (inout RuleRecord) throws -> Void) throws
        -> (RuleRecord, CommitTicket)
    {
        var record = try rule(name, on: bus)
        try change(&record)
        rules[bus]?[name] = record
        reindex(bus)
        return (record, store.submit([.putRule(record)]))
    }

    public func deleteRule(_ name: String, on bus: BusKey, force: Bool) throws -> CommitTicket {
        guard self.bus(bus) != nil else { throw EventBridgeErrors.busNotFound(bus.name) }
        guard let rule = rules[bus]?[name] else { return .alreadyCommitted }
        if rule.managedBy != nil, !force {
            throw AWSError(
                "ManagedRuleException",
                "Cannot delete rule \(name) as it is managed by \(rule.managedBy ?? ""). Use the force option.")
        }
        guard rule.targets.isEmpty else {
            throw EventBridgeErrors.validation("Rule can't be deleted since it has targets.")
        }
        rules[bus]?[name] = nil
        patterns[rule.storageKey] = nil
        nextFirings[rule.storageKey] = nil
        reindex(bus)
        return store.submit([.deleteRule(storageKey: rule.storageKey)])
    }

    /// The rules of a bus, by name.
    public func listRules(on bus: BusKey) throws -> [RuleRecord] {
        guard self.bus(bus) != nil else { throw EventBridgeErrors.busNotFound(bus.name) }
        return (rules[bus]?.values.map { $0 } ?? []).sorted { $0.name < $1.name }
    }

    private func reindex(_ bus: BusKey) {
        indexes[bus] = RuleIndex(rules[bus]?.values.map { $0 } ?? [], patterns: patterns)
    }

    // MARK: Events

    /// The rules of a bus whose pattern the event matches, enabled ones only.
    func matchingRules(on bus: BusKey, event: MatchableEvent) -> [RuleRecord] {
        guard let index = indexes[bus], let byName = rules[bus] else { return [] }
        return index.candidates(for: event).compactMap { name in
            guard let rule = byName[name], rule.enabled, let pattern = patterns[rule.storageKey],
                pattern.matches(event)
            else { return nil }
            return rule
        }
    }

    /// Routes events to the targets of the rules they match (and into the archives of their bus),
    /// returning once every delivery is stored (or made, for in-process targets).
    public func route(_ events: [RoutedEvent]) async throws {
        var requests: [DeliveryRequest] = []
        var archiving: [EventBridgeChange] = []
        for event in events {
            let matchable = MatchableEvent(event.envelope)
            if event.replayName == nil { archiving += archive(event, matchable) }
            for rule in matchingRules(on: event.bus, event: matchable) {
                if let only = event.onlyRules, !only.contains(rule.arn) { continue }
                for target in rule.targets {
                    if let request = TargetDelivery.request(for: event, rule: rule, target: target) {
                        requests.append(request)
                    }
                }
            }
        }
        let archived = archiving.isEmpty ? CommitTicket.alreadyCommitted : store.submit(archiving)
        let delivered = await deliveries.enqueue(requests)
        try await archived.wait()
        try await delivered.wait()
    }
}

/// An event on its way to a bus: the envelope as AWS builds it.
public struct RoutedEvent: Sendable {
    public var bus: BusKey
    public var envelope: OrderedJSON
    public var id: String
    public var traceHeader: String?
    /// Milliseconds since the epoch when the event was accepted (`<aws.events.event.ingestion-time>`).
    public var ingestedAt: Int64
    /// The replay that put the event on its bus again, if one did (replayed events are not archived).
    public var replayName: String? = nil
    /// A replay's filter: only these rules (by ARN) take the event.
    public var onlyRules: Set<String>? = nil
}

/// The rules of a bus by the sources their patterns require: an event is checked only against the
/// rules that name its source and those that require none.
struct RuleIndex: Sendable {
    var bySource: [String: [String]] = [:]
    var anySource: [String] = []

    init(_ rules: [RuleRecord], patterns: [String: EventPattern]) {
        for rule in rules.sorted(by: { $0.name < $1.name }) {
            guard let pattern = patterns[rule.storageKey] else { continue }
            if let sources = pattern.requiredValues(of: "source") {
                for source in sources { bySource[source, default: []].append(rule.name) }
            } else {
                anySource.append(rule.name)
            }
        }
    }

    func candidates(for event: MatchableEvent) -> [String] {
        guard case .string(let source)? = event.values(at: "source")?.first else { return anySource }
        return (bySource[source] ?? []) + anySource
    }
}

extension EventBridgeEngine {
    /// Whether events can be put on the bus.
    public func busExists(_ key: BusKey) -> Bool { bus(key) != nil }

    /// Whether the bus's resource policy lets another account put events on it.
    func allowsPutEvents(on key: BusKey, from account: String) -> Bool {
        guard let text = bus(key)?.policy, let policy = try? ResourcePolicy(json: text) else { return false }
        let principal = PolicyPrincipal(
            account: account, identifier: "arn:aws:iam::\(account):root", isService: false)
        return policy.evaluate(AccessRequest(principal: principal, action: "events:PutEvents", resource: key.arn))
            == .allowed
    }

    /// Puts an event that another bus's rule sent on a bus, as it is.
    func forward(_ envelope: OrderedJSON, id: String, to bus: BusKey, traceHeader: String?) async throws {
        try await route([
            RoutedEvent(bus: bus, envelope: envelope, id: id, traceHeader: traceHeader, ingestedAt: clock.nowMillis())
        ])
    }
}
