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

    static func limitExceeded(_ message: String) -> AWSError {
        AWSError("LimitExceededException", message)
    }
}
