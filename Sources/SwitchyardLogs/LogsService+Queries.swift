import Foundation
import SwitchyardModels
import SwitchyardWire

/// Logs Insights: queries started over one or more groups, their results, status and listing,
/// the events their `@ptr` names, the fields a group's events have, and saved query definitions. Only the Logs Insights language
/// (CWLI) runs; SQL and PPL answer NotImplemented, as do the commands `InsightsParser` names.
extension LogsService {
    public func startQuery(_ input: CloudWatchLogs.StartQueryRequest, context: RequestContext) async throws
        -> CloudWatchLogs.StartQueryResponse
    {
        if let language = input.queryLanguage, language != "CWLI" {
            throw AWSError.notImplemented("CloudWatch Logs", "StartQuery with queryLanguage \(language)")
        }
        let given = [input.logGroupName != nil, input.logGroupNames != nil, input.logGroupIdentifiers != nil]
        guard given.filter({ $0 }).count == 1 else {
            throw AWSError(
                "InvalidParameterException",
                "Exactly one of logGroupName, logGroupNames or logGroupIdentifiers must be specified.")
        }
        let requested = input.logGroupName.map { [$0] } ?? input.logGroupNames ?? input.logGroupIdentifiers ?? []
        var names: [String] = []
        for identifier in requested {
            // The account's own groups, by name or ARN (with or without the `:*` describe adds).
            let named = Self.groupArn(identifier)
            guard let group = try? await group(name: nil, identifier: named, context: context),
                group.account == context.account
            else { throw Self.queryGroupMissing(named, context: context) }
            if !names.contains(group.name) { names.append(group.name) }
        }
        guard input.startTime <= input.endTime else {
            throw AWSError("InvalidParameterException", "The query's end time must not be before its start time.")
        }
        let parsed: InsightsQuery
        do {
            parsed = try InsightsParser.parse(input.queryString)
        } catch let error as InsightsQueryError {
            throw Self.malformed(error)
        } catch let error as InsightsParser.Unsupported {
            throw AWSError.notImplemented("CloudWatch Logs", "StartQuery with the \(error.command) command")
        }
        let query = LogsQueryRecord(
            account: context.account, region: context.region, id: UUID().uuidString.lowercased(), groupNames: names,
            queryString: input.queryString, startTime: Int64(input.startTime), endTime: Int64(input.endTime),
            limit: input.limit, status: "Scheduled", createTime: LogsEngine.now())
        try await engine.start(query, parsed: parsed)
        return CloudWatchLogs.StartQueryResponse(queryId: query.id)
    }

    /// AWS's words for a group a query names that does not exist (a message from its Java service).
    static func queryGroupMissing(_ name: String, context: RequestContext) -> AWSError {
        AWSError(
            "ResourceNotFoundException",
            "Log group '\(name)' does not exist for account ID '\(context.account)' (Service: AWSLogs; Status Code: 400; Error Code: ResourceNotFoundException; Request ID: \(UUID().uuidString.lowercased()); Proxy: null)"
        )
    }

    /// MalformedQueryException with the `queryCompileError` that says where.
    static func malformed(_ error: InsightsQueryError) -> AWSError {
        var failure = AWSError("MalformedQueryException", error.message)
        failure.members["queryCompileError"] =
            CloudWatchLogs.QueryCompileError(
                location: CloudWatchLogs.QueryCompileErrorLocation(
                    startCharOffset: error.start, endCharOffset: error.end),
                message: error.message
            ).awsValue
        return failure
    }

    private func query(_ id: String, context: RequestContext) async throws -> LogsQueryRecord {
        guard let query = await engine.queries["\(context.account)/\(context.region)/\(id)"] else {
            throw AWSError("ResourceNotFoundException", "Query does not exist.")
        }
        return query
    }

    public func getQueryResults(_ input: CloudWatchLogs.GetQueryResultsRequest, context: RequestContext) async throws
        -> CloudWatchLogs.GetQueryResultsResponse
    {
        let query = try await query(input.queryId, context: context)
        let rows = query.results ?? []
        var start = 0
        if let token = input.nextToken {
            guard let offset = Int(token), offset >= 0, offset <= rows.count else { throw Self.badToken }
            start = offset
        }
        let size = input.maxItems.map { max($0, 1) } ?? 10_000
        let end = min(start + size, rows.count)
        return CloudWatchLogs.GetQueryResultsResponse(
            queryLanguage: "CWLI",
            results: rows[start..<end].map { row in
                row.map { CloudWatchLogs.ResultField(field: $0.field, value: $0.value) }
            },
            statistics: CloudWatchLogs.QueryStatistics(
                recordsMatched: query.recordsMatched, recordsScanned: query.recordsScanned,
                estimatedRecordsSkipped: 0, bytesScanned: query.bytesScanned, estimatedBytesSkipped: 0,
                logGroupsScanned: Double(query.groupNames.count)),
            status: query.status, nextToken: end < rows.count ? String(end) : nil)
    }

    public func stopQuery(_ input: CloudWatchLogs.StopQueryRequest, context: RequestContext) async throws
        -> CloudWatchLogs.StopQueryResponse
    {
        let query = try await query(input.queryId, context: context)
        guard try await engine.stop(query.key) else {
            throw AWSError("InvalidParameterException", "Query \(query.id) is not running.")
        }
        return CloudWatchLogs.StopQueryResponse(success: true)
    }

    public func describeQueries(_ input: CloudWatchLogs.DescribeQueriesRequest, context: RequestContext) async throws
        -> CloudWatchLogs.DescribeQueriesResponse
    {
        if let language = input.queryLanguage, language != "CWLI" {
            return CloudWatchLogs.DescribeQueriesResponse(queries: [])
        }
        let queries = await engine.queries.values.filter { query in
            query.account == context.account && query.region == context.region
                && (input.logGroupName.map { query.groupNames.contains($0) } ?? true)
                && (input.status.map { query.status == $0 } ?? true)
        }.sorted { ($0.createTime, $0.id) > ($1.createTime, $1.id) }
        let page = try Self.page(queries, token: input.nextToken, limit: input.maxResults ?? 1000)
        return CloudWatchLogs.DescribeQueriesResponse(
            queries: page.items.map { query in
                CloudWatchLogs.QueryInfo(
                    queryLanguage: "CWLI", queryId: query.id, queryString: query.describedString, status: query.status,
                    createTime: Int(query.createTime), logGroupName: query.groupNames.first)
            }, nextToken: page.next)
    }

    public func getLogRecord(_ input: CloudWatchLogs.GetLogRecordRequest, context: RequestContext) async throws
        -> CloudWatchLogs.GetLogRecordResponse
    {
        guard let found = try await engine.event(pointer: input.logRecordPointer, account: context.account) else {
            throw AWSError("ResourceNotFoundException", "The specified log record does not exist.")
        }
        let row = InsightsFields.row(
            found.event, account: found.group.account, group: found.group.name, pointer: input.logRecordPointer,
            discover: true)
        var record: [String: String] = [:]
        for name in row.fieldNames {
            guard let value = row[name] else { continue }
            // Here times are milliseconds since the epoch, not the dates query results show.
            if case .time(let milliseconds) = value {
                record[name] = String(milliseconds)
            } else {
                record[name] = value.text
            }
        }
        return CloudWatchLogs.GetLogRecordResponse(logRecord: record)
    }

    /// The groups a query reads, as ARNs.
    public func listLogGroupsForQuery(
        _ input: CloudWatchLogs.ListLogGroupsForQueryRequest, context: RequestContext
    ) async throws -> CloudWatchLogs.ListLogGroupsForQueryResponse {
        let query = try await query(input.queryId, context: context)
        let arns = query.groupNames.map { "arn:aws:logs:\(query.region):\(query.account):log-group:\($0)" }
        let page = try Self.page(arns, token: input.nextToken, limit: input.maxResults ?? 50)
        return CloudWatchLogs.ListLogGroupsForQueryResponse(logGroupIdentifiers: page.items, nextToken: page.next)
    }

    /// Events GetLogGroupFields looks at, at most (the most recent of its window).
    static let fieldSampleSize = 10_000

    /// The fields of a group's events in the 15 minutes before `time` (default: now), each with the
    /// percentage of those events that have it, the most frequent first.
    public func getLogGroupFields(_ input: CloudWatchLogs.GetLogGroupFieldsRequest, context: RequestContext)
        async throws -> CloudWatchLogs.GetLogGroupFieldsResponse
    {
        let group = try await group(name: input.logGroupName, identifier: input.logGroupIdentifier, context: context)
        let end = input.time.map { Int64($0) * 1000 } ?? LogsEngine.now()
        let events = try await engine.events(
            EventQuery(
                groupKey: group.key, streams: nil, streamPrefix: nil, startTime: end - 15 * 60_000, endTime: end + 1,
                after: nil, before: nil, ascending: false, limit: Self.fieldSampleSize))
        var counts: [String: Int] = [:]
        for event in events {
            let row = InsightsFields.row(event, account: group.account, group: group.name, pointer: "", discover: true)
            for name in row.fieldNames { counts[name, default: 0] += 1 }
        }
        let fields = counts.map { name, count in
            (name: name, percent: Int((Double(count) * 100 / Double(events.count)).rounded()))
        }.sorted { $0.percent != $1.percent ? $0.percent > $1.percent : $0.name < $1.name }
        return CloudWatchLogs.GetLogGroupFieldsResponse(
            logGroupFields: fields.map { CloudWatchLogs.LogGroupField(name: $0.name, percent: $0.percent) })
    }

    // MARK: Query definitions

    public func putQueryDefinition(_ input: CloudWatchLogs.PutQueryDefinitionRequest, context: RequestContext)
        async throws -> CloudWatchLogs.PutQueryDefinitionResponse
    {
        let language = input.queryLanguage ?? "CWLI"
        var id = UUID().uuidString.lowercased()
        if let existing = input.queryDefinitionId {
            guard await engine.queryDefinitions["\(context.account)/\(context.region)/\(existing)"] != nil else {
                throw AWSError("ResourceNotFoundException", "Query definition does not exist.")
            }
            id = existing
        }
        // A definition is replaced whole: what the request leaves out is not kept.
        try await engine.save(
            LogsQueryDefinitionRecord(
                account: context.account, region: context.region, id: id, name: input.name,
                queryString: input.queryString, logGroupNames: input.logGroupNames, language: language,
                lastModified: LogsEngine.now()))
        return CloudWatchLogs.PutQueryDefinitionResponse(queryDefinitionId: id)
    }

    public func describeQueryDefinitions(
        _ input: CloudWatchLogs.DescribeQueryDefinitionsRequest, context: RequestContext
    ) async throws -> CloudWatchLogs.DescribeQueryDefinitionsResponse {
        let definitions = await engine.queryDefinitions.values.filter { definition in
            definition.account == context.account && definition.region == context.region
                && (input.queryDefinitionNamePrefix.map { definition.name.hasPrefix($0) } ?? true)
                && (input.queryLanguage.map { definition.language == $0 } ?? true)
        }.sorted { ($0.name, $0.id) < ($1.name, $1.id) }
        let page = try Self.page(definitions, token: input.nextToken, limit: input.maxResults ?? 1000)
        return CloudWatchLogs.DescribeQueryDefinitionsResponse(
            queryDefinitions: page.items.map { definition in
                CloudWatchLogs.QueryDefinition(
                    queryLanguage: definition.language, queryDefinitionId: definition.id, name: definition.name,
                    queryString: definition.queryString, lastModified: Int(definition.lastModified),
                    logGroupNames: definition.logGroupNames)
            }, nextToken: page.next)
    }

    public func deleteQueryDefinition(_ input: CloudWatchLogs.DeleteQueryDefinitionRequest, context: RequestContext)
        async throws -> CloudWatchLogs.DeleteQueryDefinitionResponse
    {
        guard
            try await engine.deleteQueryDefinition(
                "\(context.account)/\(context.region)/\(input.queryDefinitionId)")
        else { throw AWSError("ResourceNotFoundException", "Query definition does not exist.") }
        return CloudWatchLogs.DeleteQueryDefinitionResponse(success: true)
    }
}
