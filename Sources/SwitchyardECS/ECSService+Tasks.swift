import Foundation
import SwitchyardModels
import SwitchyardWire

/// Running, stopping, describing and listing tasks, and tags.
extension ECSService {
    public func runTask(_ input: ECS.RunTaskRequest, context: RequestContext) async throws -> ECS.RunTaskResponse {
        let tasks = try await launch(
            cluster: input.cluster, taskDefinition: input.taskDefinition, count: input.count ?? 1,
            overrides: input.overrides, launchType: input.launchType ?? "EC2", group: input.group,
            startedBy: input.startedBy, tags: input.tags, context: context)
        return ECS.RunTaskResponse(tasks: tasks, failures: [])
    }

    public func startTask(_ input: ECS.StartTaskRequest, context: RequestContext) async throws
        -> ECS.StartTaskResponse
    {
        // No container instances exist here: the task runs as local processes, as RunTask's do.
        let tasks = try await launch(
            cluster: input.cluster, taskDefinition: input.taskDefinition, count: max(1, input.containerInstances.count),
            overrides: input.overrides, launchType: "EC2", group: input.group, startedBy: input.startedBy,
            tags: input.tags, context: context)
        return ECS.StartTaskResponse(tasks: tasks, failures: [])
    }

    /// Stores new tasks as PROVISIONING and starts their containers.
    func launch(
        cluster given: String?, taskDefinition: String, count: Int, overrides: ECS.TaskOverride?, launchType: String,
        group: String?, startedBy: String?, tags: [ECS.Tag]?, context: RequestContext
    ) async throws -> [ECS.Task] {
        let cluster = try await cluster(given, context: context)
        guard (1...10).contains(count) else {
            throw AWSError("InvalidParameterException", "Count must be between 1 and 10.")
        }
        let definition: TaskDefinitionRecord
        do {
            definition = try await self.taskDefinition(taskDefinition, context: context)
        } catch {
            throw AWSError("InvalidParameterException", "TaskDefinition not found.")
        }
        guard definition.status == "ACTIVE" else {
            throw AWSError("ClientException", "TaskDefinition is inactive")
        }
        let model = try TaskShapes.definition(definition)
        var launched: [ECS.Task] = []
        for _ in 0..<count {
            let id = UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
            let task = TaskRecord(
                account: context.account, region: context.region, clusterName: cluster.name, id: id,
                taskDefinitionArn: definition.arn, lastStatus: "PROVISIONING", desiredStatus: "RUNNING",
                containers: (model.containerDefinitions ?? []).enumerated().map { index, container in
                    ContainerState(
                        name: container.name ?? "container-\(index)", image: container.image ?? "",
                        containerId: UUID().uuidString.lowercased(), lastStatus: "PENDING",
                        essential: container.essential ?? true)
                },
                overridesJSON: overrides.map { TaskShapes.write($0) }, launchType: launchType,
                group: group ?? "family:\(definition.family)", startedBy: startedBy,
                tags: Dictionary((tags ?? []).map { ($0.key ?? "", $0.value ?? "") }, uniquingKeysWith: { $1 }),
                cpu: overrides?.cpu ?? model.cpu, memory: overrides?.memory ?? model.memory, createdAt: Date(),
                version: 1)
            try await engine.save(task)
            launched.append(TaskShapes.task(task))
            let engine = self.engine
            Task { await engine.start(task.arn) }
        }
        return launched
    }

    /// A task by ARN or id in a cluster.
    func task(_ given: String, cluster: String?, context: RequestContext) async throws -> TaskRecord {
        let clusterRecord = try await self.cluster(cluster, context: context)
        let id = given.split(separator: "/").last.map(String.init) ?? given
        guard
            let task = await engine.task(
                "arn:aws:ecs:\(context.region):\(context.account):task/\(clusterRecord.name)/\(id)")
        else {
            throw AWSError("InvalidParameterException", "The referenced task was not found.")
        }
        return task
    }

    public func stopTask(_ input: ECS.StopTaskRequest, context: RequestContext) async throws -> ECS.StopTaskResponse {
        let task = try await task(input.task, cluster: input.cluster, context: context)
        await engine.stop(task.arn, reason: input.reason ?? "Task stopped by user")
        return ECS.StopTaskResponse(task: TaskShapes.task(await engine.task(task.arn) ?? task))
    }

    public func describeTasks(_ input: ECS.DescribeTasksRequest, context: RequestContext) async throws
        -> ECS.DescribeTasksResponse
    {
        var tasks: [ECS.Task] = []
        var failures: [ECS.Failure] = []
        for given in input.tasks {
            if let task = try? await task(given, cluster: input.cluster, context: context) {
                var shape = TaskShapes.task(task)
                if input.include?.contains("TAGS") != true { shape.tags = nil }
                tasks.append(shape)
            } else {
                failures.append(ECS.Failure(arn: given, reason: "MISSING"))
            }
        }
        return ECS.DescribeTasksResponse(tasks: tasks, failures: failures)
    }

    public func listTasks(_ input: ECS.ListTasksRequest, context: RequestContext) async throws -> ECS.ListTasksResponse
    {
        let cluster = try await cluster(input.cluster, context: context)
        let desired = input.desiredStatus ?? "RUNNING"
        let tasks = await engine.tasks.values.filter { task in
            task.clusterArn == cluster.arn && task.desiredStatus == desired
                && (input.startedBy.map { task.startedBy == $0 } ?? true)
                && (input.launchType.map { task.launchType == $0 } ?? true)
                && (input.family.map { family in task.taskDefinitionArn.contains("task-definition/\(family):") } ?? true)
        }.sorted { $0.createdAt < $1.createdAt }
        let page = try Self.page(tasks.map(\.arn), token: input.nextToken, limit: input.maxResults ?? 100)
        return ECS.ListTasksResponse(taskArns: page.items, nextToken: page.next)
    }

    // MARK: Tags

    public func tagResource(_ input: ECS.TagResourceRequest, context: RequestContext) async throws
        -> ECS.TagResourceResponse
    {
        try await retag(input.resourceArn) { tags in
            for tag in input.tags { tags[tag.key ?? ""] = tag.value ?? "" }
        }
        return ECS.TagResourceResponse()
    }

    public func untagResource(_ input: ECS.UntagResourceRequest, context: RequestContext) async throws
        -> ECS.UntagResourceResponse
    {
        try await retag(input.resourceArn) { tags in
            for key in input.tagKeys { tags[key] = nil }
        }
        return ECS.UntagResourceResponse()
    }

    public func listTagsForResource(_ input: ECS.ListTagsForResourceRequest, context: RequestContext) async throws
        -> ECS.ListTagsForResourceResponse
    {
        var found: [String: String]?
        try await retag(input.resourceArn) { tags in found = tags }
        return ECS.ListTagsForResourceResponse(tags: Self.tags(found ?? [:]))
    }

    /// Applies a change to the tags of the cluster, task definition or task an ARN names.
    private func retag(_ arn: String, _ change: (inout [String: String]) -> Void) async throws {
        if var cluster = await engine.clusters.values.first(where: { $0.arn == arn }) {
            change(&cluster.tags)
            try await engine.save(cluster)
        } else if var definition = await engine.definitions.values.first(where: { $0.arn == arn }) {
            change(&definition.tags)
            try await engine.save(definition)
        } else if var task = await engine.task(arn) {
            change(&task.tags)
            try await engine.save(task)
        } else {
            throw AWSError("InvalidParameterException", "The specified resource is not found.")
        }
    }
}
