import Foundation
import Logging
import SwitchyardWire

/// Sends each request to the service and protocol it is meant for, the way AWS clients address them:
/// `X-Amz-Target` for awsJson, the `Action` parameter for awsQuery (the credential scope's service
/// name or the queue-URL path breaking ties), and the operational endpoints under `/_switchyard`.
public struct RequestRouter: Sendable {
    let services: [ServiceEndpoint]
    let byTargetPrefix: [String: ServiceEndpoint]
    let bySigningName: [String: ServiceEndpoint]
    let identities: IdentityResolver
    let operations: OperationalEndpoints
    let logger: Logger

    init(
        services: [ServiceEndpoint], configuration: ServerConfiguration, operations: OperationalEndpoints,
        logger: Logger
    ) {
        self.services = services
        var prefixes: [String: ServiceEndpoint] = [:]
        var signing: [String: ServiceEndpoint] = [:]
        for service in services {
            if let prefix = service.model.targetPrefix { prefixes[prefix] = service }
            signing[service.model.signingName] = service
        }
        byTargetPrefix = prefixes
        bySigningName = signing
        identities = IdentityResolver(configuration: configuration)
        self.operations = operations
        self.logger = logger
    }

    public func handle(_ request: WireRequest) async -> WireResponse {
        if let response = await operations.handle(request) { return response }
        if let smithyProtocol = request.header("smithy-protocol") {
            // rpcv2Cbor requests name the service and operation in the path; no service here speaks it yet.
            return Self.unsupportedProtocol(smithyProtocol, path: request.path)
        }
        guard let (service, codec) = route(request) else {
            return Self.unroutable(request)
        }
        let host = request.header("host") ?? "localhost:4566"
        let identity: Identity
        do {
            identity = try identities.resolve(request)
        } catch {
            let fallback = RequestContext(
                account: identities.configuration.account, region: identities.configuration.region, host: host,
                wireProtocol: codec.wireProtocol)
            return codec.encodeError(error as? AWSError ?? .internalFailure(), model: service.model, context: fallback)
        }
        let context = RequestContext(
            account: identity.account, region: identity.region, host: host, accessKeyId: identity.accessKeyId,
            wireProtocol: codec.wireProtocol)
        do {
            var (operation, input) = try codec.decodeRequest(request, model: service.model)
            if let prepare = service.prepareInput { input = prepare(input, operation, request) }
            if let inputIndex = operation.input {
                try service.validator.validate(input, shape: service.model[inputIndex])
            }
            let output = try await service.handle(operation.name, input, context)
            return codec.encodeResponse(output, operation: operation, model: service.model, context: context)
        } catch let error as AWSError {
            return codec.encodeError(error, model: service.model, context: context)
        } catch {
            logger.error("unexpected failure: \(error)")
            return codec.encodeError(.internalFailure(), model: service.model, context: context)
        }
    }

    /// Picks the service and protocol of a request, or nil when nothing fits.
    func route(_ request: WireRequest) -> (ServiceEndpoint, any ProtocolCodec)? {
        if let target = request.header("x-amz-target"), let dot = target.lastIndex(of: ".") {
            guard let service = byTargetPrefix[String(target[..<dot])] else { return nil }
            let declared = request.header("content-type") ?? ""
            let version: WireProtocol = declared.hasSuffix("1.1") ? .awsJson1_1 : .awsJson1_0
            let wireProtocol =
                service.model.protocols.contains(version)
                ? version : service.model.protocols.first { $0 == .awsJson1_0 || $0 == .awsJson1_1 }
            return wireProtocol.flatMap { service.codec(for: $0) }.map { (service, $0) }
        }
        let contentType = request.header("content-type") ?? ""
        let isForm = contentType.hasPrefix("application/x-www-form-urlencoded")
        let hasQueryAction = request.query.map { $0.hasPrefix("Action=") || $0.contains("&Action=") } ?? false
        guard isForm || hasQueryAction else { return nil }
        let queryServices = services.filter { $0.model.protocols.contains(.awsQuery) }
        if let name = identities.scope(of: request)?.service, let service = bySigningName[name],
            let codec = service.codec(for: .awsQuery)
        {
            return (service, codec)
        }
        // Unsigned: find the service that has the action.
        let action = AWSQueryCodec.parameters(of: request).first { $0.0 == "Action" }?.1
        let service =
            queryServices.first { candidate in action.map { candidate.model.operations[$0] != nil } ?? false }
            ?? queryServices.first
        guard let service, let codec = service.codec(for: .awsQuery) else { return nil }
        return (service, codec)
    }

    static func unsupportedProtocol(_ name: String, path: String) -> WireResponse {
        var writer = JSONWriter()
        writer.raw("{\"__type\":\"UnsupportedProtocolException\",\"message\":")
        writer.string("The \(name) protocol is not implemented by Switchyard yet (request to \(path)).")
        writer.raw("}")
        return WireResponse(status: 400, headers: [("Content-Type", "application/json")], body: writer.bytes)
    }

    static func unroutable(_ request: WireRequest) -> WireResponse {
        var writer = XMLWriter()
        writer.raw("<?xml version=\"1.0\"?><ErrorResponse><Error><Type>Sender</Type>")
        writer.element("Code", "InvalidAction")
        writer.element(
            "Message",
            "Could not find a service for \(request.method) \(request.path): no X-Amz-Target header or Action parameter."
        )
        writer.raw("</Error></ErrorResponse>")
        return WireResponse(status: 400, headers: [("Content-Type", "text/xml")], body: writer.bytes)
    }
}
