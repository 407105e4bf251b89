import SwitchyardModels
import SwitchyardWire

/// What S3 supplies when a request leaves it out: a tagging document without a tag set (or no
/// document at all) sets no tags, which the model would otherwise call a missing member. A
/// presigned URL may carry the operation's headers as query parameters (`If-None-Match=*`, signed
/// with the URL), which S3 takes as those headers.
enum S3InputDefaults {
    @Sendable static func fill(_ input: AWSValue, _ operation: OperationModel, _ request: WireRequest) throws
        -> AWSValue
    {
        let input = headersFromPresignedQuery(input, operation, request)
        guard operation.name == "PutBucketTagging" || operation.name == "PutObjectTagging",
            case .structure(var members) = input
        else { return input }
        var tagging = (try? members["Tagging"]?.structureMembers()) ?? AWSStructure()
        if tagging["TagSet"] == nil { tagging["TagSet"] = .list([]) }
        members["Tagging"] = .structure(tagging)
        return .structure(members)
    }
}

extension S3InputDefaults {
    /// The query parameters of a presigned URL's signature (SigV2 and SigV4), in lower case.
    static let authParameters: Set<String> = [
        "awsaccesskeyid", "signature", "expires", "x-amz-algorithm", "x-amz-credential", "x-amz-date",
        "x-amz-expires", "x-amz-signedheaders", "x-amz-signature", "x-amz-security-token",
    ]

    /// The string header members a presigned URL's query names and its headers do not.
    static func headersFromPresignedQuery(_ input: AWSValue, _ operation: OperationModel, _ request: WireRequest)
        -> AWSValue
    {
        let query = request.queryValues
        guard query["X-Amz-Signature"] != nil || query["Signature"] != nil, let index = operation.input,
            case .structure(var members) = input
        else { return input }
        // The signature's own parameters are not headers (SigV2's Expires is the URL's expiry).
        let byName = Dictionary(
            query.compactMap { name, values in
                authParameters.contains(name.lowercased()) ? nil : values.first.map { (name.lowercased(), $0) }
            },
            uniquingKeysWith: { first, _ in first })
        let shape = S3.model[index]
        // Metadata (`x-amz-meta-*`), which SigV2 URLs carry in their query.
        for ref in shape.members where ref.location == "headers" && members[ref.name] == nil {
            guard let prefix = ref.locationName?.lowercased() else { continue }
            let entries = byName.filter { $0.key.hasPrefix(prefix) && $0.key.count > prefix.count }
            guard !entries.isEmpty else { continue }
            members[ref.name] = .map(
                Dictionary(
                    uniqueKeysWithValues: entries.map { (String($0.key.dropFirst(prefix.count)), .string($0.value)) }))
        }
        for ref in shape.members where ref.location == "header" && members[ref.name] == nil {
            guard let header = ref.locationName?.lowercased(), let value = byName[header],
                S3.model[ref.target].kind == .string
            else { continue }
            members[ref.name] = .string(value)
        }
        return .structure(members)
    }
}
