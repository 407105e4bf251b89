import Foundation

/// A cluster: a name for a group of tasks (no container instances: tasks run as local processes).
struct ClusterRecord: Codable, Sendable, Equatable {
    var account: String
    var region: String
    var name: String
    var status: String
    var tags: [String: String]
    /// Settings and capacity providers, as the model's JSON, echoed back.
    var settingsJSON: String?

    var arn: String { "arn:aws:ecs:\(region):\(account):cluster/\(name)" }
    var key: String { "\(account)/\(region)/\(name)" }
}

/// One revision of a task definition, as registered (the model's TaskDefinition as JSON).
struct TaskDefinitionRecord: Codable, Sendable, Equatable {
    var account: String
    var region: String
    var family: String
    var revision: Int
    var status: String
    var definitionJSON: String
    var tags: [String: String]
    var registeredAt: Date
    var deregisteredAt: Date?

    var arn: String { "arn:aws:ecs:\(region):\(account):task-definition/\(family):\(revision)" }
    var key: String { "\(account)/\(region)/\(family):\(revision)" }
}

/// A container of a task, as it runs.
struct ContainerState: Codable, Sendable, Equatable {
    var name: String
    var image: String
    var containerId: String
    var lastStatus: String
    var essential: Bool
    var exitCode: Int?
    var reason: String?
    var runtimeId: String?
}

/// A task: its containers and where it is in PROVISIONING → PENDING → RUNNING → STOPPED.
struct TaskRecord: Codable, Sendable, Equatable {
    var account: String
    var region: String
    var clusterName: String
    var id: String
    var taskDefinitionArn: String
    var lastStatus: String
    var desiredStatus: String
    var containers: [ContainerState]
    var overridesJSON: String?
    var launchType: String
    var group: String
    var startedBy: String?
    var tags: [String: String]
    var cpu: String?
    var memory: String?
    var createdAt: Date
    var startedAt: Date?
    var stoppingAt: Date?
    var stoppedAt: Date?
    var stopCode: String?
    var stoppedReason: String?
    var version: Int

    var arn: String { "arn:aws:ecs:\(region):\(account):task/\(clusterName)/\(id)" }
    var clusterArn: String { "arn:aws:ecs:\(region):\(account):cluster/\(clusterName)" }
}
