import SwitchyardWire

/// Lambda's errors, in its words.
enum LambdaErrors {
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
