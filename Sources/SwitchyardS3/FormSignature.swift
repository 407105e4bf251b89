import Crypto
import Foundation
import SwitchyardPlatform
import SwitchyardWire

/// In strict mode, the signature of a browser form upload: the form signs its base64 policy document,
/// with SigV4 (`X-Amz-Signature`, hex HMAC-SHA256 under the scope's signing key) or SigV2
/// (`Signature`, base64 HMAC-SHA1 under the secret itself).
enum FormSignature {
    static func verify(_ form: MultipartForm, policy: String, secrets: SigningSecrets) throws {
        if let credentialText = form.value("x-amz-credential") {
            guard let credential = try? SigV4.parseScope(credentialText) else {
                throw AWSError(
                    "InvalidArgument", "Invalid according to Policy: Policy Credential format is invalid."
                )
                .with("ArgumentName", "x-amz-credential").with("ArgumentValue", credentialText)
            }
            let secret = try known(credential.accessKeyId, form: form, secrets: secrets)
            let key = SigV4.signingKey(secretKey: secret, credential: credential)
            let expected = Hex.encode(HMAC<SHA256>.authenticationCode(for: Array(policy.utf8), using: key))
            guard expected == form.value("x-amz-signature")?.lowercased() else { throw SigV4.signatureMismatch }
            return
        }
        let accessKeyId = form.value("awsaccesskeyid") ?? ""
        let secret = try known(accessKeyId, form: form, secrets: secrets)
        let mac = HMAC<Insecure.SHA1>.authenticationCode(
            for: Array(policy.utf8), using: SymmetricKey(data: Array(secret.utf8)))
        guard Data(mac).base64EncodedString() == form.value("signature") else { throw SigV4.signatureMismatch }
    }

    /// The secret of a key the server knows, with the session token and expiry of temporary ones checked.
    private static func known(_ accessKeyId: String, form: MultipartForm, secrets: SigningSecrets) throws -> String {
        guard let secret = secrets.secret(for: accessKeyId), secret.active else {
            throw AWSError(
                "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.",
                httpStatus: 403
            ).with("AWSAccessKeyId", accessKeyId)
        }
        if let token = secret.sessionToken {
            guard form.value("x-amz-security-token") == token else {
                throw AWSError("InvalidToken", "The provided token is malformed or otherwise invalid.")
            }
            if let expiration = secret.expiration, expiration < Date() {
                throw AWSError("ExpiredToken", "The provided token has expired.")
            }
        }
        return secret.secretAccessKey
    }
}
