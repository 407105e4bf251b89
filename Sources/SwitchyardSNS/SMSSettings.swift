import SwitchyardWire

/// An account's SMS settings in one region: SetSMSAttributes values, sandbox destination numbers
/// and numbers that opted out.
public struct SMSSettings: Sendable, Codable, Equatable {
    public var attributes: [String: String] = [:]
    /// Sandbox numbers: "Pending" until verified with the one-time password that was "texted" to them.
    public var sandboxNumbers: [String: SandboxNumber] = [:]
    public var optedOut: Set<String> = []

    public struct SandboxNumber: Sendable, Codable, Equatable {
        public var status: String
        public var oneTimePassword: String
        public var createdSeq: Int64
    }

    static let attributeNames: Set<String> = [
        "MonthlySpendLimit", "DeliveryStatusIAMRole", "DeliveryStatusSuccessSamplingRate", "DefaultSenderID",
        "DefaultSMSType", "UsageReportS3Bucket",
    ]

    static func validate(_ attributes: [String: String]) throws {
        for (name, value) in attributes {
            // AWS words these two without its usual "Invalid parameter:" prefix.
            guard attributeNames.contains(name) else {
                throw AWSError("InvalidParameter", "\(name) is not a valid attribute")
            }
            switch name {
            case "DefaultSMSType":
                guard value == "Promotional" || value == "Transactional" else {
                    throw AWSError("InvalidParameter", "DefaultSMSType is invalid")
                }
            case "MonthlySpendLimit", "DeliveryStatusSuccessSamplingRate":
                guard let number = Int(value), number >= 0, name != "DeliveryStatusSuccessSamplingRate" || number <= 100
                else { throw SNSErrors.invalidParameter("\(name) Reason: not a valid number") }
            default:
                break
            }
        }
    }
}

extension String {
    /// Zeros in front up to `length` characters.
    func leftPadded(to length: Int) -> String {
        count >= length ? self : String(repeating: "0", count: length - count) + self
    }
}
