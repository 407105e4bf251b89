import Foundation

/// In strict mode, the secrets that signatures are checked with, for services that verify a
/// signature themselves because it is not in the request's headers or query (S3's browser form
/// uploads sign their policy document). Absent in the default mode, where any signature passes.
public struct SigningSecrets: Sendable {
    /// A secret and what else must come with it.
    public struct Secret: Sendable {
        public var secretAccessKey: String
        /// Temporary credentials are valid only with their session token, until they expire.
        public var sessionToken: String?
        public var expiration: Date?
        public var active: Bool
    }

    private let staticSecrets: [String: String]
    private let issued: CredentialDirectory

    public init(staticSecrets: [String: String], issued: CredentialDirectory) {
        self.staticSecrets = staticSecrets
        self.issued = issued
    }

    /// The secret of an access key: one IAM or STS issued, else one of the configuration's.
    public func secret(for accessKeyId: String) -> Secret? {
        if let credential = issued.lookup(accessKeyId) {
            return Secret(
                secretAccessKey: credential.secret, sessionToken: credential.sessionToken,
                expiration: credential.expiration, active: credential.active)
        }
        return staticSecrets[accessKeyId].map { Secret(secretAccessKey: $0, active: true) }
    }
}
