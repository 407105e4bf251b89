import Foundation
import SwitchyardModels
import SwitchyardWire

/// Requests to function URLs (`<url-id>.lambda-url.<region>.localhost`): the request becomes the
/// payload format 2.0 event, the function's answer the HTTP response (a `statusCode` document, or
/// any other JSON as a 200 `application/json` body).
struct FunctionURLRequests {
    let service: LambdaService

    func answer(_ request: WireRequest) async -> WireResponse? {
        let host = request.headers["host"] ?? ""
        let name = host.split(separator: ":").first.map(String.init) ?? ""
        let labels = name.split(separator: ".")
        guard labels.count >= 4, labels[1] == "lambda-url" else { return nil }
        let urlId = String(labels[0])
        guard let (function, qualifier, url) = await service.engine.functionURL(urlId) else {
            // As AWS answered a URL id no function has: refused, without a message.
            return WireResponse(
                status: 403,
                headers: [("Content-Type", "application/json"), ("x-amzn-ErrorType", "AccessDeniedException")],
                body: Array(#"{"Message":null}"#.utf8))
        }
        let reference = LambdaService.FunctionReference(
            account: function.account, region: function.region, name: function.name,
            qualifier: qualifier == "$LATEST" ? nil : qualifier)
        guard let version = try? service.version(of: function, reference) else {
            // The URL of an alias that was deleted stays, and refuses every request (AWS's recordings).
            return WireResponse(
                status: 403,
                headers: [("Content-Type", "application/json"), ("x-amzn-ErrorType", "AccessDeniedException")],
                body: Array(
                    #"{"Message":"Forbidden. For troubleshooting Function URL authorization issues, see: https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html"}"#
                        .utf8))
        }
        if request.method == "OPTIONS", let cors = LambdaService.cors(url) {
            return WireResponse(status: 200, headers: Self.corsHeaders(cors, request: request, preflight: true))
        }
        let requestId = UUID().uuidString.lowercased()
        let trace = TraceHeader.forInvocation(request.headers["x-amzn-trace-id"])
        let event = Self.event(
            request, urlId: urlId, host: name, account: function.account, requestId: requestId, trace: trace)
        do {
            try await service.checkConcurrency(function, version: version)
            var response: WireResponse
            if url.invokeMode == "RESPONSE_STREAM" {
                // The response is sent as the function writes it.
                let sink = ResponseStreamSink()
                sink.feed { [service] in
                    try await service.run(
                        function, version: version, payload: Array(event.utf8), clientContext: nil, traceId: trace,
                        requestId: requestId, invokedArn: reference.qualifiedArn, sink: sink)
                }
                response = await Self.streamingResponse(sink.reader())
                let recall = ResponseRecall()
                recall.onUndelivered { sink.abandon() }
                response.undelivered = recall
            } else {
                response = Self.answer(
                    try await service.run(
                        function, version: version, payload: Array(event.utf8), clientContext: nil, traceId: trace,
                        requestId: requestId, invokedArn: reference.qualifiedArn))
            }
            response.headers.append(("x-amzn-RequestId", requestId))
            if let cors = LambdaService.cors(url) {
                response.headers += Self.corsHeaders(cors, request: request, preflight: false)
            }
            return response
        } catch {
            return Self.invocationFailed
        }
    }

    /// Headers of a connection, not of the request: the function's event leaves them out.
    static let hopByHopHeaders: Set<String> = [
        "connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade",
    ]

    /// The payload format 2.0 event of a request. Its headers are the request's, without those of
    /// the connection, with what Lambda's front end adds (developer guide, "Invoking Lambda function
    /// URLs"): the trace header and the `x-forwarded-*` headers of the client's address, port and
    /// protocol (plain HTTP here; AWS's URLs are HTTPS only, and its TLS headers are not made up).
    static func event(
        _ request: WireRequest, urlId: String, host: String, account: String, requestId: String,
        trace: String = TraceHeader.forInvocation(nil)
    ) -> String {
        let sourceIp = request.clientAddress ?? "127.0.0.1"
        var received = request.headers.filter { !hopByHopHeaders.contains($0.key) }
        received["x-amzn-trace-id"] = trace
        received["x-forwarded-for"] = sourceIp
        received["x-forwarded-proto"] = "http"
        if let port = request.headers["host"]?.split(separator: ":").last.flatMap({ Int($0) }) {
            received["x-forwarded-port"] = String(port)
        }
        var headers: [(key: String, value: OrderedJSON)] = []
        var cookies: [OrderedJSON] = []
        for (name, value) in received.sorted(by: { $0.key < $1.key }) {
            if name == "cookie" {
                cookies = value.split(separator: ";").map { .string($0.trimmingCharacters(in: .whitespaces)) }
            } else {
                headers.append((name, .string(value)))
            }
        }
        var query: [(key: String, value: OrderedJSON)] = []
        for (name, values) in request.queryValues.sorted(by: { $0.key < $1.key }) {
            query.append((name, .string(values.joined(separator: ","))))
        }
        let contentType = request.headers["content-type"] ?? ""
        let textual =
            contentType.isEmpty || contentType.hasPrefix("text/") || contentType.contains("json")
            || contentType.contains("xml") || contentType.contains("x-www-form-urlencoded")
        let now = Date()
        var members: [(key: String, value: OrderedJSON)] = [
            ("version", .string("2.0")), ("routeKey", .string("$default")), ("rawPath", .string(request.path)),
            ("rawQueryString", .string(request.query ?? "")),
        ]
        if !cookies.isEmpty { members.append(("cookies", .array(cookies))) }
        members.append(("headers", .object(headers)))
        if !query.isEmpty { members.append(("queryStringParameters", .object(query))) }
        members.append(
            (
                "requestContext",
                .object([
                    ("accountId", .string("anonymous")), ("apiId", .string(urlId)), ("domainName", .string(host)),
                    ("domainPrefix", .string(urlId)),
                    (
                        "http",
                        .object([
                            // `rawPath` is the path as sent, `http.path` decoded (AWS's recording: a
                            // request for `/pa2%25Fth/1` is `/pa2%Fth/1` here).
                            ("method", .string(request.method)),
                            ("path", .string(request.path.removingPercentEncoding ?? request.path)),
                            ("protocol", .string("HTTP/1.1")), ("sourceIp", .string(sourceIp)),
                            ("userAgent", .string(request.headers["user-agent"] ?? "")),
                        ])
                    ),
                    ("requestId", .string(requestId)), ("routeKey", .string("$default")),
                    ("stage", .string("$default")),
                    ("time", .string(UTCDateFormats.string(now, "dd/MMM/yyyy:HH:mm:ss Z"))),
                    ("timeEpoch", .integer(Int(now.timeIntervalSince1970 * 1000))),
                ])
            ))
        if !request.body.isEmpty {
            members.append(
                (
                    "body",
                    .string(
                        textual
                            ? String(decoding: request.body, as: UTF8.self)
                            : Data(request.body).base64EncodedString())
                ))
        }
        members.append(("isBase64Encoded", .scalar(.bool(!request.body.isEmpty && !textual))))
        return OrderedJSON.object(members).text
    }

    /// The HTTP response of an invocation's result; a function error is a bare "Internal Server
    /// Error", as AWS recorded it.
    static func answer(_ result: LambdaService.InvocationResult) -> WireResponse {
        guard result.functionError == nil else { return internalServerError }
        return response(result.payload, contentType: result.contentType)
    }

    static var internalServerError: WireResponse {
        WireResponse(
            status: 502, headers: [("Content-Type", "application/json")], body: Array("Internal Server Error".utf8))
    }

    /// The answer when the function could not be invoked at all.
    static var invocationFailed: WireResponse {
        WireResponse(
            status: 502, headers: [("Content-Type", "application/json")],
            body: Array(#"{"Message":"Internal Server Error"}"#.utf8))
    }

    /// The HTTP response of a URL in RESPONSE_STREAM mode: once the function begins streaming, its
    /// status and headers (from the prelude, when it writes one), then its body as it writes it. A
    /// function that answers whole, or fails first, is answered as in BUFFERED mode.
    static func streamingResponse(_ next: @escaping @Sendable () async -> ResponseStreamSink.Piece?) async
        -> WireResponse
    {
        let contentType: String
        switch await next() {
        case .started(let type)?: contentType = type
        case .finished(let result)?: return answer(result)
        default: return invocationFailed
        }
        var response = WireResponse(status: 200, headers: [("Content-Type", contentType)])
        var first: [UInt8] = []
        if contentType == httpIntegrationContentType {
            // The prelude ends at eight zero bytes; what follows them is the body's beginning.
            var head: [UInt8] = []
            var end = head.firstRange(of: preludeDelimiter)
            while end == nil {
                switch await next() {
                case .chunk(let bytes)?: head += bytes
                case .finished(let result)?:
                    return result.functionError == nil
                        ? streamedResponse(head, contentType: contentType) : internalServerError
                default: return internalServerError
                }
                end = head.firstRange(of: preludeDelimiter)
            }
            if let end {
                response = streamedResponse(Array(head[..<end.upperBound]), contentType: contentType)
                first = Array(head[end.upperBound...])
            }
        }
        let pending = PendingBytes(first)
        response.stream = ByteStream {
            if let bytes = pending.take() { return bytes }
            while true {
                // A function that fails partway ends the body where it stopped.
                guard case .chunk(let bytes)? = await next() else { return nil }
                if !bytes.isEmpty { return bytes }
            }
        }
        return response
    }

    /// The HTTP response a function's answer stands for.
    static func response(_ payload: [UInt8], contentType: String? = nil) -> WireResponse {
        if let contentType, contentType != "application/json" {
            return streamedResponse(payload, contentType: contentType)
        }
        guard let document = try? JSONSerialization.jsonObject(with: Data(payload), options: [.fragmentsAllowed])
        else {
            return WireResponse(status: 200, headers: [("Content-Type", "application/json")], body: payload)
        }
        // The status may be a number or a string of one.
        let object = document as? [String: Any]
        let status = (object?["statusCode"] as? Int) ?? (object?["statusCode"] as? String).flatMap { Int($0) }
        guard let object, let status else {
            // Any other answer is the body: a string as itself, other JSON written compactly.
            let body: [UInt8]
            switch try? OrderedJSON.parse(payload) {
            case .scalar(.string(let text))?: body = Array(text.utf8)
            case let value?: body = Array(value.text.utf8)
            case nil: body = payload
            }
            return WireResponse(status: 200, headers: [("Content-Type", "application/json")], body: body)
        }
        var body: [UInt8] = []
        if let text = object["body"] as? String {
            body =
                object["isBase64Encoded"] as? Bool == true
                ? Array(Data(base64Encoded: text) ?? Data()) : Array(text.utf8)
        } else if case .object(let members)? = try? OrderedJSON.parse(payload),
            let value = members.first(where: { $0.key == "body" })?.value, value != .scalar(.null)
        {
            // A body that is not a string is written as JSON (the answer's own order kept).
            body = Array(value.text.utf8)
        }
        return WireResponse(
            status: status, headers: headers(of: object, contentType: "application/json"), body: body)
    }

    /// The HTTP headers an answer or a streamed prelude names: its `headers`, a `Set-Cookie` for each
    /// of its `cookies`, and the given content type when it names none.
    static func headers(of document: [String: Any], contentType: String) -> [(String, String)] {
        var headers: [(String, String)] = []
        for (name, value) in document["headers"] as? [String: Any] ?? [:] { headers.append((name, "\(value)")) }
        for cookie in document["cookies"] as? [String] ?? [] { headers.append(("Set-Cookie", cookie)) }
        if !headers.contains(where: { $0.0.lowercased() == "content-type" }) {
            headers.append(("Content-Type", contentType))
        }
        return headers
    }

    /// The content type of a streamed response that starts with its HTTP status, headers and
    /// cookies: a JSON prelude, then eight zero bytes, then the body (the Runtime API's streaming
    /// contract for function URLs, as `awslambda.HttpResponseStream.from` writes it).
    static let httpIntegrationContentType = "application/vnd.awslambda.http-integration-response"

    /// The eight zero bytes that end a streamed response's prelude.
    static let preludeDelimiter = [UInt8](repeating: 0, count: 8)

    /// A streamed answer: with a prelude, the status, headers and cookies it names; without one, a
    /// 200 with the runtime's content type and the bytes as they came.
    static func streamedResponse(_ payload: [UInt8], contentType: String) -> WireResponse {
        guard contentType == httpIntegrationContentType else {
            return WireResponse(status: 200, headers: [("Content-Type", contentType)], body: payload)
        }
        var preludeEnd = payload.count
        var body: [UInt8] = []
        if let at = payload.firstRange(of: preludeDelimiter) {
            preludeEnd = at.lowerBound
            body = Array(payload[at.upperBound...])
        }
        let prelude =
            (try? JSONSerialization.jsonObject(with: Data(payload[..<preludeEnd]))) as? [String: Any] ?? [:]
        return WireResponse(
            status: (prelude["statusCode"] as? Int) ?? 200,
            headers: headers(of: prelude, contentType: "application/octet-stream"), body: body)
    }

    /// Bytes read ahead of a body's stream, handed out first.
    final class PendingBytes: @unchecked Sendable {
        // @unchecked: the stream that owns it reads it serially.
        private var bytes: [UInt8]?

        init(_ bytes: [UInt8]) { self.bytes = bytes.isEmpty ? nil : bytes }

        func take() -> [UInt8]? {
            defer { bytes = nil }
            return bytes
        }
    }

    static func corsHeaders(_ cors: Lambda.Cors, request: WireRequest, preflight: Bool) -> [(String, String)] {
        guard let origin = request.headers["origin"] else { return [] }
        let origins = cors.allowOrigins ?? []
        guard origins.contains("*") || origins.contains(origin) else { return [] }
        var headers = [("Access-Control-Allow-Origin", origins.contains("*") ? "*" : origin)]
        if cors.allowCredentials == true { headers.append(("Access-Control-Allow-Credentials", "true")) }
        if let expose = cors.exposeHeaders, !expose.isEmpty, !preflight {
            headers.append(("Access-Control-Expose-Headers", expose.joined(separator: ",")))
        }
        if preflight {
            if let methods = cors.allowMethods {
                headers.append(("Access-Control-Allow-Methods", methods.joined(separator: ",")))
            }
            if let allowed = cors.allowHeaders {
                headers.append(("Access-Control-Allow-Headers", allowed.joined(separator: ",")))
            }
            if let age = cors.maxAge { headers.append(("Access-Control-Max-Age", String(age))) }
        }
        return headers
    }
}
