import Foundation

/// The restJson1 and restXml protocols: the operation is found by method and URI template; input
/// members come from path labels, the query string, headers and the body (JSON or XML), as each
/// member's `location` says; output goes back the same way.
public struct RESTCodec: ProtocolCodec {
    public let wireProtocol: WireProtocol

    /// `.restJson1` or `.restXml`.
    public init(_ wireProtocol: WireProtocol) { self.wireProtocol = wireProtocol }

    private var isXML: Bool { wireProtocol == .restXml }

    /// HTTP's conditional headers that carry a date, which a recipient ignores when it is invalid.
    static let conditionalDateHeaders: Set<String> = ["if-modified-since", "if-unmodified-since"]

    // MARK: Requests

    public func decodeRequest(_ request: WireRequest, model: ServiceModel) throws -> (OperationModel, AWSValue) {
        let query = request.queryValues
        guard let routes = model.restRoutes,
            let (name, labels) = routes.match(
                method: request.method, path: request.path, query: query, headers: request.headers),
            let operation = model.operations[name]
        else {
            throw AWSError(
                "UnknownOperationException",
                "No operation of \(model.descriptor.serviceId) takes \(request.method) \(request.path).",
                httpStatus: 404)
        }
        guard let inputIndex = operation.input else { return (operation, .structure([:])) }
        let shape = model[inputIndex]
        var members = AWSStructure(minimumCapacity: shape.members.count)
        // A map of query parameters takes those no other member or the template takes.
        var boundQueryNames = routes.queryLiteralNames[operation.name] ?? []
        for ref in shape.members where ref.location == "querystring" {
            boundQueryNames.insert(ref.locationName ?? ref.name)
        }
        for ref in shape.members {
            let target = model[ref.target]
            let wireName = ref.locationName ?? ref.name
            switch ref.location {
            case "uri":
                if let text = labels[wireName] {
                    members[ref.name] = try scalar(text, ref: ref, shape: target, in: "uri")
                }
            case "querystring":
                if target.kind == .map, let valueRef = target.value {
                    var entries: [String: AWSValue] = [:]
                    for (key, values) in query where !boundQueryNames.contains(key) {
                        entries[key] =
                            model[valueRef.target].kind == .list
                            ? .list(values.map { .string($0) }) : .string(values.first ?? "")
                    }
                    if !entries.isEmpty { members[ref.name] = .map(entries) }
                } else if target.kind == .list, let item = target.member, let values = query[wireName] {
                    members[ref.name] = .list(
                        try values.map { try scalar($0, ref: ref, shape: model[item.target], in: "querystring") })
                } else if let value = query[wireName]?.first {
                    // An empty number or flag (`?part-number-marker=`) is taken as not given.
                    if value.isEmpty, target.kind != .string { continue }
                    members[ref.name] = try scalar(value, ref: ref, shape: target, in: "querystring")
                }
            case "header":
                guard let text = request.header(wireName.lowercased()) else { continue }
                if target.kind == .list, let item = target.member {
                    let itemShape = model[item.target]
                    let isDate = itemShape.kind == .timestamp && (itemShape.timestampFormat ?? "rfc822") == "rfc822"
                    let parts = RESTHeaderLists.split(text, httpDates: isDate)
                    members[ref.name] = .list(
                        try parts.map { try scalar($0, ref: ref, shape: itemShape, in: "header") })
                } else if target.kind == .timestamp, Self.conditionalDateHeaders.contains(wireName.lowercased()),
                    Timestamps.httpDate(text) == nil
                {
                    // RFC 9110 (13.1.3, 13.1.4): a recipient ignores If-Modified-Since and
                    // If-Unmodified-Since when they are not an HTTP date. S3 then serves the object,
                    // an ISO 8601 date included (older aws CLIs sent those, and S3 ignored them).
                    continue
                } else {
                    members[ref.name] = try scalar(text, ref: ref, shape: target, in: "header")
                }
            case "headers":
                let prefix = wireName.lowercased()
                var entries: [String: AWSValue] = [:]
                for (header, value) in request.headers where header.hasPrefix(prefix) {
                    entries[String(header.dropFirst(prefix.count))] = .string(value)
                }
                if !entries.isEmpty { members[ref.name] = .map(entries) }
            default:
                continue
            }
        }
        if let payloadName = shape.traits.payload, let ref = shape.member(named: payloadName) {
            if let spooled = request.spooledBody {
                // A body written to a file stays there: the member reads it as a stream.
                members[ref.name] = .stream(spooled.chunks())
            } else if let value = try payload(request.body, ref: ref, operation: operation, model: model) {
                members[ref.name] = value
            }
        } else if !request.body.isEmpty, shape.members.contains(where: { $0.location == nil }) {
            // An input wholly in the path, query and headers ignores a body (S3 serves a GET sent
            // with one, as AWS recorded).
            let body = try bodyStructure(request.body, shape: inputIndex, operation: operation, model: model)
            for ref in shape.members where ref.location == nil {
                if let value = body[ref.name] { members[ref.name] = value }
            }
        }
        return (operation, .structure(members))
    }

    private func scalar(_ text: String, ref: MemberRef, shape: Shape, in location: String) throws -> AWSValue {
        if location != "uri", shape.kind == .double || shape.kind == .float {
            switch text {
            case "NaN": return .double(.nan)
            case "Infinity": return .double(.infinity)
            case "-Infinity": return .double(-.infinity)
            default: break
            }
        }
        if ref.jsonValue, location == "header" {
            // JSON-valued headers travel base64-encoded.
            guard let data = Data(base64Encoded: text) else {
                throw AWSError.serialization("The \(ref.locationName ?? ref.name) header is not base64.")
            }
            return .string(String(decoding: data, as: UTF8.self))
        }
        let format = ref.timestampFormat ?? shape.timestampFormat ?? (location == "header" ? "rfc822" : "iso8601")
        return try RESTScalars.value(text, shape: shape, format: format)
    }

    /// The payload member: the raw body for blobs and strings, a parsed document for structures.
    private func payload(_ body: [UInt8], ref: MemberRef, operation: OperationModel, model: ServiceModel) throws
        -> AWSValue?
    {
        let target = model[ref.target]
        switch target.kind {
        case .blob: return body.isEmpty ? nil : .blob(Data(body))
        case .string: return body.isEmpty ? nil : .string(String(decoding: body, as: UTF8.self))
        default:
            guard !body.isEmpty else { return nil }
            return try bodyStructure(body, shape: ref.target, operation: operation, model: model)
        }
    }

    private func bodyStructure(_ body: [UInt8], shape index: Int, operation: OperationModel, model: ServiceModel) throws
        -> AWSValue
    {
        if isXML {
            let root: XMLElement
            do {
                root = try XMLReader.parse(body)
            } catch let failure as XMLReader.Failure {
                throw AWSError("MalformedXML", "The XML you provided was not well-formed: \(failure.reason).")
            }
            return try XMLShapeReader(model: model).value(root, shape: index)
        }
        let value: AWSValue?
        do {
            value = try JSONReader.readWhole(body) { reader in
                try reader.awsValue(shape: index, model: model, depth: 0, jsonNames: true, path: { "" })
            }
        } catch is JSONReader.Failure {
            throw AWSError.serialization("Could not parse the request body as JSON.")
        }
        return value ?? .structure([:])
    }

    // MARK: Responses

    public func encodeResponse(
        _ output: AWSValue?, operation: OperationModel, model: ServiceModel, context: RequestContext
    ) -> WireResponse {
        var headers: [(String, String)] = [("x-amzn-RequestId", context.requestId)]
        var status = operation.responseCode
        guard let outputIndex = operation.output, case .structure(let members)? = output else {
            return WireResponse(status: status, headers: headers, body: [])
        }
        let shape = model[outputIndex]
        var bodyMembers = AWSStructure(minimumCapacity: shape.members.count)
        for ref in shape.members {
            guard let value = members[ref.name] else { continue }
            let target = model[ref.target]
            let wireName = ref.locationName ?? ref.name
            switch ref.location {
            case "statusCode":
                if case .integer(let code) = value { status = code }
            case "header":
                if ref.jsonValue, case .string(let text) = value {
                    headers.append((wireName, Data(text.utf8).base64EncodedString()))
                } else if case .list(let items) = value {
                    headers.append(
                        (wireName, items.map { RESTScalars.text($0, format: "rfc822") }.joined(separator: ",")))
                } else {
                    headers.append(
                        (
                            wireName,
                            RESTScalars.text(value, format: ref.timestampFormat ?? target.timestampFormat ?? "rfc822")
                        ))
                }
            case "headers":
                if case .map(let entries) = value {
                    for (key, entry) in entries.sorted(by: { $0.key < $1.key }) {
                        headers.append((wireName + key, RESTScalars.text(entry, format: "rfc822")))
                    }
                }
            default:
                // Only headers and the status code are bound outside the body in an answer; a
                // member the model places in the URI or query string goes in the body.
                bodyMembers[ref.name] = value
            }
        }
        if let payloadName = shape.traits.payload, let ref = shape.member(named: payloadName) {
            let target = model[ref.target]
            // A header member may have set the type already (S3's ContentType).
            let typed = headers.contains { $0.0.lowercased() == "content-type" }
            switch bodyMembers[ref.name] {
            case .blob(let data)?:
                if !typed { headers.append(("Content-Type", "application/octet-stream")) }
                return WireResponse(status: status, headers: headers, body: Array(data))
            case .stream(let stream)?:
                if !typed { headers.append(("Content-Type", "application/octet-stream")) }
                if let length = stream.length { headers.append(("Content-Length", String(length))) }
                var response = WireResponse(status: status, headers: headers)
                response.stream = stream
                return response
            case .events(let source)?:
                // The stream's own type, whatever a member bound to Content-Type says of its events.
                headers.removeAll { $0.0.lowercased() == "content-type" }
                headers.append(("Content-Type", "application/vnd.amazon.eventstream"))
                var response = WireResponse(status: status, headers: headers)
                response.stream = EventStreamEncoding(model: model, union: target, isXML: isXML).body(source)
                return response
            case .string(let text)?:
                headers.append(("Content-Type", "text/plain"))
                return WireResponse(status: status, headers: headers, body: Array(text.utf8))
            case let value?:
                let body = document(
                    value, shape: target, rootName: ref.locationName ?? target.locationName ?? ref.name,
                    namespace: ref.xmlNamespace ?? target.traits.xmlNamespace ?? model.xmlNamespace, model: model)
                headers.append(("Content-Type", isXML ? "application/xml" : "application/json"))
                return WireResponse(status: status, headers: headers, body: body)
            case nil:
                return WireResponse(status: status, headers: headers, body: [])
            }
        }
        if isXML, bodyMembers.isEmpty {
            // Nothing for the body (S3's PutObject, HeadObject): no document at all.
            return WireResponse(status: status, headers: headers, body: [])
        }
        let body = document(
            .structure(bodyMembers), shape: shape, rootName: shape.locationName ?? shape.name,
            namespace: shape.traits.xmlNamespace ?? model.xmlNamespace, model: model)
        headers.append(("Content-Type", isXML ? "application/xml" : "application/json"))
        return WireResponse(status: status, headers: headers, body: body)
    }

    private func document(_ value: AWSValue, shape: Shape, rootName: String, namespace: String?, model: ServiceModel)
        -> [UInt8]
    {
        if isXML {
            var writer = XMLWriter()
            writer.raw(prolog(model))
            writer.open(rootName, namespace: namespace)
            writer.members(value, shape: shape, model: model, restNames: true)
            writer.close(rootName)
            return writer.bytes
        }
        var writer = JSONWriter()
        writer.value(value, shape: shape, model: model, jsonNames: true)
        return writer.bytes
    }

    /// The XML declaration; S3 (whose errors are a bare `<Error>`) ends it with a line break.
    private func prolog(_ model: ServiceModel) -> String {
        model.descriptor.xmlErrorRoot == "Error"
            ? "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" : "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    }

    // MARK: Errors

    public func encodeError(_ error: AWSError, model: ServiceModel, context: RequestContext) -> WireResponse {
        let resolved = ResolvedError(error, model: model)
        var headers: [(String, String)] = [("x-amzn-RequestId", context.requestId)]
        for header in error.headers { headers.append((header.name, header.value)) }
        if resolved.httpStatus == 304 {
            // Not Modified has no body.
            return WireResponse(status: 304, headers: headers, body: [])
        }
        if isXML {
            var writer = XMLWriter()
            writer.raw(prolog(model))
            let bare = model.descriptor.xmlErrorRoot == "Error"
            if !bare { writer.open("ErrorResponse", namespace: model.xmlNamespace) }
            writer.open("Error")
            if !bare { writer.element("Type", resolved.senderFault ? "Sender" : "Receiver") }
            writer.element("Code", resolved.queryCode)
            if let message = resolved.message { writer.element("Message", message) }
            for detail in error.details { writer.element(detail.name, detail.value) }
            if bare {
                writer.element("RequestId", context.requestId)
                writer.element("HostId", Data(context.requestId.utf8).base64EncodedString())
            }
            writer.close("Error")
            if !bare {
                writer.element("RequestId", context.requestId)
                writer.close("ErrorResponse")
            }
            headers.append(("Content-Type", "application/xml"))
            return WireResponse(status: resolved.httpStatus, headers: headers, body: writer.bytes)
        }
        headers.append(("x-amzn-ErrorType", resolved.typeName))
        headers.append(("Content-Type", "application/json"))
        // A modelled error names its message member as the model does (Scheduler's "Message").
        let key = model.errorShapes[resolved.typeName]?.member(named: "Message") != nil ? "Message" : "message"
        var writer = JSONWriter()
        writer.raw("{")
        // Detail members first, as Lambda writes its "Type" before "message".
        for detail in error.details {
            writer.string(detail.name)
            writer.raw(":")
            writer.string(detail.value)
            writer.raw(",")
        }
        writer.string(key)
        writer.raw(":")
        writer.string(resolved.message ?? "")
        writer.raw("}")
        return WireResponse(status: resolved.httpStatus, headers: headers, body: writer.bytes)
    }
}

/// Lists in one header value: comma-separated items, each optionally a quoted string with
/// backslash escapes (RFC 9110), and HTTP dates, whose own comma does not separate items.
enum RESTHeaderLists {
    static func split(_ text: String, httpDates: Bool) -> [String] {
        if httpDates {
            // "Mon, 16 Dec 2019 23:48:18 GMT, Tue, ..." : every second comma separates.
            let pieces = text.split(separator: ",", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            return stride(from: 0, to: pieces.count, by: 2).map { index in
                index + 1 < pieces.count ? "\(pieces[index]), \(pieces[index + 1])" : pieces[index]
            }
        }
        var items: [String] = []
        var current = ""
        var quoted = false
        var escaped = false
        var wasQuoted = false
        for character in text {
            if escaped {
                current.append(character)
                escaped = false
            } else if quoted && character == "\\" {
                escaped = true
            } else if character == "\"" {
                if !quoted, current.allSatisfy({ $0 == " " || $0 == "\t" }) { current = "" }
                quoted.toggle()
                wasQuoted = true
            } else if character == "," && !quoted {
                items.append(wasQuoted ? current : current.trimmingCharacters(in: .whitespaces))
                current = ""
                wasQuoted = false
            } else if !quoted && wasQuoted && character == " " {
                continue
            } else {
                current.append(character)
            }
        }
        items.append(wasQuoted ? current : current.trimmingCharacters(in: .whitespaces))
        return items
    }
}
