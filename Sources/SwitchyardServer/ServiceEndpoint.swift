import SwitchyardWire

/// A service as the router sees it: its model, and a function from an operation's input to its output.
public struct ServiceEndpoint: Sendable {
    public typealias Handler =
        @Sendable (_ operation: String, _ input: AWSValue, _ context: RequestContext) async throws -> AWSValue?

    public typealias InputPreparation =
        @Sendable (_ input: AWSValue, _ operation: OperationModel, _ request: WireRequest) throws -> AWSValue

    public typealias Precheck = @Sendable (_ input: AWSValue, _ operation: OperationModel) throws -> Void

    /// Rewords an error the way the service words it in the protocol the request came in.
    public typealias ErrorWording = @Sendable (_ error: AWSError, _ wireProtocol: WireProtocol) -> AWSError

    /// Request paths that name one of the service's resources (SQS queue URLs). A query request sent
    /// to one belongs to this service whatever it was signed for; one without an action gets
    /// `answerWithoutAction`.
    public struct ResourcePaths: Sendable {
        public let matches: @Sendable (_ path: String) -> Bool
        public let answerWithoutAction: WireResponse
    }

    public let model: ServiceModel
    public let validator: ModelValidator
    public let handle: Handler
    /// Fills in what a service's clients may leave to the request itself, before validation.
    public let prepareInput: InputPreparation?
    /// Checks a service makes before model validation (SNS rejects malformed ARNs first).
    public let precheck: Precheck?
    public let resourcePaths: ResourcePaths?
    /// Applied to every error the service answers, including those of decoding and validation.
    public let rewordError: ErrorWording?

    public init(
        model: ServiceModel, prepareInput: InputPreparation? = nil, precheck: Precheck? = nil,
        resourcePaths: ResourcePaths? = nil, rewordError: ErrorWording? = nil, handle: @escaping Handler
    ) {
        self.model = model
        self.validator = ModelValidator(model: model)
        self.prepareInput = prepareInput
        self.precheck = precheck
        self.resourcePaths = resourcePaths
        self.rewordError = rewordError
        self.handle = handle
    }

    /// The codec for one of the service's protocols.
    func codec(for wireProtocol: WireProtocol) -> (any ProtocolCodec)? {
        guard model.protocols.contains(wireProtocol) else { return nil }
        switch wireProtocol {
        case .awsJson1_0, .awsJson1_1: return AWSJSONCodec(version: wireProtocol)
        case .awsQuery: return AWSQueryCodec()
        case .restJson1, .restXml, .rpcv2Cbor: return nil
        }
    }
}
