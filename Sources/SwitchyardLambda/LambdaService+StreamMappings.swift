import Foundation
import SwitchyardModels
import SwitchyardPlatform
import SwitchyardWire

/// Event source mappings from streams (Kinesis): their settings, checks and configuration as AWS
/// answers it, and the invocation a stream poller makes.
extension LambdaService {
    func createStreamMapping(
        _ input: Lambda.CreateEventSourceMappingRequest, source: String, context: RequestContext
    ) async throws -> Lambda.EventSourceMappingConfiguration {
        let reference = try Self.reference(input.functionName, context: context)
        guard let function = await engine.function(reference.key) else {
            throw LambdaErrors.invalidParameter("Function does not exist")
        }
        _ = try version(of: function, reference)
        guard let position = input.startingPosition else {
            throw LambdaErrors.invalidParameter(
                "1 validation error detected: Value null at 'startingPosition' failed to satisfy constraint: Member must not be null."
            )
        }
        if position == "AT_TIMESTAMP", input.startingPositionTimestamp == nil {
            throw LambdaErrors.invalidParameter(
                "StartingPositionTimestamp must be provided when StartingPosition is AT_TIMESTAMP.")
        }
        guard await sources.streams.reader(for: source)?.shards(of: source) != nil else {
            throw LambdaErrors.invalidParameter("Stream not found: \(source)")
        }
        let functionArn = reference.qualifiedArn
        if let existing = await engine.mappings(account: context.account, region: context.region).first(where: {
            $0.eventSourceArn == source && $0.functionArn == functionArn
        }) {
            throw LambdaErrors.conflict(
                "The event source arn (\" \(source) \") and function (\" \(function.name) \") provided mapping already exists. Please update or delete the existing mapping with UUID \(existing.uuid)"
            )
        }
        var stream = StreamMappingSettings(
            startingPosition: position, startingPositionTimestamp: input.startingPositionTimestamp,
            parallelizationFactor: 1, maximumRetryAttempts: -1, maximumRecordAgeInSeconds: -1,
            bisectBatchOnFunctionError: false, tumblingWindowInSeconds: 0)
        try Self.update(&stream, with: input)
        let batchSize = input.batchSize ?? 100
        let window = input.maximumBatchingWindowInSeconds ?? 0
        try Self.checkStreamBatching(batchSize: batchSize, window: window)
        let mapping = EventSourceMappingRecord(
            uuid: UUID().uuidString.lowercased(), account: context.account, region: context.region,
            functionArn: functionArn, eventSourceArn: source, batchSize: batchSize,
            maximumBatchingWindowInSeconds: window, functionResponseTypes: input.functionResponseTypes ?? [],
            filterPatterns: try Self.filterPatterns(input.filterCriteria), maximumConcurrency: nil,
            enabled: input.enabled ?? true, lastModified: Date(), tags: input.tags, stream: stream)
        try await engine.save(mapping)
        await pollers.sync(mapping.uuid, mapping: mapping, service: self)
        return Self.configuration(mapping, state: mapping.enabled ? "Creating" : "Disabled")
    }

    /// Applies the stream settings a create or update names (an update names only what changes).
    static func update(_ stream: inout StreamMappingSettings, with input: some StreamMappingInput) throws {
        if let factor = input.parallelizationFactor {
            guard (1...10).contains(factor) else {
                throw LambdaErrors.invalidParameter("ParallelizationFactor must be between 1 and 10.")
            }
            stream.parallelizationFactor = factor
        }
        if let retries = input.maximumRetryAttempts {
            guard (-1...10_000).contains(retries) else {
                throw LambdaErrors.invalidParameter("MaximumRetryAttempts must be between -1 and 10000.")
            }
            stream.maximumRetryAttempts = retries
        }
        if let age = input.maximumRecordAgeInSeconds {
            guard age == -1 || (60...604_800).contains(age) else {
                throw LambdaErrors.invalidParameter(
                    "MaximumRecordAgeInSeconds must be -1 or between 60 and 604800.")
            }
            stream.maximumRecordAgeInSeconds = age
        }
        if let bisect = input.bisectBatchOnFunctionError { stream.bisectBatchOnFunctionError = bisect }
        if let window = input.tumblingWindowInSeconds {
            guard (0...900).contains(window) else {
                throw LambdaErrors.invalidParameter("TumblingWindowInSeconds must be between 0 and 900.")
            }
            stream.tumblingWindowInSeconds = window
        }
        if let destination = input.destinationConfig?.onFailure {
            if let arn = destination.destination {
                let service = arn.split(separator: ":", omittingEmptySubsequences: false).dropFirst(2).first ?? ""
                guard ["sqs", "sns", "s3"].contains(service) else {
                    throw LambdaErrors.invalidParameter(
                        "Unsupported DestinationConfig parameter for given event source mapping type.")
                }
            }
            stream.onFailureDestination = destination.destination
        }
    }

    static func checkStreamBatching(batchSize: Int, window: Int) throws {
        if batchSize < 1 || batchSize > 10_000 {
            throw LambdaErrors.invalidParameter(
                "BatchSize \(batchSize) is out of range for the event source: it must be between 1 and 10000.")
        }
        if window < 0 || window > 300 {
            throw LambdaErrors.invalidParameter("MaximumBatchingWindowInSeconds must be between 0 and 300.")
        }
    }

    static func streamConfiguration(_ mapping: EventSourceMappingRecord, _ stream: StreamMappingSettings, state: String)
        -> Lambda.EventSourceMappingConfiguration
    {
        Lambda.EventSourceMappingConfiguration(
            uuid: mapping.uuid, startingPosition: stream.startingPosition,
            startingPositionTimestamp: stream.startingPositionTimestamp, batchSize: mapping.batchSize,
            maximumBatchingWindowInSeconds: mapping.maximumBatchingWindowInSeconds,
            parallelizationFactor: stream.parallelizationFactor, eventSourceArn: mapping.eventSourceArn,
            filterCriteria: mapping.filterPatterns.isEmpty
                ? nil : Lambda.FilterCriteria(filters: mapping.filterPatterns.map { Lambda.Filter(pattern: $0) }),
            functionArn: mapping.functionArn, lastModified: mapping.lastModified,
            lastProcessingResult: stream.lastProcessingResult, state: state, stateTransitionReason: "User action",
            destinationConfig: Lambda.DestinationConfig(
                onFailure: Lambda.OnFailure(destination: stream.onFailureDestination)),
            maximumRecordAgeInSeconds: stream.maximumRecordAgeInSeconds,
            bisectBatchOnFunctionError: stream.bisectBatchOnFunctionError,
            maximumRetryAttempts: stream.maximumRetryAttempts, tumblingWindowInSeconds: stream.tumblingWindowInSeconds,
            functionResponseTypes: mapping.functionResponseTypes, eventSourceMappingArn: mapping.arn)
    }

    /// The role a mapping's function runs as, which Kinesis events name as `invokeIdentityArn`.
    func role(of functionArn: String) async -> String {
        let parts = functionArn.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 7 else { return "" }
        return await engine.function(LambdaEngine.key(account: parts[4], region: parts[3], name: parts[6]))?.latest.role
            ?? ""
    }

    /// Invokes a stream mapping's function with one batch: its answer, or nil when it failed or
    /// could not run.
    func invokeForStream(_ payload: [UInt8], mapping: EventSourceMappingRecord) async -> [UInt8]? {
        let parts = mapping.functionArn.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 7 else { return nil }
        let reference = FunctionReference(
            account: parts[4], region: parts[3], name: parts[6], qualifier: parts.count > 7 ? parts[7] : nil)
        guard let function = await engine.function(reference.key), let version = try? version(of: function, reference),
            let result = try? await run(function, version: version, payload: payload, clientContext: nil, traceId: nil),
            result.functionError == nil
        else { return nil }
        return result.payload
    }
}

/// What CreateEventSourceMapping and UpdateEventSourceMapping both say about a stream mapping.
protocol StreamMappingInput {
    var parallelizationFactor: Int? { get }
    var maximumRetryAttempts: Int? { get }
    var maximumRecordAgeInSeconds: Int? { get }
    var bisectBatchOnFunctionError: Bool? { get }
    var tumblingWindowInSeconds: Int? { get }
    var destinationConfig: Lambda.DestinationConfig? { get }
}

extension Lambda.CreateEventSourceMappingRequest: StreamMappingInput {}
extension Lambda.UpdateEventSourceMappingRequest: StreamMappingInput {}
