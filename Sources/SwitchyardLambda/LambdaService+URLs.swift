import Foundation
import SwitchyardModels
import SwitchyardWire

/// Function URLs: `http://<url-id>.lambda-url.<region>.localhost:<port>/` (any `*.localhost` name
/// reaches this machine), invoked with Lambda's payload format 2.0.
extension LambdaService {
    public func createFunctionUrlConfig(
        _ input: Lambda.CreateFunctionUrlConfigRequest, context: RequestContext
    ) async throws -> Lambda.CreateFunctionUrlConfigResponse {
        let reference = try Self.reference(input.functionName, qualifier: input.qualifier, context: context)
        var function = try await urlFunction(reference, missing: "Function does not exist")
        let qualifier = reference.qualifier ?? "$LATEST"
        if function.urls?[qualifier] != nil {
            throw LambdaErrors.conflict(
                "Failed to create function url config for [functionArn = \(reference.qualifiedArn)]. Error message:  FunctionUrlConfig exists for this Lambda function"
            )
        }
        let now = Date()
        let url = FunctionURLRecord(
            urlId: Self.newURLId(), authType: input.authType, corsJSON: input.cors.map { Self.write($0) },
            invokeMode: input.invokeMode, creationTime: now, lastModifiedTime: now)
        function.urls = (function.urls ?? [:]).merging([qualifier: url]) { $1 }
        try await engine.save(function)
        return Lambda.CreateFunctionUrlConfigResponse(
            functionUrl: Self.address(url, function: function, context: context), functionArn: reference.qualifiedArn,
            authType: url.authType, cors: input.cors, creationTime: Self.isoTime(now), invokeMode: input.invokeMode)
    }

    public func getFunctionUrlConfig(_ input: Lambda.GetFunctionUrlConfigRequest, context: RequestContext)
        async throws -> Lambda.GetFunctionUrlConfigResponse
    {
        let reference = try Self.reference(input.functionName, qualifier: input.qualifier, context: context)
        let (function, url) = try await urlConfig(reference)
        return Lambda.GetFunctionUrlConfigResponse(
            functionUrl: Self.address(url, function: function, context: context), functionArn: reference.qualifiedArn,
            authType: url.authType, cors: Self.cors(url), creationTime: Self.isoTime(url.creationTime),
            lastModifiedTime: Self.isoTime(url.lastModifiedTime), invokeMode: url.invokeMode ?? "BUFFERED")
    }

    public func updateFunctionUrlConfig(_ input: Lambda.UpdateFunctionUrlConfigRequest, context: RequestContext)
        async throws -> Lambda.UpdateFunctionUrlConfigResponse
    {
        let reference = try Self.reference(input.functionName, qualifier: input.qualifier, context: context)
        var (function, url) = try await urlConfig(reference, missing: "Function does not exist")
        if let authType = input.authType { url.authType = authType }
        if let cors = input.cors { url.corsJSON = Self.write(cors) }
        if let mode = input.invokeMode { url.invokeMode = mode }
        url.lastModifiedTime = Date()
        function.urls?[reference.qualifier ?? "$LATEST"] = url
        try await engine.save(function)
        return Lambda.UpdateFunctionUrlConfigResponse(
            functionUrl: Self.address(url, function: function, context: context), functionArn: reference.qualifiedArn,
            authType: url.authType, cors: Self.cors(url), creationTime: Self.isoTime(url.creationTime),
            lastModifiedTime: Self.isoTime(url.lastModifiedTime), invokeMode: url.invokeMode ?? "BUFFERED")
    }

    public func deleteFunctionUrlConfig(_ input: Lambda.DeleteFunctionUrlConfigRequest, context: RequestContext)
        async throws
    {
        let reference = try Self.reference(input.functionName, qualifier: input.qualifier, context: context)
        var (function, _) = try await urlConfig(reference)
        function.urls?[reference.qualifier ?? "$LATEST"] = nil
        try await engine.save(function)
    }

    public func listFunctionUrlConfigs(_ input: Lambda.ListFunctionUrlConfigsRequest, context: RequestContext)
        async throws -> Lambda.ListFunctionUrlConfigsResponse
    {
        let function = try await urlFunction(
            try Self.reference(input.functionName, context: context), missing: "Function does not exist")
        let configs = (function.urls ?? [:]).sorted { $0.key < $1.key }.map { qualifier, url in
            Lambda.FunctionUrlConfig(
                functionUrl: Self.address(url, function: function, context: context),
                functionArn: qualifier == "$LATEST" ? function.arn : "\(function.arn):\(qualifier)",
                creationTime: Self.isoTime(url.creationTime), lastModifiedTime: Self.isoTime(url.lastModifiedTime),
                cors: Self.cors(url), authType: url.authType, invokeMode: url.invokeMode ?? "BUFFERED")
        }
        let page = try Page(configs, marker: input.marker, maxItems: input.maxItems ?? 50)
        return Lambda.ListFunctionUrlConfigsResponse(functionUrlConfigs: page.items, nextMarker: page.nextMarker)
    }

    /// URL operations answer a missing function or alias as a missing resource; Create and Update
    /// say so in their own words, as AWS recorded them.
    private func urlFunction(
        _ reference: FunctionReference, missing: String = "The resource you requested does not exist."
    )
        async throws -> FunctionRecord
    {
        guard let function = await engine.function(reference.key) else { throw LambdaErrors.notFound(missing) }
        if let qualifier = reference.qualifier, qualifier != "$LATEST", function.aliases[qualifier] == nil {
            throw LambdaErrors.notFound(missing)
        }
        return function
    }

    private func urlConfig(
        _ reference: FunctionReference, missing: String = "The resource you requested does not exist."
    )
        async throws -> (FunctionRecord, FunctionURLRecord)
    {
        let function = try await urlFunction(reference, missing: missing)
        guard let url = function.urls?[reference.qualifier ?? "$LATEST"] else {
            throw LambdaErrors.notFound("The resource you requested does not exist.")
        }
        return (function, url)
    }

    static func newURLId() -> String {
        let characters = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        return String((0..<32).map { _ in characters[Int.random(in: 0..<characters.count)] })
    }

    static func address(_ url: FunctionURLRecord, function: FunctionRecord, context: RequestContext) -> String {
        let port = context.host.split(separator: ":").dropFirst().first.map { ":\($0)" } ?? ""
        return "http://\(url.urlId).lambda-url.\(function.region).localhost\(port)/"
    }

    static func write(_ cors: Lambda.Cors) -> String {
        guard let index = Lambda.model.shapeIndex["Cors"] else { return "{}" }
        return ShapeJSON.write(cors.awsValue, shape: index, model: Lambda.model)
    }

    static func cors(_ url: FunctionURLRecord) -> Lambda.Cors? {
        guard let text = url.corsJSON, let index = Lambda.model.shapeIndex["Cors"],
            let value = try? ShapeJSON.read(text, shape: index, model: Lambda.model)
        else { return nil }
        return try? Lambda.Cors(awsValue: value)
    }

    static func isoTime(_ date: Date) -> String { UTCDateFormats.string(date, "yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'") }
}
