import Foundation
import SwitchyardCore
import X509

// Server certificates (twenty per account) and users' signing certificates (two per user).
extension IdentityEngine {
    public func uploadServerCertificate(
        account: String, name: String, path: String, body: String, privateKey: String, chain: String?,
        tags: [TagPair]
    ) throws -> (ServerCertificateRecord, CommitTicket) {
        guard let certificate = CertificatePEM.certificate(body) else {
            throw IAMErrors.malformedCertificate(
                "Unable to parse certificate. Please ensure the certificate is in PEM format.")
        }
        guard let key = CertificatePEM.privateKey(privateKey) else {
            throw IAMErrors.malformedCertificate("Unable to parse private key.")
        }
        guard key.publicKey == certificate.publicKey else {
            throw IAMErrors.keyPairMismatch()
        }
        if let chain {
            guard let issuers = CertificatePEM.chain(chain), Self.chains(certificate, to: issuers) else {
                throw IAMErrors.malformedCertificate(
                    "Unable to validate certificate chain. The certificate chain must start with the immediate "
                        + "signing certificate, followed by any intermediaries in order. The index within the chain "
                        + "of the invalid certificate is: -1")
            }
        }
        guard serverCertificates[EntityKey(account, name)] == nil else {
            throw IAMErrors.alreadyExists("The Server Certificate with name \(name) already exists.")
        }
        guard serverCertificates.values.filter({ $0.account == account }).count < 20 else {
            throw IAMErrors.limitExceeded("Cannot exceed quota for ServerCertificatesPerAccount: 20")
        }
        let record = ServerCertificateRecord(
            account: account, name: name, path: path, id: IdentityIdentifiers.uniqueId("ASCA"),
            body: CertificatePEM.stored(body), chain: chain.map(CertificatePEM.stored), privateKey: privateKey,
            expiration: certificate.notValidAfter, uploadedAt: now, tags: try IAMTags.merge([], tags))
        return (record, commit([save(record)]))
    }

    /// Whether each certificate was issued by the next: the chain starts with the body's issuer.
    static func chains(_ certificate: Certificate, to issuers: [Certificate]) -> Bool {
        var subject = certificate
        for issuer in issuers {
            guard subject.issuer == issuer.subject else { return false }
            subject = issuer
        }
        return true
    }

    public func serverCertificate(account: String, name: String) throws -> ServerCertificateRecord {
        guard let record = serverCertificates[EntityKey(account, name)] else {
            throw IAMErrors.noSuchEntity("The Server Certificate with name \(name) cannot be found.")
        }
        return record
    }

    public func serverCertificates(account: String, pathPrefix: String?) -> [ServerCertificateRecord] {
        serverCertificates.values.filter { $0.account == account && $0.path.hasPrefix(pathPrefix ?? "/") }
            .sorted { $0.name.lowercased() < $1.name.lowercased() }
    }

    /// Renames or moves a certificate; its id, contents and tags stay.
    public func updateServerCertificate(account: String, name: String, newName: String?, newPath: String?) throws
        -> CommitTicket
    {
        var record = try serverCertificate(account: account, name: name)
        var changes: [IdentityChange] = []
        if let newName, newName.lowercased() != name.lowercased() {
            guard serverCertificates[EntityKey(account, newName)] == nil else {
                throw IAMErrors.alreadyExists("The Server Certificate with name \(newName) already exists.")
            }
            serverCertificates[EntityKey(account, name)] = nil
            changes.append(.delete(.serverCertificate, key: record.storageKey))
        }
        if let newName { record.name = newName }
        if let newPath { record.path = newPath }
        changes.append(save(record))
        return commit(changes)
    }

    public func changeServerCertificateTags(account: String, name: String, _ change: ([TagPair]) throws -> [TagPair])
        throws -> CommitTicket
    {
        var record = try serverCertificate(account: account, name: name)
        record.tags = try change(record.tags)
        return commit([save(record)])
    }

    public func deleteServerCertificate(account: String, name: String) throws -> CommitTicket {
        let record = try serverCertificate(account: account, name: name)
        serverCertificates[EntityKey(account, name)] = nil
        return commit([.delete(.serverCertificate, key: record.storageKey)])
    }

    // MARK: Signing certificates

    public func uploadSigningCertificate(account: String, userName: String, body: String) throws
        -> (SigningCertificateRecord, CommitTicket)
    {
        let user = try user(account: account, name: userName)
        guard let certificate = CertificatePEM.certificate(body) else {
            throw IAMErrors.malformedCertificate("Certificate \(body) is malformed.")
        }
        let held = signingCertificates.values.filter { $0.account == account }
        if held.contains(where: { CertificatePEM.certificate($0.body) == certificate }) {
            throw IAMErrors.duplicateCertificate()
        }
        guard held.filter({ $0.userName == user.name }).count < 2 else {
            throw IAMErrors.limitExceeded("Cannot exceed quota for CertificatesPerUser: 2")
        }
        let record = SigningCertificateRecord(
            account: account, userName: user.name, id: IdentityIdentifiers.upperAlphanumerics(32),
            body: CertificatePEM.stored(body), active: true, uploadedAt: now)
        return (record, commit([save(record)]))
    }

    public func signingCertificate(_ id: String, account: String, userName: String) throws -> SigningCertificateRecord {
        let user = try user(account: account, name: userName)
        guard let record = signingCertificates[id], record.account == account, record.userName == user.name else {
            throw IAMErrors.noSuchEntity("The Certificate with id \(id) cannot be found.")
        }
        return record
    }

    public func signingCertificates(account: String, userName: String) throws -> [SigningCertificateRecord] {
        let user = try user(account: account, name: userName)
        return signingCertificates.values.filter { $0.account == account && $0.userName == user.name }
            .sorted { ($0.uploadedAt, $0.id) < ($1.uploadedAt, $1.id) }
    }

    public func updateSigningCertificate(_ id: String, account: String, userName: String, active: Bool) throws
        -> CommitTicket
    {
        var record = try signingCertificate(id, account: account, userName: userName)
        record.active = active
        return commit([save(record)])
    }

    public func deleteSigningCertificate(_ id: String, account: String, userName: String) throws -> CommitTicket {
        let record = try signingCertificate(id, account: account, userName: userName)
        signingCertificates[record.id] = nil
        return commit([.delete(.signingCertificate, key: record.id)])
    }
}
