import Foundation
import SwitchyardPlatform
import SwitchyardWire

/// Who a request acts as: the account and region that isolate its state, from its SigV4 signature,
/// and the principal within the account (root, an IAM user, an assumed-role session).
struct Identity {
    var account: String
    var region: String
    var accessKeyId: String?
    /// The credential scope's service name, which helps routing.
    var signingService: String?
    var principalArn: String?
    var userId: String?
    var roleArn: String?
    /// In strict mode, for an S3 upload with signed chunks, what verifies them as the body is read.
    var chunkSignatures: ChunkSignatureChain?
}

/// Resolves identities, verifying signatures in strict mode.
///
/// A key IAM or STS issued (CreateAccessKey, AssumeRole, ...) acts as its user, role session or
/// account, in every mode; in strict mode its secret verifies the signature and a session's token and
/// expiry are checked. Otherwise the static `--credentials` apply, and in the default mode a 12-digit
/// key id is that account and any other key the default account's root.
struct IdentityResolver: Sendable {
    let configuration: ServerConfiguration
    let credentials: [String: StaticCredential]
    let directory: CredentialDirectory

    init(configuration: ServerConfiguration, directory: CredentialDirectory = CredentialDirectory()) {
        self.configuration = configuration
        self.directory = directory
        var byKey: [String: StaticCredential] = [:]
        for credential in configuration.credentials { byKey[credential.accessKeyId] = credential }
        credentials = byKey
    }

    /// The scope of the signature, without verifying it; for routing and for errors before verification.
    func scope(of request: WireRequest) -> SigV4Credential? {
        try? SigV4.credential(of: request)
    }

    func resolve(_ request: WireRequest) throws -> Identity {
        let credential = try SigV4.credential(of: request)
        guard let credential else {
            if configuration.auth == .strict, !Self.isAnonymous(request) {
                throw AWSError("MissingAuthenticationToken", "Request is missing Authentication Token", httpStatus: 403)
            }
            return Identity(account: configuration.account, region: configuration.region)
        }
        let region = credential.region.isEmpty ? configuration.region : credential.region
        if let issued = directory.lookup(credential.accessKeyId) {
            var chunkSignatures: ChunkSignatureChain?
            if configuration.auth == .strict {
                try verify(request, credential: credential, issued: issued)
                chunkSignatures = SigV4.chunkSignatures(request, credential: credential, secretKey: issued.secret)
            }
            return Identity(
                account: issued.account, region: region, accessKeyId: credential.accessKeyId,
                signingService: credential.service, principalArn: issued.principalArn, userId: issued.userId,
                roleArn: issued.roleArn, chunkSignatures: chunkSignatures)
        }
        var account = configuration.account
        var chunkSignatures: ChunkSignatureChain?
        if configuration.auth == .strict {
            guard let known = credentials[credential.accessKeyId] else {
                // The key goes along for S3, whose error names it.
                throw credential.service == "s3"
                    ? Self.invalidToken.with("AWSAccessKeyId", credential.accessKeyId) : Self.invalidToken
            }
            try SigV4.checkTime(request, credential: credential, now: Date())
            try SigV4.verify(request, credential: credential, secretKey: known.secretAccessKey)
            chunkSignatures = SigV4.chunkSignatures(request, credential: credential, secretKey: known.secretAccessKey)
            account = known.account
        } else if credential.accessKeyId.count == 12, credential.accessKeyId.allSatisfy(\.isNumber) {
            account = credential.accessKeyId
        } else if let known = credentials[credential.accessKeyId] {
            account = known.account
        }
        return Identity(
            account: account, region: region, accessKeyId: credential.accessKeyId, signingService: credential.service,
            chunkSignatures: chunkSignatures)
    }

    static let invalidToken = AWSError(
        "InvalidClientTokenId", "The security token included in the request is invalid.", httpStatus: 403)

    /// Strict mode, for a key IAM or STS issued: active, its session token present and current, and
    /// the signature made with its secret.
    private func verify(_ request: WireRequest, credential: SigV4Credential, issued: IssuedCredential) throws {
        guard issued.active else { throw Self.invalidToken }
        if let token = issued.sessionToken {
            let given =
                request.header("x-amz-security-token")
                ?? request.query.flatMap { query in
                    FormParameters.decode(Array(query.utf8)).first { $0.0 == "X-Amz-Security-Token" }?.1
                }
            guard given == token else { throw Self.invalidToken }
            if let expiration = issued.expiration, expiration < Date() {
                throw AWSError("ExpiredToken", "The security token included in the request is expired", httpStatus: 403)
            }
        }
        try SigV4.checkTime(request, credential: credential, now: Date())
        try SigV4.verify(request, credential: credential, secretKey: issued.secret)
    }

    /// Requests AWS takes without a signature: the web identity and SAML role assumptions, whose tokens
    /// are the proof.
    static func isAnonymous(_ request: WireRequest) -> Bool {
        let parameters = AWSQueryCodec.parameters(of: request)
        guard let action = parameters.first(where: { $0.0 == "Action" })?.1 else { return false }
        return action == "AssumeRoleWithWebIdentity" || action == "AssumeRoleWithSAML"
    }
}
