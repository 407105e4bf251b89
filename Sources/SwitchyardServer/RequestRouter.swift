import Foundation
import Logging
import SwitchyardCore
import SwitchyardPlatform
import SwitchyardWire

/// Sends each request to the service and protocol it is meant for, the way AWS clients address them:
/// `X-Amz-Target` for awsJson, the `Action` parameter for awsQuery (the credential scope's service
/// name or the queue-URL path breaking ties), and the operational endpoints under `/_switchyard`.
public struct RequestRouter: Sendable {
    let services: [ServiceEndpoint]
    let byTargetPrefix: [String: ServiceEndpoint]
    /// Several services may share a signing name (SES v1 and v2 both sign as "ses").
    let bySigningName: [String: [ServiceEndpoint]]
    let identities: IdentityResolver
    let operations: OperationalEndpoints
    /// The services that take resources named in the Host header (S3's virtual-hosted buckets).
    let hostAddressed: [ServiceEndpoint]
    /// The services that answer some requests before routing (S3's CORS preflight).
    let intercepting: [ServiceEndpoint]
    let metrics: PlatformMetrics?
    let logger: Logger

    init(
        services: [ServiceEndpoint], configuration: ServerConfiguration, operations: OperationalEndpoints,
        credentials: CredentialDirectory = CredentialDirectory(), metrics: PlatformMetrics? = nil, logger: Logger
    ) {
        self.metrics = metrics
        self.services = services
        hostAddressed = services.filter { $0.hostAddressing != nil }
        intercepting = services.filter { $0.intercept != nil }
        var prefixes: [String: ServiceEndpoint] = [:]
        var signing: [String: [ServiceEndpoint]] = [:]
        for service in services {
            if let prefix = service.descriptor.targetPrefix { prefixes[prefix] = service }
            for name in [service.descriptor.signingName] + service.descriptor.signingAliases {
                signing[name, default: []].append(service)
            }
        }
        byTargetPrefix = prefixes
        bySigningName = signing
        identities = IdentityResolver(configuration: configuration, directory: credentials)
        self.operations = operations
        self.logger = logger
    }

    public func handle(_ request: WireRequest) async -> WireResponse {
        if let response = await operations.handle(request) { return response }
        let request = hostAddressed.lazy.compactMap { $0.hostAddressing?(request) }.first ?? request
        for service in intercepting {
            if let answer = await service.intercept?(request) { return answer }
        }
        guard let (service, codec) = route(request) else {
            if request.header("x-amz-target") == nil, let owner = resourceOwner(of: request.path) {
                return owner.resourcePaths?.answerWithoutAction ?? unroutable(request)
            }
            return unroutable(request)
        }
        let started = ContinuousClock.now
        var (response, operation, context) = await serve(request, service: service, codec: codec)
        if let decorate = service.decorate { response = await decorate(request, response) }
        if request.method == "HEAD" {
            response.body = []
            response.stream = nil
        }
        let elapsed = started.duration(to: .now)
        let outcome = response.errorCode ?? "success"
        metrics?.recordRequest(
            service: service.descriptor.clientName, operation: operation ?? "unknown", outcome: outcome,
            duration: elapsed)
        if logger.logLevel <= .debug {
            let micros = elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000
            logger.debug(
                "request",
                metadata: [
                    "service": "\(service.descriptor.clientName)", "operation": "\(operation ?? "?")",
                    "account": "\(context.account)", "region": "\(context.region)",
                    "protocol": "\(codec.wireProtocol.rawValue)", "status": "\(response.status)",
                    "outcome": "\(outcome)", "requestId": "\(context.requestId)",
                    "ms": "\(micros / 1000).\(String(micros % 1000 + 1000).dropFirst())",
                ])
        }
        return response
    }

    /// Answers a request routed to a service: identity, decoding, validation, the operation.
    private func serve(_ request: WireRequest, service: ServiceEndpoint, codec: any ProtocolCodec) async
        -> (response: WireResponse, operation: String?, context: RequestContext)
    {
        let host = request.header("host") ?? "localhost:4566"
        let identity: Identity
        do {
            identity = try identities.resolve(request)
        } catch {
            let fallback = RequestContext(
                account: identities.configuration.account, region: identities.configuration.region, host: host,
                wireProtocol: codec.wireProtocol)
            var failure = error as? AWSError ?? .internalFailure()
            if let reword = service.rewordError { failure = reword(failure, codec.wireProtocol) }
            var response = codec.encodeError(failure, model: service.model, context: fallback)
            response.errorCode = failure.code
            service.finishResponse?("", &response)
            return (response, nil, fallback)
        }
        let recall = ResponseRecall()
        var context = RequestContext(
            account: identity.account, region: identity.region, host: host, accessKeyId: identity.accessKeyId,
            wireProtocol: codec.wireProtocol, recall: recall, principalArn: identity.principalArn,
            userId: identity.userId, roleArn: identity.roleArn, traceHeader: request.header("x-amzn-trace-id"))
        context.acceptsJSON = request.header("accept")?.contains("application/json") ?? false
        context.serverRegion = identities.configuration.region
        context.spooledBody = request.spooledBody
        context.chunkSignatures = identity.chunkSignatures
        context.requestHeaders = request.headers
        context.sourceIp = request.clientAddress
        var operationName: String?
        do {
            let request = service.inflatesRequestBodies ? try ContentEncoding.decoded(request) : request
            var (operation, input) = try codec.decodeRequest(request, model: service.model)
            operationName = operation.name
            noteUse(of: identity, service: service, operation: operation.name)
            if let prepare = service.prepareInput { input = try prepare(input, operation, request) }
            if let precheck = service.precheck { try precheck(input, operation) }
            if service.validatesInput { try service.validator.validate(input, operation: operation) }
            let output = try await service.handle(operation.name, input, context)
            var response = codec.encodeResponse(output, operation: operation, model: service.model, context: context)
            service.finishResponse?(operation.name, &response)
            response.undelivered = recall
            return (response, operationName, context)
        } catch var error as AWSError {
            if let reword = service.rewordError { error = reword(error, codec.wireProtocol) }
            var response = codec.encodeError(error, model: service.model, context: context)
            response.errorCode = error.code
            service.finishResponse?(operationName ?? "", &response)
            return (response, operationName, context)
        } catch let failure as StorageFailure {
            // Logged by the writer (at most once a second); the client may retry.
            logger.debug("\(service.descriptor.signingName) \(operationName ?? "?"): \(failure)")
            var response = codec.encodeError(.serviceUnavailable(), model: service.model, context: context)
            response.errorCode = "ServiceUnavailable"
            return (response, operationName, context)
        } catch is CancellationError {
            // The client went away; nobody reads this answer.
            var response = codec.encodeError(.internalFailure(), model: service.model, context: context)
            response.errorCode = "Cancelled"
            return (response, operationName, context)
        } catch {
            logger.error("unexpected failure in \(service.descriptor.signingName) \(operationName ?? "?"): \(error)")
            var response = codec.encodeError(.internalFailure(), model: service.model, context: context)
            response.errorCode = "InternalFailure"
            return (response, operationName, context)
        }
    }

    /// Notes a signed request's use of its key and of the service for IAM's last-used and
    /// last-accessed answers. As on AWS, an attempt counts whether or not it succeeds.
    private func noteUse(of identity: Identity, service: ServiceEndpoint, operation: String) {
        guard identity.accessKeyId != nil else { return }
        // A role session's user id is `<role id>:<session name>`; the role is the entity.
        let entityId =
            identity.userId.map { String($0.split(separator: ":").first ?? Substring($0)) } ?? identity.account
        let signingName = service.descriptor.signingName
        identities.directory.usage.note(
            UsageLedger.Use(
                accessKeyId: identity.principalArn == nil ? nil : identity.accessKeyId, entityId: entityId,
                service: signingName == "monitoring" ? "cloudwatch" : signingName, action: operation,
                region: identity.region, date: Date()))
    }

    /// How the transport reads a request's body, decided from its head alone.
    struct BodyHandling {
        /// The largest body taken.
        var maximumBytes: Int
        /// Written to a file as it arrives (the operation's input streams), not held in memory.
        var spool: Bool
        /// The answer to a larger body, in the service's protocol; nil for the transport's plain 413.
        var tooLarge: WireResponse? = nil
    }

    /// How the request's operation takes its body, found from its head alone (method, path, query,
    /// headers): at most `limit` bytes in memory unless the operation allows more (a function's
    /// inline zip) or streams its input (an S3 upload, written to a file). Query requests name their
    /// operation in the body and keep `limit`.
    func bodyHandling(forHead request: WireRequest, default limit: Int) -> BodyHandling {
        let standard = BodyHandling(maximumBytes: limit, spool: false)
        guard let (service, codec) = route(request),
            let operation = operationName(forHead: request, service: service)
        else { return standard }
        let allowed = service.maximumBodyBytes(operation).map { max(limit, $0) } ?? limit
        var handling = BodyHandling(maximumBytes: allowed, spool: service.streamsRequestBody(operation))
        if let refusal = service.bodyTooLarge?(operation, allowed) ?? nil {
            let context = RequestContext(
                account: identities.configuration.account, region: identities.configuration.region,
                host: request.header("host") ?? "localhost:4566", wireProtocol: codec.wireProtocol)
            var response = codec.encodeError(refusal, model: service.model, context: context)
            response.errorCode = refusal.code
            handling.tooLarge = response
        }
        return handling
    }

    /// The operation a request names in its head, for the protocols that name it there.
    private func operationName(forHead request: WireRequest, service: ServiceEndpoint) -> String? {
        var operation: String?
        if let target = request.header("x-amz-target"), let dot = target.lastIndex(of: ".") {
            operation = String(target[target.index(after: dot)...])
        } else if request.header("smithy-protocol") != nil {
            operation = RPCv2CBORCodec.names(in: request.path)?.operation
        } else if service.restProtocol != nil {
            operation = service.model.restRoutes?.match(request)?.0
        }
        return operation
    }

    /// Picks the service and protocol of a request, or nil when nothing fits.
    func route(_ request: WireRequest) -> (ServiceEndpoint, any ProtocolCodec)? {
        if let smithyProtocol = request.header("smithy-protocol") {
            // rpcv2Cbor: the path names the service (its Smithy name, the awsJson target prefix) and
            // the operation.
            guard smithyProtocol == "rpc-v2-cbor", let names = RPCv2CBORCodec.names(in: request.path),
                let service = byTargetPrefix[names.service], let codec = service.codec(for: .rpcv2Cbor)
            else { return nil }
            return (service, codec)
        }
        if let target = request.header("x-amz-target"), let dot = target.lastIndex(of: ".") {
            guard let service = byTargetPrefix[String(target[..<dot])] else { return nil }
            let declared = request.header("content-type") ?? ""
            let version: WireProtocol = declared.hasSuffix("1.1") ? .awsJson1_1 : .awsJson1_0
            let wireProtocol =
                service.descriptor.protocols.contains(version)
                ? version : service.descriptor.protocols.first { $0 == .awsJson1_0 || $0 == .awsJson1_1 }
            let cbor = declared.hasPrefix("application/x-amz-cbor")
            return wireProtocol.flatMap { service.codec(for: $0, cbor: cbor) }.map { (service, $0) }
        }
        let contentType = request.header("content-type") ?? ""
        let isForm = contentType.hasPrefix("application/x-www-form-urlencoded")
        let hasQueryAction = request.query.map { $0.hasPrefix("Action=") || $0.contains("&Action=") } ?? false
        let signingName = identities.scope(of: request)?.service
        // Signed for a service that has no query protocol (S3): its own REST request, even with a form body.
        let signedForREST =
            signingName.flatMap { bySigningName[$0] }.map { services in
                !services.contains { $0.descriptor.protocols.contains(.awsQuery) }
            } ?? false
        // An unsigned form body without an Action, outside any queue's URL, is a REST request (a
        // presigned S3 PUT that the client typed as a form).
        let queryRequest =
            hasQueryAction
            || (isForm
                && (signingName != nil || resourceOwner(of: request.path) != nil
                    || AWSQueryCodec.parameters(of: request).contains { $0.0 == "Action" }))
        guard queryRequest && !signedForREST else { return routeREST(request, signingName: signingName) }
        let queryServices = services.filter { $0.descriptor.protocols.contains(.awsQuery) }
        // A resource's URL (a queue's) belongs to its service, whatever the signature names.
        if let owner = resourceOwner(of: request.path), let codec = owner.codec(for: .awsQuery) {
            return (owner, codec)
        }
        if let name = signingName {
            // Signed for a service: that one, or none (a service Switchyard does not have).
            guard let service = bySigningName[name]?.first(where: { $0.descriptor.protocols.contains(.awsQuery) }),
                let codec = service.codec(for: .awsQuery)
            else { return nil }
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

    /// REST services are told apart by signing name, then by which of them has an operation for the
    /// method and path (SES v2 under /v2/email beside SES v1's query API). An unsigned request goes
    /// to the first REST service, in the order of the service list, that takes its path; S3 comes
    /// last and takes almost any path.
    private func routeREST(_ request: WireRequest, signingName: String?) -> (ServiceEndpoint, any ProtocolCodec)? {
        let candidates: [ServiceEndpoint]
        if let signingName {
            candidates = (bySigningName[signingName] ?? []).filter { $0.restProtocol != nil }
        } else {
            // A queue URL without an action is SQS's to answer, not a bucket's.
            guard resourceOwner(of: request.path) == nil else { return nil }
            candidates = services.filter { $0.restProtocol != nil }
        }
        // A signed request's only candidate is chosen whether its routes match or not: not matched
        // here, since the codec matches them again (matching was 3% of the CPU of an invocation).
        let chosen =
            signingName != nil && candidates.count == 1
            ? candidates.first
            : candidates.first { $0.takesRESTPath(request) } ?? (signingName == nil ? nil : candidates.first)
        guard let chosen, let wireProtocol = chosen.restProtocol, let codec = chosen.codec(for: wireProtocol) else {
            return nil
        }
        return (chosen, codec)
    }

    /// The service whose resource a request path names, if any.
    func resourceOwner(of path: String) -> ServiceEndpoint? {
        services.first { $0.resourcePaths?.matches(path) ?? false }
    }

    /// The answer to a request no service here takes: a service Switchyard does not have (named by
    /// its X-Amz-Target prefix or its signature's service) is NotImplemented; anything else is not an
    /// AWS request at all.
    func unroutable(_ request: WireRequest) -> WireResponse {
        let available = Set(services.map(\.descriptor.signingName)).sorted().joined(separator: ", ")
        let signingService = identities.scope(of: request)?.service
        if request.header("smithy-protocol") != nil {
            let named = RPCv2CBORCodec.names(in: request.path).map { "no service named \($0.service)" }
            var writer = CBORWriter()
            writer.mapHeader(count: 2)
            writer.text("__type")
            writer.text("UnknownOperationException")
            writer.text("message")
            writer.text(
                "Switchyard has \(named ?? "no rpcv2Cbor operation at \(request.path)"); the services available are \(available)."
            )
            return WireResponse(
                status: 404, headers: [("smithy-protocol", "rpc-v2-cbor"), ("Content-Type", "application/cbor")],
                body: writer.bytes)
        }
        if let target = request.header("x-amz-target") {
            let named = signingService.map { "the \($0) service (X-Amz-Target \(target))" } ?? "X-Amz-Target \(target)"
            var writer = JSONWriter()
            writer.raw("{\"__type\":\"NotImplemented\",\"message\":")
            writer.string("Switchyard does not implement \(named); the services available are \(available).")
            writer.raw("}")
            return WireResponse(
                status: 501,
                headers: [
                    ("Content-Type", "application/x-amz-json-1.0"), ("x-amzn-query-error", "NotImplemented;Receiver"),
                ],
                body: writer.bytes)
        }
        let message: String
        let status: Int
        let code: String
        if let signingService, bySigningName[signingService] == nil {
            code = "NotImplemented"
            status = 501
            message =
                "Switchyard does not implement the \(signingService) service (\(request.method) \(request.path)); the services available are \(available)."
        } else {
            code = "InvalidAction"
            status = 400
            message =
                "Could not find a service for \(request.method) \(request.path): an AWS request names its operation in an X-Amz-Target header (JSON protocols) or an Action parameter (query protocol). The services available are \(available)."
        }
        var writer = XMLWriter()
        writer.raw("<?xml version=\"1.0\"?><ErrorResponse><Error><Type>\(status >= 500 ? "Receiver" : "Sender")</Type>")
        writer.element("Code", code)
        writer.element("Message", message)
        writer.raw("</Error></ErrorResponse>")
        return WireResponse(status: status, headers: [("Content-Type", "text/xml")], body: writer.bytes)
    }
}
