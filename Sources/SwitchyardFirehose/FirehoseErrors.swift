import SwitchyardWire

/// Firehose's errors, in its words.
enum FirehoseErrors {
    static func invalidArgument(_ message: String) -> AWSError {
        AWSError("InvalidArgumentException", message)
    }

    static func notFound(name: String, account: String) -> AWSError {
        AWSError("ResourceNotFoundException", "Firehose \(name) under account \(account) not found.")
    }

    static func inUse(_ message: String) -> AWSError {
        AWSError("ResourceInUseException", message)
    }

    static func concurrentModification(_ message: String) -> AWSError {
        AWSError("ConcurrentModificationException", message)
    }

    /// The answer to producers a stream cannot take more from now (AWS's throttling answer).
    static let slowDown = AWSError("ServiceUnavailableException", "Slow down.", httpStatus: 500, senderFault: false)

    static func limitExceeded(_ message: String) -> AWSError {
        AWSError("LimitExceededException", message)
    }
}
