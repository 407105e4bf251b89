import Foundation
import SwitchyardModels
import SwitchyardPlatform
import SwitchyardWire

/// Creating, reading, changing and deleting functions.
extension LambdaService {
    public func createFunction(_ input: Lambda.CreateFunctionRequest, context: RequestContext) async throws
        -> Lambda.FunctionConfiguration
    {
        if input.functionName.count > 64, !input.functionName.hasPrefix("arn:") {
            throw LambdaErrors.invalidParameter(
                "1 validation error detected: Value '\(input.functionName)' at 'functionName' failed to satisfy constraint: Member must have length less than or equal to 64"
            )
        }
        let reference = try Self.reference(input.functionName, context: context, creating: true)
        guard reference.qualifier == nil else { throw Self.invalidFunctionName(input.functionName, creating: true) }
        // No one creates a function in another account (AWS answers 403 without a message).
        if reference.caller != nil { throw LambdaErrors.accessDenied }
        if (input.tags ?? [:]).count > 50 {
            throw LambdaErrors.invalidParameter("Number of tags exceeds resource tag limit.")
        }
        let packageType = input.packageType ?? "Zip"
        guard packageType == "Zip" else {
            throw AWSError.notImplemented(
                "Lambda", "CreateFunction with PackageType Image (no container engine runs here)")
        }
        try Self.checkRole(input.role)
        guard let runtime = input.runtime else {
            throw LambdaErrors.invalidParameter(
                "Runtime and Handler are mandatory parameters for functions created with deployment packages.")
        }
        try Self.checkRuntime(runtime)
        guard let handler = input.handler else {
            throw LambdaErrors.invalidParameter(
                "Runtime and Handler are mandatory parameters for functions created with deployment packages.")
        }
        let zip = try await zip(of: input.code)
        // Layers are checked before the name is: AWS refuses a layer of another region even for a
        // function name already taken.
        let layers = try await checkLayers(input.layers ?? [], context: context)
        if await engine.function(reference.key) != nil {
            throw LambdaErrors.conflict("Function already exist: \(reference.name)")
        }
        let stored = try await storeCode(zip)
        var version = FunctionVersionRecord(
            version: "$LATEST", runtime: runtime, handler: handler, role: input.role,
            description: input.description ?? "", timeout: input.timeout ?? 3, memorySize: input.memorySize ?? 128,
            environment: input.environment?.variables, architectures: input.architectures ?? ["x86_64"],
            ephemeralStorage: input.ephemeralStorage?.size ?? 512, packageType: packageType,
            tracingMode: input.tracingConfig?.mode ?? "PassThrough",
            logFormat: input.loggingConfig?.logFormat ?? "Text", logGroup: input.loggingConfig?.logGroup,
            applicationLogLevel: input.loggingConfig?.applicationLogLevel,
            systemLogLevel: input.loggingConfig?.systemLogLevel,
            deadLetterTarget: input.deadLetterConfig?.targetArn, codeDigest: stored.digest, codeSize: stored.size,
            lastModified: Date(), revisionId: UUID().uuidString.lowercased(), state: "Pending",
            stateReason: "The function is being created.", stateReasonCode: "Creating")
        version.snapStartApplyOn = Self.snapStartSetting(input.snapStart)
        try Self.checkSnapStart(version)
        try Self.checkLimits(timeout: version.timeout, memorySize: version.memorySize)
        try Self.checkEnvironment(version.environment)
        if !layers.isEmpty {
            version.layers = layers.map { FunctionLayer(arn: $0.arn, codeSize: $0.version.codeSize) }
        }
        try await checkCodeSigning(input.codeSigningConfigArn)
        var function = FunctionRecord(
            account: reference.account, region: reference.region, name: reference.name, latest: version)
        function.tags = input.tags ?? [:]
        function.codeSigningConfigArn = input.codeSigningConfigArn
        if input.publish == true {
            version.version = "1"
            function.versions = [version]
            function.nextVersion = 2
            function.publishedFingerprint = function.latest.fingerprint
        }
        try await engine.save(function)
        let engine = self.engine
        let key = function.storageKey
        let revision = function.latest.revisionId
        Task { await engine.prepare(key, revisionId: revision) }
        // Published at creation, the answer is version 1's, under the function's unqualified ARN.
        var answer = Self.configuration(function, input.publish == true ? version : function.latest)
        answer.functionArn = function.arn
        return answer
    }

    public func getFunction(_ input: Lambda.GetFunctionRequest, context: RequestContext) async throws
        -> Lambda.GetFunctionResponse
    {
        let reference = try Self.reference(input.functionName, qualifier: input.qualifier, context: context)
        let function = try await function(reference)
        let version = try version(of: function, reference)
        return Lambda.GetFunctionResponse(
            configuration: Self.configuration(function, version, invokedAs: reference),
            code: Lambda.FunctionCodeLocation(
                repositoryType: "S3",
                location: "http://\(context.host)\(LambdaModule.codePath)?digest=\(version.codeDigest)"),
            tags: function.tags.isEmpty ? nil : function.tags,
            concurrency: function.reservedConcurrency.map { Lambda.Concurrency(reservedConcurrentExecutions: $0) })
    }

    public func getFunctionConfiguration(_ input: Lambda.GetFunctionConfigurationRequest, context: RequestContext)
        async throws -> Lambda.FunctionConfiguration
    {
        let reference = try Self.reference(input.functionName, qualifier: input.qualifier, context: context)
        let function = try await function(reference)
        return Self.configuration(function, try version(of: function, reference), invokedAs: reference)
    }

    public func listFunctions(_ input: Lambda.ListFunctionsRequest, context: RequestContext) async throws
        -> Lambda.ListFunctionsResponse
    {
        let functions = await engine.functions(account: context.account, region: context.region)
        var configurations: [Lambda.FunctionConfiguration] = []
        if let version = input.functionVersion, version != "ALL" {
            throw AWSError(
                "ValidationException",
                "1 validation error detected: Value '\(version)' at 'functionVersion' failed to satisfy constraint: Member must satisfy enum value set: [ALL]",
                httpStatus: 400)
        }
        for function in functions {
            if input.functionVersion == "ALL" {
                configurations += Self.listedVersions(function)
            } else {
                configurations.append(Self.listed(Self.configuration(function, function.latest)))
            }
        }
        let page = try Page(configurations, marker: input.marker, maxItems: input.maxItems ?? 50)
        return Lambda.ListFunctionsResponse(nextMarker: page.nextMarker, functions: page.items)
    }

    public func deleteFunction(_ input: Lambda.DeleteFunctionRequest, context: RequestContext) async throws
        -> Lambda.DeleteFunctionResponse
    {
        let reference = try Self.reference(input.functionName, qualifier: input.qualifier, context: context)
        if reference.qualifier == "$LATEST" {
            throw LambdaErrors.invalidParameter("$LATEST version cannot be deleted without deleting the function.")
        }
        var function = try await function(reference, unqualifiedMessage: true)
        if let qualifier = reference.qualifier {
            guard qualifier.allSatisfy(\.isNumber) else {
                throw LambdaErrors.invalidParameter("Deletion of aliases is not currently supported.")
            }
            // Deleting a version that is not there succeeds, as on AWS.
            guard function.versions.contains(where: { $0.version == qualifier }) else {
                return Lambda.DeleteFunctionResponse(statusCode: 204)
            }
            if let alias = function.aliases.values.first(where: { $0.functionVersion == qualifier }) {
                throw LambdaErrors.conflict(
                    "Unable to delete version because the following aliases reference it: [\(alias.name)]")
            }
            if function.provisionedConcurrency?[qualifier] != nil {
                await stopProvisioning(function, qualifier: qualifier)
                function.provisionedConcurrency?[qualifier] = nil
            }
            function.versions.removeAll { $0.version == qualifier }
            try await engine.save(function)
            return Lambda.DeleteFunctionResponse(statusCode: 204)
        }
        try await engine.remove(function.storageKey)
        return Lambda.DeleteFunctionResponse(statusCode: 204)
    }

    public func updateFunctionCode(_ input: Lambda.UpdateFunctionCodeRequest, context: RequestContext) async throws
        -> Lambda.FunctionConfiguration
    {
        let reference = try Self.reference(input.functionName, context: context)
        var function = try await function(reference)
        try Self.checkRevision(input.revisionId, of: function.latest)
        try Self.checkNoUpdateInProgress(function)
        try await checkCodeSigning(function.codeSigningConfigArn)
        let zip = try await zip(
            of: Lambda.FunctionCode(
                zipFile: input.zipFile, s3Bucket: input.s3Bucket, s3Key: input.s3Key,
                s3ObjectVersion: input.s3ObjectVersion, imageUri: input.imageUri))
        let stored = try await storeCode(zip)
        if input.dryRun == true {
            var preview = function.latest
            preview.codeDigest = stored.digest
            preview.codeSize = stored.size
            return Self.configuration(function, preview)
        }
        function.latest.codeDigest = stored.digest
        function.latest.codeSize = stored.size
        if let architectures = input.architectures { function.latest.architectures = architectures }
        return try await commitUpdate(&function, publish: input.publish == true)
    }

    public func updateFunctionConfiguration(
        _ input: Lambda.UpdateFunctionConfigurationRequest, context: RequestContext
    ) async throws -> Lambda.FunctionConfiguration {
        let reference = try Self.reference(input.functionName, context: context)
        var function = try await function(reference)
        try Self.checkRevision(input.revisionId, of: function.latest)
        try Self.checkNoUpdateInProgress(function)
        var latest = function.latest
        if let role = input.role {
            try Self.checkRole(role)
            latest.role = role
        }
        if let runtime = input.runtime {
            try Self.checkRuntime(runtime)
            latest.runtime = runtime
        }
        if let handler = input.handler { latest.handler = handler }
        if let description = input.description { latest.description = description }
        if let timeout = input.timeout { latest.timeout = timeout }
        if let memorySize = input.memorySize { latest.memorySize = memorySize }
        if let environment = input.environment { latest.environment = environment.variables ?? [:] }
        if let storage = input.ephemeralStorage { latest.ephemeralStorage = storage.size }
        if let layers = input.layers {
            let checked = try await checkLayers(layers, context: context)
            latest.layers =
                checked.isEmpty ? nil : checked.map { FunctionLayer(arn: $0.arn, codeSize: $0.version.codeSize) }
        }
        if let tracing = input.tracingConfig?.mode { latest.tracingMode = tracing }
        if let snapStart = input.snapStart { latest.snapStartApplyOn = Self.snapStartSetting(snapStart) }
        try Self.checkSnapStart(latest)
        if let logging = input.loggingConfig {
            if let format = logging.logFormat { latest.logFormat = format }
            if let group = logging.logGroup { latest.logGroup = group }
            if let level = logging.applicationLogLevel { latest.applicationLogLevel = level }
            if let level = logging.systemLogLevel { latest.systemLogLevel = level }
            if latest.logFormat == "Text" {
                latest.applicationLogLevel = nil
                latest.systemLogLevel = nil
            }
        }
        if let deadLetter = input.deadLetterConfig {
            latest.deadLetterTarget = deadLetter.targetArn.flatMap { $0.isEmpty ? nil : $0 }
        }
        try Self.checkLimits(timeout: latest.timeout, memorySize: latest.memorySize)
        try Self.checkEnvironment(latest.environment)
        function.latest = latest
        return try await commitUpdate(&function, publish: false)
    }

    /// Saves a changed `$LATEST` (a new revision, InProgress until prepared), retires its warm
    /// workers and prepares it again.
    private func commitUpdate(_ function: inout FunctionRecord, publish: Bool) async throws
        -> Lambda.FunctionConfiguration
    {
        function.latest.lastModified = Date()
        function.latest.revisionId = UUID().uuidString.lowercased()
        function.latest.lastUpdateStatus = "InProgress"
        function.latest.lastUpdateStatusReason = "The function is being created."
        function.latest.lastUpdateStatusReasonCode = "Creating"
        if function.latest.state == "Failed" {
            function.latest.state = "Active"
            function.latest.stateReason = nil
            function.latest.stateReasonCode = nil
        }
        var answered = function.latest
        if publish {
            // The new version is Pending, with a revision of its own, until the code it shares with
            // `$LATEST` is prepared (then both become ready); AWS recorded it so.
            var published = function.latest
            published.version = String(function.nextVersion)
            published.revisionId = UUID().uuidString.lowercased()
            published.state = "Pending"
            published.stateReason = "The function is being created."
            published.stateReasonCode = "Creating"
            published.lastUpdateStatus = nil
            published.lastUpdateStatusReason = nil
            published.lastUpdateStatusReasonCode = nil
            function.nextVersion += 1
            function.versions.append(published)
            function.publishedFingerprint = function.latest.fingerprint
            answered = published
        }
        try await engine.save(function)
        await engine.retireWorkers(function.storageKey)
        let engine = self.engine
        let key = function.storageKey
        let revision = function.latest.revisionId
        Task { await engine.prepare(key, revisionId: revision) }
        return Self.configuration(function, answered)
    }

    // MARK: Checks

    /// SnapStart's setting as stored: "PublishedVersions", or nil for None.
    static func snapStartSetting(_ setting: Lambda.SnapStart?) -> String? {
        setting?.applyOn == "PublishedVersions" ? "PublishedVersions" : nil
    }

    /// SnapStart is for the runtimes the developer guide lists (Java 11 and later, Python 3.12 and
    /// later, .NET 8 and later), whether it is turned on or the runtime changes under it.
    static func checkSnapStart(_ version: FunctionVersionRecord) throws {
        guard version.snapStartApplyOn != nil, let runtime = version.runtime,
            !RuntimeCatalog.supportsSnapStart(runtime)
        else { return }
        throw LambdaErrors.invalidParameter("\(runtime) is not supported for SnapStart enabled functions.")
    }

    static func checkRole(_ role: String) throws {
        let parts = role.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", parts[2] == "iam", parts[4].count == 12,
            parts[5].hasPrefix("role/")
        else {
            throw AWSError(
                "ValidationException",
                "1 validation error detected: Value '\(role)' at 'role' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+",
                httpStatus: 400)
        }
    }

    /// One update at a time: another while the last is being applied is a conflict, as on AWS.
    static func checkNoUpdateInProgress(_ function: FunctionRecord) throws {
        if function.latest.lastUpdateStatus == "InProgress" {
            throw LambdaErrors.conflict(
                "The operation cannot be performed at this time. An update is in progress for resource: \(function.arn)"
            )
        }
    }

    static func checkRuntime(_ runtime: String) throws {
        if !RuntimeCatalog.deprecated.contains(runtime), !RuntimeCatalog.accepted.contains(runtime) {
            throw LambdaErrors.invalidParameter(
                "Value \(runtime) at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: [\(RuntimeCatalog.acceptedList)] or be a valid ARN"
            )
        }
        if RuntimeCatalog.deprecated.contains(runtime) {
            throw LambdaErrors.invalidParameter(
                "The runtime parameter of \(runtime) is no longer supported for creating or updating AWS Lambda functions. We recommend you use a supported runtime while creating or updating functions."
            )
        }
    }

    static func checkLimits(timeout: Int, memorySize: Int) throws {
        if timeout < 1 || timeout > 900 {
            throw AWSError(
                "ValidationException",
                "1 validation error detected: Value '\(timeout)' at 'timeout' failed to satisfy constraint: Member must have value \(timeout < 1 ? "greater than or equal to 1" : "less than or equal to 900")",
                httpStatus: 400)
        }
        if memorySize < 128 || memorySize > 10240 {
            throw AWSError(
                "ValidationException",
                "1 validation error detected: Value '\(memorySize)' at 'memorySize' failed to satisfy constraint: Member must have value \(memorySize < 128 ? "greater than or equal to 128" : "less than or equal to 10240")",
                httpStatus: 400)
        }
    }

    /// Environment variables: at most 4 KB together, and none of the names Lambda reserves.
    static func checkEnvironment(_ variables: [String: String]?) throws {
        guard let variables else { return }
        let reserved: Set = [
            "_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV",
            "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
            "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
            "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
            "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR",
        ]
        let refused = variables.keys.filter { reserved.contains($0) }.sorted()
        if !refused.isEmpty {
            throw LambdaErrors.invalidParameter(
                "Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: \(refused.joined(separator: ", "))"
            )
        }
        let size = try JSONSerialization.data(withJSONObject: variables).count
        if size > 4096 {
            throw LambdaErrors.invalidParameter(
                "Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: \(String(data: try JSONSerialization.data(withJSONObject: variables, options: [.sortedKeys]), encoding: .utf8) ?? "")"
            )
        }
    }

    static func checkRevision(_ given: String?, of version: FunctionVersionRecord) throws {
        if let given, given != version.revisionId {
            throw LambdaErrors.preconditionFailed(
                "The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id"
            )
        }
    }

    /// Keeps a function's or layer's zip in the code store, refusing it in Lambda's words.
    func storeCode(_ zip: Data) async throws -> CodeStore.StoredCode {
        do {
            return try await engine.code.store(zip)
        } catch CodeStore.Failure.notAZip {
            throw LambdaErrors.invalidParameter(
                "Could not unzip uploaded file. Please check your file, then try to upload again.")
        } catch CodeStore.Failure.unpacksTooLarge {
            throw LambdaErrors.invalidParameter(
                "Unzipped size must be smaller than \(CodeStore.unpackedLimit) bytes")
        }
    }

    /// The zip a request provides: inline bytes, or an S3 object (read from this server's S3).
    func zip(of code: Lambda.FunctionCode) async throws -> Data {
        if let zip = code.zipFile {
            if zip.count > 52_428_800 {
                throw AWSError(
                    "RequestEntityTooLargeException", "Zipped size must be smaller than 52428800 bytes",
                    httpStatus: 413)
            }
            return zip
        }
        if let bucket = code.s3Bucket, let key = code.s3Key {
            guard let reader = objects.current else {
                throw AWSError.notImplemented("Lambda", "function code from S3 without the S3 service")
            }
            do {
                return try await reader.read(bucket: bucket, key: key, versionId: code.s3ObjectVersion)
            } catch let error as AWSError {
                throw LambdaErrors.invalidParameter(
                    "Error occurred while GetObject. S3 Error Code: \(error.code). S3 Error Message: \(error.message ?? "")"
                )
            }
        }
        if code.imageUri != nil {
            throw AWSError.notImplemented("Lambda", "container image code (ImageUri)")
        }
        throw LambdaErrors.invalidParameter("Please provide a source for function code.")
    }
}

/// One page of a listing, by the opaque marker Lambda hands out (here: the index of the next item).
struct Page<Item> {
    var items: [Item]
    var nextMarker: String?

    init(_ all: [Item], marker: String?, maxItems: Int) throws {
        // An empty marker is no marker: clients echo back what the last page answered.
        let marker = marker.flatMap { $0.isEmpty ? nil : $0 }
        let page = try OffsetPage(
            all, token: marker, size: maxItems,
            invalidToken: LambdaErrors.invalidParameter("Invalid marker: \(marker ?? "")"))
        items = page.items
        nextMarker = page.next
    }
}
