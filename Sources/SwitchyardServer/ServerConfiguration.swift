import SwitchyardCore

/// Where state is kept.
public enum StorageKind: String, Sendable, CaseIterable {
    /// Embedded SQLite in the data directory (the default): state survives restarts and crashes.
    case sqlite
    /// Nothing survives the process; fastest, for throwaway test runs.
    case memory
}

/// How requests are authenticated.
public enum AuthMode: String, Sendable, CaseIterable {
    /// Any signature is accepted; the access key only picks the account.
    case any
    /// Signatures are verified against the configured credentials.
    case strict
}

/// A credential the server accepts in strict mode, and the account it acts in.
public struct StaticCredential: Sendable, Equatable {
    public var accessKeyId: String
    public var secretAccessKey: String
    public var account: String

    public init(accessKeyId: String, secretAccessKey: String, account: String) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.account = account
    }

    /// Parses `AKID:SECRET[:ACCOUNT]` entries separated by commas.
    public static func parseList(_ text: String, defaultAccount: String) -> [StaticCredential] {
        text.split(separator: ",").compactMap { entry in
            let parts = entry.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard parts.count >= 2, !parts[0].isEmpty else { return nil }
            return StaticCredential(
                accessKeyId: parts[0], secretAccessKey: parts[1], account: parts.count > 2 ? parts[2] : defaultAccount)
        }
    }
}

/// Everything `switchyard serve` is configured with.
public struct ServerConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var port = 4566
    public var dataDirectory = "./.switchyard"
    public var storage = StorageKind.sqlite
    public var sync = SyncMode.normal
    public var region = "us-east-1"
    public var account = "000000000000"
    public var auth = AuthMode.any
    public var credentials: [StaticCredential] = [
        StaticCredential(accessKeyId: "test", secretAccessKey: "test", account: "000000000000")
    ]

    public init() {}
}
