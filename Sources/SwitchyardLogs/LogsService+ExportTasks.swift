import Foundation
import SwitchyardModels
import SwitchyardWire

/// Export tasks: a log group's events of a time range, written to an S3 bucket of this server. A
/// task is stored before CreateExportTask answers and runs in the background (PENDING, RUNNING,
/// then COMPLETED or FAILED); one restarted server finishes what the last one left running.
extension LogsService {
    public func createExportTask(_ input: CloudWatchLogs.CreateExportTaskRequest, context: RequestContext)
        async throws -> CloudWatchLogs.CreateExportTaskResponse
    {
        let group = try await group(name: input.logGroupName, context: context)
        if await resources.exists("arn:aws:s3:::\(input.destination)") == false {
            throw AWSError(
                "InvalidParameterException", "The given bucket does not exist. Please make sure the bucket is valid.")
        }
        if input.from > input.to {
            throw AWSError(
                "InvalidParameterException", "The fromTime parameter must be less than or equal to the to parameter.")
        }
        // One active export task per account at a time (AWS's quota).
        let active = await engine.exportTasks.values.contains {
            $0.account == context.account && $0.region == context.region && $0.isActive
        }
        if active { throw AWSError("LimitExceededException", "Resource limit exceeded.") }
        let task = LogsExportTaskRecord(
            account: context.account, region: context.region, id: UUID().uuidString.lowercased(),
            name: input.taskName, groupName: group.name, streamPrefix: input.logStreamNamePrefix,
            from: Int64(input.from), to: Int64(input.to), bucket: input.destination,
            prefix: input.destinationPrefix ?? "exportedlogs", status: "PENDING", creationTime: LogsEngine.now())
        try await engine.save(task)
        let engine = self.engine
        Task { await engine.runExport(task.key) }
        return CloudWatchLogs.CreateExportTaskResponse(taskId: task.id)
    }

    public func describeExportTasks(_ input: CloudWatchLogs.DescribeExportTasksRequest, context: RequestContext)
        async throws -> CloudWatchLogs.DescribeExportTasksResponse
    {
        let tasks = await engine.exportTasks.values
            .filter { $0.account == context.account && $0.region == context.region }
            .filter { input.taskId == nil || $0.id == input.taskId }
            .filter { input.statusCode == nil || $0.status == input.statusCode }
            .sorted { ($0.creationTime, $0.id) > ($1.creationTime, $1.id) }
        let page = try Self.page(tasks, token: input.nextToken, limit: input.limit ?? 50)
        return CloudWatchLogs.DescribeExportTasksResponse(exportTasks: page.items.map(Self.shape), nextToken: page.next)
    }

    public func cancelExportTask(_ input: CloudWatchLogs.CancelExportTaskRequest, context: RequestContext)
        async throws
    {
        let key = "\(context.account)/\(context.region)/\(input.taskId)"
        guard var task = await engine.exportTasks[key] else {
            throw AWSError("ResourceNotFoundException", "The specified export task does not exist.")
        }
        guard task.isActive else {
            throw AWSError("InvalidOperationException", "The specified export task has already finished.")
        }
        task.status = "CANCELLED"
        task.statusMessage = "Cancelled by user"
        task.completionTime = LogsEngine.now()
        try await engine.save(task)
    }

    static func shape(_ task: LogsExportTaskRecord) -> CloudWatchLogs.ExportTask {
        CloudWatchLogs.ExportTask(
            taskId: task.id, taskName: task.name, logGroupName: task.groupName, from: Int(task.from),
            to: Int(task.to), destination: task.bucket, destinationPrefix: task.prefix,
            status: CloudWatchLogs.ExportTaskStatus(code: task.status, message: task.statusMessage),
            executionInfo: CloudWatchLogs.ExportTaskExecutionInfo(
                creationTime: Int(task.creationTime), completionTime: task.completionTime.map { Int($0) }))
    }
}
