import SwitchyardWire

/// A platform application (mobile push): its platform and the attributes its owner set.
public struct PlatformApplicationRecord: Sendable, Codable, Equatable {
    public var arn: String
    public var account: String
    public var region: String
    public var platform: String
    public var attributes: [String: String]
    public var createdSeq: Int64
}

/// A device endpoint of a platform application.
public struct PlatformEndpointRecord: Sendable, Codable, Equatable {
    public var arn: String
    public var applicationArn: String
    /// Token, Enabled and CustomUserData.
    public var attributes: [String: String]
    public var createdSeq: Int64

    public var enabled: Bool { attributes["Enabled"]?.lowercased() != "false" }
}

/// The rules of mobile push resources.
enum Platforms {
    static let names: Set<String> = [
        "ADM", "APNS", "APNS_SANDBOX", "APNS_VOIP", "APNS_VOIP_SANDBOX", "BAIDU", "GCM", "MPNS", "WNS",
    ]

    /// Attributes that hold credentials: accepted, never shown back.
    static let secrets: Set<String> = ["PlatformCredential", "PlatformPrincipal"]

    static func validateApplication(name: String, platform: String, attributes: [String: String]) throws {
        guard !name.isEmpty, name.utf8.count <= 256, NameCharacters.isAttributeNameCharacters(name)
        else { throw SNSErrors.invalidParameter("Invalid Platform Application Name") }
        guard names.contains(platform) else {
            throw SNSErrors.invalidParameter("Platform Reason: \(platform) is not supported")
        }
        let tokenBased = attributes["PlatformSigningKeyId"] != nil || attributes["PlatformSigningKey"] != nil
        if !tokenBased && (attributes["PlatformCredential"] ?? "").isEmpty {
            throw SNSErrors.invalidParameter("Attributes Reason: PlatformCredential attribute required.")
        }
        if platform.hasPrefix("APNS"), !tokenBased, (attributes["PlatformPrincipal"] ?? "").isEmpty {
            throw SNSErrors.invalidParameter("Attributes Reason: PlatformPrincipal attribute required.")
        }
    }

    /// What GetPlatformApplicationAttributes shows: Enabled and every non-secret attribute.
    static func shown(_ application: PlatformApplicationRecord) -> [String: String] {
        var result = ["Enabled": "true"]
        for (name, value) in application.attributes where !secrets.contains(name) { result[name] = value }
        return result
    }
}
