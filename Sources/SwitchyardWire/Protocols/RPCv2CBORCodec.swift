import Foundation

/// Smithy's rpcv2Cbor protocol: `POST /service/<ServiceName>/operation/<Operation>` with the header
/// `smithy-protocol: rpc-v2-cbor` and CBOR bodies both ways (CloudWatch's preferred protocol).
public struct RPCv2CBORCodec: ProtocolCodec {
    public let wireProtocol = WireProtocol.rpcv2Cbor

    public init() {}

    /// The service and operation names of an rpcv2Cbor path, if it is one.
    public static func names(in path: String) -> (service: String, operation: String)? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        // "", "service", <name>, "operation", <op>
        guard parts.count == 5, parts[0].isEmpty, parts[1] == "service", parts[3] == "operation" else { return nil }
        return (String(parts[2]), String(parts[4]))
    }

    public func decodeRequest(_ request: WireRequest, model: ServiceModel) throws -> (OperationModel, AWSValue) {
        guard let (service, name) = Self.names(in: request.path), request.method == "POST" else {
            throw AWSError(
                "UnknownOperationException", "rpcv2Cbor requests are POSTs to /service/<name>/operation/<name>.",
                httpStatus: 404)
        }
        guard service == model.targetPrefix, let operation = model.operations[name] else {
            throw AWSError(
                "UnknownOperationException", "The operation \(name) is not valid for this service.", httpStatus: 404)
        }
        guard let inputIndex = operation.input else { return (operation, .structure([:])) }
        return (operation, try CBORShapeReader.input(request.body, shape: inputIndex, model: model))
    }

    private func headers(_ context: RequestContext) -> [(String, String)] {
        [
            ("smithy-protocol", "rpc-v2-cbor"), ("Content-Type", "application/cbor"),
            ("x-amzn-RequestId", context.requestId),
        ]
    }

    public func encodeResponse(
        _ output: AWSValue?, operation: OperationModel, model: ServiceModel, context: RequestContext
    ) -> WireResponse {
        guard let output, let outputIndex = operation.output else {
            return WireResponse(status: 200, headers: headers(context), body: [])
        }
        var writer = CBORWriter()
        writer.value(output, shape: model[outputIndex], model: model)
        return WireResponse(status: 200, headers: headers(context), body: writer.bytes)
    }

    public func encodeError(_ error: AWSError, model: ServiceModel, context: RequestContext) -> WireResponse {
        let resolved = ResolvedError(error, model: model)
        var headers = headers(context)
        if model.queryCompatible {
            headers.append(
                ("x-amzn-query-error", "\(resolved.queryCode);\(resolved.senderFault ? "Sender" : "Receiver")"))
        }
        return WireResponse(
            status: resolved.httpStatus, headers: headers,
            body: Self.errorBody(type: "\(model.errorNamespace)#\(resolved.typeName)", message: resolved.message))
    }

    /// `{"__type": ..., "message": ...}` as a CBOR map, the error body of CBOR protocols.
    static func errorBody(type: String, message: String?) -> [UInt8] {
        var writer = CBORWriter()
        writer.mapHeader(count: message == nil ? 1 : 2)
        writer.text("__type")
        writer.text(type)
        if let message {
            writer.text("message")
            writer.text(message)
        }
        return writer.bytes
    }
}
