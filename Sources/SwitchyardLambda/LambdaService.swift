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
    /// Where each invocation's log lines go (CloudWatch Logs, `/aws/lambda/<name>`).
    let logs: LogWriters

    init(
        engine: LambdaEngine, deliveries: DeliveryEngine, resources: ResourceDirectory, sources: EventSourceReaders,
        logs: LogWriters
    ) {
        self.logs = logs
        self.engine = engine
        self.deliveries = deliveries
        self.resources = resources
        self.pollers = MappingPollers(sources: sources)
    }

    /// A function as a request names it: a name, a full ARN, or a partial ARN (`<account>:function:<name>`),
    /// each with an optional `:<qualifier>`.
    struct FunctionReference {
        var account: String
        var region: String
        var name: String
        var qualifier: String?

        var key: String { LambdaEngine.key(account: account, region: region, name: name) }
        var arn: String { "arn:aws:lambda:\(region):\(account):function:\(name)" }
        var qualifiedArn: String { qualifier.map { "\(arn):\($0)" } ?? arn }
    }

    static func reference(_ given: String, qualifier: String? = nil, context: RequestContext) throws
        -> FunctionReference
    {
        let parts = given.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        var reference: FunctionReference
        if parts.count >= 7, parts[0] == "arn", parts[2] == "lambda", parts[5] == "function" {
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
            throw invalidFunctionName(given)
        }
        guard isFunctionName(reference.name) else { throw invalidFunctionName(given) }
        if let qualifier {
            if let inArn = reference.qualifier, inArn != qualifier {
                throw LambdaErrors.invalidParameter(
                    "The derived qualifier from the function name does not match the specified qualifier.")
            }
            reference.qualifier = qualifier
        }
        if reference.region != context.region || reference.account != context.account {
            // Another region's functions are not reachable through this region's endpoint.
            if reference.region != context.region {
                throw LambdaErrors.invalidParameter(
                    "Functions from '\(reference.region)' are not reachable in this region ('\(context.region)')")
            }
        }
        return reference
    }

    static func isFunctionName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 64
            && name.unicodeScalars.allSatisfy {
                CharacterSet.alphanumerics.contains($0) && $0.isASCII || $0 == "-" || $0 == "_"
            }
    }

    static func invalidFunctionName(_ given: String) -> AWSError {
        AWSError(
            "ValidationException",
            "1 validation error detected: Value '\(given)' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?",
            httpStatus: 400)
    }

    /// The function a reference names, or Lambda's not-found error.
    func function(_ reference: FunctionReference) async throws -> FunctionRecord {
        guard let function = await engine.function(reference.key) else {
            throw LambdaErrors.functionNotFound(reference.arn)
        }
        return function
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
        if let alias = reference?.qualifier, function.aliases[alias] != nil { arn = "\(function.arn):\(alias)" }
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
            revisionId: version.revisionId, state: version.state, stateReason: version.stateReason,
            stateReasonCode: version.stateReasonCode, lastUpdateStatus: version.lastUpdateStatus,
            lastUpdateStatusReason: version.lastUpdateStatusReason,
            lastUpdateStatusReasonCode: version.lastUpdateStatusReasonCode,
            packageType: version.packageType, architectures: version.architectures,
            ephemeralStorage: Lambda.EphemeralStorage(size: version.ephemeralStorage),
            snapStart: Lambda.SnapStartResponse(applyOn: "None", optimizationStatus: "Off"),
            runtimeVersionConfig: version.runtime.map { runtime in
                Lambda.RuntimeVersionConfig(
                    runtimeVersionArn: RuntimeCatalog.versionArn(runtime, region: function.region))
            },
            loggingConfig: Lambda.LoggingConfig(
                logFormat: version.logFormat, logGroup: version.logGroup ?? "/aws/lambda/\(function.name)"))
    }
}
