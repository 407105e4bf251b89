import Foundation
import SwitchyardCore
import SwitchyardPlatform
import SwitchyardWire

// What principals used: access keys' last use, roles' last use, and the service last accessed
// reports built from them.
extension IdentityEngine {
    /// Takes the uses requests noted since the last call into the records they update: access keys'
    /// and roles' last use, and each principal's services and actions.
    @discardableResult
    func absorbUsage() -> CommitTicket {
        let pending = directory.usage.drain()
        guard !pending.isEmpty else { return .alreadyCommitted }
        func later(_ old: LastUse, _ new: LastUse) -> LastUse { new.date >= old.date ? new : old }
        var changes: [IdentityChange] = []
        for (id, use) in pending.keys {
            guard var key = accessKeys[id], key.lastUsed.map({ $0 <= use.use.date }) ?? true else { continue }
            key.lastUsed = use.use.date
            key.lastUsedService = use.service
            key.lastUsedRegion = use.use.region
            changes.append(save(key))
        }
        var roleIds: [String: EntityKey] = [:]
        for (key, role) in roles { roleIds[role.id] = key }
        for (entity, services) in pending.services {
            var record = serviceAccess[entity] ?? ServiceAccessRecord(entityId: entity)
            record.services.merge(services, uniquingKeysWith: later)
            for (action, use) in pending.actions[entity] ?? [:] {
                record.actions[action.qualified] = record.actions[action.qualified].map { later($0, use) } ?? use
            }
            changes.append(save(record))
            if let key = roleIds[entity], var role = roles[key],
                let latest = services.values.max(by: { $0.date < $1.date }),
                role.lastUsed.map({ $0 < latest.date }) ?? true
            {
                role.lastUsed = latest.date
                role.lastUsedRegion = latest.region
                changes.append(save(role))
            }
        }
        return commit(changes)
    }

    /// Absorbs the ledger's uses every `interval` until cancelled. Reads that show last use absorb
    /// first anyway; this keeps the ledger from growing with every temporary key that signs while
    /// nothing reads (a role session per function cold start).
    public func runUsageAbsorption(every interval: Duration = .seconds(60)) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            try? await absorbUsage().wait()
        }
    }

    func save(_ record: ServiceAccessRecord) -> IdentityChange {
        serviceAccess[record.entityId] = record
        return put(.serviceAccess, record.entityId, record)
    }

    func save(_ report: AccessReportRecord) -> IdentityChange {
        accessReports[report.jobId] = report
        return put(.accessReport, report.jobId, report)
    }

    // MARK: Service last accessed reports

    /// Builds the report on a user, group, role or managed policy: the services its policies grant
    /// (those Switchyard serves), who of the entities it covers called each last, and, at
    /// ACTION_LEVEL, the granted actions that were called.
    public func generateAccessReport(arn: String, granularity: String, account: String, owner: String) throws
        -> (AccessReportRecord, CommitTicket)
    {
        absorbUsage()
        let (documents, entities) = try reportSubject(arn, account: account)
        let policies = documents.compactMap { try? ResourcePolicy(json: $0) }
        var services: [ReportedService] = []
        for (namespace, name) in ServiceCatalog.names.sorted(by: { $0.key < $1.key })
        where policies.contains(where: { $0.grantsAccess(toService: namespace) }) {
            let used = entities.map { entity in
                var entity = entity
                entity.lastUse = serviceAccess[entity.id]?.services[namespace]
                return entity
            }
            var service = ReportedService(
                namespace: namespace, name: name,
                entities: used.sorted { ($0.lastUse?.date ?? .distantPast) > ($1.lastUse?.date ?? .distantPast) })
            if granularity == "ACTION_LEVEL" {
                service.actions = grantedActions(namespace, by: used, policies: policies)
            }
            services.append(service)
        }
        let now = now
        let report = AccessReportRecord(
            jobId: RandomUUID.make().lowercased(), account: account, owner: owner, arn: arn,
            granularity: granularity, createdAt: now, completedAt: now, services: services)
        var changes = [save(report)]
        for stale in accessReports.values where stale.createdAt < now.addingTimeInterval(-AccessReportRecord.keptFor) {
            accessReports[stale.jobId] = nil
            changes.append(.delete(.accessReport, key: stale.jobId))
        }
        return (report, commit(changes))
    }

    /// A report the caller generated.
    public func accessReport(jobId: String, account: String, owner: String) throws -> AccessReportRecord {
        guard let report = accessReports[jobId], report.account == account, report.owner == owner else {
            throw IAMErrors.noSuchEntity("No service last accessed report with job id \(jobId) was found.")
        }
        return report
    }

    /// The actions of a service the policies grant that the entities called, each with its last use.
    private func grantedActions(_ namespace: String, by entities: [ReportedEntity], policies: [ResourcePolicy])
        -> [ReportedAction]
    {
        var latest: [String: ReportedAction] = [:]
        for entity in entities {
            for (action, use) in serviceAccess[entity.id]?.actions ?? [:]
            where action.hasPrefix(namespace + ":") && policies.contains(where: { $0.grantsAction(action) }) {
                let name = String(action.dropFirst(namespace.count + 1))
                if latest[name].map({ $0.use.date < use.date }) ?? true {
                    latest[name] = ReportedAction(name: name, entityArn: entity.arn, use: use)
                }
            }
        }
        return latest.values.sorted { $0.name < $1.name }
    }

    /// The policy documents a report reads and the principals it covers.
    private func reportSubject(_ arn: String, account: String) throws -> (
        documents: [String], entities: [ReportedEntity]
    ) {
        guard let parts = IAMArn.parse(arn),
            parts.account == account || (parts.kind == "policy" && parts.account == "aws")
        else { throw IAMErrors.invalidInput("ARN \(arn) is not valid.") }
        // A user's, role's or group's documents are those the simulator reads (a user's groups' too).
        func documents() throws -> [String] {
            try simulationPolicies(of: arn, account: account).policies.map(\.document)
        }
        switch parts.kind {
        case "user":
            return (try documents(), [Self.reported(try user(account: account, name: parts.name))])
        case "role":
            return (try documents(), [Self.reported(try role(account: account, name: parts.name))])
        case "group":
            let group = try group(account: account, name: parts.name)
            let members = group.members.compactMap { users[EntityKey(account, $0)] }
            return (try documents(), members.map(Self.reported))
        case "policy":
            let policy = try managedPolicy(arn, account: account)
            let viaGroups = groups.values.filter { $0.account == account && $0.policies.attached.contains(arn) }
                .flatMap(\.members).map { $0.lowercased() }
            let holders = users.values.filter {
                $0.account == account
                    && ($0.policies.attached.contains(arn) || viaGroups.contains($0.name.lowercased()))
            }
            let roles = roles.values.filter { $0.account == account && $0.policies.attached.contains(arn) }
            return ([policy.document], holders.map(Self.reported) + roles.map(Self.reported))
        default:
            throw IAMErrors.invalidInput("ARN \(arn) is not valid.")
        }
    }

    static func reported(_ user: UserRecord) -> ReportedEntity {
        ReportedEntity(arn: user.arn, name: user.name, type: "USER", id: user.id, path: user.path)
    }

    static func reported(_ role: RoleRecord) -> ReportedEntity {
        ReportedEntity(arn: role.arn, name: role.name, type: "ROLE", id: role.id, path: role.path)
    }

    // MARK: Policies granting access

    /// The policies through which a user (its groups' included), group or role may use each service:
    /// managed policies by ARN, inline ones with the entity that holds them.
    public func policiesGranting(_ namespaces: [String], to arn: String, account: String) throws
        -> [(namespace: String, policies: [GrantingPolicy])]
    {
        guard let parts = IAMArn.parse(arn), parts.account == account else {
            throw IAMErrors.invalidInput("ARN \(arn) is not valid.")
        }
        var holders: [(type: String, name: String, holder: PolicyHolder)] = []
        switch parts.kind {
        case "user":
            let user = try user(account: account, name: parts.name)
            holders =
                [("USER", user.name, user.policies)]
                + (try groups(ofUser: user.name, account: account)).map { ("GROUP", $0.name, $0.policies) }
        case "group":
            let group = try group(account: account, name: parts.name)
            holders = [("GROUP", group.name, group.policies)]
        case "role":
            let role = try role(account: account, name: parts.name)
            holders = [("ROLE", role.name, role.policies)]
        default:
            throw IAMErrors.invalidInput("ARN \(arn) is not valid.")
        }
        var candidates: [(GrantingPolicy, ResourcePolicy)] = []
        var seenManaged = Set<String>()
        for (type, name, holder) in holders {
            for policyArn in holder.attached where seenManaged.insert(policyArn).inserted {
                guard let managed = managedDocument(policyArn, account: account),
                    let parsed = try? ResourcePolicy(json: managed.document)
                else { continue }
                candidates.append((GrantingPolicy(name: managed.name, arn: policyArn), parsed))
            }
            for policyName in holder.inlineOrder.sorted() {
                guard let document = holder.inline[policyName], let parsed = try? ResourcePolicy(json: document)
                else { continue }
                candidates.append(
                    (GrantingPolicy(name: policyName, entityType: type, entityName: name), parsed))
            }
        }
        return namespaces.map { namespace in
            (namespace, candidates.filter { $0.1.grantsAccess(toService: namespace) }.map(\.0))
        }
    }
}

/// A policy that grants access to a service: a managed policy (by ARN) or an entity's inline policy.
public struct GrantingPolicy: Sendable, Equatable {
    public var name: String
    public var arn: String? = nil
    public var entityType: String? = nil
    public var entityName: String? = nil
}
