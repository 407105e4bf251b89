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
        guard !name.isEmpty else { throw SNSErrors.invalidParameter("\(name) Reason: cannot be empty") }
        guard name.utf8.count <= 256 else {
            throw SNSErrors.invalidParameter("\(name) Reason: must be at most 256 characters long")
        }
        guard
            name.unicodeScalars.allSatisfy({
                $0.isASCII
                    && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "_-.".unicodeScalars.contains($0))
            })
        else {
            throw SNSErrors.invalidParameter(
                "\(name) Reason: must contain only characters 'a'-'z', 'A'-'Z', '0'-'9', '_', '-', and '.'")
        }
        guard names.contains(platform) else {
            throw SNSErrors.invalidParameter("Platform Reason: \(platform) is not supported")
        }
        let tokenBased = attributes["PlatformSigningKeyId"] != nil || attributes["PlatformSigningKey"] != nil
        let credential = !(attributes["PlatformCredential"] ?? "").isEmpty
        let principal = !(attributes["PlatformPrincipal"] ?? "").isEmpty
        if principal, !credential, !tokenBased {
            throw SNSErrors.invalidParameter(
                "Attributes Reason: PlatformPrincipal attribute provided without PlatformCredential")
        }
        // Amazon Device Messaging and APNS certificates come in pairs: client id and secret, certificate and key.
        if credential, !principal, platform == "ADM" || platform.hasPrefix("APNS"), !tokenBased {
            throw SNSErrors.invalidParameter(
                "Attributes Reason: PlatformCredential attribute provided without PlatformPrincipal")
        }
        if !tokenBased && !credential {
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
