import CompressNIO
import Foundation
import NIOCore
import SwitchyardCore
import SwitchyardDelivery
import SwitchyardPlatform
import SwitchyardWire

/// Export tasks: a group's events of a time range written to S3 (through the delivery engine, as
/// every producer writes objects), as AWS lays them out: `<prefix>/<task id>/<stream>/000000.gz`,
/// gzipped lines of `<ISO 8601 time> <message>`, after an `aws-logs-write-test` object at the prefix.
extension LogsEngine {
    /// Events read per page while exporting.
    static let exportPageSize = 10_000

    /// Stores a task (durably, before CreateExportTask answers).
    func save(_ task: LogsExportTaskRecord) async throws {
        exportTasks[task.key] = task
        try await store.submit([.putExportTask(task)]).wait()
    }

    /// Runs a task that is pending or was running when the server stopped.
    func runExport(_ key: String) async {
        guard var task = exportTasks[key], task.isActive else { return }
        task.status = "RUNNING"
        try? await save(task)
        let outcome = await export(task)
        // A task cancelled while it ran stays cancelled.
        guard var finished = exportTasks[key], finished.status == "RUNNING" else { return }
        finished.status = outcome == nil ? "COMPLETED" : "FAILED"
        finished.statusMessage = outcome ?? "Completed successfully"
        finished.completionTime = Self.now()
        try? await save(finished)
    }

    /// Starts every task left active by a restart.
    func resumeExports() async {
        for (key, task) in exportTasks where task.isActive { await runExport(key) }
    }

    /// Writes the task's objects; answers why it failed, or nil.
    private func export(_ task: LogsExportTaskRecord) async -> String? {
        let source = "arn:aws:logs:\(task.region):\(task.account):log-group:\(task.groupName)"
        if let failure = await writeObject(
            task, key: "\(task.prefix)/aws-logs-write-test", bytes: Array("Permission Check Successful".utf8),
            contentType: "text/plain", source: source)
        {
            return failure
        }
        let groupKey = LogGroupRecord.key(account: task.account, region: task.region, name: task.groupName)
        var lines: [String: [String]] = [:]
        var after: EventCursor?
        while true {
            let page: [StoredLogEvent]
            do {
                page = try await events(
                    EventQuery(
                        groupKey: groupKey, streams: nil, streamPrefix: task.streamPrefix, startTime: task.from,
                        endTime: task.to, after: after, before: nil, ascending: true, limit: Self.exportPageSize))
            } catch {
                return "\(error)"
            }
            for event in page {
                let time = Date(timeIntervalSince1970: Double(event.timestamp) / 1000)
                lines[event.stream, default: []].append(
                    UTCDateFormats.string(time, "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'") + " " + event.message)
            }
            guard page.count == Self.exportPageSize, let last = page.last else { break }
            after = EventCursor(timestamp: last.timestamp, id: last.id)
        }
        for (stream, streamLines) in lines.sorted(by: { $0.key < $1.key }) {
            var buffer = ByteBuffer(string: streamLines.joined(separator: "\n") + "\n")
            guard let compressed = try? buffer.compress(with: .gzip()) else { return "compression failed" }
            if let failure = await writeObject(
                task, key: "\(task.prefix)/\(task.id)/\(stream)/000000.gz", bytes: Array(compressed.readableBytesView),
                contentType: "application/octet-stream", source: source)
            {
                return failure
            }
        }
        return nil
    }

    private func writeObject(
        _ task: LogsExportTaskRecord, key: String, bytes: [UInt8], contentType: String, source: String
    ) async -> String? {
        let request = DeliveryRequest.objectWrite(
            bucket: task.bucket, key: key, bytes: bytes, contentType: contentType,
            origin: "\(source):export-task:\(task.id)",
            source: DeliverySource(service: "logs.amazonaws.com", arn: source, account: task.account))
        switch await deliveries.deliverNow(request).0 {
        case .delivered: return nil
        case .failed(let reason), .retry(let reason), .postpone(let reason): return reason
        }
    }
}
