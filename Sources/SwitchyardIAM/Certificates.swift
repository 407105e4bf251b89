import Foundation
import X509

/// An SSL/TLS certificate held for other services (CloudFront, Elastic Load Balancing): the
/// certificate, its optional chain and the private key, which no operation ever returns.
public struct ServerCertificateRecord: Codable, Sendable, Equatable {
    public var account: String
    public var name: String
    public var path: String
    /// `ASCA...`, 21 characters; kept across renames.
    public var id: String
    public var body: String
    public var chain: String?
    public var privateKey: String
    /// The certificate's `notAfter`.
    public var expiration: Date
    public var uploadedAt: Date
    public var tags: [TagPair]

    public var arn: String { "arn:aws:iam::\(account):server-certificate\(path)\(name)" }
    var storageKey: String { EntityKey(account, name).storageKey }
}

/// An X.509 certificate a user signs SOAP requests with: at most two per user.
public struct SigningCertificateRecord: Codable, Sendable, Equatable {
    public var account: String
    public var userName: String
    /// 32 upper-case letters and digits.
    public var id: String
    public var body: String
    public var active: Bool
    public var uploadedAt: Date
}

/// Reading the PEM certificates and keys IAM is given.
enum CertificatePEM {
    /// The certificate, if the text holds one in PEM form.
    static func certificate(_ text: String) -> Certificate? {
        try? Certificate(pemEncoded: text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// The certificates of a chain, in the order given, if every one is readable.
    static func chain(_ text: String) -> [Certificate]? {
        let end = "-----END CERTIFICATE-----"
        let blocks = text.components(separatedBy: end).dropLast()
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) + "\n" + end }
        guard !blocks.isEmpty else { return nil }
        let certificates = blocks.compactMap(certificate)
        return certificates.count == blocks.count ? certificates : nil
    }

    /// The private key, in PKCS #1 (`RSA PRIVATE KEY`), SEC 1 or PKCS #8 form.
    static func privateKey(_ text: String) -> Certificate.PrivateKey? {
        try? Certificate.PrivateKey(pemEncoded: text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// The text as IAM keeps it: without the whitespace that trails the last PEM block.
    static func stored(_ text: String) -> String {
        var text = Substring(text)
        while let last = text.last, last.isWhitespace { text = text.dropLast() }
        return String(text)
    }
}
