import SwitchyardWire

/// Lambda's errors, in its words.
enum LambdaErrors {
    /// The model's name patterns predate AWS's sovereign-cloud regions; AWS's messages quote the
    /// current patterns, with `(eusc-)?` before the region.
    @Sendable static func worded(_ error: AWSError, for wireProtocol: WireProtocol) -> AWSError {
        guard error.code == "ValidationException", let message = error.message,
            message.contains(":lambda:)?([a-z]{2}") || message.contains(":lambda:[a-z]{2}")
        else { return error }
        var worded = error
        worded.message = message.replacingOccurrences(of: ":lambda:)?([a-z]{2}", with: ":lambda:)?((eusc-)?[a-z]{2}")
            .replacingOccurrences(of: ":lambda:[a-z]{2}", with: ":lambda:(eusc-)?[a-z]{2}")
        return worded
    }

    static func functionNotFound(_ arn: String) -> AWSError {
        AWSError("ResourceNotFoundException", "Function not found: \(arn)", httpStatus: 404)
            .with("Type", "User")
    }

    static func invalidParameter(_ message: String) -> AWSError {
        AWSError("InvalidParameterValueException", message, httpStatus: 400).with("Type", "User")
    }

    static func conflict(_ message: String) -> AWSError {
        AWSError("ResourceConflictException", message, httpStatus: 409).with("Type", "User")
    }

    static func notFound(_ message: String) -> AWSError {
        AWSError("ResourceNotFoundException", message, httpStatus: 404).with("Type", "User")
    }

    /// What Lambda answers another account that no resource policy lets in: a 403 without a message
    /// (AWS's recordings of functions and layer versions read across accounts).
    static var accessDenied: AWSError {
        AWSError("AccessDeniedException", "", httpStatus: 403)
    }

    static func preconditionFailed(_ message: String) -> AWSError {
        AWSError("PreconditionFailedException", message, httpStatus: 412).with("Type", "User")
    }

    /// An operation on a function that is not ready (Pending) or cannot run (Failed).
    static func notActive(_ state: String) -> AWSError {
        conflict(
            "The operation cannot be performed at this time. The function is currently in the following state: \(state)"
        )
    }
}
