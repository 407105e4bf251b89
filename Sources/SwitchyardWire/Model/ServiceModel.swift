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
    /// The HTTP status of a successful answer in REST protocols.
    public let responseCode: Int
    /// A prefix SDKs put before the host name (`{RequestRoute}.`), with labels from the input.
    public let hostPrefix: String?
    /// The element and namespace of a REST XML input body that is the whole input structure.
    public let inputLocationName: String?
    public let inputXMLNamespace: String?
    /// Superseded by another operation (which wins when both take the same request).
    public let deprecated: Bool

    public init(
        name: String, input: Int? = nil, output: Int? = nil, resultWrapper: String? = nil,
        errors: [Int] = [], httpMethod: String = "POST", requestURI: String = "/", responseCode: Int = 200,
        hostPrefix: String? = nil, inputLocationName: String? = nil, inputXMLNamespace: String? = nil,
        deprecated: Bool = false
    ) {
        self.name = name
        self.input = input
        self.output = output
        self.resultWrapper = resultWrapper
        self.errors = errors
        self.httpMethod = httpMethod
        self.requestURI = requestURI
        self.responseCode = responseCode
        self.hostPrefix = hostPrefix
        self.inputLocationName = inputLocationName
        self.inputXMLNamespace = inputXMLNamespace
        self.deprecated = deprecated
    }
}

/// A service's model as the generator emits it from botocore's JSON: what the wire layer needs to parse,
/// validate and serialize any operation of the service under any of its protocols.
public struct ServiceModel: Sendable {
    /// Names, protocols and error style: what is known before the shapes are read.
    public let descriptor: ServiceDescriptor
    public var name: String { descriptor.name }
    public var signingName: String { descriptor.signingName }
    public var apiVersion: String { descriptor.apiVersion }
    public var protocols: [WireProtocol] { descriptor.protocols }
    public var targetPrefix: String? { descriptor.targetPrefix }
    public var jsonVersion: String? { descriptor.jsonVersion }
    public var xmlNamespace: String? { descriptor.xmlNamespace }
    public var errorNamespace: String { descriptor.errorNamespace }
    public var validationStyle: ValidationStyle { descriptor.validationStyle }
    public var validationErrorCode: String { descriptor.validationErrorCode }
    public var queryErrorDetail: Bool { descriptor.queryErrorDetail }
    public var queryCompatible: Bool { descriptor.queryCompatible }
    public let shapes: [Shape]
    public let operations: [String: OperationModel]
    /// Exception shapes by name.
    public let errorShapes: [String: Shape]
    /// Shape positions by name.
    public let shapeIndex: [String: Int]
    /// REST services: their operations by method and URI template.
    public let restRoutes: RESTRouteTable?

    public init(
        name: String, signingName: String, apiVersion: String, protocols: [WireProtocol],
        targetPrefix: String?, jsonVersion: String?, xmlNamespace: String?, errorNamespace: String,
        validationStyle: ValidationStyle, validationErrorCode: String = "ValidationException",
        queryErrorDetail: Bool = false, shapes: [Shape], operations: [OperationModel]
    ) {
        self.init(
            descriptor: ServiceDescriptor(
                name: name, serviceId: name, signingName: signingName, endpointPrefix: signingName,
                apiVersion: apiVersion, protocols: protocols, targetPrefix: targetPrefix, jsonVersion: jsonVersion,
                xmlNamespace: xmlNamespace, errorNamespace: errorNamespace, validationStyle: validationStyle,
                validationErrorCode: validationErrorCode, queryErrorDetail: queryErrorDetail),
            shapes: shapes, operations: operations)
    }

    public init(descriptor: ServiceDescriptor, shapes: [Shape], operations: [OperationModel]) {
        self.descriptor = descriptor
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
        let isREST = descriptor.protocols.contains(.restJson1) || descriptor.protocols.contains(.restXml)
        self.restRoutes = isREST ? RESTRouteTable(operations: operations, shapes: shapes) : nil
    }

    public subscript(index: Int) -> Shape { shapes[index] }

    /// The name a member is serialized under in query and XML protocols: the member's locationName,
    /// else its target shape's, else the member name.
    public func serializedName(of ref: MemberRef) -> String {
        ref.locationName ?? shapes[ref.target].locationName ?? ref.name
    }
}
