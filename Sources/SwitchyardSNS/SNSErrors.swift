import SwitchyardWire

/// The errors SNS answers with, in its own words.
enum SNSErrors {
    /// ConfirmSubscription given something that is no token at all.
    static func invalidToken() -> AWSError { AWSError("InvalidParameter", "Invalid token") }

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

extension SNSErrors {
    static func subscriptionNotFound() -> AWSError {
        AWSError("NotFound", "Subscription does not exist", httpStatus: 404)
    }

    /// A part of SNS that is not built yet, named, as an AWS-style error.
    static func notImplemented(_ what: String) -> AWSError {
        AWSError(
            "NotImplemented", "SNS \(what) is not implemented by Switchyard yet.", httpStatus: 501, senderFault: false)
    }
}
