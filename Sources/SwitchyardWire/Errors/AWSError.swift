/// An error answered to the client in the shape AWS uses for the service and protocol.
///
/// `code` is either the name of a modelled exception shape (e.g. "QueueDoesNotExist"), whose model
/// entry supplies the query code and HTTP status, or a common AWS error code (e.g. "MissingParameter").
public struct AWSError: Error, Sendable, Equatable {
    public var code: String
    public var message: String?
    public var httpStatus: Int
    public var senderFault: Bool
    /// More elements of the error, in order, for the services that add them (S3's `<BucketName>`,
    /// `<Key>`, `<Condition>`); protocols without such elements leave them out.
    public var details: [ErrorDetail] = []
    /// Headers the error's answer carries (S3's `x-amz-delete-marker` on a read of a deleted key).
    public var headers: [ErrorDetail] = []
    /// Members of the modelled error shape beside its message (CloudWatch Logs'
    /// `queryCompileError`), written by the JSON protocols through the shape's members.
    public var members: [String: AWSValue] = [:]

    public init(_ code: String, _ message: String? = nil, httpStatus: Int = 400, senderFault: Bool = true) {
        self.code = code
        self.message = message
        self.httpStatus = httpStatus
        self.senderFault = senderFault
    }

    /// This error with one more response header.
    public func withHeader(_ name: String, _ value: String) -> AWSError {
        var copy = self
        copy.headers.append(ErrorDetail(name: name, value: value))
        return copy
    }

    /// This error with one more detail element.
    public func with(_ name: String, _ value: String) -> AWSError {
        var copy = self
        copy.details.append(ErrorDetail(name: name, value: value))
        return copy
    }

    /// A required parameter is absent.
    public static func missingParameter(_ name: String) -> AWSError {
        AWSError("MissingParameter", "The request must contain the parameter \(name).")
    }

    /// A parameter has a value outside what the service accepts.
    public static func invalidParameterValue(_ message: String) -> AWSError {
        AWSError("InvalidParameterValue", message)
    }

    /// The body could not be read as the protocol's format.
    public static func serialization(_ message: String) -> AWSError {
        AWSError("SerializationException", message)
    }

    /// The operation named by the request does not exist.
    public static func invalidAction(_ action: String) -> AWSError {
        AWSError("InvalidAction", "The action \(action) is not valid for this web service.")
    }

    /// An operation that exists in the model but that Switchyard does not implement yet.
    public static func notImplemented(_ service: String, _ operation: String) -> AWSError {
        AWSError(
            "NotImplemented", "\(service) \(operation) is not implemented by Switchyard yet.",
            httpStatus: 501, senderFault: false)
    }

    /// A temporary failure (storage that cannot commit); clients retry it.
    public static func serviceUnavailable() -> AWSError {
        AWSError(
            "ServiceUnavailable", "The request has failed due to a temporary failure of the server.", httpStatus: 503,
            senderFault: false)
    }

    /// An unexpected failure inside the server.
    public static func internalFailure(
        _ message: String = "The request processing has failed because of an unknown error, exception or failure."
    ) -> AWSError {
        AWSError("InternalFailure", message, httpStatus: 500, senderFault: false)
    }
}

/// One element an error carries beside its code and message.
public struct ErrorDetail: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}
