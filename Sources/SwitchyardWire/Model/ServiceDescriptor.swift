/// What the router needs to know of a service before its model is read: names, protocols and how it
/// words errors. Generated per service next to its model.
public struct ServiceDescriptor: Sendable {
    /// The generated namespace name, e.g. "SQS".
    public let name: String
    /// The name SDKs give the service's client (`boto3.client("cloudwatch")`), used in health output.
    public let clientName: String
    /// The name AWS gives the service in messages and SDKs, e.g. "EventBridge".
    public let serviceId: String
    /// The SigV4 signing name, e.g. "sqs"; requests are routed by it.
    public let signingName: String
    /// The first label of the service's AWS host names ("monitoring" for CloudWatch).
    public let endpointPrefix: String
    public let apiVersion: String
    /// In the model's order of preference.
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
    /// A service that moved from awsQuery to a newer protocol (the awsQueryCompatible trait): its
    /// errors carry the query-era code in `x-amzn-query-error`.
    public let queryCompatible: Bool
    /// The root element of REST XML errors: "Error" for S3, "ErrorResponse" for the others.
    public let xmlErrorRoot: String
    /// awsJson services whose SDKs may send CBOR bodies (`application/x-amz-cbor-1.1`, Kinesis).
    public let acceptsCBOR: Bool
    /// Other signing names clients use for the same API (S3 Express signs as "s3express").
    public let signingAliases: [String]

    public init(
        name: String, clientName: String? = nil, serviceId: String, signingName: String, endpointPrefix: String,
        apiVersion: String,
        protocols: [WireProtocol], targetPrefix: String?, jsonVersion: String?, xmlNamespace: String?,
        errorNamespace: String, validationStyle: ValidationStyle, validationErrorCode: String = "ValidationException",
        queryErrorDetail: Bool = false, queryCompatible: Bool = false, xmlErrorRoot: String = "ErrorResponse",
        acceptsCBOR: Bool = false, signingAliases: [String] = []
    ) {
        self.name = name
        self.clientName = clientName ?? signingName
        self.serviceId = serviceId
        self.signingName = signingName
        self.endpointPrefix = endpointPrefix
        self.apiVersion = apiVersion
        self.protocols = protocols
        self.targetPrefix = targetPrefix
        self.jsonVersion = jsonVersion
        self.xmlNamespace = xmlNamespace
        self.errorNamespace = errorNamespace
        self.validationStyle = validationStyle
        self.validationErrorCode = validationErrorCode
        self.queryErrorDetail = queryErrorDetail
        self.queryCompatible = queryCompatible
        self.xmlErrorRoot = xmlErrorRoot
        self.acceptsCBOR = acceptsCBOR
        self.signingAliases = signingAliases
    }
}
