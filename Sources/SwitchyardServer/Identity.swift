import Foundation
import SwitchyardWire

/// Who a request acts as: the account and region that isolate its state, from its SigV4 signature.
struct Identity {
    var account: String
    var region: String
    var accessKeyId: String?
    /// The credential scope's service name, which helps routing.
    var signingService: String?
}

/// Resolves identities, verifying signatures in strict mode.
struct IdentityResolver: Sendable {
    let configuration: ServerConfiguration
    let credentials: [String: StaticCredential]

    init(configuration: ServerConfiguration) {
        self.configuration = configuration
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
            if configuration.auth == .strict {
                throw AWSError("MissingAuthenticationToken", "Request is missing Authentication Token", httpStatus: 403)
            }
            return Identity(account: configuration.account, region: configuration.region)
        }
        var account = configuration.account
        if configuration.auth == .strict {
            guard let known = credentials[credential.accessKeyId] else {
                throw AWSError(
                    "InvalidClientTokenId", "The security token included in the request is invalid.", httpStatus: 403)
            }
            try SigV4.checkTime(request, credential: credential, now: Date())
            try SigV4.verify(request, credential: credential, secretKey: known.secretAccessKey)
            account = known.account
        } else if credential.accessKeyId.count == 12, credential.accessKeyId.allSatisfy(\.isNumber) {
            account = credential.accessKeyId
        } else if let known = credentials[credential.accessKeyId] {
            account = known.account
        }
        let region = credential.region.isEmpty ? configuration.region : credential.region
        return Identity(
            account: account, region: region, accessKeyId: credential.accessKeyId, signingService: credential.service)
    }
}
