/// How the server runs SES: the sandbox, the SMTP interface and the relay to a real mail server.
public struct SESSettings: Sendable, Equatable {
    /// Verification needs the link of the captured verification email, and recipients must be
    /// verified, as in a new AWS account (`--ses-sandbox`).
    public var sandbox: Bool
    /// The SMTP submission port, or nil for none (`--smtp-port`).
    public var smtpPort: Int?
    /// The receiving (inbound, MX) SMTP port, or nil for none (`--smtp-inbound-port`).
    public var smtpInboundPort: Int?
    /// The address the SMTP interfaces listen on.
    public var smtpHost: String
    /// A PEM certificate chain and key for STARTTLS; without them a self-signed one is made.
    public var smtpCertificatePath: String?
    public var smtpKeyPath: String?
    /// Where accepted messages are also sent (`--smtp-relay HOST:PORT`).
    public var relay: SMTPRelaySettings?
    /// Sending quotas to report and enforce (`--ses-quota MAX24H:RATE`); without them the defaults
    /// of a sandbox or production account are reported and not enforced.
    public var quota: SESQuota?

    public init(
        sandbox: Bool = false, smtpPort: Int? = nil, smtpHost: String = "127.0.0.1", smtpCertificatePath: String? = nil,
        smtpKeyPath: String? = nil, relay: SMTPRelaySettings? = nil, smtpInboundPort: Int? = nil
    ) {
        self.smtpInboundPort = smtpInboundPort
        self.sandbox = sandbox
        self.smtpPort = smtpPort
        self.smtpHost = smtpHost
        self.smtpCertificatePath = smtpCertificatePath
        self.smtpKeyPath = smtpKeyPath
        self.relay = relay
    }
}

/// An account's sending quotas: recipients per 24 hours, and per second.
public struct SESQuota: Sendable, Equatable {
    public var max24HourSend: Int
    public var maxSendRate: Double

    public init(max24HourSend: Int, maxSendRate: Double) {
        self.max24HourSend = max24HourSend
        self.maxSendRate = maxSendRate
    }
}

/// A real SMTP server the captured messages are relayed to.
public struct SMTPRelaySettings: Sendable, Equatable, Codable {
    public enum Security: String, Sendable, Codable, CaseIterable {
        /// Plain SMTP.
        case none
        /// STARTTLS after EHLO (required: the relay must offer it).
        case starttls
        /// TLS from the first byte (SMTPS).
        case tls
    }

    public var host: String
    public var port: Int
    public var security: Security
    public var username: String?
    public var password: String?
    /// Accept any certificate (a relay with a self-signed certificate on a test machine).
    public var insecure: Bool

    public init(
        host: String, port: Int, security: Security = .none, username: String? = nil, password: String? = nil,
        insecure: Bool = false
    ) {
        self.host = host
        self.port = port
        self.security = security
        self.username = username
        self.password = password
        self.insecure = insecure
    }
}
