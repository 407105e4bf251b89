import Logging

/// Turns `switchyard serve`'s settings, each given as a flag, an environment variable or not at all,
/// into a checked `ServerConfiguration`. Nothing falls back silently: a value that cannot be used is
/// refused with a message naming where it came from, what is wrong and what would be accepted.
public struct ServerSettings {
    /// A setting that cannot be used.
    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    /// Values given as flags, by flag name without dashes (`port`, `data-dir`).
    let flags: [String: String]
    /// The process environment.
    let environment: [String: String]

    public init(flags: [String: String], environment: [String: String]) {
        self.flags = flags
        self.environment = environment
    }

    /// The environment variable of a flag: `data-dir` → `SWITCHYARD_DATA_DIR`.
    public static func environmentName(of flag: String) -> String {
        "SWITCHYARD_" + flag.uppercased().replacingOccurrences(of: "-", with: "_")
    }

    /// A raw value and where it came from ("--port 99999", "SWITCHYARD_PORT=abc").
    func raw(_ flag: String) -> (value: String, origin: String)? {
        if let value = flags[flag] { return (value, "--\(flag) \(value)") }
        let name = Self.environmentName(of: flag)
        if let value = environment[name] { return (value, "\(name)=\(value)") }
        return nil
    }

    /// Where a setting came from, without its value (for secrets).
    func source(_ flag: String) -> String {
        flags[flag] != nil ? "--\(flag)" : Self.environmentName(of: flag)
    }

    func invalid(_ origin: String, _ reason: String) -> Invalid {
        Invalid(description: "Invalid setting \(origin): \(reason)")
    }

    func choice<T: RawRepresentable & CaseIterable>(_ flag: String, default value: T) throws -> T
    where T.RawValue == String {
        guard let (text, origin) = raw(flag) else { return value }
        guard let parsed = T(rawValue: text) else {
            throw invalid(origin, "expected one of \(T.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        return parsed
    }

    func integer(_ flag: String, default value: Int, range: ClosedRange<Int>, unit: String = "") throws -> Int {
        guard let (text, origin) = raw(flag) else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw invalid(
                origin, "expected a whole number from \(range.lowerBound) to \(range.upperBound)\(unit).")
        }
        return number
    }

    /// The checked configuration and the log level.
    public func resolve() throws -> (ServerConfiguration, Logger.Level) {
        var configuration = ServerConfiguration()
        if let (host, origin) = raw("host") {
            guard !host.isEmpty, !host.contains(where: { $0 == " " || $0 == "/" }) else {
                throw invalid(origin, "expected an IP address or host name to listen on, such as 127.0.0.1 or 0.0.0.0.")
            }
            configuration.host = host
        }
        configuration.port = try integer("port", default: configuration.port, range: 0...65_535)
        if let (directory, origin) = raw("data-dir") {
            guard !directory.isEmpty else { throw invalid(origin, "expected the path of a directory.") }
            configuration.dataDirectory = directory
        }
        configuration.storage = try choice("storage", default: configuration.storage)
        configuration.sync = try choice("sync", default: configuration.sync)
        if let (region, origin) = raw("region") {
            guard Self.isRegion(region) else {
                throw invalid(origin, "expected an AWS region name such as us-east-1 or eu-central-2.")
            }
            configuration.region = region
        }
        if let (account, origin) = raw("account") {
            guard Self.isAccountId(account) else {
                throw invalid(origin, "expected a 12-digit AWS account id such as 000000000000.")
            }
            configuration.account = account
        }
        configuration.auth = try choice("auth", default: configuration.auth)
        if let (text, _) = raw("credentials") {
            configuration.credentials = try credentials(text, defaultAccount: configuration.account)
        } else {
            configuration.credentials = configuration.credentials.map {
                var credential = $0
                credential.account = configuration.account
                return credential
            }
        }
        if let (token, _) = raw("admin-token") {
            guard token.utf8.count >= 16, token.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else {
                throw invalid(source("admin-token"), "expected at least 16 printable ASCII characters without spaces.")
            }
            configuration.adminToken = token
        }
        var limits = configuration.connectionLimits
        limits.headerTimeoutSeconds = try integer(
            "header-timeout", default: limits.headerTimeoutSeconds, range: 1...3600, unit: " seconds")
        limits.idleTimeoutSeconds = try integer(
            "idle-timeout", default: limits.idleTimeoutSeconds, range: 1...86_400, unit: " seconds")
        limits.maxConnections = try integer(
            "max-connections", default: limits.maxConnections, range: 1...1_000_000)
        configuration.connectionLimits = limits
        configuration.ses = try sesSettings(host: configuration.host)
        var level = Logger.Level.info
        if let (text, origin) = raw("log-level") {
            guard let parsed = Logger.Level(rawValue: text) else {
                throw invalid(
                    origin, "expected one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            level = parsed
        }
        return (configuration, level)
    }

    /// `AKID:SECRET[:ACCOUNT]` entries separated by commas.
    func credentials(_ text: String, defaultAccount: String) throws -> [StaticCredential] {
        // Secrets are never echoed: messages name the entry by position and access key id.
        let origin = source("credentials")
        var parsed: [StaticCredential] = []
        let entries = text.split(separator: ",", omittingEmptySubsequences: false)
        for (index, entry) in entries.enumerated() {
            let parts = entry.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            let position = "entry \(index + 1) (\(parts.first ?? ""))"
            guard parts.count == 2 || parts.count == 3 else {
                throw invalid(
                    origin,
                    "\(position) must be ACCESS_KEY_ID:SECRET or ACCESS_KEY_ID:SECRET:ACCOUNT, entries separated by commas."
                )
            }
            guard !parts[0].isEmpty, parts[0].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") })
            else {
                throw invalid(
                    origin,
                    "\(position): an access key id is letters, digits and underscores.")
            }
            guard !parts[1].isEmpty, !parts[1].contains(where: \.isWhitespace) else {
                throw invalid(
                    origin, "\(position): the secret must not be empty or contain spaces.")
            }
            if parts.count == 3, !Self.isAccountId(parts[2]) {
                throw invalid(
                    origin, "\(position): the account must be 12 digits.")
            }
            parsed.append(
                StaticCredential(
                    accessKeyId: parts[0], secretAccessKey: parts[1],
                    account: parts.count == 3 ? parts[2] : defaultAccount))
        }
        return parsed
    }

    static func isAccountId(_ text: String) -> Bool {
        text.utf8.count == 12 && text.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    /// `us-east-1`, `eu-central-2`, `us-gov-west-1`, `cn-north-1`, `ap-southeast-4`...
    static func isRegion(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 3, parts.count <= 5, let last = parts.last, let number = Int(last), number >= 1,
            last.count <= 2
        else { return false }
        return parts.dropLast().allSatisfy { part in
            !part.isEmpty && part.utf8.allSatisfy { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) }
        } && parts[0].count == 2
    }
}
