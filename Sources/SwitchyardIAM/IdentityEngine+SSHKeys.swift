import Foundation
import SwitchyardCore

// Users' SSH public keys (CodeCommit's way of taking them): at most five per user.
extension IdentityEngine {
    public func uploadSSHKey(account: String, userName: String, body: String) throws
        -> (SSHPublicKeyRecord, CommitTicket)
    {
        let user = try user(account: account, name: userName)
        guard let blob = SSHPublicKeyFormat.blob(body) else {
            throw IAMErrors.invalidPublicKey()
        }
        let fingerprint = SSHPublicKeyFormat.fingerprint(blob)
        let held = sshKeys.values.filter { $0.account == account && $0.userName == user.name }
        guard !held.contains(where: { $0.fingerprint == fingerprint }) else { throw IAMErrors.duplicatePublicKey() }
        guard held.count < 5 else {
            throw IAMErrors.limitExceeded("Cannot exceed quota for SSHPublicKeysPerUser: 5")
        }
        let key = SSHPublicKeyRecord(
            account: account, userName: user.name, id: IdentityIdentifiers.uniqueId("APKA"), body: body,
            fingerprint: fingerprint, active: true, uploadedAt: now)
        return (key, commit([save(key)]))
    }

    public func sshKey(_ id: String, account: String, userName: String) throws -> SSHPublicKeyRecord {
        let user = try user(account: account, name: userName)
        guard let key = sshKeys[id], key.account == account, key.userName == user.name else {
            throw IAMErrors.noSuchEntity("The Public Key with id \(id) cannot be found.")
        }
        return key
    }

    public func sshKeys(account: String, userName: String) throws -> [SSHPublicKeyRecord] {
        let user = try user(account: account, name: userName)
        return sshKeys.values.filter { $0.account == account && $0.userName == user.name }
            .sorted { ($0.uploadedAt, $0.id) < ($1.uploadedAt, $1.id) }
    }

    public func updateSSHKey(_ id: String, account: String, userName: String, active: Bool) throws -> CommitTicket {
        var key = try sshKey(id, account: account, userName: userName)
        key.active = active
        return commit([save(key)])
    }

    public func deleteSSHKey(_ id: String, account: String, userName: String) throws -> CommitTicket {
        let key = try sshKey(id, account: account, userName: userName)
        sshKeys[key.id] = nil
        return commit([.delete(.sshPublicKey, key: key.id)])
    }
}
