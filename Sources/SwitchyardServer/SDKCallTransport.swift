import SwitchyardDelivery
import SwitchyardPlatform
import SwitchyardWire

/// Makes the API calls of Scheduler's universal targets (`arn:aws:scheduler:::aws-sdk:<service>:<apiAction>`)
/// against this server's own services, in process: the resource names the service and the action
/// (`firehose:putRecord`), the payload is the call's input as JSON in the API's parameter names, and
/// the call acts in the account and region of the producer (the schedule). A client error no retry
/// can change (a missing parameter, a resource that does not exist) fails the delivery at once, to the
/// dead-letter queue; a server error is retried.
struct SDKCallTransport: DeliveryTransport {
    static let kind = DeliveryTargetKind("aws-sdk", targetsName: "AWS SDK API calls")
    /// The implemented services by every name a universal target may give them, built once.
    let endpoints: [String: ServiceEndpoint]

    init(endpoints: [ServiceEndpoint]) {
        var byName: [String: ServiceEndpoint] = [:]
        for endpoint in endpoints where endpoint.implemented {
            for name in Self.names(endpoint.descriptor) where byName[name] == nil { byName[name] = endpoint }
        }
        self.endpoints = byName
    }

    func attempt(_ request: DeliveryRequest) async -> DeliveryOutcome {
        let parts = request.target.resource.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, let action = parts[1].first else {
            return .failed(reason: "\(request.target.resource) is not <service>:<apiAction>")
        }
        guard let endpoint = endpoints[parts[0].lowercased()] else {
            return .failed(reason: "the service \(parts[0]) is not available in Switchyard")
        }
        let operationName = action.uppercased() + parts[1].dropFirst()
        guard let operation = endpoint.model.operations[operationName] else {
            return .failed(reason: "\(endpoint.descriptor.serviceId) has no operation \(operationName)")
        }
        // The producer's region, from its ARN (`arn:aws:scheduler:<region>:...`).
        let region = request.source.flatMap { ARN.parts($0.arn) }.map { String($0[3]) }
        let context = RequestContext(
            account: request.source?.account ?? "000000000000",
            region: region.flatMap { $0.isEmpty ? nil : $0 } ?? "us-east-1",
            host: "localhost", wireProtocol: endpoint.descriptor.protocols.first ?? .awsJson1_1)
        do {
            var input = AWSValue.structure([:])
            if let shape = operation.input {
                let text = request.body.text ?? "{}"
                input = try ShapeJSON.read(text.isEmpty ? "{}" : text, shape: shape, model: endpoint.model) ?? input
                if endpoint.validatesInput { try endpoint.validator.validate(input, operation: operation) }
            }
            _ = try await endpoint.handle(operationName, input, context)
            return .delivered
        } catch let error as AWSError {
            let reason = "\(error.code): \(error.message ?? "")"
            return error.senderFault ? .failed(reason: reason) : .retry(reason: reason)
        } catch {
            return .failed(reason: "the input of \(operationName) is not valid JSON for it: \(error)")
        }
    }

    /// The names a universal target may give a service by: its SDK's client name, signing name,
    /// endpoint prefix or service id, lower-cased without spaces (`sqs`, `firehose`, `cloudwatchlogs`).
    static func names(_ descriptor: ServiceDescriptor) -> Set<String> {
        [descriptor.clientName, descriptor.signingName, descriptor.endpointPrefix, descriptor.serviceId]
            .map { $0.lowercased().replacingOccurrences(of: " ", with: "") }.reduce(into: []) { $0.insert($1) }
    }

}
