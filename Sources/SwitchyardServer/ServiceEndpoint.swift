import SwitchyardWire

/// A service as the router sees it: its model, and a function from an operation's input to its output.
public struct ServiceEndpoint: Sendable {
    public typealias Handler =
        @Sendable (_ operation: String, _ input: AWSValue, _ context: RequestContext) async throws -> AWSValue?

    public typealias InputPreparation =
        @Sendable (_ input: AWSValue, _ operation: OperationModel, _ request: WireRequest) -> AWSValue

    public let model: ServiceModel
    public let validator: ModelValidator
    public let handle: Handler
    /// Fills in what a service's clients may leave to the request itself, before validation.
    public let prepareInput: InputPreparation?
    /// Checks a service makes before model validation (SNS rejects malformed ARNs first).
    public let precheck: Precheck?

    public typealias Precheck = @Sendable (_ input: AWSValue, _ operation: OperationModel) throws -> Void

    public init(
        model: ServiceModel, prepareInput: InputPreparation? = nil, precheck: Precheck? = nil,
        handle: @escaping Handler
    ) {
        self.model = model
        self.validator = ModelValidator(model: model)
        self.prepareInput = prepareInput
        self.precheck = precheck
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
