import SwitchyardWire

/// A topic's message data protection policy: statements that look for sensitive data in messages
/// going into the topic (Inbound, at Publish) or out of it (Outbound, per subscription), and deny
/// the message or de-identify what they find (mask or redact it).
///
/// Audit statements are accepted and checked, but their findings have nowhere to go: the log
/// destinations they name (CloudWatch Logs, Firehose, S3) are not services of this server yet.
struct DataProtectionPolicy: Sendable {
    enum Direction: String, Sendable {
        case inbound = "Inbound"
        case outbound = "Outbound"
    }

    enum Action: Sendable, Equatable {
        case audit
        case deny
        case mask(Character)
        case redact
    }

    struct Statement: Sendable {
        var direction: Direction
        /// "*" or account ids / ARNs of the principals the statement applies to.
        var principals: [String]
        var detectors: [SensitiveData]
        var action: Action

        func applies(to account: String) -> Bool {
            principals.contains { $0 == "*" || $0 == account || $0.contains(":\(account):") }
        }
    }

    /// What a message became after the statements of one direction.
    enum Verdict: Equatable {
        case allowed(String)
        case denied
    }

    let statements: [Statement]

    /// Runs the statements of `direction` that apply to `account` over `text`: a deny that finds
    /// something wins; otherwise every de-identify statement rewrites what it finds.
    func apply(_ direction: Direction, to text: String, account: String) -> Verdict {
        var result = text
        for statement in statements where statement.direction == direction && statement.applies(to: account) {
            switch statement.action {
            case .audit:
                continue
            case .deny:
                if statement.detectors.contains(where: { !$0.findings(in: result).isEmpty }) { return .denied }
            case .mask(let character):
                result = Self.rewrite(result, statement.detectors) { String(repeating: character, count: $0.count) }
            case .redact:
                result = Self.rewrite(result, statement.detectors) { _ in "" }
            }
        }
        return .allowed(result)
    }

    /// True when no statement of `direction` could change or deny a message (the common case costs nothing).
    func isEmpty(_ direction: Direction) -> Bool {
        !statements.contains { $0.direction == direction && $0.action != .audit }
    }

    private static func rewrite(
        _ text: String, _ detectors: [SensitiveData], replacement: (Substring) -> String
    ) -> String {
        var result = text
        for detector in detectors {
            // Replaced from the end, so that earlier ranges stay valid.
            for range in detector.findings(in: result).reversed() {
                result.replaceSubrange(range, with: replacement(result[range]))
            }
        }
        return result
    }
}

extension DataProtectionPolicy {
    /// Parses and validates a policy document, answering SNS's InvalidParameter for what is wrong.
    static func parse(_ json: String) throws -> DataProtectionPolicy {
        guard case .object(let document)? = try? JSONValue.parse(Array(json.utf8)) else {
            throw invalid("Invalid JSON")
        }
        guard case .string(let name)? = document["Name"], !name.isEmpty else { throw invalid("Name is required") }
        guard case .string("2021-06-01")? = document["Version"] else {
            throw invalid("Version must be 2021-06-01")
        }
        guard case .array(let statements)? = document["Statement"] else { throw invalid("Statement is required") }
        let custom = try customIdentifiers(document["Configuration"])
        var parsed: [Statement] = []
        var audits = 0
        for value in statements {
            guard case .object(let statement) = value else { throw invalid("Statement must be a list of objects") }
            let direction = try parseDirection(statement["DataDirection"])
            let principals = try strings(statement["Principal"], "Principal")
            let identifiers = try strings(statement["DataIdentifier"], "DataIdentifier")
            let detectors = try identifiers.map { identifier in
                if let detector = custom[identifier] ?? SensitiveData.managed(arn: identifier) { return detector }
                throw invalid(
                    "DataIdentifier \(identifier) is not a custom data identifier of this policy nor a managed one Switchyard detects"
                )
            }
            let action = try parseOperation(statement["Operation"])
            if case .audit = action {
                audits += 1
                guard direction == .inbound else { throw invalid("Audit statements must be Inbound") }
            }
            parsed.append(Statement(direction: direction, principals: principals, detectors: detectors, action: action))
        }
        guard audits <= 1 else { throw invalid("Only one Audit statement is allowed") }
        return DataProtectionPolicy(statements: parsed)
    }

    private static func parseDirection(_ value: JSONValue?) throws -> Direction {
        guard case .string(let text)? = value, let direction = Direction(rawValue: text) else {
            throw invalid("DataDirection must be Inbound or Outbound")
        }
        return direction
    }

    private static func parseOperation(_ value: JSONValue?) throws -> Action {
        guard case .object(let operation)? = value, operation.count == 1, let (name, body) = operation.first else {
            throw invalid("Operation must hold exactly one of Audit, Deny and Deidentify")
        }
        switch name {
        case "Audit":
            return .audit
        case "Deny":
            return .deny
        case "Deidentify":
            guard case .object(let config) = body, config.count == 1 else {
                throw invalid("Deidentify must hold exactly one of MaskConfig and RedactConfig")
            }
            if config["RedactConfig"] != nil { return .redact }
            guard case .object(let mask)? = config["MaskConfig"] else {
                throw invalid("Deidentify must hold exactly one of MaskConfig and RedactConfig")
            }
            guard let character = mask["MaskWithCharacter"] else { return .mask("*") }
            guard case .string(let text) = character, text.count == 1, let first = text.first,
                maskCharacters.contains(first)
            else { throw invalid("MaskWithCharacter must be one of \(String(maskCharacters))") }
            return .mask(first)
        default:
            throw invalid("Operation must hold exactly one of Audit, Deny and Deidentify")
        }
    }

    /// The characters SNS lets a mask use.
    private static let maskCharacters = Array("*#$%&@^~-_+=/\\|:;.,?!")

    private static func customIdentifiers(_ value: JSONValue?) throws -> [String: SensitiveData] {
        guard case .object(let configuration)? = value else { return [:] }
        guard case .array(let list)? = configuration["CustomDataIdentifier"] else { return [:] }
        var found: [String: SensitiveData] = [:]
        for case .object(let entry) in list {
            guard case .string(let name)? = entry["Name"], case .string(let pattern)? = entry["Regex"],
                !name.isEmpty, name.count <= 128, pattern.count <= 200
            else { throw invalid("CustomDataIdentifier needs a Name (up to 128 characters) and a Regex (up to 200)") }
            guard let detector = SensitiveData(name: name, pattern: pattern) else {
                throw invalid("CustomDataIdentifier \(name): the Regex is not valid")
            }
            found[name] = detector
        }
        return found
    }

    private static func strings(_ value: JSONValue?, _ name: String) throws -> [String] {
        guard case .array(let list)? = value, !list.isEmpty else { throw invalid("\(name) must be a non-empty list") }
        return try list.map { item in
            guard case .string(let text) = item else { throw invalid("\(name) must be a list of strings") }
            return text
        }
    }

    private static func invalid(_ reason: String) -> AWSError {
        SNSErrors.invalidParameter("DataProtectionPolicy Reason: \(reason)")
    }
}
