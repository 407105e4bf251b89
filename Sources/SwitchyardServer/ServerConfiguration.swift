import SwitchyardCore
import SwitchyardSES

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
    /// The bearer token that opens the operational endpoints (reset, captured messages, delivery
    /// records) in strict mode; without one they stay closed there. Default mode leaves them open.
    public var adminToken: String?
    /// SES: the sandbox, the SMTP interface and the relay.
    public var ses = SESSettings()
    public var connectionLimits = ConnectionLimits()

    public init() {}
}

/// What one connection and all of them together may hold, against idle, slow and too many clients.
public struct ConnectionLimits: Sendable {
    /// From a request's first byte to the end of its headers.
    public var headerTimeoutSeconds = 30
    /// A kept-alive connection with no request, or a request body with no byte arriving, for this long is closed.
    public var idleTimeoutSeconds = 60
    /// Connections open at once; further ones are closed as soon as they are accepted.
    public var maxConnections = 4096
    /// The largest request body; larger ones are refused from their Content-Length, before they are read.
    public var maxBodyBytes = 8 << 20

    public init() {}
}
