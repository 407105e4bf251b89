import Foundation
import SwitchyardMatching
import SwitchyardModels
import SwitchyardPlatform
import SwitchyardWire

/// Event source mappings from SQS queues. Other sources (Kinesis, DynamoDB streams, Kafka, MQ,
/// DocumentDB) answer NotImplemented until their services exist.
extension LambdaService {
    public func createEventSourceMapping(_ input: Lambda.CreateEventSourceMappingRequest, context: RequestContext)
        async throws -> Lambda.EventSourceMappingConfiguration
    {
        guard let source = input.eventSourceArn else {
            throw LambdaErrors.invalidParameter("Unrecognized event source.")
        }
        let sourceService = source.split(separator: ":", omittingEmptySubsequences: false).dropFirst(2).first ?? ""
        if sourceService == "kinesis" { return try await createStreamMapping(input, source: source, context: context) }
        guard sourceService == "sqs" else {
            throw AWSError.notImplemented("Lambda", "CreateEventSourceMapping for \(sourceService) sources")
        }
        if input.destinationConfig != nil {
            throw LambdaErrors.invalidParameter(
                "Unsupported DestinationConfig parameter for given event source mapping type.")
        }
        let reference = try Self.reference(input.functionName, context: context)
        guard let function = await engine.function(reference.key) else {
            throw LambdaErrors.invalidParameter("Function does not exist")
        }
        _ = try version(of: function, reference)
        if await resources.exists(source) == false {
            throw LambdaErrors.invalidParameter(
                "Error occurred while ReceiveMessage. SQS Error Code: AWS.SimpleQueueService.NonExistentQueue. SQS Error Message: The specified queue does not exist."
            )
        }
        let batchSize = input.batchSize ?? 10
        let window = input.maximumBatchingWindowInSeconds ?? 0
        try Self.checkBatching(batchSize: batchSize, window: window, fifo: source.hasSuffix(".fifo"))
        let functionArn = reference.qualifiedArn
        if let existing = await engine.mappings(account: context.account, region: context.region).first(where: {
            $0.eventSourceArn == source && $0.functionArn == functionArn
        }) {
            throw LambdaErrors.conflict(
                "An event source mapping with SQS arn (\" \(source) \") and function (\" \(function.name) \") already exists. Please update or delete the existing mapping with UUID \(existing.uuid)"
            )
        }
        let mapping = EventSourceMappingRecord(
            uuid: UUID().uuidString.lowercased(), account: context.account, region: context.region,
            functionArn: functionArn, eventSourceArn: source, batchSize: batchSize,
            maximumBatchingWindowInSeconds: window, functionResponseTypes: input.functionResponseTypes ?? [],
            filterPatterns: try Self.filterPatterns(input.filterCriteria),
            maximumConcurrency: try Self.concurrency(input.scalingConfig), enabled: input.enabled ?? true,
            lastModified: Date(), tags: input.tags)
        try await engine.save(mapping)
        await pollers.sync(mapping.uuid, mapping: mapping, service: self)
        return Self.configuration(mapping, state: mapping.enabled ? "Creating" : "Disabled")
    }

    public func getEventSourceMapping(_ input: Lambda.GetEventSourceMappingRequest, context: RequestContext)
        async throws -> Lambda.EventSourceMappingConfiguration
    {
        let mapping = try await mapping(input.uuid, context: context)
        return Self.configuration(mapping, state: mapping.enabled ? "Enabled" : "Disabled")
    }

    public func listEventSourceMappings(_ input: Lambda.ListEventSourceMappingsRequest, context: RequestContext)
        async throws -> Lambda.ListEventSourceMappingsResponse
    {
        var mappings = await engine.mappings(account: context.account, region: context.region)
        if let source = input.eventSourceArn { mappings = mappings.filter { $0.eventSourceArn == source } }
        if let name = input.functionName {
            let reference = try Self.reference(name, context: context)
            mappings = mappings.filter {
                reference.qualifier == nil
                    ? $0.functionArn.hasPrefix(reference.arn)
                        && ($0.functionArn == reference.arn || $0.functionArn.hasPrefix(reference.arn + ":"))
                    : $0.functionArn == reference.qualifiedArn
            }
        }
        let page = try Page(
            mappings.map { Self.configuration($0, state: $0.enabled ? "Enabled" : "Disabled") }, marker: input.marker,
            maxItems: input.maxItems ?? 100)
        return Lambda.ListEventSourceMappingsResponse(nextMarker: page.nextMarker, eventSourceMappings: page.items)
    }

    public func updateEventSourceMapping(_ input: Lambda.UpdateEventSourceMappingRequest, context: RequestContext)
        async throws -> Lambda.EventSourceMappingConfiguration
    {
        var mapping = try await mapping(input.uuid, context: context)
        let wasEnabled = mapping.enabled
        if let name = input.functionName {
            let reference = try Self.reference(name, context: context)
            guard let function = await engine.function(reference.key) else {
                throw LambdaErrors.invalidParameter("Function does not exist")
            }
            _ = try version(of: function, reference)
            mapping.functionArn = reference.qualifiedArn
        }
        if let enabled = input.enabled { mapping.enabled = enabled }
        if let batchSize = input.batchSize { mapping.batchSize = batchSize }
        if let window = input.maximumBatchingWindowInSeconds { mapping.maximumBatchingWindowInSeconds = window }
        if let types = input.functionResponseTypes { mapping.functionResponseTypes = types }
        if let criteria = input.filterCriteria { mapping.filterPatterns = try Self.filterPatterns(criteria) }
        if let scaling = input.scalingConfig { mapping.maximumConcurrency = try Self.concurrency(scaling) }
        if var stream = mapping.stream {
            try Self.update(&stream, with: input)
            mapping.stream = stream
            try Self.checkStreamBatching(batchSize: mapping.batchSize, window: mapping.maximumBatchingWindowInSeconds)
        } else {
            if input.destinationConfig != nil {
                throw LambdaErrors.invalidParameter(
                    "Unsupported DestinationConfig parameter for given event source mapping type.")
            }
            try Self.checkBatching(
                batchSize: mapping.batchSize, window: mapping.maximumBatchingWindowInSeconds,
                fifo: mapping.eventSourceArn.hasSuffix(".fifo"))
        }
        mapping.lastModified = Date()
        try await engine.save(mapping)
        await pollers.sync(mapping.uuid, mapping: mapping, service: self)
        let state =
            mapping.enabled ? (wasEnabled ? "Updating" : "Enabling") : (wasEnabled ? "Disabling" : "Disabled")
        return Self.configuration(mapping, state: state)
    }

    public func deleteEventSourceMapping(_ input: Lambda.DeleteEventSourceMappingRequest, context: RequestContext)
        async throws -> Lambda.EventSourceMappingConfiguration
    {
        let mapping = try await mapping(input.uuid, context: context)
        try await engine.removeMapping(mapping.uuid)
        await pollers.sync(mapping.uuid, mapping: nil, service: self)
        return Self.configuration(mapping, state: "Deleting")
    }

    private func mapping(_ uuid: String, context: RequestContext) async throws -> EventSourceMappingRecord {
        guard let mapping = await engine.mapping(uuid), mapping.account == context.account,
            mapping.region == context.region
        else {
            throw LambdaErrors.notFound("The resource you requested does not exist.")
        }
        return mapping
    }

    static func checkBatching(batchSize: Int, window: Int, fifo: Bool) throws {
        if batchSize > 10, window == 0 {
            throw LambdaErrors.invalidParameter(
                "Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10")
        }
        let maximum = fifo ? 10 : 10_000
        if batchSize < 1 || batchSize > maximum {
            throw LambdaErrors.invalidParameter(
                "BatchSize \(batchSize) is out of range for the event source: it must be between 1 and \(maximum).")
        }
        if window < 0 || window > 300 {
            throw LambdaErrors.invalidParameter("MaximumBatchingWindowInSeconds must be between 0 and 300.")
        }
    }

    static func filterPatterns(_ criteria: Lambda.FilterCriteria?) throws -> [String] {
        let patterns = (criteria?.filters ?? []).compactMap(\.pattern)
        for pattern in patterns where (try? EventPattern(json: pattern)) == nil {
            throw LambdaErrors.invalidParameter("Invalid filter pattern definition.")
        }
        return patterns
    }

    static func concurrency(_ scaling: Lambda.ScalingConfig?) throws -> Int? {
        guard let maximum = scaling?.maximumConcurrency else { return nil }
        guard (2...1000).contains(maximum) else {
            throw LambdaErrors.invalidParameter("MaximumConcurrency must be between 2 and 1000.")
        }
        return maximum
    }

    static func configuration(_ mapping: EventSourceMappingRecord, state: String)
        -> Lambda.EventSourceMappingConfiguration
    {
        if let stream = mapping.stream { return streamConfiguration(mapping, stream, state: state) }
        return Lambda.EventSourceMappingConfiguration(
            uuid: mapping.uuid, batchSize: mapping.batchSize,
            maximumBatchingWindowInSeconds: mapping.maximumBatchingWindowInSeconds,
            eventSourceArn: mapping.eventSourceArn,
            filterCriteria: mapping.filterPatterns.isEmpty
                ? nil : Lambda.FilterCriteria(filters: mapping.filterPatterns.map { Lambda.Filter(pattern: $0) }),
            functionArn: mapping.functionArn, lastModified: mapping.lastModified, state: state,
            stateTransitionReason: "USER_INITIATED", functionResponseTypes: mapping.functionResponseTypes,
            scalingConfig: mapping.maximumConcurrency.map { Lambda.ScalingConfig(maximumConcurrency: $0) },
            eventSourceMappingArn: mapping.arn)
    }

    /// Invokes a mapping's function with one batch; answers the records that are done with (all of
    /// them, or all but the reported failures), or nil when the function cannot be invoked.
    func deliverBatch(_ payload: [UInt8], mapping: EventSourceMappingRecord, records: [SourceRecord]) async
        -> [SourceRecord]?
    {
        let parts = mapping.functionArn.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 7 else { return nil }
        let reference = FunctionReference(
            account: parts[4], region: parts[3], name: parts[6], qualifier: parts.count > 7 ? parts[7] : nil)
        guard let function = await engine.function(reference.key), let version = try? version(of: function, reference)
        else { return nil }
        guard
            let result = try? await run(
                function, version: version, payload: payload, clientContext: nil,
                // The batch continues its first message's trace, when it has one.
                traceId: records.first?.traceHeader)
        else { return nil }
        if result.functionError != nil { return [] }
        guard mapping.reportsBatchItemFailures else { return records }
        return Self.processed(records, response: result.payload)
    }

    /// With ReportBatchItemFailures: an empty or null answer means all succeeded; a list of
    /// `batchItemFailures` keeps those items; an answer naming an item not in the batch, or malformed,
    /// fails the whole batch.
    static func processed(_ records: [SourceRecord], response: [UInt8]) -> [SourceRecord] {
        let trimmed = String(decoding: response, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty || trimmed == "null" || trimmed == "{}" { return records }
        guard let document = try? JSONSerialization.jsonObject(with: Data(trimmed.utf8)) as? [String: Any] else {
            return records
        }
        guard let failures = document["batchItemFailures"], !(failures is NSNull) else { return records }
        guard let list = failures as? [[String: Any]] else { return [] }
        var failed: Set<String> = []
        for failure in list {
            guard let id = failure["itemIdentifier"] as? String, !id.isEmpty,
                records.contains(where: { $0.id == id })
            else { return [] }
            failed.insert(id)
        }
        return records.filter { !failed.contains($0.id) }
    }
}
