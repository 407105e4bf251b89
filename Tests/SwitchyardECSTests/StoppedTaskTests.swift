import Foundation
import Logging
import SwitchyardDelivery
import SwitchyardPlatform
import Testing

@testable import SwitchyardECS

@Suite struct StoppedTaskTests {
    func task(_ id: String, status: String, stoppedAt: Date?) -> TaskRecord {
        TaskRecord(
            account: "000000000000", region: "us-east-1", clusterName: "default", id: id,
            taskDefinitionArn: "arn:aws:ecs:us-east-1:000000000000:task-definition/t:1", lastStatus: status,
            desiredStatus: status, containers: [], overridesJSON: nil, launchType: "FARGATE", group: "family:t",
            startedBy: nil, tags: [:], cpu: nil, memory: nil, createdAt: Date(timeIntervalSince1970: 0),
            startedAt: nil, stoppingAt: nil, stoppedAt: stoppedAt, stopCode: nil, stoppedReason: nil, version: 1)
    }

    /// Stopped tasks stay described for an hour, as AWS keeps them "for at least one hour", and are
    /// then forgotten rather than kept for good; running tasks stay.
    @Test func tasksStoppedOverAnHourAgoAreForgotten() async throws {
        let engine = try ECSEngine(
            store: MemoryECSStore(), deliveries: try DeliveryEngine(store: MemoryDeliveryStore(), transports: [:]),
            logs: LogWriters(), credentials: CredentialDirectory(), endpointURL: "http://127.0.0.1:4566",
            logger: Logger(label: "test"))
        let now = Date(timeIntervalSince1970: 1_795_737_600)
        let tasks = [
            task("running", status: "RUNNING", stoppedAt: nil),
            task("old", status: "STOPPED", stoppedAt: now.addingTimeInterval(-3601)),
            task("recent", status: "STOPPED", stoppedAt: now.addingTimeInterval(-1800)),
        ]
        for task in tasks { try await engine.save(task) }
        #expect(try await engine.forgetStoppedTasks(now: now) == 1)
        #expect(await engine.task(tasks[1].arn) == nil)
        #expect(await engine.task(tasks[0].arn) != nil)
        #expect(await engine.task(tasks[2].arn) != nil)
        #expect(try await engine.forgetStoppedTasks(now: now.addingTimeInterval(1801)) == 1)
        #expect(await engine.tasks.count == 1)
    }
}
