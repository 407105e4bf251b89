import Foundation
import SwitchyardModels
import SwitchyardWire

/// Layers: zips published in versions that functions reference; their contents are layered over
/// the function's (AWS unpacks them under /opt; here each is its own directory, put on the paths
/// the runtimes search, see `LayerPaths`).
extension LambdaService {
    public func publishLayerVersion(_ input: Lambda.PublishLayerVersionRequest, context: RequestContext)
        async throws -> Lambda.PublishLayerVersionResponse
    {
        let zip = try await zip(
            of: Lambda.FunctionCode(
                zipFile: input.content.zipFile, s3Bucket: input.content.s3Bucket, s3Key: input.content.s3Key,
                s3ObjectVersion: input.content.s3ObjectVersion))
        let address = try ownLayer(input.layerName, context: context)
        let stored = try await storeCode(zip)
        var layer =
            await engine.layer(address.key)
            ?? LayerRecord(account: address.account, region: address.region, name: address.name)
        let version = LayerVersionRecord(
            version: layer.nextVersion, description: input.description, compatibleRuntimes: input.compatibleRuntimes,
            compatibleArchitectures: input.compatibleArchitectures, licenseInfo: input.licenseInfo,
            codeDigest: stored.digest, codeSize: stored.size, createdDate: Date())
        layer.nextVersion += 1
        layer.versions.append(version)
        try await engine.save(layer)
        let shape = Self.layerVersion(layer, version, context: context)
        return Lambda.PublishLayerVersionResponse(
            content: shape.content, layerArn: shape.layerArn, layerVersionArn: shape.layerVersionArn,
            description: shape.description, createdDate: shape.createdDate, version: shape.version,
            compatibleRuntimes: shape.compatibleRuntimes, licenseInfo: shape.licenseInfo,
            compatibleArchitectures: shape.compatibleArchitectures)
    }

    public func getLayerVersion(_ input: Lambda.GetLayerVersionRequest, context: RequestContext) async throws
        -> Lambda.GetLayerVersionResponse
    {
        let (layer, version) = try await readableLayerVersion(
            LayerAddress(input.layerName, context: context), number: input.versionNumber, context: context)
        return Self.layerVersion(layer, version, context: context)
    }

    public func getLayerVersionByArn(_ input: Lambda.GetLayerVersionByArnRequest, context: RequestContext)
        async throws -> Lambda.GetLayerVersionResponse
    {
        let parts = input.arn.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 8, parts[5] == "layer", let number = Int(parts[7]) else {
            throw LambdaErrors.invalidParameter("Invalid layer version ARN: \(input.arn)")
        }
        let (layer, version) = try await readableLayerVersion(
            LayerAddress(account: parts[4], region: parts[3], name: parts[6]), number: number, context: context)
        return Self.layerVersion(layer, version, context: context)
    }

    public func listLayerVersions(_ input: Lambda.ListLayerVersionsRequest, context: RequestContext) async throws
        -> Lambda.ListLayerVersionsResponse
    {
        let layer = await engine.layer(try ownLayer(input.layerName, context: context).key)
        let versions = (layer?.versions ?? []).reversed().filter { version in
            (input.compatibleRuntime.map { version.compatibleRuntimes?.contains($0) == true } ?? true)
                && (input.compatibleArchitecture.map { version.compatibleArchitectures?.contains($0) == true } ?? true)
        }.compactMap { version in layer.map { Self.listItem($0, version) } }
        let page = try Page(Array(versions), marker: input.marker, maxItems: input.maxItems ?? 50)
        return Lambda.ListLayerVersionsResponse(nextMarker: page.nextMarker, layerVersions: page.items)
    }

    public func listLayers(_ input: Lambda.ListLayersRequest, context: RequestContext) async throws
        -> Lambda.ListLayersResponse
    {
        let layers = await engine.layers.values.filter { $0.account == context.account && $0.region == context.region }
            .sorted { $0.name < $1.name }
        let items: [Lambda.LayersListItem] = layers.compactMap { layer in
            let latest = layer.versions.last { version in
                (input.compatibleRuntime.map { version.compatibleRuntimes?.contains($0) == true } ?? true)
                    && (input.compatibleArchitecture.map { version.compatibleArchitectures?.contains($0) == true }
                        ?? true)
            }
            return latest.map {
                Lambda.LayersListItem(
                    layerName: layer.name, layerArn: layer.arn, latestMatchingVersion: Self.listItem(layer, $0))
            }
        }
        let page = try Page(items, marker: input.marker, maxItems: input.maxItems ?? 50)
        return Lambda.ListLayersResponse(nextMarker: page.nextMarker, layers: page.items)
    }

    public func deleteLayerVersion(_ input: Lambda.DeleteLayerVersionRequest, context: RequestContext) async throws {
        guard input.versionNumber >= 1 else {
            throw LambdaErrors.invalidParameter("Layer Version Cannot be less than 1")
        }
        guard var layer = await engine.layer(try ownLayer(input.layerName, context: context).key) else { return }
        layer.versions.removeAll { $0.version == input.versionNumber }
        try await engine.save(layer)
    }

    public func addLayerVersionPermission(
        _ input: Lambda.AddLayerVersionPermissionRequest, context: RequestContext
    ) async throws -> Lambda.AddLayerVersionPermissionResponse {
        var (layer, version) = try await layerVersion(
            try ownLayer(input.layerName, context: context), number: input.versionNumber, missingByArn: true)
        if let revision = input.revisionId, revision != version.policyRevisionId {
            throw LambdaErrors.preconditionFailed(
                "The Revision Id provided does not match the latest Revision Id. Call the GetLayerPolicy API to retrieve the latest Revision Id"
            )
        }
        if version.policyStatements.compactMap(Self.statementId).contains(input.statementId) {
            throw LambdaErrors.conflict(
                "The statement id (\(input.statementId)) provided already exists. Please provide a new statement id, or remove the existing statement."
            )
        }
        var members: [(key: String, value: OrderedJSON)] = [
            ("Sid", .string(input.statementId)), ("Effect", .string("Allow")),
            ("Principal", input.principal == "*" ? .string("*") : .object([("AWS", .string(input.principal))])),
            ("Action", .string(input.action)),
            ("Resource", .string("\(layer.arn):\(version.version)")),
        ]
        if let organization = input.organizationId {
            members.append(
                ("Condition", .object([("StringEquals", .object([("aws:PrincipalOrgID", .string(organization))]))])))
        }
        let statement = OrderedJSON.object(members).text
        version.policyStatements.append(statement)
        version.policyRevisionId = UUID().uuidString.lowercased()
        try await save(version, of: &layer)
        return Lambda.AddLayerVersionPermissionResponse(statement: statement, revisionId: version.policyRevisionId)
    }

    public func getLayerVersionPolicy(_ input: Lambda.GetLayerVersionPolicyRequest, context: RequestContext)
        async throws -> Lambda.GetLayerVersionPolicyResponse
    {
        let (_, version) = try await layerVersion(
            try ownLayer(input.layerName, context: context), number: input.versionNumber, missingByArn: true)
        guard !version.policyStatements.isEmpty else {
            throw LambdaErrors.notFound("No policy is associated with the given resource.")
        }
        return Lambda.GetLayerVersionPolicyResponse(
            policy: #"{"Version":"2012-10-17","Id":"default","Statement":["#
                + version.policyStatements.joined(separator: ",") + "]}",
            revisionId: version.policyRevisionId)
    }

    public func removeLayerVersionPermission(
        _ input: Lambda.RemoveLayerVersionPermissionRequest, context: RequestContext
    ) async throws {
        var (layer, version) = try await layerVersion(
            try ownLayer(input.layerName, context: context), number: input.versionNumber, missingByArn: true)
        if let revision = input.revisionId, revision != version.policyRevisionId {
            throw LambdaErrors.preconditionFailed(
                "The Revision Id provided does not match the latest Revision Id. Call the GetLayerPolicy API to retrieve the latest Revision Id"
            )
        }
        guard !version.policyStatements.isEmpty else {
            throw LambdaErrors.notFound("No policy is associated with the given resource.")
        }
        guard let index = version.policyStatements.firstIndex(where: { Self.statementId($0) == input.statementId })
        else {
            throw LambdaErrors.notFound("Statement \(input.statementId) is not found in resource policy.")
        }
        version.policyStatements.remove(at: index)
        version.policyRevisionId = UUID().uuidString.lowercased()
        try await save(version, of: &layer)
    }

    private func save(_ version: LayerVersionRecord, of layer: inout LayerRecord) async throws {
        if let index = layer.versions.firstIndex(where: { $0.version == version.version }) {
            layer.versions[index] = version
        }
        try await engine.save(layer)
    }

    /// `missingByArn`: the layer policy operations name a missing version by its ARN, as AWS recorded.
    func layerVersion(_ address: LayerAddress, number: Int, missingByArn: Bool = false)
        async throws -> (LayerRecord, LayerVersionRecord)
    {
        guard number >= 1 else { throw LambdaErrors.invalidParameter("Layer Version Cannot be less than 1") }
        guard let layer = await engine.layer(address.key),
            let version = layer.versions.first(where: { $0.version == number })
        else {
            guard missingByArn else { throw LambdaErrors.notFound("The resource you requested does not exist.") }
            throw LambdaErrors.notFound("Layer version \(address.arn):\(number) does not exist.")
        }
        return (layer, version)
    }

    /// The layer a name or ARN names, for the operations only the layer's owner may call (publishing,
    /// listing, deleting and the layer's policy). Another account's or region's layer is refused as
    /// AWS refuses what no policy allows: AccessDeniedException without a message.
    func ownLayer(_ layerName: String, context: RequestContext) throws -> LayerAddress {
        let address = LayerAddress(layerName, context: context)
        guard address.isOwn(context) else { throw LambdaErrors.accessDenied }
        return address
    }

    /// A layer version read by GetLayerVersion, GetLayerVersionByArn or a function's configuration.
    /// Another account reads it only as the version's policy grants that account (or everyone)
    /// `lambda:GetLayerVersion`; otherwise, missing or not, the answer is AccessDeniedException, as
    /// for functions. A statement conditioned on an organization grants nothing here: there are no
    /// organizations to be a member of.
    func readableLayerVersion(_ address: LayerAddress, number: Int, context: RequestContext)
        async throws -> (LayerRecord, LayerVersionRecord)
    {
        guard address.account != context.account else { return try await layerVersion(address, number: number) }
        guard number >= 1 else { throw LambdaErrors.invalidParameter("Layer Version Cannot be less than 1") }
        guard let found = try? await layerVersion(address, number: number),
            Self.statementsAllow(
                found.1.policyStatements, account: context.account, action: "lambda:GetLayerVersion",
                unconditionalOnly: true)
        else { throw LambdaErrors.accessDenied }
        return found
    }

    /// A function's layers: at most 5 layer version ARNs of this region that exist, one version per layer.
    func checkLayers(_ arns: [String], context: RequestContext) async throws -> [(
        arn: String, version: LayerVersionRecord
    )] {
        if arns.count > 5 { throw LambdaErrors.invalidParameter("Cannot reference more than 5 layers.") }
        var found: [(arn: String, version: LayerVersionRecord)] = []
        var seen: [String: String] = [:]
        for arn in arns {
            let parts = arn.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 8, parts[0] == "arn", parts[2] == "lambda", parts[5] == "layer",
                let number = Int(parts[7])
            else {
                throw AWSError(
                    "ValidationException",
                    "1 validation error detected: Value '[\(arns.joined(separator: ", "))]' at 'layers' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 2048, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:(eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:\\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+)|(arn:[a-zA-Z0-9-]+:lambda:::awslayer:[a-zA-Z0-9-_]+), Member must not be null]",
                    httpStatus: 400)
            }
            guard parts[3] == context.region else {
                throw LambdaErrors.invalidParameter(
                    "Layers are not in the same region as the function. Layers are expected to be in region \(context.region)."
                )
            }
            let layerArn = parts[0...6].joined(separator: ":")
            if let other = seen[layerArn] {
                throw LambdaErrors.invalidParameter(
                    "Two different versions of the same layer are not allowed to be referenced in the same function. \(other) and \(arn) are versions of the same layer."
                )
            }
            seen[layerArn] = arn
            let address = LayerAddress(account: parts[4], region: parts[3], name: parts[6])
            let version: LayerVersionRecord
            if address.account == context.account {
                guard let (_, own) = try? await layerVersion(address, number: number) else {
                    throw LambdaErrors.invalidParameter("Layer version \(arn) does not exist.")
                }
                version = own
            } else {
                version = try await readableLayerVersion(address, number: number, context: context).1
            }
            found.append((arn, version))
        }
        return found
    }

    static func layerVersion(_ layer: LayerRecord, _ version: LayerVersionRecord, context: RequestContext)
        -> Lambda.GetLayerVersionResponse
    {
        let sha = FunctionVersionRecord.base64(hexDigest: version.codeDigest)
        return Lambda.GetLayerVersionResponse(
            content: Lambda.LayerVersionContentOutput(
                location: "http://\(context.host)\(LambdaModule.codePath)?digest=\(version.codeDigest)",
                codeSha256: sha, codeSize: version.codeSize),
            layerArn: layer.arn, layerVersionArn: "\(layer.arn):\(version.version)",
            description: version.description ?? "",
            createdDate: isoTime(version.createdDate).replacingOccurrences(
                of: "Z", with: "+0000"), version: version.version, compatibleRuntimes: version.compatibleRuntimes,
            licenseInfo: version.licenseInfo, compatibleArchitectures: version.compatibleArchitectures)
    }

    static func listItem(_ layer: LayerRecord, _ version: LayerVersionRecord) -> Lambda.LayerVersionsListItem {
        Lambda.LayerVersionsListItem(
            layerVersionArn: "\(layer.arn):\(version.version)", version: version.version,
            description: version.description ?? "",
            createdDate: isoTime(version.createdDate).replacingOccurrences(of: "Z", with: "+0000"),
            compatibleRuntimes: version.compatibleRuntimes, licenseInfo: version.licenseInfo,
            compatibleArchitectures: version.compatibleArchitectures)
    }
}
