import Foundation
import SwitchyardDelivery
import SwitchyardModels
import SwitchyardWire

/// Asynchronous invocation settings: retries, maximum event age, and on-success / on-failure
/// destinations (SQS queues, SNS topics, functions, event buses).
extension LambdaService {
    public func putFunctionEventInvokeConfig(
        _ input: Lambda.PutFunctionEventInvokeConfigRequest, context: RequestContext
    ) async throws -> Lambda.FunctionEventInvokeConfig {
        // What is asked is checked before the function is looked up, as AWS recorded.
        guard
            input.maximumRetryAttempts != nil || input.maximumEventAgeInSeconds != nil || input.destinationConfig != nil
        else {
            throw LambdaErrors.invalidParameter(
                "You must specify at least one of error handling or destination setting.")
        }
        return try await storeEventInvokeConfig(
            input.functionName, qualifier: input.qualifier, context: context, replacing: true,
            destinations: input.destinationConfig
        ) { config in
            config.maximumRetryAttempts = input.maximumRetryAttempts
            config.maximumEventAgeInSeconds = input.maximumEventAgeInSeconds
            config.onSuccess = input.destinationConfig?.onSuccess?.destination
            config.onFailure = input.destinationConfig?.onFailure?.destination
        }
    }

    public func updateFunctionEventInvokeConfig(
        _ input: Lambda.UpdateFunctionEventInvokeConfigRequest, context: RequestContext
    ) async throws -> Lambda.FunctionEventInvokeConfig {
        try await storeEventInvokeConfig(
            input.functionName, qualifier: input.qualifier, context: context, replacing: false,
            destinations: input.destinationConfig
        ) { config in
            if let retries = input.maximumRetryAttempts { config.maximumRetryAttempts = retries }
            if let age = input.maximumEventAgeInSeconds { config.maximumEventAgeInSeconds = age }
            if let success = input.destinationConfig?.onSuccess { config.onSuccess = success.destination }
            if let failure = input.destinationConfig?.onFailure { config.onFailure = failure.destination }
        }
    }

    public func getFunctionEventInvokeConfig(
        _ input: Lambda.GetFunctionEventInvokeConfigRequest, context: RequestContext
    ) async throws -> Lambda.FunctionEventInvokeConfig {
        let reference = try Self.reference(input.functionName, qualifier: input.qualifier, context: context)
        let qualifier = reference.qualifier ?? "$LATEST"
        guard let function = await engine.function(reference.key),
            let config = function.eventInvokeConfigs?[qualifier]
        else { throw Self.noEventInvokeConfig(reference) }
        return Self.shape(config, function: function, qualifier: qualifier)
    }

    public func deleteFunctionEventInvokeConfig(
        _ input: Lambda.DeleteFunctionEventInvokeConfigRequest, context: RequestContext
    ) async throws {
        let reference = try Self.reference(input.functionName, qualifier: input.qualifier, context: context)
        let qualifier = reference.qualifier ?? "$LATEST"
        guard var function = await engine.function(reference.key), function.eventInvokeConfigs?[qualifier] != nil
        else { throw Self.noEventInvokeConfig(reference) }
        function.eventInvokeConfigs?[qualifier] = nil
        try await engine.save(function)
    }

    public func listFunctionEventInvokeConfigs(
        _ input: Lambda.ListFunctionEventInvokeConfigsRequest, context: RequestContext
    ) async throws -> Lambda.ListFunctionEventInvokeConfigsResponse {
        let function = try await invokeConfigFunction(try Self.reference(input.functionName, context: context))
        let configs = (function.eventInvokeConfigs ?? [:]).sorted { $0.key < $1.key }.map {
            Self.shape($0.value, function: function, qualifier: $0.key)
        }
        let page = try Page(configs, marker: input.marker, maxItems: input.maxItems ?? 50)
        return Lambda.ListFunctionEventInvokeConfigsResponse(
            functionEventInvokeConfigs: page.items, nextMarker: page.nextMarker)
    }

    private func storeEventInvokeConfig(
        _ name: String, qualifier given: String?, context: RequestContext, replacing: Bool,
        destinations: Lambda.DestinationConfig?, _ change: (inout EventInvokeConfigRecord) -> Void
    ) async throws -> Lambda.FunctionEventInvokeConfig {
        let reference = try Self.reference(name, qualifier: given, context: context)
        var function = try await invokeConfigFunction(reference)
        let qualifier = reference.qualifier ?? "$LATEST"
        for destination in [destinations?.onSuccess?.destination, destinations?.onFailure?.destination]
        where destination != nil {
            try await checkDestination(destination ?? "", destinations: destinations, of: function)
        }
        var config =
            replacing
            ? EventInvokeConfigRecord(lastModified: Date())
            : (function.eventInvokeConfigs?[qualifier] ?? EventInvokeConfigRecord(lastModified: Date()))
        if !replacing, function.eventInvokeConfigs?[qualifier] == nil { throw Self.noEventInvokeConfig(reference) }
        change(&config)
        config.lastModified = Date()
        if let retries = config.maximumRetryAttempts, !(0...2).contains(retries) {
            throw AWSError(
                "ValidationException",
                "1 validation error detected: Value '\(retries)' at 'maximumRetryAttempts' failed to satisfy constraint: Member must have value less than or equal to 2",
                httpStatus: 400)
        }
        function.eventInvokeConfigs = (function.eventInvokeConfigs ?? [:]).merging([qualifier: config]) { $1 }
        try await engine.save(function)
        return Self.shape(config, function: function, qualifier: qualifier)
    }

    /// Put, Update and List answer a function, version or alias that does not exist in AWS's words
    /// for them.
    private func invokeConfigFunction(_ reference: FunctionReference) async throws -> FunctionRecord {
        do {
            let function = try await function(reference)
            _ = try version(of: function, reference)
            return function
        } catch let error as AWSError where error.code == "ResourceNotFoundException" {
            throw LambdaErrors.notFound("The function doesn't exist.")
        }
    }

    /// A destination is a queue, topic, function or event bus that exists, and not the function itself.
    private func checkDestination(_ arn: String, destinations: Lambda.DestinationConfig?, of function: FunctionRecord)
        async throws
    {
        let service = arn.split(separator: ":", omittingEmptySubsequences: false).dropFirst(2).first ?? ""
        guard ["sqs", "sns", "lambda", "events"].contains(service) else {
            let success = destinations?.onSuccess?.destination.map { "OnSuccess(destination=\($0))" } ?? "null"
            let failure = destinations?.onFailure?.destination.map { "OnFailure(destination=\($0))" } ?? "null"
            throw LambdaErrors.invalidParameter(
                "The provided destination config DestinationConfig(onSuccess=\(success), onFailure=\(failure)) is invalid."
            )
        }
        if arn == function.arn || arn.hasPrefix(function.arn + ":") {
            throw LambdaErrors.invalidParameter("You can't specify the function as a destination for itself.")
        }
        if await resources.exists(arn) == false {
            throw LambdaErrors.invalidParameter("The destination ARN \(arn) is invalid.")
        }
    }

    static func noEventInvokeConfig(_ reference: FunctionReference) -> AWSError {
        LambdaErrors.notFound(
            "The function \(reference.arn):\(reference.qualifier ?? "$LATEST") doesn't have an EventInvokeConfig")
    }

    static func shape(_ config: EventInvokeConfigRecord, function: FunctionRecord, qualifier: String)
        -> Lambda.FunctionEventInvokeConfig
    {
        let destinations =
            config.onSuccess == nil && config.onFailure == nil
            ? Lambda.DestinationConfig(onSuccess: Lambda.OnSuccess(), onFailure: Lambda.OnFailure())
            : Lambda.DestinationConfig(
                onSuccess: Lambda.OnSuccess(destination: config.onSuccess),
                onFailure: Lambda.OnFailure(destination: config.onFailure))
        return Lambda.FunctionEventInvokeConfig(
            lastModified: config.lastModified, functionArn: "\(function.arn):\(qualifier)",
            maximumRetryAttempts: config.maximumRetryAttempts,
            maximumEventAgeInSeconds: config.maximumEventAgeInSeconds,
            destinationConfig: destinations)
    }

    /// The settings that apply to an asynchronous invocation of `qualifier`.
    static func eventInvokeConfig(_ function: FunctionRecord, qualifier: String?) -> EventInvokeConfigRecord? {
        function.eventInvokeConfigs?[qualifier ?? "$LATEST"]
    }

    /// The delivery target a destination ARN names.
    static func destinationTarget(_ arn: String) -> DeliveryTarget {
        let parts = arn.split(separator: ":", omittingEmptySubsequences: false)
        switch parts.count > 2 ? parts[2] : "" {
        case "sqs": return .sqs(arn: arn)
        case "sns": return DeliveryTarget(kind: .snsTopic, resource: arn)
        case "lambda": return .lambda(arn: arn)
        default: return DeliveryTarget(kind: .eventBus, resource: arn)
        }
    }

    /// The function ARN an invocation record names: qualified, `$LATEST` when the invocation named
    /// none (AWS's recordings).
    static func recordedFunctionArn(_ arn: String) -> String {
        arn.split(separator: ":", omittingEmptySubsequences: false).count == 7 ? arn + ":$LATEST" : arn
    }

    /// The invocation record AWS sends to a destination; `ran`: false when the function never ran
    /// (then the record has no response context).
    static func invocationRecord(
        requestId: String, functionArn: String, condition: String, attempts: Int, request: [UInt8],
        functionError: String?, response: [UInt8]?, ran: Bool = true
    ) -> String {
        func json(_ bytes: [UInt8]) -> OrderedJSON {
            (try? OrderedJSON.parse(bytes)) ?? .string(String(decoding: bytes, as: UTF8.self))
        }
        var responseContext: [(key: String, value: OrderedJSON)] = [
            ("statusCode", .integer(200)),
            (
                "executedVersion",
                .string(
                    functionArn.split(separator: ":").count > 7
                        ? String(functionArn.split(separator: ":")[7]) : "$LATEST")
            ),
        ]
        if let functionError { responseContext.append(("functionError", .string(functionError))) }
        var members: [(key: String, value: OrderedJSON)] = [
            ("version", .string("1.0")), ("timestamp", .string(LambdaService.logTimestamp())),
            (
                "requestContext",
                .object([
                    ("requestId", .string(requestId)), ("functionArn", .string(functionArn)),
                    ("condition", .string(condition)), ("approximateInvokeCount", .integer(attempts)),
                ])
            ),
            ("requestPayload", json(request)),
        ]
        if ran { members.append(("responseContext", .object(responseContext))) }
        if let response { members.append(("responsePayload", json(response))) }
        return OrderedJSON.object(members).text
    }
}

/// Where an asynchronous invocation goes when its retries run out: the function's dead-letter queue
/// (the event as it was) and its on-failure destination (an invocation record), as AWS sends both.
struct LambdaFailureTransport: DeliveryTransport {
    static let kind = DeliveryTargetKind("lambda-failure", targetsName: "Lambda failure destinations")
    /// Why an asynchronous invocation of a function whose reserved concurrency is 0 fails at once
    /// (the condition AWS names in its invocation record).
    static let zeroReservedConcurrency = "ZeroReservedConcurrency"
    let deliveries: DeliveryEngine

    func attempt(_ request: DeliveryRequest) async -> DeliveryOutcome {
        let metadata = request.metadata ?? [:]
        var requests: [DeliveryRequest] = []
        if let deadLetter = metadata["DeadLetterArn"], let target = LambdaService.deadLetterTarget(deadLetter) {
            requests.append(
                DeliveryRequest(
                    target: target, body: request.body, attributes: Self.deadLetterAttributes(metadata),
                    retry: .managedEndpoint, origin: request.origin))
        }
        if let destination = metadata["OnFailure"] {
            let reason = metadata[DeliveryRequest.failureReasonKey] ?? ""
            let neverRan = reason == Self.zeroReservedConcurrency
            // The last attempt's error document, which AWS hands on as the response payload.
            let errorDocument = (try? OrderedJSON.parse(Array(reason.utf8))).flatMap { document in
                document["errorType"] != nil || document["errorMessage"] != nil ? Array(reason.utf8) : nil
            }
            let condition =
                neverRan
                ? Self.zeroReservedConcurrency
                : metadata[DeliveryRequest.eventAgeExceededKey] == "true" ? "EventAgeExceeded" : "RetriesExhausted"
            let record = LambdaService.invocationRecord(
                requestId: metadata["RequestId"] ?? "",
                functionArn: LambdaService.recordedFunctionArn(metadata["FunctionArn"] ?? request.origin),
                condition: condition,
                attempts: neverRan
                    ? 0
                    : Int(metadata[DeliveryRequest.failedAttemptsKey] ?? metadata["Attempts"] ?? "") ?? 1,
                request: request.body.bytes, functionError: neverRan ? nil : "Unhandled", response: errorDocument,
                ran: !neverRan)
            requests.append(
                DeliveryRequest(
                    target: LambdaService.destinationTarget(destination), body: DeliveryPayload(record),
                    retry: .managedEndpoint, origin: request.origin))
        }
        guard !requests.isEmpty else { return .delivered }
        do {
            try await deliveries.enqueue(requests).wait()
            return .delivered
        } catch {
            return .retry(reason: "\(error)")
        }
    }

    /// The attributes Lambda gives a message in a function's dead-letter queue: the invocation's
    /// request id, the status code of its invocation (200: the function ran and failed) and the
    /// error's message, from the last attempt's error document.
    static func deadLetterAttributes(_ metadata: [String: String]) -> [String: DeliveryAttribute] {
        let reason = metadata[DeliveryRequest.failureReasonKey] ?? ""
        var message = reason
        if let document = try? OrderedJSON.parse(Array(reason.utf8)),
            case .scalar(.string(let text))? = document["errorMessage"]
        {
            message = text
        }
        var attributes = [
            "RequestID": DeliveryAttribute(dataType: "String", stringValue: metadata["RequestId"] ?? ""),
            "ErrorCode": DeliveryAttribute(dataType: "Number", stringValue: "200"),
        ]
        if !message.isEmpty { attributes["ErrorMessage"] = DeliveryAttribute(dataType: "String", stringValue: message) }
        return attributes
    }
}
