import SwitchyardWire

/// The errors SNS answers with, in its own words.
enum SNSErrors {
    /// SNS's catch-all for bad input: code InvalidParameter, "Invalid parameter: <what>".
    static func invalidParameter(_ what: String) -> AWSError {
        AWSError("InvalidParameter", "Invalid parameter: \(what)")
    }

    static func topicNotFound() -> AWSError {
        AWSError("NotFound", "Topic does not exist", httpStatus: 404)
    }

    static func resourceNotFound() -> AWSError {
        AWSError("ResourceNotFound", "Resource does not exist", httpStatus: 404)
    }

    static func tagLimitExceeded() -> AWSError {
        AWSError("TagLimitExceeded", "Could not complete request: tag quota of per resource exceeded")
    }
}
