import Foundation

/// The awsJson 1.0 and 1.1 protocols: `X-Amz-Target: Prefix.Operation`, a JSON body in, JSON out.
public struct AWSJSONCodec: ProtocolCodec {
    public let wireProtocol: WireProtocol

    public init(version: WireProtocol = .awsJson1_0) { self.wireProtocol = version }

    private var contentType: String {
        wireProtocol == .awsJson1_1 ? "application/x-amz-json-1.1" : "application/x-amz-json-1.0"
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
        let body = request.body.isEmpty ? [UInt8]("{}".utf8) : request.body
        let document: JSONValue
        do {
            document = try JSONValue.parse(body)
        } catch {
            throw AWSError.serialization("Could not parse the request body as JSON.")
        }
        guard case .object = document else {
            throw AWSError.serialization("The request body must be a JSON object.")
        }
        return (operation, try Self.convert(document, shape: model[inputIndex], model: model, path: ""))
    }

    /// Gives a JSON document the meaning of `shape`; JSON nulls count as absent members.
    static func convert(_ json: JSONValue, shape: Shape, model: ServiceModel, path: String) throws -> AWSValue {
        func mismatch() -> AWSError {
            AWSError.serialization(
                "Unexpected JSON type for \(path.isEmpty ? shape.name : path) (\(shape.kind.rawValue) expected).")
        }
        switch shape.kind {
        case .structure:
            guard case .object(let fields) = json else { throw mismatch() }
            var members: [String: AWSValue] = Dictionary(minimumCapacity: fields.count)
            for (name, field) in fields {
                guard let ref = shape.member(named: name) else { continue }
                if case .null = field { continue }
                members[name] = try convert(field, shape: model[ref.target], model: model, path: name)
            }
            return .structure(members)
        case .list:
            guard case .array(let items) = json, let element = shape.member else { throw mismatch() }
            let elementShape = model[element.target]
            var values: [AWSValue] = []
            values.reserveCapacity(items.count)
            for item in items {
                if case .null = item { continue }
                values.append(try convert(item, shape: elementShape, model: model, path: path))
            }
            return .list(values)
        case .map:
            guard case .object(let fields) = json, let valueRef = shape.value else { throw mismatch() }
            let valueShape = model[valueRef.target]
            var entries: [String: AWSValue] = Dictionary(minimumCapacity: fields.count)
            for (key, field) in fields {
                if case .null = field { continue }
                entries[key] = try convert(field, shape: valueShape, model: model, path: "\(path).\(key)")
            }
            return .map(entries)
        case .string:
            guard case .string(let text) = json else { throw mismatch() }
            return .string(text)
        case .integer, .long:
            switch json {
            case .integer(let number): return .integer(number)
            case .number(let number) where number == number.rounded() && abs(number) < 9e18:
                return .integer(Int(number))
            default: throw mismatch()
            }
        case .double, .float:
            switch json {
            case .integer(let number): return .double(Double(number))
            case .number(let number): return .double(number)
            default: throw mismatch()
            }
        case .boolean:
            guard case .bool(let flag) = json else { throw mismatch() }
            return .boolean(flag)
        case .blob:
            guard case .string(let text) = json else { throw mismatch() }
            guard let data = Data(base64Encoded: text) else {
                throw AWSError.serialization("Invalid base64 value for \(path).")
            }
            return .blob(data)
        case .timestamp:
            switch json {
            case .integer(let seconds): return .timestamp(Date(timeIntervalSince1970: Double(seconds)))
            case .number(let seconds): return .timestamp(Date(timeIntervalSince1970: seconds))
            case .string(let text):
                guard let date = Timestamps.parse(text) else { throw mismatch() }
                return .timestamp(date)
            default: throw mismatch()
            }
        }
    }

    public func encodeResponse(
        _ output: AWSValue?, operation: OperationModel, model: ServiceModel, context: RequestContext
    ) -> WireResponse {
        var headers: [(String, String)] = [("Content-Type", contentType), ("x-amzn-RequestId", context.requestId)]
        guard let output, let outputIndex = operation.output else {
            headers.append(("Content-Length", "0"))
            return WireResponse(status: 200, headers: headers, body: [])
        }
        var writer = JSONWriter()
        writer.value(output, shape: model[outputIndex], model: model)
        return WireResponse(status: 200, headers: headers, body: writer.bytes)
    }

    public func encodeError(_ error: AWSError, model: ServiceModel, context: RequestContext) -> WireResponse {
        let resolved = ResolvedError(error, model: model)
        var headers: [(String, String)] = [("Content-Type", contentType), ("x-amzn-RequestId", context.requestId)]
        if model.protocols.contains(.awsQuery) {
            // awsQueryCompatible: clients take the query-era error code from this header.
            headers.append(
                ("x-amzn-query-error", "\(resolved.queryCode);\(resolved.senderFault ? "Sender" : "Receiver")"))
        }
        var writer = JSONWriter()
        writer.raw("{\"__type\":")
        writer.string("\(model.errorNamespace)#\(resolved.typeName)")
        if let message = resolved.message {
            writer.raw(",\"message\":")
            writer.string(message)
        }
        writer.raw("}")
        return WireResponse(status: resolved.httpStatus, headers: headers, body: writer.bytes)
    }
}
