import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import SwitchyardCore
import SwitchyardServer

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `switchyard`: a self-hosted server for the AWS application-integration services.
@main
struct SwitchyardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "switchyard",
        abstract: "A self-hosted server that speaks the AWS wire protocols of SQS and its sibling services.",
        version: SwitchyardVersion.current,
        subcommands: [Serve.self],
        defaultSubcommand: Serve.self)
}

/// `switchyard serve`: every flag has a matching SWITCHYARD_* environment variable; a flag wins.
///
/// Flags are taken as text and checked by `ServerSettings`, together with the environment, so that
/// a bad value is refused the same way wherever it came from.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the server (until SIGTERM or SIGINT, which finish the requests in flight and exit 0).")

    @Option(help: "Address to listen on (SWITCHYARD_HOST; default 127.0.0.1).")
    var host: String?

    @Option(help: "Port to listen on, 0 for any free one (SWITCHYARD_PORT; default 4566).")
    var port: String?

    @Option(name: .customLong("data-dir"), help: "Where state is kept (SWITCHYARD_DATA_DIR; default ./.switchyard).")
    var dataDirectory: String?

    @Option(help: "sqlite (durable) or memory (SWITCHYARD_STORAGE; default sqlite).")
    var storage: String?

    @Option(
        help:
            "normal: acknowledged writes survive a crash; full: they survive power loss too (SWITCHYARD_SYNC; default normal)."
    )
    var sync: String?

    @Option(help: "Region of unsigned requests (SWITCHYARD_REGION; default us-east-1).")
    var region: String?

    @Option(
        help:
            "Account of requests whose access key is not a 12-digit account id (SWITCHYARD_ACCOUNT; default 000000000000)."
    )
    var account: String?

    @Option(
        help: "any: accept any signature; strict: verify SigV4 against --credentials (SWITCHYARD_AUTH; default any).")
    var auth: String?

    @Option(help: "Credentials for strict mode, AKID:SECRET[:ACCOUNT],... (SWITCHYARD_CREDENTIALS; default test:test).")
    var credentials: String?

    @Option(
        name: .customLong("admin-token"),
        help:
            "Bearer token for the operational endpoints (reset, captured messages, deliveries) in strict mode (SWITCHYARD_ADMIN_TOKEN)."
    )
    var adminToken: String?

    @Option(
        name: .customLong("header-timeout"),
        help: "Seconds from a request's first byte to the end of its headers (SWITCHYARD_HEADER_TIMEOUT; default 30).")
    var headerTimeout: String?

    @Option(
        name: .customLong("idle-timeout"),
        help:
            "Seconds an idle kept-alive connection, or a stalled request body, stays open (SWITCHYARD_IDLE_TIMEOUT; default 60)."
    )
    var idleTimeout: String?

    @Option(
        name: .customLong("max-connections"),
        help: "Connections open at once; more are closed when accepted (SWITCHYARD_MAX_CONNECTIONS; default 4096).")
    var maxConnections: String?

    @Option(
        name: .customLong("log-level"),
        help:
            "trace, debug (logs every request), info, notice, warning, error or critical (SWITCHYARD_LOG_LEVEL; default info)."
    )
    var logLevel: String?
    @Flag(
        name: .customLong("ses-sandbox"),
        help:
            "SES as a new AWS account: identities wait for their verification link, recipients must be verified (SWITCHYARD_SES_SANDBOX)."
    )
    var sesSandbox = false
    @Option(
        name: .customLong("ses-quota"),
        help:
            "Enforce SES sending quotas, MAX24H:RATE (e.g. 200:1, the sandbox's); default: reported, not enforced (SWITCHYARD_SES_QUOTA)."
    )
    var sesQuota: String?
    @Option(
        name: .customLong("smtp-port"),
        help:
            "Also accept mail over SMTP (STARTTLS, AUTH with SES SMTP credentials) on this port (SWITCHYARD_SMTP_PORT)."
    )
    var smtpPort: String?
    @Option(
        name: .customLong("smtp-inbound-port"),
        help:
            "Also receive mail (SES email receiving: the active receipt rule set's actions) over SMTP on this port (SWITCHYARD_SMTP_INBOUND_PORT)."
    )
    var smtpInboundPort: String?
    @Option(
        name: .customLong("smtp-tls-cert"),
        help: "PEM certificate chain for SMTP STARTTLS; default a self-signed one (SWITCHYARD_SMTP_TLS_CERT).")
    var smtpTLSCertificate: String?
    @Option(name: .customLong("smtp-tls-key"), help: "PEM private key for SMTP STARTTLS (SWITCHYARD_SMTP_TLS_KEY).")
    var smtpTLSKey: String?
    @Option(
        name: .customLong("smtp-relay"),
        help: "Also relay every message SES accepts to this SMTP server, HOST:PORT (SWITCHYARD_SMTP_RELAY).")
    var smtpRelay: String?
    @Option(
        name: .customLong("smtp-relay-security"),
        help: "none, starttls or tls: how to talk to the relay (SWITCHYARD_SMTP_RELAY_SECURITY; default none).")
    var smtpRelaySecurity: String?
    @Option(
        name: .customLong("smtp-relay-user"),
        help: "User name for AUTH PLAIN at the relay (SWITCHYARD_SMTP_RELAY_USER).")
    var smtpRelayUser: String?
    @Option(
        name: .customLong("smtp-relay-password"),
        help: "Password for AUTH PLAIN at the relay (SWITCHYARD_SMTP_RELAY_PASSWORD).")
    var smtpRelayPassword: String?
    @Option(
        name: .customLong("smtp-relay-insecure"),
        help: "true: accept any certificate from the relay (SWITCHYARD_SMTP_RELAY_INSECURE; default false).")
    var smtpRelayInsecure: String?

    func run() async throws {
        let started = ContinuousClock.now
        var flags: [String: String] = [:]
        for (name, value) in [
            ("host", host), ("port", port), ("data-dir", dataDirectory), ("storage", storage), ("sync", sync),
            ("region", region), ("account", account), ("auth", auth), ("credentials", credentials),
            ("admin-token", adminToken), ("header-timeout", headerTimeout), ("idle-timeout", idleTimeout),
            ("max-connections", maxConnections), ("log-level", logLevel),
            ("ses-sandbox", sesSandbox ? "true" : nil), ("ses-quota", sesQuota), ("smtp-port", smtpPort),
            ("smtp-inbound-port", smtpInboundPort), ("smtp-tls-cert", smtpTLSCertificate),
            ("smtp-tls-key", smtpTLSKey), ("smtp-relay", smtpRelay), ("smtp-relay-security", smtpRelaySecurity),
            ("smtp-relay-user", smtpRelayUser), ("smtp-relay-password", smtpRelayPassword),
            ("smtp-relay-insecure", smtpRelayInsecure),
        ] {
            if let value { flags[name] = value }
        }
        let (configuration, level): (ServerConfiguration, Logger.Level)
        do {
            (configuration, level) = try ServerSettings(
                flags: flags, environment: ProcessInfo.processInfo.environment
            ).resolve()
        } catch let error as ServerSettings.Invalid {
            throw ValidationError(error.description)
        }
        // The data directory, the database and the signing key are for this user only.
        umask(0o077)
        AllocatorTuning.apply()
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "switchyard")
        let app: Switchyard
        do {
            app = try await Switchyard.start(configuration, logger: logger)
        } catch {
            // Start-up failures are the user's to fix: say what, plainly, and exit non-zero.
            logger.critical("switchyard could not start: \(error)")
            throw ExitCode.failure
        }
        let elapsed = started.duration(to: .now)
        // Whole milliseconds by integer arithmetic: Foundation's String(format:) would load its
        // internationalization libraries into an otherwise idle process just for this line.
        let millis = elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
        let storedIn =
            configuration.storage == .sqlite
            ? "data in \(configuration.dataDirectory) (sqlite, sync \(configuration.sync.rawValue))" : "data in memory"
        logger.info(
            "switchyard \(SwitchyardVersion.current) listening on http://\(configuration.host):\(app.server.port), \(storedIn), started in \(millis) ms"
        )
        let group = ServiceGroup(
            configuration: .init(
                services: [
                    .init(
                        service: ServingSwitchyard(app: app, logger: logger),
                        successTerminationBehavior: .gracefullyShutdownGroup)
                ],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await group.run()
        logger.info("switchyard stopped")
    }
}

/// The running server as the service group sees it: it serves until the group shuts down
/// gracefully (SIGTERM, SIGINT), then stops accepting and lets the requests in flight finish.
struct ServingSwitchyard: Service, CustomStringConvertible {
    let app: Switchyard
    let logger: Logger
    var description: String { "switchyard" }

    func run() async throws {
        try? await gracefulShutdown()
        logger.info("switchyard shutting down: no new connections; finishing the requests in flight")
        await app.shutdown(gracePeriod: .seconds(4))
    }
}
