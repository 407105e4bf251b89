/// An HTTP request as the wire layer sees it: no transport types, header names in lower case.
public struct WireRequest: Sendable {
    public var method: String
    /// The path without the query string, still percent-encoded.
    public var path: String
    /// The raw query string without '?', if any.
    public var query: String?
    /// Header values by lower-cased name (repeated headers joined with ",").
    public var headers: [String: String]
    public var body: [UInt8]
    /// The body written to a file as it arrived (operations whose input streams); `body` is then empty.
    public var spooledBody: SpooledBody?
    /// The path the client signed, when routing rewrote `path` (an S3 bucket named by the host,
    /// which becomes the path's first segment).
    public var signedPath: String?
    /// The IP address of the client that sent the request (`aws:SourceIp` in policy conditions).
    public var clientAddress: String?

    public init(method: String, path: String, query: String?, headers: [String: String], body: [UInt8]) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    public func header(_ name: String) -> String? { headers[name] }

    /// The query string's parameters, decoded, each name with its values in order.
    public var queryValues: [String: [String]] {
        var values: [String: [String]] = [:]
        for (name, value) in FormParameters.decode(Array((query ?? "").utf8)) {
            values[name, default: []].append(value)
        }
        return values
    }
}

/// An HTTP response produced by the wire layer.
public struct WireResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]
    /// A body written while it is produced; when set, `body` is not sent.
    public var stream: ByteStream?
    /// What to undo if this response cannot be delivered to the client.
    public var undelivered: ResponseRecall?
    /// The error code of an error answer, for metrics and logs.
    public var errorCode: String?

    public init(status: Int, headers: [(String, String)] = [], body: [UInt8] = [], undelivered: ResponseRecall? = nil) {
        self.status = status
        self.headers = headers
        self.body = body
        self.undelivered = undelivered
    }
}

/// One AWS protocol's parser and serializer, written once and driven by any service's model.
public protocol ProtocolCodec: Sendable {
    var wireProtocol: WireProtocol { get }

    /// Finds the operation a request calls and parses its input into a value of the input shape.
    func decodeRequest(_ request: WireRequest, model: ServiceModel) throws -> (OperationModel, AWSValue)

    /// Serializes an operation's output (nil when the operation has none).
    func encodeResponse(_ output: AWSValue?, operation: OperationModel, model: ServiceModel, context: RequestContext)
        -> WireResponse

    /// Serializes an error in the protocol's error shape.
    func encodeError(_ error: AWSError, model: ServiceModel, context: RequestContext) -> WireResponse
}

/// The wire-level facts of an error once the model has been consulted.
public struct ResolvedError: Sendable {
    /// The exception shape name, or the common code when the error is not modelled.
    public let typeName: String
    /// The code awsQuery clients (and `x-amzn-query-error`) see.
    public let queryCode: String
    public let httpStatus: Int
    public let senderFault: Bool
    public let message: String?

    public init(_ error: AWSError, model: ServiceModel) {
        if let shape = model.errorShapes[error.code], let trait = shape.error {
            typeName = shape.name
            queryCode = trait.code
            httpStatus = trait.httpStatus
            senderFault = trait.senderFault
        } else {
            // awsQuery-compatible JSON services (SQS) name common query-era errors as exceptions in
            // `__type`; the query code stays in `x-amzn-query-error` (as recorded from SQS).
            let compatible = model.protocols.contains(.awsQuery)
            typeName = compatible ? (Self.queryCompatibleTypeNames[error.code] ?? error.code) : error.code
            queryCode = error.code
            httpStatus = error.httpStatus
            senderFault = error.senderFault
        }
        message = error.message
    }

    static let queryCompatibleTypeNames = [
        "InvalidParameterValue": "InvalidParameterValueException",
        "MissingParameter": "MissingRequiredParameterException",
        "AccessDenied": "AccessDeniedException",
    ]
}
