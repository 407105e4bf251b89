import Foundation
import SwitchyardWire

/// The errors SQS answers, with the codes and messages AWS uses.
public enum SQSErrors {
    /// An error as SQS words it for the protocol the request came in: the query API still says which
    /// "wsdl version" a missing queue does not exist for, and actions are invalid "for this endpoint".
    @Sendable public static func worded(_ error: AWSError, for wireProtocol: WireProtocol) -> AWSError {
        var worded = error
        switch error.code {
        case "QueueDoesNotExist" where wireProtocol == .awsQuery:
            worded.message = "The specified queue does not exist for this wsdl version."
        case "InvalidAction":
            // SQS says "endpoint" where the shared wording says "web service" (recorded from AWS).
            worded.message = error.message?.replacingOccurrences(of: "web service.", with: "endpoint.")
        default: break
        }
        return worded
    }

    static func queueDoesNotExist() -> AWSError {
        AWSError("QueueDoesNotExist", "The specified queue does not exist.")
    }

    static func invalidAddress(_ url: String) -> AWSError {
        AWSError("InvalidAddress", "The address \(url) is not valid for this endpoint.")
    }

    static func invalidAttributeName(_ name: String) -> AWSError {
        AWSError("InvalidAttributeName", "Unknown Attribute \(name).")
    }

    static func invalidAttributeValue(_ name: String, reason: String? = nil) -> AWSError {
        let text = "Invalid value for the parameter \(name)."
        return AWSError("InvalidAttributeValue", reason.map { "\(text) Reason: \($0)" } ?? text)
    }

    static func invalidParameter(_ message: String) -> AWSError {
        AWSError.invalidParameterValue(message)
    }

    /// "Value X for parameter Y is invalid. Reason: Z." — the form SQS uses for out-of-range numbers.
    static func invalidParameter(_ name: String, value: String, reason: String) -> AWSError {
        AWSError.invalidParameterValue("Value \(value) for parameter \(name) is invalid. Reason: \(reason)")
    }

    static func receiptHandleInvalid(_ handle: String) -> AWSError {
        AWSError("ReceiptHandleIsInvalid", "The input receipt handle \"\(handle)\" is not a valid receipt handle.")
    }

    static func receiptHandleExpired(_ handle: String) -> AWSError {
        invalidParameter("ReceiptHandle", value: handle, reason: "The receipt handle has expired.")
    }

    static func messageNotInflight() -> AWSError {
        AWSError("MessageNotInflight", "Message does not exist or is not available for visibility timeout change.")
    }

    static func queueNameExists(_ attribute: String) -> AWSError {
        AWSError(
            "QueueNameExists",
            "A queue already exists with the same name and a different value for attribute \(attribute)")
    }

    static func emptyBatch(_ entryName: String) -> AWSError {
        AWSError("EmptyBatchRequest", "There should be at least one \(entryName) in the request.")
    }

    static func tooManyEntries(_ count: Int) -> AWSError {
        AWSError(
            "TooManyEntriesInBatchRequest", "Maximum number of entries per request are 10. You have sent \(count).")
    }

    static func idsNotDistinct(_ id: String) -> AWSError {
        AWSError("BatchEntryIdsNotDistinct", "Id \(id) repeated.")
    }

    static func invalidBatchEntryId() -> AWSError {
        AWSError(
            "InvalidBatchEntryId",
            "A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long."
        )
    }

    static func batchTooLong(_ bytes: Int, limit: Int) -> AWSError {
        AWSError(
            "BatchRequestTooLong", "Batch requests cannot be longer than \(limit) bytes. You have sent \(bytes) bytes.")
    }

    static func overLimit() -> AWSError {
        AWSError(
            "OverLimit",
            "The maximum number of in flight messages (\(SQSLimits.maxInFlight)) for this queue has been reached.",
            httpStatus: 403)
    }

    static func resourceNotFound(_ message: String) -> AWSError {
        AWSError("ResourceNotFoundException", message)
    }

    static func unsupported(_ message: String) -> AWSError {
        AWSError("UnsupportedOperation", message)
    }
}

/// SQS quotas that the engine enforces.
enum SQSLimits {
    /// In-flight messages per queue, standard and FIFO alike.
    static let maxInFlight = 120_000
    /// Seconds a message can stay invisible after one receive, counting extensions.
    static let maxVisibilityTimeout = 43_200
}
