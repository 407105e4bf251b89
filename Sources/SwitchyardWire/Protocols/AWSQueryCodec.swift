import Foundation

/// The awsQuery protocol: form-encoded `Action=...&Name.1.Key=...` parameters in, XML out.
public struct AWSQueryCodec: ProtocolCodec {
    public let wireProtocol = WireProtocol.awsQuery

    public init() {}

    /// The most dot-separated components a parameter name may have to be considered.
    static let maxNameDepth = 32

    /// Form parameters arranged by their dotted names: `Attribute.1.Name` is children Attribute → 1 → Name.
    struct ParameterNode {
        var value: String?
        var children: [String: ParameterNode] = [:]

        mutating func insert(_ components: ArraySlice<Substring>, value: String) {
            guard let first = components.first else {
                self.value = value
                return
            }
            children[String(first), default: ParameterNode()].insert(components.dropFirst(), value: value)
        }

        /// Children whose names are 1, 2, 3... in numeric order.
        var indexedChildren: [(String, ParameterNode)] {
            children.compactMap { key, node in Int(key).map { ($0, key, node) } }
                .sorted { $0.0 < $1.0 }
                .map { ($0.1, $0.2) }
        }
    }

    /// Reads the body (form) and the URL query of a request into parameters.
    public static func parameters(of request: WireRequest) -> [(String, String)] {
        var pairs: [(String, String)] = []
        if let query = request.query { pairs += FormParameters.decode(Array(query.utf8)) }
        if !request.body.isEmpty { pairs += FormParameters.decode(request.body) }
        return pairs
    }

    public func decodeRequest(_ request: WireRequest, model: ServiceModel) throws -> (OperationModel, AWSValue) {
        try decode(parameters: Self.parameters(of: request), model: model)
    }

    /// Finds the operation named by `Action` and builds its input from the parameters.
    public func decode(parameters: [(String, String)], model: ServiceModel) throws -> (OperationModel, AWSValue) {
        var root = ParameterNode()
        var action: String?
        for (name, value) in parameters {
            if name == "Action" { action = value; continue }
            // No input shape nests anywhere near this deep; a deeper name cannot name a member and is
            // ignored like any unknown parameter, before it could build (and recurse through) a deep tree.
            let components = name.split(
                separator: ".", maxSplits: Self.maxNameDepth, omittingEmptySubsequences: false)
            guard components.count <= Self.maxNameDepth else { continue }
            root.insert(components[...], value: value)
        }
        guard let action else { throw AWSError.missingParameter("Action") }
        guard let operation = model.operations[action] else { throw AWSError.invalidAction(action) }
        guard let inputIndex = operation.input else { return (operation, .structure([:])) }
        let input = try structure(root, shape: model[inputIndex], model: model, path: "")
        return (operation, input)
    }

    private func structure(_ node: ParameterNode, shape: Shape, model: ServiceModel, path: String) throws -> AWSValue {
        var members = AWSStructure(minimumCapacity: shape.members.count)
        for ref in shape.members {
            let target = model[ref.target]
            let serializedName = model.serializedName(of: ref)
            var child = node.children[serializedName] ?? node.children[ref.name]
            if target.kind == .list, ref.flattened || target.flattened, let name = target.member?.locationName,
                let renamed = node.children[name]
            {
                child = renamed
            }
            guard let child else { continue }
            let childPath = path.isEmpty ? serializedName : "\(path).\(serializedName)"
            if let value = try self.value(child, ref: ref, shape: target, model: model, path: childPath) {
                members[ref.name] = value
            }
        }
        return .structure(members)
    }

    private func value(_ node: ParameterNode, ref: MemberRef, shape: Shape, model: ServiceModel, path: String) throws
        -> AWSValue?
    {
        let flattened = ref.flattened || shape.flattened
        switch shape.kind {
        case .structure:
            return try structure(node, shape: shape, model: model, path: path)
        case .list:
            guard let element = shape.member else { return nil }
            let container = flattened ? node : node.children[element.locationName ?? "member"]
            guard let container else {
                // `Name=` with an empty value is how query clients send an empty list.
                return node.value != nil ? .list([]) : nil
            }
            var items: [AWSValue] = []
            for (index, child) in container.indexedChildren {
                if let item = try value(
                    child, ref: element, shape: model[element.target], model: model, path: "\(path).\(index)")
                {
                    items.append(item)
                }
            }
            return .list(items)
        case .map:
            guard let keyRef = shape.key, let valueRef = shape.value else { return nil }
            let container = flattened ? node : node.children["entry"]
            guard let container else { return nil }
            var entries: [String: AWSValue] = [:]
            let keyName = keyRef.locationName ?? "key"
            let valueName = valueRef.locationName ?? "value"
            for (index, entry) in container.indexedChildren {
                guard let key = entry.children[keyName]?.value else {
                    throw AWSError.missingParameter("\(path).\(index).\(keyName)")
                }
                guard let valueNode = entry.children[valueName],
                    let value = try value(
                        valueNode, ref: valueRef, shape: model[valueRef.target], model: model,
                        path: "\(path).\(index).\(valueName)")
                else {
                    throw AWSError.missingParameter("\(path).\(index).\(valueName)")
                }
                entries[key] = value
            }
            return .map(entries)
        default:
            guard let text = node.value else { return nil }
            return try scalar(text, shape: shape, path: path)
        }
    }

    private func scalar(_ text: String, shape: Shape, path: String) throws -> AWSValue {
        func invalid(_ reason: String) -> AWSError {
            AWSError.invalidParameterValue("Value (\(text)) for parameter \(path) is invalid. \(reason)")
        }
        switch shape.kind {
        case .string: return .string(text)
        case .integer, .long:
            guard let number = Int(text.trimmingCharacters(in: .whitespaces)) else {
                throw invalid("Must be an integer.")
            }
            return .integer(number)
        case .double, .float:
            guard let number = Double(text) else { throw invalid("Must be a number.") }
            return .double(number)
        case .boolean:
            switch text.lowercased() {
            case "true": return .boolean(true)
            case "false": return .boolean(false)
            default: throw invalid("Must be a boolean.")
            }
        case .blob:
            guard let data = Data(base64Encoded: text) else { throw invalid("Must be base64-encoded.") }
            return .blob(data)
        case .timestamp:
            guard let date = Timestamps.parse(text) else { throw invalid("Must be a timestamp.") }
            return .timestamp(date)
        case .structure, .list, .map, .document:
            throw invalid("Unexpected value.")
        }
    }

    public func encodeResponse(
        _ output: AWSValue?, operation: OperationModel, model: ServiceModel, context: RequestContext
    ) -> WireResponse {
        if context.acceptsJSON {
            return encodeJSONResponse(output, operation: operation, model: model, context: context)
        }
        var writer = XMLWriter()
        writer.raw("<?xml version=\"1.0\"?>")
        writer.open("\(operation.name)Response", namespace: model.xmlNamespace)
        if let output, let outputIndex = operation.output {
            let wrapper = operation.resultWrapper ?? "\(operation.name)Result"
            var members = XMLWriter()
            members.members(output, shape: model[outputIndex], model: model)
            if members.bytes.isEmpty {
                writer.empty(wrapper)
            } else {
                writer.open(wrapper)
                writer.raw(String(decoding: members.bytes, as: UTF8.self))
                writer.close(wrapper)
            }
        }
        writer.open("ResponseMetadata")
        writer.element("RequestId", context.requestId)
        writer.close("ResponseMetadata")
        writer.close("\(operation.name)Response")
        return WireResponse(
            status: 200, headers: [("Content-Type", "text/xml"), ("x-amzn-RequestId", context.requestId)],
            body: writer.bytes)
    }

    /// The JSON form AWS gives awsQuery answers when the request accepts JSON:
    /// {"<Op>Response": {"<Op>Result": {...}, "ResponseMetadata": {"RequestId": "..."}}}.
    private func encodeJSONResponse(
        _ output: AWSValue?, operation: OperationModel, model: ServiceModel, context: RequestContext
    ) -> WireResponse {
        var writer = QueryJSONWriter()
        writer.json.raw("{")
        writer.json.string("\(operation.name)Response")
        writer.json.raw(":{")
        if let output, let outputIndex = operation.output {
            writer.json.string(operation.resultWrapper ?? "\(operation.name)Result")
            writer.json.raw(":")
            writer.value(output, shape: model[outputIndex], model: model)
            writer.json.raw(",")
        }
        writer.json.raw("\"ResponseMetadata\":{\"RequestId\":")
        writer.json.string(context.requestId)
        writer.json.raw("}}}")
        return WireResponse(
            status: 200, headers: [("Content-Type", "application/json"), ("x-amzn-RequestId", context.requestId)],
            body: writer.json.bytes)
    }

    public func encodeError(_ error: AWSError, model: ServiceModel, context: RequestContext) -> WireResponse {
        let resolved = ResolvedError(error, model: model)
        if context.acceptsJSON { return encodeJSONError(resolved, context: context) }
        var writer = XMLWriter()
        writer.raw("<?xml version=\"1.0\"?>")
        writer.open("ErrorResponse", namespace: model.xmlNamespace)
        writer.open("Error")
        writer.element("Type", resolved.senderFault ? "Sender" : "Receiver")
        writer.element("Code", resolved.queryCode)
        if let message = resolved.message { writer.element("Message", message) }
        if model.queryErrorDetail { writer.raw("<Detail/>") }
        writer.close("Error")
        writer.element("RequestId", context.requestId)
        writer.close("ErrorResponse")
        return WireResponse(
            status: resolved.httpStatus,
            headers: [("Content-Type", "text/xml"), ("x-amzn-RequestId", context.requestId)], body: writer.bytes)
    }

    /// An error in the JSON form of query answers: {"Error": {"Type", "Code", "Message"}, "RequestId"}.
    private func encodeJSONError(_ resolved: ResolvedError, context: RequestContext) -> WireResponse {
        var writer = JSONWriter()
        writer.raw("{\"Error\":{\"Type\":")
        writer.string(resolved.senderFault ? "Sender" : "Receiver")
        writer.raw(",\"Code\":")
        writer.string(resolved.queryCode)
        if let message = resolved.message {
            writer.raw(",\"Message\":")
            writer.string(message)
        }
        writer.raw("},\"RequestId\":")
        writer.string(context.requestId)
        writer.raw("}")
        return WireResponse(
            status: resolved.httpStatus,
            headers: [("Content-Type", "application/json"), ("x-amzn-RequestId", context.requestId)],
            body: writer.bytes)
    }
}
