import Foundation
import SwitchyardDelivery
import SwitchyardModels
import SwitchyardWire

// MARK: Export jobs: message insights and VDM metrics from the captured outbox

extension SESV2Service {
    func createExportJob(_ input: SESv2.CreateExportJobRequest, context: RequestContext) async throws
        -> SESv2.CreateExportJobResponse
    {
        try await run {
            let scope = Self.scope(context)
            let source = input.exportDataSource
            guard (source.metricsDataSource == nil) != (source.messageInsightsDataSource == nil) else {
                throw SESFailure.invalidParameter(
                    "Exactly one of MetricsDataSource or MessageInsightsDataSource must be given.")
            }
            var target: (bucket: String, key: String)?
            if let url = input.exportDestination.s3Url {
                guard let location = ImportSource.location(url) else {
                    throw SESFailure.invalidParameter("S3Url must be an s3://bucket/key URL.")
                }
                target = location
            }
            let file: ExportFile
            let processed: Int
            if let metrics = source.metricsDataSource {
                guard metrics.namespace == "VDM" else { throw SESFailure.invalidParameter("Namespace must be VDM.") }
                guard !metrics.metrics.isEmpty else {
                    throw SESFailure.invalidParameter("At least one metric must be given.")
                }
                guard metrics.startDate <= metrics.endDate else {
                    throw SESFailure.invalidParameter("StartDate must be before EndDate.")
                }
                (file, processed) = await metricsFile(metrics, scope: scope)
            } else if let insights = source.messageInsightsDataSource {
                guard insights.startDate <= insights.endDate else {
                    throw SESFailure.invalidParameter("StartDate must be before EndDate.")
                }
                (file, processed) = await insightsFile(insights, scope: scope)
            } else {
                throw SESFailure.invalidParameter("ExportDataSource is required.")
            }
            let id = UUID().uuidString.lowercased()
            let now = SESEngine.nowMillis()
            var job = ExportJobRecord(
                scope: scope, id: id, source: StoredSESv2Shape.write(source),
                destination: StoredSESv2Shape.write(input.exportDestination),
                sourceType: source.metricsDataSource == nil ? "MESSAGE_INSIGHTS" : "METRICS_DATA",
                status: "COMPLETED", createdMillis: now, completedMillis: now, processed: processed,
                exported: file.rows.count, file: file.render(format: input.exportDestination.dataFormat))
            // The job runs at once; the file also goes to the bucket named, if one was.
            if let target, let text = job.file {
                let failure = await engine.writeObject(
                    bucket: target.bucket, key: target.key, bytes: Array(text.utf8),
                    contentType: input.exportDestination.dataFormat == "JSON" ? "application/json" : "text/csv",
                    scope: scope, origin: "arn:aws:ses:\(scope.region):\(scope.account):export-job/\(id)")
                if let failure {
                    job.status = "FAILED"
                    job.failure = failure
                }
            }
            try await engine.putExportJob(job)
            return SESv2.CreateExportJobResponse(jobId: id)
        }
    }

    /// One row per message and recipient, newest first, as Message Insights show them.
    func insightsFile(_ source: SESv2.MessageInsightsDataSource, scope: SESScope) async -> (ExportFile, Int) {
        let start = Int64(source.startDate.timeIntervalSince1970 * 1000)
        let end = Int64(source.endDate.timeIntervalSince1970 * 1000)
        let messages = await engine.sentMessages(scope, from: start, to: end).sorted { $0.sentMillis > $1.sentMillis }
        var rows: [[String: String]] = []
        var processed = 0
        let limit = source.maxResults ?? 10_000
        for message in messages {
            for recipient in message.destinations {
                guard let delivery = Self.lastDeliveryEvent(message.outcomes[recipient]) else { continue }
                processed += 1
                let row = [
                    "message_id": message.id, "send_timestamp": SESEvents.time(message.sentMillis),
                    "from_email_address": message.source, "subject": message.subject ?? "", "destination": recipient,
                    "isp": "Other", "last_delivery_event": delivery,
                    "last_engagement_event": Self.lastEngagementEvent(message, recipient),
                    "email_tags": message.tags.map { "\($0.key)=\($0.value)" }.joined(separator: ";"),
                ]
                let included = source.include.map { Self.passes(row, $0) } ?? true
                let excluded = source.exclude.map { Self.passes(row, $0, any: true) } ?? false
                if included && !excluded && rows.count < limit { rows.append(row) }
            }
        }
        let columns = [
            "message_id", "send_timestamp", "from_email_address", "subject", "destination", "isp",
            "last_delivery_event", "last_engagement_event", "email_tags",
        ]
        return (ExportFile(columns: columns, rows: rows), processed)
    }

    static func lastDeliveryEvent(_ outcome: String?) -> String? {
        switch outcome {
        case "delivered", "relayed": "DELIVERY"
        case "complained": "COMPLAINT"
        case "bounced", "suppressed", "unsubscribed": "PERMANENT_BOUNCE"
        case "delayed": "TRANSIENT_BOUNCE"
        case "rendering-failed", nil: nil
        default: "SEND"
        }
    }

    static func lastEngagementEvent(_ message: SentMessage, _ recipient: String) -> String {
        if message.clickedBy?.contains(recipient) == true { return "CLICK" }
        if message.openedBy?.contains(recipient) == true { return "OPEN" }
        return ""
    }

    /// Whether a row passes a filter set: every given filter matches (an Include), or, with `any`,
    /// at least one does (an Exclude removes a row that any of its filters names).
    static func passes(_ row: [String: String], _ filters: SESv2.MessageInsightsFilters, any: Bool = false) -> Bool {
        let checks: [(String, [String]?, Bool)] = [
            ("from_email_address", filters.fromEmailAddress, true), ("destination", filters.destination, true),
            ("subject", filters.subject, true), ("isp", filters.isp, false),
            ("last_delivery_event", filters.lastDeliveryEvent, false),
            ("last_engagement_event", filters.lastEngagementEvent, false),
        ]
        var results: [Bool] = []
        for (column, values, wildcards) in checks {
            guard let values, !values.isEmpty else { continue }
            let value = row[column] ?? ""
            results.append(values.contains { wildcards ? ExportFile.matches($0, value) : $0 == value })
        }
        return any ? results.contains(true) : !results.contains(false)
    }

    /// One row per day, metric and combination of the dimensions' values, for the days from the first
    /// message sent in the range to the last: a range of millennia costs what its mail does, not a
    /// row per day of it.
    func metricsFile(_ source: SESv2.MetricsDataSource, scope: SESScope) async -> (ExportFile, Int) {
        let start = Self.day(Int64(source.startDate.timeIntervalSince1970 * 1000))
        let end = Int64(source.endDate.timeIntervalSince1970 * 1000)
        let messages = await engine.sentMessages(scope, from: start, to: end)
        let dimensions = source.dimensions.keys.sorted()
        // Every combination of the values asked for, one per dimension.
        var combinations: [[String: String]] = [[:]]
        for dimension in dimensions {
            combinations = combinations.flatMap { partial in
                (source.dimensions[dimension] ?? []).map { partial.merging([dimension: $0]) { $1 } }
            }
        }
        var rows: [[String: String]] = []
        let sentDays = messages.map { Self.day($0.sentMillis) }
        var day = max(start, sentDays.min() ?? end + 1)
        let lastDay = min(end, sentDays.max() ?? end)
        while day <= lastDay {
            let todays = messages.filter { Self.day($0.sentMillis) == day }
            for combination in combinations {
                let matching = todays.filter { Self.matches($0, dimensions: combination) }
                for metric in source.metrics {
                    guard let name = metric.name else { continue }
                    let count = matching.reduce(0) { total, message in
                        total
                            + message.destinations.reduce(0) { $0 + Self.counts(name, message: message, recipient: $1) }
                    }
                    var value = Double(count)
                    if metric.aggregation == "RATE" {
                        let base =
                            ["OPEN", "CLICK", "DELIVERY_OPEN", "DELIVERY_CLICK", "DELIVERY_COMPLAINT"]
                                .contains(name) ? "DELIVERY" : "SEND"
                        let denominator = matching.reduce(0) { total, message in
                            total
                                + message.destinations.reduce(0) {
                                    $0 + Self.counts(base, message: message, recipient: $1)
                                }
                        }
                        value = denominator == 0 ? 0 : Double(count) / Double(denominator)
                    }
                    var row = combination.reduce(into: [String: String]()) { $0[$1.key.lowercased()] = $1.value }
                    row["timestamp"] = SESEvents.time(day)
                    row["metric"] = name
                    row["aggregation"] = metric.aggregation ?? "VOLUME"
                    row["value"] = metric.aggregation == "RATE" ? String(value) : String(count)
                    rows.append(row)
                }
            }
            day += 86_400_000
        }
        let columns = ["timestamp"] + dimensions.map { $0.lowercased() } + ["metric", "aggregation", "value"]
        return (ExportFile(columns: columns, rows: rows), messages.count)
    }

    /// The download URL of a finished job's file: AWS answers a pre-signed S3 URL, this server one
    /// of its own, which needs no credentials, as a pre-signed URL does: the job id is a random UUID.
    func downloadURL(_ job: ExportJobRecord) async -> String {
        "\(engine.baseURL)\(SESOperationalRoutes.exports)?id=\(job.id)"
    }

    func getExportJob(_ input: SESv2.GetExportJobRequest, context: RequestContext) async throws
        -> SESv2.GetExportJobResponse
    {
        try await run {
            guard let job = await engine.exportJobs[Self.scope(context).key(input.jobId)] else {
                throw SESV2Errors.notFound("Export job \(input.jobId) does not exist.")
            }
            var destination = StoredSESv2Shape.read(SESv2.ExportDestination.self, job.destination)
            if job.status == "COMPLETED" { destination?.s3Url = await downloadURL(job) }
            return SESv2.GetExportJobResponse(
                jobId: job.id, exportSourceType: job.sourceType, jobStatus: job.status,
                exportDestination: destination,
                exportDataSource: StoredSESv2Shape.read(SESv2.ExportDataSource.self, job.source),
                createdTimestamp: Self.date(job.createdMillis), completedTimestamp: job.completedMillis.map(Self.date),
                failureInfo: job.failure.map { SESv2.FailureInfo(errorMessage: $0) },
                statistics: SESv2.ExportStatistics(
                    processedRecordsCount: job.processed, exportedRecordsCount: job.exported))
        }
    }

    func listExportJobs(_ input: SESv2.ListExportJobsRequest, context: RequestContext) async throws
        -> SESv2.ListExportJobsResponse
    {
        let all = await engine.exportJobs.records(prefix: Self.scope(context).key("")).filter { job in
            (input.exportSourceType.map { job.sourceType == $0 } ?? true)
                && (input.jobStatus.map { job.status == $0 } ?? true)
        }.sorted { $0.createdMillis < $1.createdMillis }
        let (page, next) = SESV1Service.page(all, name: \.id, token: input.nextToken, limit: input.pageSize)
        return SESv2.ListExportJobsResponse(
            exportJobs: page.map {
                SESv2.ExportJobSummary(
                    jobId: $0.id, exportSourceType: $0.sourceType, jobStatus: $0.status,
                    createdTimestamp: Self.date($0.createdMillis), completedTimestamp: $0.completedMillis.map(Self.date)
                )
            }, nextToken: next)
    }

    func cancelExportJob(_ input: SESv2.CancelExportJobRequest, context: RequestContext) async throws
        -> SESv2.CancelExportJobResponse
    {
        try await run {
            guard let job = await engine.exportJobs[Self.scope(context).key(input.jobId)] else {
                throw SESV2Errors.notFound("Export job \(input.jobId) does not exist.")
            }
            // Jobs here finish before CreateExportJob answers, so there is never one left to cancel.
            guard job.status == "CREATED" || job.status == "PROCESSING" else {
                throw SESFailure.invalidParameter("Export job \(input.jobId) is \(job.status) and cannot be cancelled.")
            }
            return SESv2.CancelExportJobResponse()
        }
    }
}
