import SwitchyardWire

/// A service as the router sees it: its model, and a function from an operation's input to its output.
public struct ServiceEndpoint: Sendable {
    public typealias Handler =
        @Sendable (_ operation: String, _ input: AWSValue, _ context: RequestContext) async throws -> AWSValue?

    public let model: ServiceModel
    public let validator: ModelValidator
    public let handle: Handler

    public init(model: ServiceModel, handle: @escaping Handler) {
        self.model = model
        self.validator = ModelValidator(model: model)
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
