import Foundation

/// The awsJson 1.0 and 1.1 protocols: `X-Amz-Target: Prefix.Operation`, a JSON body in, JSON out;
/// or, for services whose SDKs send them (`application/x-amz-cbor-1.1`, Kinesis), CBOR bodies.
public struct AWSJSONCodec: ProtocolCodec {
    public let wireProtocol: WireProtocol
    /// Bodies are CBOR both ways.
    public let cbor: Bool

    public init(version: WireProtocol = .awsJson1_0, cbor: Bool = false) {
        self.wireProtocol = version
        self.cbor = cbor
    }

    private var contentType: String {
        if cbor { return "application/x-amz-cbor-1.1" }
        return wireProtocol == .awsJson1_1 ? "application/x-amz-json-1.1" : "application/x-amz-json-1.0"
    }

    public func decodeRequest(_ request: WireRequest, model: ServiceModel) throws -> (OperationModel, AWSValue) {
        guard let target = request.header("x-amz-target"), let dot = target.lastIndex(of: ".") else {
            throw AWSError("UnknownOperationException", "Missing or malformed X-Amz-Target header.")
        }
        let name = String(target[target.index(after: dot)...])
        guard let operation = model.operations[name], String(target[..<dot]) == model.targetPrefix else {
            throw AWSError("UnknownOperationException", "The operation \(name) is not valid for this service.")
        }
        guard let inputIndex = operation.input else { return (operation, .structure([:])) }
        if cbor {
            return (operation, try CBORShapeReader.input(request.body, shape: inputIndex, model: model, millis: true))
        }
        let body = request.body.isEmpty ? [UInt8]("{}".utf8) : request.body
        let input = try body.withUnsafeBufferPointer { buffer -> AWSValue? in
            var reader = JSONReader(bytes: buffer)
            reader.skipWhitespace()
            guard reader.position < buffer.count, buffer[reader.position] == UInt8(ascii: "{") else {
                throw AWSError.serialization("The request body must be a JSON object.")
            }
            do {
                let value = try reader.awsValue(shape: inputIndex, model: model, depth: 0, path: { "" })
                reader.skipWhitespace()
                guard reader.position == buffer.count else { throw JSONReader.Failure() }
                return value
            } catch is JSONReader.Failure {
                throw AWSError.serialization("Could not parse the request body as JSON.")
            }
        }
        return (operation, input ?? .structure([:]))
    }

    public func encodeResponse(
        _ output: AWSValue?, operation: OperationModel, model: ServiceModel, context: RequestContext
    ) -> WireResponse {
        var headers: [(String, String)] = [("Content-Type", contentType), ("x-amzn-RequestId", context.requestId)]
        guard let output, let outputIndex = operation.output else {
            headers.append(("Content-Length", "0"))
            return WireResponse(status: 200, headers: headers, body: [])
        }
        var body = output
        if model.protocols.contains(.awsQuery), operation.name.hasSuffix("Batch"), case .structure(var members) = body {
            // AWS leaves an empty Successful or Failed out of a batch answer (recorded for SendMessageBatch).
            for name in ["Successful", "Failed"] {
                if case .list(let items)? = members[name], items.isEmpty { members[name] = nil }
            }
            body = .structure(members)
        }
        let outputShape = model[outputIndex]
        if case .structure(var members) = body,
            let streamRef = outputShape.members.first(where: { model[$0.target].traits.eventStream }),
            case .events(let source)? = members[streamRef.name]
        {
            // The body is the event stream; the output's other members travel in its first event.
            members[streamRef.name] = nil
            var initial: [UInt8]
            if cbor {
                var writer = CBORWriter()
                writer.millisecondTimestamps = true
                writer.value(.structure(members), shape: outputShape, model: model)
                initial = writer.bytes
            } else {
                var writer = JSONWriter()
                writer.value(.structure(members), shape: outputShape, model: model)
                initial = writer.bytes
            }
            headers[0] = ("Content-Type", "application/vnd.amazon.eventstream")
            var response = WireResponse(status: 200, headers: headers)
            response.stream = EventStreamEncoding(model: model, union: model[streamRef.target], isCBOR: cbor).body(
                source, initialResponse: initial)
            return response
        }
        if cbor {
            var writer = CBORWriter()
            writer.millisecondTimestamps = true
            writer.value(body, shape: model[outputIndex], model: model)
            return WireResponse(status: 200, headers: headers, body: writer.bytes)
        }
        var writer = JSONWriter()
        writer.value(body, shape: model[outputIndex], model: model)
        return WireResponse(status: 200, headers: headers, body: writer.bytes)
    }

    /// `__type` as the service writes it: `<namespace>#<code>`, or the bare code for services without
    /// an error namespace (Kinesis).
    static func errorType(_ code: String, model: ServiceModel) -> String {
        model.errorNamespace.isEmpty ? code : "\(model.errorNamespace)#\(code)"
    }

    public func encodeError(_ error: AWSError, model: ServiceModel, context: RequestContext) -> WireResponse {
        let resolved = ResolvedError(error, model: model)
        var headers: [(String, String)] = [("Content-Type", contentType), ("x-amzn-RequestId", context.requestId)]
        if model.protocols.contains(.awsQuery) {
            // awsQueryCompatible: clients take the query-era error code from this header.
            headers.append(
                ("x-amzn-query-error", "\(resolved.queryCode);\(resolved.senderFault ? "Sender" : "Receiver")"))
        }
        if cbor {
            let body = RPCv2CBORCodec.errorBody(
                type: Self.errorType(resolved.typeName, model: model), message: resolved.message)
            return WireResponse(status: resolved.httpStatus, headers: headers, body: body)
        }
        var writer = JSONWriter()
        writer.raw("{\"__type\":")
        writer.string(Self.errorType(resolved.typeName, model: model))
        if let message = resolved.message {
            writer.raw(",\"message\":")
            writer.string(message)
        }
        if !error.members.isEmpty, let shape = model.errorShapes[resolved.typeName] {
            for ref in shape.members {
                guard let value = error.members[ref.name] else { continue }
                writer.raw(",")
                writer.string(ref.name)
                writer.raw(":")
                writer.value(value, shape: model[ref.target], model: model)
            }
        }
        writer.raw("}")
        return WireResponse(status: resolved.httpStatus, headers: headers, body: writer.bytes)
    }
}
