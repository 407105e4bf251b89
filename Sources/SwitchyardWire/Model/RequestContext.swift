import Foundation

/// What a service knows about the request it is serving, apart from its input.
public struct RequestContext: Sendable {
    /// The 12-digit account the caller acts in.
    public let account: String
    /// The region from the SigV4 credential scope, or the server's default.
    public let region: String
    /// The Host header as the client sent it (e.g. "localhost:4566"), for URLs the service hands out.
    public let host: String
    /// The access key id of the caller, when the request was signed.
    public let accessKeyId: String?
    /// A unique id for the request, echoed in responses.
    public let requestId: String
    /// The protocol the request came in, for services whose behaviour differs slightly by protocol.
    public let wireProtocol: WireProtocol
    /// Where a service registers what to undo if its answer never reaches the client.
    public let recall: ResponseRecall?
    /// The caller's ARN: the account's root (`arn:aws:iam::<account>:root`), an IAM user, or an
    /// assumed-role or federated-user session.
    public let principalArn: String
    /// The caller's user id, as STS GetCallerIdentity reports it.
    public let userId: String
    /// For an assumed-role session, the role's ARN.
    public let roleArn: String?
    /// The request's X-Ray trace header (`X-Amzn-Trace-Id`), if it carried one.
    public let traceHeader: String?
    /// The request's Accept header asks for JSON (awsQuery answers then come as JSON, as AWS does).
    public var acceptsJSON = false
    /// The server's own region: resources there get URLs without a region in them.
    public var serverRegion = "us-east-1"
    /// The request's streaming payload when the transport wrote it to a file (an S3 upload): the
    /// operation reads its bytes from here, not from its parsed input.
    public var spooledBody: SpooledBody?
    /// The request's headers by lower-cased name, for what a service reads beyond its modelled input
    /// (S3's `x-amz-decoded-content-length` and trailing checksums of an aws-chunked upload).
    public var requestHeaders: [String: String] = [:]
    /// In strict mode, for an S3 upload whose aws-chunked chunks are signed, what verifies them.
    public var chunkSignatures: ChunkSignatureChain?
    /// The client's IP address, when the request came over the network.
    public var sourceIp: String?

    /// The global condition keys this request fills in for policies: `aws:SourceIp` (when known),
    /// `aws:RequestedRegion`, `aws:CurrentTime` and `aws:EpochTime`; `AccessRequest` adds the
    /// principal's keys.
    public var policyContext: [String: String] {
        let now = Date()
        var keys = [
            "aws:RequestedRegion": region,
            "aws:CurrentTime": UTCDateFormats.string(now, "yyyy-MM-dd'T'HH:mm:ss'Z'"),
            "aws:EpochTime": String(Int64(now.timeIntervalSince1970)),
        ]
        if let sourceIp { keys["aws:SourceIp"] = sourceIp }
        return keys
    }

    public init(
        account: String, region: String, host: String, accessKeyId: String? = nil,
        requestId: String = RandomUUID.make(), wireProtocol: WireProtocol = .awsJson1_0, recall: ResponseRecall? = nil,
        principalArn: String? = nil, userId: String? = nil, roleArn: String? = nil, traceHeader: String? = nil
    ) {
        self.account = account
        self.region = region
        self.host = host
        self.accessKeyId = accessKeyId
        self.requestId = requestId
        self.wireProtocol = wireProtocol
        self.recall = recall
        self.principalArn = principalArn ?? "arn:aws:iam::\(account):root"
        self.userId = userId ?? account
        self.roleArn = roleArn
        self.traceHeader = traceHeader
    }
}
