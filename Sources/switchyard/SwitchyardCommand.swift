import ArgumentParser
import Foundation
import Logging
import SwitchyardCore
import SwitchyardServer

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

extension StorageKind: ExpressibleByArgument {}
extension AuthMode: ExpressibleByArgument {}
extension SyncMode: ExpressibleByArgument {}

/// `switchyard serve`: every flag has a matching SWITCHYARD_* environment variable.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the server.")

    @Option(help: "Address to listen on (SWITCHYARD_HOST).")
    var host: String = env("HOST") ?? "127.0.0.1"

    @Option(help: "Port to listen on (SWITCHYARD_PORT).")
    var port: Int = env("PORT").flatMap(Int.init) ?? 4566

    @Option(name: .customLong("data-dir"), help: "Where state is kept (SWITCHYARD_DATA_DIR).")
    var dataDirectory: String = env("DATA_DIR") ?? "./.switchyard"

    @Option(help: "sqlite (durable, default) or memory (SWITCHYARD_STORAGE).")
    var storage: StorageKind = env("STORAGE").flatMap(StorageKind.init(rawValue:)) ?? .sqlite

    @Option(help: "normal: acknowledged writes survive a crash; full: they survive power loss too (SWITCHYARD_SYNC).")
    var sync: SyncMode = env("SYNC").flatMap(SyncMode.init(rawValue:)) ?? .normal

    @Option(help: "Region of unsigned requests (SWITCHYARD_REGION).")
    var region: String = env("REGION") ?? "us-east-1"

    @Option(help: "Account of requests whose access key is not a 12-digit account id (SWITCHYARD_ACCOUNT).")
    var account: String = env("ACCOUNT") ?? "000000000000"

    @Option(help: "any: accept any signature; strict: verify SigV4 against --credentials (SWITCHYARD_AUTH).")
    var auth: AuthMode = env("AUTH").flatMap(AuthMode.init(rawValue:)) ?? .any

    @Option(help: "Credentials for strict mode, AKID:SECRET[:ACCOUNT],... (SWITCHYARD_CREDENTIALS).")
    var credentials: String = env("CREDENTIALS") ?? "test:test"

    @Option(
        name: .customLong("log-level"),
        help: "trace, debug, info, notice, warning, error or critical (SWITCHYARD_LOG_LEVEL).")
    var logLevel: String = env("LOG_LEVEL") ?? "info"

    func run() async throws {
        let started = ContinuousClock.now
        AllocatorTuning.apply()
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "switchyard")
        var configuration = ServerConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.dataDirectory = dataDirectory
        configuration.storage = storage
        configuration.sync = sync
        configuration.region = region
        configuration.account = account
        configuration.auth = auth
        configuration.credentials = StaticCredential.parseList(credentials, defaultAccount: account)
        let app = try await Switchyard.start(configuration, logger: logger)
        let elapsed = started.duration(to: .now)
        // Whole milliseconds by integer arithmetic: Foundation's String(format:) would load its
        // internationalization libraries into an otherwise idle process just for this line.
        let millis = elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
        let where_ = storage == .sqlite ? "data in \(dataDirectory) (sqlite, sync \(sync.rawValue))" : "data in memory"
        logger.info(
            "switchyard \(SwitchyardVersion.current) listening on http://\(host):\(app.server.port), \(where_), started in \(millis) ms"
        )
        try await app.server.waitUntilClosed()
    }
}

private func env(_ name: String) -> String? {
    ProcessInfo.processInfo.environment["SWITCHYARD_\(name)"]
}
