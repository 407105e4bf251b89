import Foundation
import SwitchyardCore
import SwitchyardWire

/// Settings IAM keeps for a whole account, beside its entities.
public struct AccountSettingsRecord: Codable, Sendable, Equatable {
    public var account: String
    /// The version of the session tokens STS's global endpoint issues (1: valid only in the regions
    /// enabled by default; 2: valid in every region). nil until set: AWS answers 1.
    public var globalEndpointTokenVersion: Int?
    /// Outbound identity federation, once first enabled (disabling keeps the issuer and its keys).
    public var outboundFederation: OutboundFederationRecord?

    public init(account: String) { self.account = account }
}

// Account-wide settings.
extension IdentityEngine {
    public func settings(account: String) -> AccountSettingsRecord {
        accountSettings[account] ?? AccountSettingsRecord(account: account)
    }

    /// Sets the global endpoint's token version: `v1Token` or `v2Token` (the model's enum).
    public func setGlobalEndpointTokenVersion(_ version: String, account: String) -> CommitTicket {
        var settings = settings(account: account)
        settings.globalEndpointTokenVersion = version == "v2Token" ? 2 : 1
        return commit([save(settings)])
    }

    func save(_ settings: AccountSettingsRecord) -> IdentityChange {
        accountSettings[settings.account] = settings
        return put(.accountSettings, settings.account, settings)
    }
}
