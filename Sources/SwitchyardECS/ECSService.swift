import Foundation
import SwitchyardModels
import SwitchyardPlatform
import SwitchyardWire

/// ECS's operations for clusters, task definitions and tasks run as local processes. The others
/// (services, container instances, capacity providers, ...) answer NotImplemented, naming themselves.
public struct ECSService: ECSAPI {
    let engine: ECSEngine

    static let clusterNotFound = AWSError("ClusterNotFoundException", "Cluster not found.")

    static func name(ofCluster given: String?) -> String {
        guard let given, !given.isEmpty else { return "default" }
        if given.hasPrefix("arn:"), let slash = given.lastIndex(of: "/") {
            return String(given[given.index(after: slash)...])
        }
        return given
    }

    func cluster(_ given: String?, context: RequestContext) async throws -> ClusterRecord {
        let name = Self.name(ofCluster: given)
        guard let cluster = await engine.cluster("\(context.account)/\(context.region)/\(name)"),
            cluster.status == "ACTIVE"
        else { throw Self.clusterNotFound }
        return cluster
    }

    static func shape(_ cluster: ClusterRecord, running: Int = 0, pending: Int = 0) -> ECS.Cluster {
        let settings = cluster.settingsJSON.flatMap { try? TaskShapes.read(ECS.CreateClusterRequest.self, $0) }
        return ECS.Cluster(
            clusterArn: cluster.arn, clusterName: cluster.name, status: cluster.status,
            registeredContainerInstancesCount: 0, runningTasksCount: running, pendingTasksCount: pending,
            activeServicesCount: 0, statistics: [],
            tags: cluster.tags.sorted { $0.key < $1.key }.map { ECS.Tag(key: $0.key, value: $0.value) },
            settings: settings?.settings ?? [ECS.ClusterSetting(name: "containerInsights", value: "disabled")],
            capacityProviders: settings?.capacityProviders ?? [],
            defaultCapacityProviderStrategy: settings?.defaultCapacityProviderStrategy ?? [])
    }

    // MARK: Clusters

    public func createCluster(_ input: ECS.CreateClusterRequest, context: RequestContext) async throws
        -> ECS.CreateClusterResponse
    {
        let name = input.clusterName ?? "default"
        let key = "\(context.account)/\(context.region)/\(name)"
        if let existing = await engine.cluster(key), existing.status == "ACTIVE" {
            return ECS.CreateClusterResponse(cluster: Self.shape(existing))
        }
        let cluster = ClusterRecord(
            account: context.account, region: context.region, name: name, status: "ACTIVE",
            tags: Dictionary((input.tags ?? []).map { ($0.key ?? "", $0.value ?? "") }, uniquingKeysWith: { $1 }),
            settingsJSON: TaskShapes.write(input))
        try await engine.save(cluster)
        return ECS.CreateClusterResponse(cluster: Self.shape(cluster))
    }

    public func describeClusters(_ input: ECS.DescribeClustersRequest, context: RequestContext) async throws
        -> ECS.DescribeClustersResponse
    {
        var clusters: [ECS.Cluster] = []
        var failures: [ECS.Failure] = []
        let tasks = await engine.tasks.values
        for given in input.clusters ?? ["default"] {
            if let cluster = try? await cluster(given, context: context) {
                let mine = tasks.filter { $0.clusterArn == cluster.arn }
                clusters.append(
                    Self.shape(
                        cluster, running: mine.filter { $0.lastStatus == "RUNNING" }.count,
                        pending: mine.filter { ["PROVISIONING", "PENDING"].contains($0.lastStatus) }.count))
            } else {
                let arn =
                    given.hasPrefix("arn:")
                    ? given : "arn:aws:ecs:\(context.region):\(context.account):cluster/\(given)"
                failures.append(ECS.Failure(arn: arn, reason: "MISSING"))
            }
        }
        return ECS.DescribeClustersResponse(clusters: clusters, failures: failures)
    }

    public func listClusters(_ input: ECS.ListClustersRequest, context: RequestContext) async throws
        -> ECS.ListClustersResponse
    {
        let arns = await engine.clusters.values.filter {
            $0.account == context.account && $0.region == context.region && $0.status == "ACTIVE"
        }.map(\.arn).sorted()
        let page = try Self.page(arns, token: input.nextToken, limit: input.maxResults ?? 100)
        return ECS.ListClustersResponse(clusterArns: page.items, nextToken: page.next)
    }

    public func deleteCluster(_ input: ECS.DeleteClusterRequest, context: RequestContext) async throws
        -> ECS.DeleteClusterResponse
    {
        var cluster = try await cluster(input.cluster, context: context)
        if await engine.tasks.values.contains(where: { $0.clusterArn == cluster.arn && $0.lastStatus != "STOPPED" }) {
            throw AWSError("ClusterContainsTasksException", "The Cluster cannot be deleted while Tasks are active.")
        }
        cluster.status = "INACTIVE"
        try await engine.removeCluster(cluster.key)
        return ECS.DeleteClusterResponse(cluster: Self.shape(cluster))
    }

    // MARK: Task definitions

    public func registerTaskDefinition(_ input: ECS.RegisterTaskDefinitionRequest, context: RequestContext)
        async throws -> ECS.RegisterTaskDefinitionResponse
    {
        guard !input.containerDefinitions.isEmpty else {
            throw AWSError("ClientException", "Container list cannot be empty.")
        }
        for container in input.containerDefinitions {
            if container.name == nil {
                throw AWSError("ClientException", "Container.name should not be null or empty.")
            }
            if container.image == nil {
                throw AWSError("ClientException", "Container.image should not be null or empty.")
            }
        }
        let revision = await engine.nextRevision(account: context.account, region: context.region, family: input.family)
        let arn = "arn:aws:ecs:\(context.region):\(context.account):task-definition/\(input.family):\(revision)"
        let fargate = input.requiresCompatibilities?.contains("FARGATE") == true
        let definition = ECS.TaskDefinition(
            taskDefinitionArn: arn,
            containerDefinitions: input.containerDefinitions.map { container in
                var container = container
                if container.essential == nil { container.essential = true }
                if container.portMappings == nil { container.portMappings = [] }
                if container.environment == nil { container.environment = [] }
                if container.mountPoints == nil { container.mountPoints = [] }
                if container.volumesFrom == nil { container.volumesFrom = [] }
                if container.cpu == nil { container.cpu = 0 }
                return container
            },
            family: input.family, taskRoleArn: input.taskRoleArn, executionRoleArn: input.executionRoleArn,
            networkMode: input.networkMode ?? (fargate ? "awsvpc" : "bridge"), revision: revision,
            volumes: input.volumes ?? [], status: "ACTIVE", requiresAttributes: [],
            placementConstraints: input.placementConstraints ?? [],
            compatibilities: fargate ? ["EC2", "FARGATE"] : ["EXTERNAL", "EC2"],
            runtimePlatform: input.runtimePlatform, requiresCompatibilities: input.requiresCompatibilities,
            cpu: input.cpu, memory: input.memory, pidMode: input.pidMode, ipcMode: input.ipcMode,
            registeredAt: Date(), registeredBy: context.principalArn, ephemeralStorage: input.ephemeralStorage)
        let record = TaskDefinitionRecord(
            account: context.account, region: context.region, family: input.family, revision: revision,
            status: "ACTIVE", definitionJSON: TaskShapes.write(definition),
            tags: Dictionary((input.tags ?? []).map { ($0.key ?? "", $0.value ?? "") }, uniquingKeysWith: { $1 }),
            registeredAt: Date())
        try await engine.save(record)
        return ECS.RegisterTaskDefinitionResponse(taskDefinition: definition, tags: input.tags)
    }

    /// A task definition by `family` (its latest active revision), `family:revision` or ARN.
    func taskDefinition(_ given: String, context: RequestContext) async throws -> TaskDefinitionRecord {
        var reference = given
        if given.hasPrefix("arn:"), let slash = given.lastIndex(of: "/") {
            reference = String(given[given.index(after: slash)...])
        }
        let parts = reference.split(separator: ":", omittingEmptySubsequences: false)
        let family = String(parts[0])
        let all = await engine.definitions.values.filter {
            $0.account == context.account && $0.region == context.region && $0.family == family
        }
        if parts.count == 2, let revision = Int(parts[1]), let found = all.first(where: { $0.revision == revision }) {
            return found
        }
        if parts.count == 1,
            let latest = all.filter({ $0.status == "ACTIVE" }).max(by: { $0.revision < $1.revision })
        {
            return latest
        }
        throw AWSError("ClientException", "Unable to describe task definition.")
    }

    public func describeTaskDefinition(_ input: ECS.DescribeTaskDefinitionRequest, context: RequestContext)
        async throws -> ECS.DescribeTaskDefinitionResponse
    {
        let record = try await taskDefinition(input.taskDefinition, context: context)
        return ECS.DescribeTaskDefinitionResponse(
            taskDefinition: try TaskShapes.definition(record),
            tags: input.include?.contains("TAGS") == true ? Self.tags(record.tags) : nil)
    }

    public func deregisterTaskDefinition(_ input: ECS.DeregisterTaskDefinitionRequest, context: RequestContext)
        async throws -> ECS.DeregisterTaskDefinitionResponse
    {
        guard input.taskDefinition.contains(":") else {
            throw AWSError("ClientException", "Revision is missing.")
        }
        var record = try await taskDefinition(input.taskDefinition, context: context)
        record.status = "INACTIVE"
        record.deregisteredAt = Date()
        try await engine.save(record)
        return ECS.DeregisterTaskDefinitionResponse(taskDefinition: try TaskShapes.definition(record))
    }

    public func listTaskDefinitions(_ input: ECS.ListTaskDefinitionsRequest, context: RequestContext) async throws
        -> ECS.ListTaskDefinitionsResponse
    {
        var records = await engine.definitions.values.filter {
            $0.account == context.account && $0.region == context.region && $0.status == (input.status ?? "ACTIVE")
                && (input.familyPrefix.map($0.family.hasPrefix) ?? true)
        }.sorted { ($0.family, $0.revision) < ($1.family, $1.revision) }
        if input.sort == "DESC" { records.reverse() }
        let page = try Self.page(records.map(\.arn), token: input.nextToken, limit: input.maxResults ?? 100)
        return ECS.ListTaskDefinitionsResponse(taskDefinitionArns: page.items, nextToken: page.next)
    }

    public func listTaskDefinitionFamilies(
        _ input: ECS.ListTaskDefinitionFamiliesRequest, context: RequestContext
    ) async throws -> ECS.ListTaskDefinitionFamiliesResponse {
        let records = await engine.definitions.values.filter {
            $0.account == context.account && $0.region == context.region
                && (input.familyPrefix.map($0.family.hasPrefix) ?? true)
        }
        var families: [String: Bool] = [:]
        for record in records {
            families[record.family] = (families[record.family] ?? false) || record.status == "ACTIVE"
        }
        let selected = families.filter { _, active in
            switch input.status ?? "ACTIVE" {
            case "ALL": return true
            case "INACTIVE": return !active
            default: return active
            }
        }.keys.sorted()
        let page = try Self.page(selected, token: input.nextToken, limit: input.maxResults ?? 100)
        return ECS.ListTaskDefinitionFamiliesResponse(families: page.items, nextToken: page.next)
    }

    static func tags(_ tags: [String: String]) -> [ECS.Tag] {
        tags.sorted { $0.key < $1.key }.map { ECS.Tag(key: $0.key, value: $0.value) }
    }

    /// A page of a listing.
    static func page<Item>(_ items: [Item], token: String?, limit: Int) throws -> (items: [Item], next: String?) {
        let page = try OffsetPage(
            items, token: token, size: limit,
            invalidToken: AWSError("InvalidParameterException", "Invalid token \(token ?? "")"))
        return (page.items, page.next)
    }
}
