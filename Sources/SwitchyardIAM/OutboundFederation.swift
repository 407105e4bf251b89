import Crypto
import Foundation
import SwitchyardWire
import _CryptoExtras

/// An account's outbound identity federation: the issuer its tokens name and the keys that sign
/// them (one ES384, one RS256), kept once the feature is first enabled.
public struct OutboundFederationRecord: Codable, Sendable, Equatable {
    /// `https://<id>.tokens.sts.global.api.aws`, as AWS forms it.
    public var issuer: String
    public var enabled: Bool
    /// P-384 private key, raw.
    var ecKey: Data
    var rsaKeyPEM: String
    /// Key ids, as the tokens' headers and the published key set name them.
    var ecKeyId: String
    var rsaKeyId: String

    static func generate() throws -> OutboundFederationRecord {
        let id = UUID().uuidString.lowercased()
        return OutboundFederationRecord(
            issuer: "https://\(id).tokens.sts.global.api.aws", enabled: true,
            ecKey: P384.Signing.PrivateKey().rawRepresentation,
            rsaKeyPEM: try _RSA.Signing.PrivateKey(keySize: .bits2048).pemRepresentation,
            ecKeyId: "ec-" + UUID().uuidString.lowercased(), rsaKeyId: "rsa-" + UUID().uuidString.lowercased())
    }

    /// A signed JWT (compact form) of the claims, with the algorithm asked for (`ES384`, `RS256`).
    func sign(_ claims: [String: Any], algorithm: String) throws -> String {
        let header: [String: Any] = ["alg": algorithm, "typ": "JWT", "kid": algorithm == "RS256" ? rsaKeyId : ecKeyId]
        let signingInput =
            Base64URL.encode(try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])) + "."
            + Base64URL.encode(try JSONSerialization.data(withJSONObject: claims, options: [.sortedKeys]))
        let bytes = Data(signingInput.utf8)
        let signature: Data
        if algorithm == "RS256" {
            signature = try _RSA.Signing.PrivateKey(pemRepresentation: rsaKeyPEM)
                .signature(for: SHA256.hash(data: bytes), padding: .insecurePKCS1v1_5).rawRepresentation
        } else {
            // JWS's ES384 signature is r and s, 48 bytes each.
            signature = try P384.Signing.PrivateKey(rawRepresentation: ecKey).signature(for: bytes).rawRepresentation
        }
        return signingInput + "." + Base64URL.encode(signature)
    }

    /// The public keys as a JSON Web Key Set's entries (RFC 7517, 7518).
    func publicKeys() throws -> [[String: String]] {
        let ec = try P384.Signing.PrivateKey(rawRepresentation: ecKey).publicKey.rawRepresentation
        let rsa = try _RSA.Signing.PrivateKey(pemRepresentation: rsaKeyPEM).publicKey.getKeyPrimitives()
        return [
            [
                "kty": "EC", "crv": "P-384", "alg": "ES384", "use": "sig", "kid": ecKeyId,
                "x": Base64URL.encode(ec.prefix(48)), "y": Base64URL.encode(ec.suffix(48)),
            ],
            [
                "kty": "RSA", "alg": "RS256", "use": "sig", "kid": rsaKeyId,
                "n": Base64URL.encode(rsa.modulus), "e": Base64URL.encode(rsa.publicExponent),
            ],
        ]
    }
}
