import Crypto
import Foundation
import NIOSSL
import X509

/// TLS for SMTP: the server's certificate (the user's, or one made for localhost at start) and the
/// relay client's settings.
enum SMTPTLS {
    /// The context STARTTLS upgrades the SMTP interface's connections with.
    static func serverContext(certificatePath: String?, keyPath: String?) throws -> NIOSSLContext {
        if let certificatePath, let keyPath {
            let configuration = TLSConfiguration.makeServerConfiguration(
                certificateChain: try NIOSSLCertificate.fromPEMFile(certificatePath).map { .certificate($0) },
                privateKey: .privateKey(try NIOSSLPrivateKey(file: keyPath, format: .pem)))
            return try NIOSSLContext(configuration: configuration)
        }
        let key = P256.Signing.PrivateKey()
        let issuerKey = Certificate.PrivateKey(key)
        let name = try DistinguishedName {
            CommonName("localhost")
            OrganizationName("Switchyard")
        }
        let now = Date()
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: issuerKey.publicKey,
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(365 * 86_400),
            issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                SubjectAlternativeNames([.dnsName("localhost")])
            },
            issuerPrivateKey: issuerKey)
        let configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: [
                .certificate(
                    try NIOSSLCertificate(bytes: Array(certificate.serializeAsPEM().pemString.utf8), format: .pem))
            ],
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(key.pemRepresentation.utf8), format: .pem)))
        return try NIOSSLContext(configuration: configuration)
    }

    /// The context the relay client connects with.
    static func clientContext(insecure: Bool) throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if insecure { configuration.certificateVerification = .none }
        return try NIOSSLContext(configuration: configuration)
    }
}
