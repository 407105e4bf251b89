import Foundation
import SwitchyardPlatform

/// When a principal (a user, a role, or an account's root) last called each service and action.
public struct ServiceAccessRecord: Codable, Sendable, Equatable {
    /// The user's or role's unique id, or the account for its root.
    public var entityId: String
    /// By IAM namespace.
    public var services: [String: LastUse] = [:]
    /// By `service:Action`.
    public var actions: [String: LastUse] = [:]

    public init(entityId: String) { self.entityId = entityId }
}

/// A service last accessed report, computed when it is asked for: IAM reports what was true then.
public struct AccessReportRecord: Codable, Sendable, Equatable {
    /// The 36-character job id.
    public var jobId: String
    public var account: String
    /// Who generated it; only that principal may read it.
    public var owner: String
    /// The user, group, role or policy the report is about.
    public var arn: String
    /// `SERVICE_LEVEL` or `ACTION_LEVEL`.
    public var granularity: String
    public var createdAt: Date
    public var completedAt: Date
    /// The services the entity's policies grant, by namespace.
    public var services: [ReportedService]

    /// Reports are kept this long (AWS does not document how long a job id stays valid).
    static let keptFor: TimeInterval = 7 * 86_400
}

/// One service of a report.
public struct ReportedService: Codable, Sendable, Equatable {
    public var namespace: String
    public var name: String
    /// The entities that could use the service through the policies reported on, each with its last
    /// access of it (most recent first, then those that never called it).
    public var entities: [ReportedEntity]
    /// For ACTION_LEVEL reports: the actions the policies grant that were called, with who called
    /// each last.
    public var actions: [ReportedAction]?

    var lastUse: (entity: ReportedEntity, use: LastUse)? {
        entities.first.flatMap { entity in entity.lastUse.map { (entity, $0) } }
    }
}

public struct ReportedEntity: Codable, Sendable, Equatable {
    public var arn: String
    public var name: String
    /// `USER` or `ROLE`.
    public var type: String
    public var id: String
    public var path: String
    public var lastUse: LastUse?
}

public struct ReportedAction: Codable, Sendable, Equatable {
    /// The action's name without its service (`GetObject`).
    public var name: String
    public var entityArn: String
    public var use: LastUse
}

/// The services whose use IAM reports here: those Switchyard serves (an entity can have called no
/// other here), by IAM namespace, named as AWS names them (botocore's `serviceFullName`).
enum ServiceCatalog {
    static let names: [String: String] = [
        "appflow": "Amazon Appflow", "application-autoscaling": "Application Auto Scaling",
        "autoscaling": "Auto Scaling", "cloudwatch": "Amazon CloudWatch", "ecs": "Amazon EC2 Container Service",
        "events": "Amazon EventBridge", "firehose": "Amazon Kinesis Firehose",
        "iam": "AWS Identity and Access Management", "kinesis": "Amazon Kinesis", "lambda": "AWS Lambda",
        "logs": "Amazon CloudWatch Logs", "pipes": "Amazon EventBridge Pipes", "quicksight": "Amazon QuickSight",
        "s3": "Amazon Simple Storage Service", "scheduler": "Amazon EventBridge Scheduler",
        "ses": "Amazon Simple Email Service", "sns": "Amazon Simple Notification Service",
        "sqs": "Amazon Simple Queue Service", "sts": "AWS Security Token Service",
    ]
}
