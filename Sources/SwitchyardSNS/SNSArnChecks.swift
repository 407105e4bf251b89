import SwitchyardWire

/// SNS looks at the ARNs a request names before anything else: an ARN of fewer than six
/// colon-separated parts, or a missing one, is InvalidParameter naming the parameter, even where the
/// request has other problems.
public enum SNSArnChecks {
    /// The ARN parameters of SNS operations.
    static let arnMembers = [
        "TopicArn", "TargetArn", "SubscriptionArn", "PlatformApplicationArn", "EndpointArn", "ResourceArn",
    ]

    /// Required ARN members whose absence SNS reports as InvalidParameter rather than a validation error.
    static let reportedWhenMissing: [String: Set<String>] = ["Unsubscribe": ["SubscriptionArn"]]

    public static func precheck(_ input: AWSValue, _ operation: OperationModel) throws {
        guard case .structure(let members) = input else { return }
        for name in arnMembers {
            guard case .string(let arn)? = members[name] else {
                if reportedWhenMissing[operation.name]?.contains(name) == true {
                    throw SNSErrors.invalidParameter("\(name) Reason: no value for required parameter")
                }
                continue
            }
            let parts = arn.split(separator: ":", omittingEmptySubsequences: false).count
            if parts < 6 {
                throw SNSErrors.invalidParameter("\(name) Reason: An ARN must have at least 6 elements, not \(parts)")
            }
        }
    }
}
