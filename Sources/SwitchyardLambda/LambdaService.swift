import Foundation
import SwitchyardDelivery
import SwitchyardModels
import SwitchyardPlatform
import SwitchyardWire

/// Lambda's operations on the engine, checked as Lambda checks them and answered in the model's
/// shapes. Operations it does not provide answer NotImplemented, naming themselves.
public struct LambdaService: LambdaAPI {
    let engine: LambdaEngine
    let deliveries: DeliveryEngine
    /// Existence checks of other modules' resources (an event source mapping's queue).
    let resources: ResourceDirectory
    let pollers: MappingPollers
    /// Readers of other modules' queues and streams (event source mappings).
    let sources: EventSourceReaders
    /// Where each invocation's log lines go (CloudWatch Logs, `/aws/lambda/<name>`).
    let logs: LogWriters
    /// Where code given as an S3 object is read.
    let objects: ObjectReaders

    init(
        engine: LambdaEngine, deliveries: DeliveryEngine, resources: ResourceDirectory, sources: EventSourceReaders,
        logs: LogWriters, objects: ObjectReaders
    ) {
        self.logs = logs
        self.objects = objects
        self.engine = engine
        self.deliveries = deliveries
        self.resources = resources
        self.pollers = MappingPollers(sources: sources)
        self.sources = sources
    }

    /// A function as a request names it: a name, a full ARN, or a partial ARN (`<account>:function:<name>`),
    /// each with an optional `:<qualifier>`.
    struct FunctionReference {
        var account: String
        var region: String
        var name: String
        var qualifier: String?
        /// The caller's account, when it is not the function's (access then needs the function's policy).
        var caller: String? = nil

        var key: String { LambdaEngine.key(account: account, region: region, name: name) }
        var arn: String { "arn:aws:lambda:\(region):\(account):function:\(name)" }
        var qualifiedArn: String { qualifier.map { "\(arn):\($0)" } ?? arn }
        /// The same function's `$LATEST`.
        var latest: FunctionReference {
            var reference = self
            reference.qualifier = "$LATEST"
            return reference
        }
    }

    /// `creating`: CreateFunction's stricter name rules (no dots, at most 64 characters).
    static func reference(
        _ given: String, qualifier: String? = nil, context: RequestContext, creating: Bool = false
    ) throws -> FunctionReference {
        let parts = given.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        var reference: FunctionReference
        if parts.count == 6, parts[0] == "arn", parts[2] == "lambda", parts[5] == "function" {
            // An ARN that stops at "function" names the function called "function", as AWS reads it.
            reference = FunctionReference(account: parts[4], region: parts[3], name: parts[5])
        } else if parts.count >= 7, parts[0] == "arn", parts[2] == "lambda", parts[5] == "function" {
            reference = FunctionReference(
                account: parts[4], region: parts[3], name: parts[6], qualifier: parts.count > 7 ? parts[7] : nil)
        } else if parts.count >= 3, parts[1] == "function" {
            reference = FunctionReference(
                account: parts[0], region: context.region, name: parts[2], qualifier: parts.count > 3 ? parts[3] : nil)
        } else if parts.count <= 2 {
            reference = FunctionReference(
                account: context.account, region: context.region, name: parts[0],
                qualifier: parts.count == 2 ? parts[1] : nil)
        } else {
            throw invalidFunctionName(given, creating: creating)
        }
        guard isFunctionName(reference.name, creating: creating) else {
            throw invalidFunctionName(given, creating: creating)
        }
        if let qualifier {
            if let inArn = reference.qualifier, inArn != qualifier {
                throw LambdaErrors.invalidParameter(
                    "The derived qualifier from the function name does not match the specified qualifier.")
            }
            reference.qualifier = qualifier
        }
        // Another region's functions are not reachable through this region's endpoint, and another
        // account's are not this caller's.
        if reference.region != context.region {
            throw LambdaErrors.notFound(
                "Functions from '\(reference.region)' are not reachable in this region ('\(context.region)')")
        }
        if reference.account != context.account { reference.caller = context.account }
        return reference
    }

    static func isFunctionName(_ name: String, creating: Bool) -> Bool {
        !name.isEmpty && (!creating || name.count <= 64)
            && name.unicodeScalars.allSatisfy {
                CharacterSet.alphanumerics.contains($0) && $0.isASCII || $0 == "-" || $0 == "_"
                    || (!creating && $0 == ".")
            }
    }

    /// AWS's pattern for function names: CreateFunction's, and the looser one of the operations
    /// that read functions (dots, `$LATEST.PUBLISHED`).
    static func invalidFunctionName(_ given: String, creating: Bool = false) -> AWSError {
        let pattern =
            creating
            ? #"(arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?"#
            : #"(arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_\.]+)(:(\$LATEST(\.PUBLISHED)?|[a-zA-Z0-9-_]+))?"#
        return AWSError(
            "ValidationException",
            "1 validation error detected: Value '\(given)' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: \(pattern)",
            httpStatus: 400)
    }

    /// The function a reference names, or Lambda's not-found error.
    /// The not-found message names the qualifier asked for unless `unqualifiedMessage` (DeleteFunction).
    func function(_ reference: FunctionReference, unqualifiedMessage: Bool = false) async throws -> FunctionRecord {
        guard let function = await engine.function(reference.key) else {
            if reference.caller != nil { throw LambdaErrors.accessDenied }
            throw LambdaErrors.functionNotFound(unqualifiedMessage ? reference.arn : reference.qualifiedArn)
        }
        // Another account reaches a function only as its resource policy allows that account.
        if let caller = reference.caller, !Self.policyAllows(function, account: caller) {
            throw LambdaErrors.accessDenied
        }
        return function
    }

    /// Whether a statement of the function's policy names the account (its root, any of its
    /// principals) or everyone.
    static func policyAllows(_ function: FunctionRecord, account: String) -> Bool {
        statementsAllow(function.policyStatements, account: account)
    }

    /// Whether one of a resource policy's statements names the account (its root, any of its
    /// principals) or everyone; with `action`, only statements of that action (or `lambda:*`) count,
    /// and with `unconditionalOnly`, only statements without a condition.
    static func statementsAllow(
        _ statements: [String], account: String, action: String? = nil, unconditionalOnly: Bool = false
    ) -> Bool {
        statements.contains { statement in
            guard let document = try? JSONSerialization.jsonObject(with: Data(statement.utf8)) as? [String: Any] else {
                return false
            }
            if unconditionalOnly, document["Condition"] != nil { return false }
            if let action {
                let given = document["Action"]
                let actions = (given as? [String]) ?? (given as? String).map { [$0] } ?? []
                guard actions.contains(where: { $0 == action || $0 == "lambda:*" || $0 == "*" }) else { return false }
            }
            if document["Principal"] as? String == "*" { return true }
            let aws = (document["Principal"] as? [String: Any])?["AWS"]
            let principals = (aws as? [String]) ?? (aws as? String).map { [$0] } ?? []
            return principals.contains { $0 == account || $0.hasPrefix("arn:aws:iam::\(account):") }
        }
    }

    /// The version a reference names: `$LATEST` without a qualifier, a published version, or the
    /// version an alias points to (its primary version).
    func version(of function: FunctionRecord, _ reference: FunctionReference) throws -> FunctionVersionRecord {
        guard let qualifier = reference.qualifier else { return function.latest }
        if let version = function.version(qualifier) { return version }
        if let alias = function.aliases[qualifier], let version = function.version(alias.functionVersion) {
            return version
        }
        throw LambdaErrors.functionNotFound(reference.qualifiedArn)
    }

    /// A configuration as listings show it: without state, update status and runtime version.
    static func listed(_ configuration: Lambda.FunctionConfiguration) -> Lambda.FunctionConfiguration {
        var listed = configuration
        listed.state = nil
        listed.stateReason = nil
        listed.stateReasonCode = nil
        listed.lastUpdateStatus = nil
        listed.lastUpdateStatusReason = nil
        listed.lastUpdateStatusReasonCode = nil
        listed.runtimeVersionConfig = nil
        return listed
    }

    /// Every version of a function as listings show them: `$LATEST` first, with a qualified ARN.
    static func listedVersions(_ function: FunctionRecord) -> [Lambda.FunctionConfiguration] {
        var latest = listed(configuration(function, function.latest))
        latest.functionArn = "\(function.arn):$LATEST"
        return [latest] + function.versions.map { listed(configuration(function, $0)) }
    }

    /// A version's configuration as Lambda reports it; read through an alias, its ARN is the alias's.
    static func configuration(
        _ function: FunctionRecord, _ version: FunctionVersionRecord, invokedAs reference: FunctionReference? = nil
    ) -> Lambda.FunctionConfiguration {
        let isLatest = version.version == "$LATEST"
        var arn = isLatest ? function.arn : "\(function.arn):\(version.version)"
        if let qualifier = reference?.qualifier, function.aliases[qualifier] != nil || qualifier == "$LATEST" {
            arn = "\(function.arn):\(qualifier)"
        }
        return Lambda.FunctionConfiguration(
            functionName: function.name,
            functionArn: arn,
            runtime: version.runtime, role: version.role, handler: version.handler, codeSize: version.codeSize,
            description: version.description, timeout: version.timeout, memorySize: version.memorySize,
            lastModified: LambdaTimestamps.format(version.lastModified), codeSha256: version.codeSha256,
            version: version.version,
            deadLetterConfig: version.deadLetterTarget.map { Lambda.DeadLetterConfig(targetArn: $0) },
            environment: version.environment.map { Lambda.EnvironmentResponse(variables: $0) },
            tracingConfig: Lambda.TracingConfigResponse(mode: version.tracingMode),
            revisionId: version.revisionId,
            layers: version.layers.map { layers in layers.map { Lambda.Layer(arn: $0.arn, codeSize: $0.codeSize) } },
            state: version.state, stateReason: version.stateReason,
            stateReasonCode: version.stateReasonCode, lastUpdateStatus: version.lastUpdateStatus,
            lastUpdateStatusReason: version.lastUpdateStatusReason,
            lastUpdateStatusReasonCode: version.lastUpdateStatusReasonCode,
            packageType: version.packageType, architectures: version.architectures,
            ephemeralStorage: Lambda.EphemeralStorage(size: version.ephemeralStorage),
            snapStart: Lambda.SnapStartResponse(
                applyOn: version.snapStartApplyOn ?? "None",
                optimizationStatus: version.snapStartApplyOn != nil && !isLatest ? "On" : "Off"),
            runtimeVersionConfig: version.runtime.map { runtime in
                Lambda.RuntimeVersionConfig(
                    runtimeVersionArn: RuntimeCatalog.versionArn(runtime, region: function.region))
            },
            loggingConfig: Lambda.LoggingConfig(
                logFormat: version.logFormat,
                applicationLogLevel: version.logFormat == "JSON" ? version.applicationLogLevel ?? "INFO" : nil,
                systemLogLevel: version.logFormat == "JSON" ? version.systemLogLevel ?? "INFO" : nil,
                logGroup: version.logGroup ?? "/aws/lambda/\(function.name)"))
    }
}
