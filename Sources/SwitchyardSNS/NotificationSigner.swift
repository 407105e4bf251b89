import Crypto
import Foundation
import Synchronization
import X509
import _CryptoExtras

/// Switchyard's SNS signing identity: an RSA key pair and a self-signed certificate, kept in the
/// data directory, served at the SigningCertURL of every notification, so that subscribers verify
/// signatures with the standard algorithm.
///
/// The key is made on first use (a 2048-bit key takes a noticeable fraction of a second, which
/// start-up should not pay) and reused across restarts.
public final class NotificationSigner: Sendable {
    private struct Identity: Sendable {
        let privateKey: _RSA.Signing.PrivateKey
        let certificatePEM: String
    }

    /// The certificate's file name in SigningCertURL, in AWS's form
    /// (`SimpleNotificationService-<32 hex digits>.pem`), which subscribers and test suites recognise.
    public static let certificateFileName = "SimpleNotificationService-461af29c3176435bd141861a32844884.pem"

    private let directory: String?
    private let identity = Mutex<Identity?>(nil)

    /// `directory` nil keeps the identity in memory only (`--storage memory`).
    public init(directory: String?) { self.directory = directory }

    /// The certificate, PEM-encoded.
    public func certificatePEM() throws -> String { try current().certificatePEM }

    /// Signs a notification's canonical text: version 1 is SHA1withRSA, version 2 SHA256withRSA.
    public func sign(_ text: String, version: String) throws -> String {
        let key = try current().privateKey
        let data = Data(text.utf8)
        let signature =
            version == "2"
            ? try key.signature(for: SHA256.hash(data: data), padding: .insecurePKCS1v1_5)
            : try key.signature(for: Insecure.SHA1.hash(data: data), padding: .insecurePKCS1v1_5)
        return signature.rawRepresentation.base64EncodedString()
    }

    private func current() throws -> Identity {
        try identity.withLock { cached in
            if let cached { return cached }
            let made = try loadOrCreate()
            cached = made
            return made
        }
    }

    private func loadOrCreate() throws -> Identity {
        let keyPath = directory.map { ($0 as NSString).appendingPathComponent("sns-signing-key.pem") }
        let certificatePath = directory.map { ($0 as NSString).appendingPathComponent("sns-signing-cert.pem") }
        if let keyPath, let certificatePath, let keyPEM = try? String(contentsOfFile: keyPath, encoding: .utf8),
            let certificatePEM = try? String(contentsOfFile: certificatePath, encoding: .utf8)
        {
            return Identity(
                privateKey: try _RSA.Signing.PrivateKey(pemRepresentation: keyPEM), certificatePEM: certificatePEM)
        }
        let privateKey = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let issuerKey = Certificate.PrivateKey(privateKey)
        let name = try DistinguishedName {
            CommonName("sns.amazonaws.com")
            OrganizationName("Switchyard")
        }
        let now = Date()
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: issuerKey.publicKey,
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(10 * 365 * 86_400),
            issuer: name, subject: name, signatureAlgorithm: .sha256WithRSAEncryption,
            extensions: Certificate.Extensions(),
            issuerPrivateKey: issuerKey)
        let certificatePEM = try certificate.serializeAsPEM().pemString
        if let keyPath, let certificatePath {
            // Written before first use, so that a restart signs with the same key.
            try privateKey.pemRepresentation.write(toFile: keyPath, atomically: true, encoding: .utf8)
            try certificatePEM.write(toFile: certificatePath, atomically: true, encoding: .utf8)
        }
        return Identity(privateKey: privateKey, certificatePEM: certificatePEM)
    }
}
