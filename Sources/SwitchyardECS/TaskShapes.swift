import Foundation
import SwitchyardModels
import SwitchyardWire

/// Task definitions, overrides and tasks between their stored form and the model's shapes.
enum TaskShapes {
    static func write<Value: AWSValueConvertible>(_ value: Value) -> String {
        guard let index = ECS.model.shapeIndex[String(describing: Value.self)] else { return "{}" }
        return ShapeJSON.write(value.awsValue, shape: index, model: ECS.model)
    }

    static func read<Value: AWSValueConvertible>(_ type: Value.Type, _ text: String) throws -> Value {
        guard let index = ECS.model.shapeIndex[String(describing: Value.self)],
            let value = try ShapeJSON.read(text, shape: index, model: ECS.model)
        else { throw AWSError("ServerException", "A stored ECS document cannot be read.") }
        return try Value(awsValue: value)
    }

    static func definition(_ record: TaskDefinitionRecord) throws -> ECS.TaskDefinition {
        var definition = try read(ECS.TaskDefinition.self, record.definitionJSON)
        definition.status = record.status
        definition.deregisteredAt = record.deregisteredAt
        return definition
    }

    static func overrides(_ text: String) throws -> ECS.TaskOverride { try read(ECS.TaskOverride.self, text) }

    /// A task as DescribeTasks and RunTask answer it.
    static func task(_ record: TaskRecord) -> ECS.Task {
        let containers = record.containers.map { container in
            ECS.Container(
                containerArn:
                    "arn:aws:ecs:\(record.region):\(record.account):container/\(record.clusterName)/\(record.id)/\(container.containerId)",
                taskArn: record.arn, name: container.name, image: container.image, runtimeId: container.runtimeId,
                lastStatus: container.lastStatus, exitCode: container.exitCode, reason: container.reason,
                networkBindings: [], networkInterfaces: [], healthStatus: "UNKNOWN")
        }
        return ECS.Task(
            attachments: [], attributes: [], availabilityZone: "\(record.region)a", clusterArn: record.clusterArn,
            containers: containers, cpu: record.cpu, createdAt: record.createdAt, desiredStatus: record.desiredStatus,
            enableExecuteCommand: false, group: record.group, healthStatus: "UNKNOWN", lastStatus: record.lastStatus,
            launchType: record.launchType, memory: record.memory,
            overrides: record.overridesJSON.flatMap { try? overrides($0) }
                ?? ECS.TaskOverride(containerOverrides: [], inferenceAcceleratorOverrides: []),
            platformVersion: record.launchType == "FARGATE" ? "1.4.0" : nil,
            startedAt: record.startedAt, startedBy: record.startedBy, stopCode: record.stopCode,
            stoppedAt: record.stoppedAt, stoppedReason: record.stoppedReason, stoppingAt: record.stoppingAt,
            tags: record.tags.isEmpty
                ? nil : record.tags.sorted { $0.key < $1.key }.map { ECS.Tag(key: $0.key, value: $0.value) },
            taskArn: record.arn, taskDefinitionArn: record.taskDefinitionArn, version: record.version)
    }

    /// The task as an event's detail (camelCase members, as DescribeTasks writes them).
    static func eventDetail(_ record: TaskRecord) -> OrderedJSON {
        let text = write(task(record))
        guard case .object(var members)? = try? OrderedJSON.parse(Array(text.utf8)) else { return .object([]) }
        members.append(("updatedAt", .string(iso8601(Date()))))
        return .object(members)
    }

    static func iso8601(_ date: Date) -> String { UTCDateFormats.string(date, "yyyy-MM-dd'T'HH:mm:ss'Z'") }
}
