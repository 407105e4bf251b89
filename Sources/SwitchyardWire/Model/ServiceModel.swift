/// The wire protocols AWS services speak.
public enum WireProtocol: String, Sendable {
    case awsJson1_0
    case awsJson1_1
    case awsQuery
    case restJson1
    case restXml
    case rpcv2Cbor
}

/// How a service reports input that fails model validation.
public enum ValidationStyle: Sendable {
    /// Query-era services (SQS, SNS, SES): `MissingParameter` and `InvalidParameterValue`.
    case query
    /// JSON and REST services: one `ValidationException` listing the violations, Coral style.
    case coral
    /// Coral style with the offending values left out ("Value at 'tags' failed to satisfy
    /// constraint: ..."), as IAM answers.
    case coralRedacted
}

/// One operation of a service model.
public struct OperationModel: Sendable {
    public let name: String
    public let input: Int?
    public let output: Int?
    /// The element that wraps the output in awsQuery XML responses.
    public let resultWrapper: String?
    public let errors: [Int]
    public let httpMethod: String
    public let requestURI: String

    public init(
        name: String, input: Int? = nil, output: Int? = nil, resultWrapper: String? = nil,
        errors: [Int] = [], httpMethod: String = "POST", requestURI: String = "/"
    ) {
        self.name = name
        self.input = input
        self.output = output
        self.resultWrapper = resultWrapper
        self.errors = errors
        self.httpMethod = httpMethod
        self.requestURI = requestURI
    }
}

/// A service's model as the generator emits it from botocore's JSON: what the wire layer needs to parse,
/// validate and serialize any operation of the service under any of its protocols.
public struct ServiceModel: Sendable {
    /// The generated namespace name, e.g. "SQS".
    public let name: String
    /// The SigV4 signing name, e.g. "sqs"; requests are routed by it.
    public let signingName: String
    public let apiVersion: String
    public let protocols: [WireProtocol]
    /// `X-Amz-Target` prefix of awsJson protocols, e.g. "AmazonSQS".
    public let targetPrefix: String?
    public let jsonVersion: String?
    public let xmlNamespace: String?
    /// Prefix of `__type` in JSON error bodies, e.g. "com.amazonaws.sqs".
    public let errorNamespace: String
    public let validationStyle: ValidationStyle
    /// The error code of a Coral-style validation failure: ValidationException for JSON services,
    /// ValidationError for query-era ones such as SNS.
    public let validationErrorCode: String
    /// awsQuery error bodies end their `<Error>` with an empty `<Detail/>` (SQS's do; SNS's, STS's
    /// and IAM's do not).
    public let queryErrorDetail: Bool
    public let shapes: [Shape]
    public let operations: [String: OperationModel]
    /// Exception shapes by name.
    public let errorShapes: [String: Shape]
    /// Shape positions by name.
    public let shapeIndex: [String: Int]

    public init(
        name: String, signingName: String, apiVersion: String, protocols: [WireProtocol],
        targetPrefix: String?, jsonVersion: String?, xmlNamespace: String?, errorNamespace: String,
        validationStyle: ValidationStyle, validationErrorCode: String = "ValidationException",
        queryErrorDetail: Bool = false, shapes: [Shape], operations: [OperationModel]
    ) {
        self.name = name
        self.signingName = signingName
        self.apiVersion = apiVersion
        self.protocols = protocols
        self.targetPrefix = targetPrefix
        self.jsonVersion = jsonVersion
        self.xmlNamespace = xmlNamespace
        self.errorNamespace = errorNamespace
        self.validationStyle = validationStyle
        self.validationErrorCode = validationErrorCode
        self.queryErrorDetail = queryErrorDetail
        self.shapes = shapes
        var byName: [String: OperationModel] = [:]
        for operation in operations { byName[operation.name] = operation }
        self.operations = byName
        var errors: [String: Shape] = [:]
        for shape in shapes where shape.error != nil { errors[shape.name] = shape }
        self.errorShapes = errors
        var positions: [String: Int] = [:]
        for (position, shape) in shapes.enumerated() { positions[shape.name] = position }
        self.shapeIndex = positions
    }

    public subscript(index: Int) -> Shape { shapes[index] }

    /// The name a member is serialized under in query and XML protocols: the member's locationName,
    /// else its target shape's, else the member name.
    public func serializedName(of ref: MemberRef) -> String {
        ref.locationName ?? shapes[ref.target].locationName ?? ref.name
    }
}
