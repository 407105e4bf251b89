import SwitchyardWire
import Synchronization

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

        public init(matches: @escaping @Sendable (_ path: String) -> Bool, answerWithoutAction: WireResponse) {
            self.matches = matches
            self.answerWithoutAction = answerWithoutAction
        }
    }

    /// Names and protocols, known before the model is read.
    public let descriptor: ServiceDescriptor
    private let loaded: LoadedModel
    /// The service's model, read on the first request that needs it.
    public var model: ServiceModel { loaded.value.model }
    public var validator: ModelValidator { loaded.value.validator }
    public let handle: Handler
    /// False for a planned service, whose every operation answers NotImplemented.
    public let implemented: Bool
    /// The largest request body an operation takes, when it is not the server's default (a
    /// function's inline zip); nil keeps the default.
    public let maximumBodyBytes: @Sendable (_ operation: String) -> Int?
    /// The error an operation answers to a body over its limit (Lambda's
    /// RequestEntityTooLargeException); nil leaves the transport's plain 413.
    public let bodyTooLarge: (@Sendable (_ operation: String, _ limit: Int) -> AWSError?)?
    /// Fills in what a service's clients may leave to the request itself, before validation.
    public let prepareInput: InputPreparation?
    /// Checks a service makes before model validation (SNS rejects malformed ARNs first).
    public let precheck: Precheck?
    public let resourcePaths: ResourcePaths?
    /// Applied to every error the service answers, including those of decoding and validation.
    public let rewordError: ErrorWording?
    /// Rewrites a request that names one of the service's resources in its Host header (an S3 bucket
    /// addressed virtual-hosted style) to the path form the model routes; nil leaves it as it is.
    public let hostAddressing: (@Sendable (_ request: WireRequest) -> WireRequest?)?
    /// Answers requests of the service that are no modelled operation (S3's CORS preflight and
    /// browser form uploads) before routing; nil lets routing go on.
    public let intercept: (@Sendable (_ request: WireRequest) async -> WireResponse?)?
    /// Adds to every answer of the service what depends on the request beyond the operation (S3's
    /// CORS headers for the request's Origin).
    public let decorate: (@Sendable (_ request: WireRequest, _ response: WireResponse) async -> WireResponse)?
    /// Whether a compressed request body (`Content-Encoding: gzip`) is inflated before parsing. S3
    /// keeps an object's encoding as part of the object instead.
    public let inflatesRequestBodies: Bool
    /// Whether inputs are checked against the model's constraints before the service sees them. S3
    /// predates that validation: it checks each parameter itself, in its own words.
    public let validatesInput: Bool
    /// Adjusts an operation's encoded answer in what the model cannot say (S3 answers a ranged GET
    /// with 206).
    public let finishResponse: (@Sendable (_ operation: String, _ response: inout WireResponse) -> Void)?

    /// - Parameter model: returns the service's model; called once, on first use (the generated
    ///   `<Service>.model`, itself read lazily).
    public init(
        descriptor: ServiceDescriptor, model: @escaping @Sendable () -> ServiceModel,
        prepareInput: InputPreparation? = nil, precheck: Precheck? = nil, resourcePaths: ResourcePaths? = nil,
        rewordError: ErrorWording? = nil, implemented: Bool = true,
        maximumBodyBytes: @escaping @Sendable (_ operation: String) -> Int? = { _ in nil },
        bodyTooLarge: (@Sendable (_ operation: String, _ limit: Int) -> AWSError?)? = nil,
        hostAddressing: (@Sendable (_ request: WireRequest) -> WireRequest?)? = nil,
        validatesInput: Bool = true, inflatesRequestBodies: Bool = true,
        intercept: (@Sendable (_ request: WireRequest) async -> WireResponse?)? = nil,
        decorate: (@Sendable (_ request: WireRequest, _ response: WireResponse) async -> WireResponse)? = nil,
        finishResponse: (@Sendable (_ operation: String, _ response: inout WireResponse) -> Void)? = nil,
        handle: @escaping Handler
    ) {
        self.hostAddressing = hostAddressing
        self.validatesInput = validatesInput
        self.inflatesRequestBodies = inflatesRequestBodies
        self.intercept = intercept
        self.decorate = decorate
        self.finishResponse = finishResponse
        self.implemented = implemented
        self.maximumBodyBytes = maximumBodyBytes
        self.bodyTooLarge = bodyTooLarge
        self.descriptor = descriptor
        self.loaded = LoadedModel(load: model)
        self.prepareInput = prepareInput
        self.precheck = precheck
        self.resourcePaths = resourcePaths
        self.rewordError = rewordError
        self.handle = handle
    }

    /// Whether an operation's input is a streaming blob payload (an S3 object upload), whose body the
    /// transport writes to a file as it arrives instead of holding it in memory.
    public func streamsRequestBody(_ operation: String) -> Bool {
        guard let input = model.operations[operation]?.input else { return false }
        let shape = model[input]
        guard let payload = shape.traits.payload, let ref = shape.member(named: payload) else { return false }
        let target = model[ref.target]
        return target.kind == .blob && (ref.streaming || target.traits.streaming)
    }

    /// A service whose every operation is routed, parsed and validated, then answers NotImplemented
    /// naming the service and the operation: what the platform offers before a service is built.
    public static func notImplemented(
        descriptor: ServiceDescriptor, model: @escaping @Sendable () -> ServiceModel,
        maximumBodyBytes: @escaping @Sendable (_ operation: String) -> Int? = { _ in nil }
    ) -> ServiceEndpoint {
        ServiceEndpoint(
            descriptor: descriptor, model: model, implemented: false, maximumBodyBytes: maximumBodyBytes
        ) { operation, _, _ in
            throw AWSError.notImplemented(descriptor.serviceId, operation)
        }
    }

    /// The codec for one of the service's protocols.
    public func codec(for wireProtocol: WireProtocol, cbor: Bool = false) -> (any ProtocolCodec)? {
        guard descriptor.protocols.contains(wireProtocol) else { return nil }
        switch wireProtocol {
        case .awsJson1_0, .awsJson1_1: return AWSJSONCodec(version: wireProtocol, cbor: cbor && descriptor.acceptsCBOR)
        case .awsQuery: return AWSQueryCodec()
        case .restJson1, .restXml: return RESTCodec(wireProtocol)
        case .rpcv2Cbor: return RPCv2CBORCodec()
        }
    }

    /// Whether the service is a REST service with an operation for this method and path.
    public func takesRESTPath(_ request: WireRequest) -> Bool {
        guard descriptor.protocols.contains(.restJson1) || descriptor.protocols.contains(.restXml) else { return false }
        return model.restRoutes?.match(request) != nil
    }

    /// The service's REST protocol, if it has one.
    public var restProtocol: WireProtocol? {
        descriptor.protocols.first { $0 == .restJson1 || $0 == .restXml }
    }
}

/// A model and its validator, built on first use and kept.
private final class LoadedModel: Sendable {
    private let load: @Sendable () -> ServiceModel
    private let slot = Mutex<(model: ServiceModel, validator: ModelValidator)?>(nil)

    init(load: @escaping @Sendable () -> ServiceModel) { self.load = load }

    var value: (model: ServiceModel, validator: ModelValidator) {
        if let loaded = slot.withLock({ $0 }) { return loaded }
        // Built outside the lock: two first requests may both build; one result is kept.
        let model = load()
        let built = (model: model, validator: ModelValidator(model: model))
        return slot.withLock { current in
            if let current { return current }
            current = built
            return built
        }
    }
}
