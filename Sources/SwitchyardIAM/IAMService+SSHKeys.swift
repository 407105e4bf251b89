import Foundation
import SwitchyardModels
import SwitchyardWire

// Users' SSH public keys over the wire.
extension IAMService {
    public func uploadSSHPublicKey(_ input: IAM.UploadSSHPublicKeyRequest, context: RequestContext) async throws
        -> IAM.UploadSSHPublicKeyResponse
    {
        let (key, ticket) = try await engine.uploadSSHKey(
            account: context.account, userName: input.userName, body: input.sshPublicKeyBody)
        try await ticket.wait()
        return IAM.UploadSSHPublicKeyResponse(sshPublicKey: Self.sshKey(key, body: key.body))
    }

    public func getSSHPublicKey(_ input: IAM.GetSSHPublicKeyRequest, context: RequestContext) async throws
        -> IAM.GetSSHPublicKeyResponse
    {
        let key = try await engine.sshKey(input.sshPublicKeyId, account: context.account, userName: input.userName)
        var body = key.body
        if input.encoding == "PEM" {
            guard let blob = SSHPublicKeyFormat.blob(key.body), let pem = SSHPublicKeyFormat.pem(blob) else {
                throw IAMErrors.invalidPublicKey()
            }
            body = pem
        }
        return IAM.GetSSHPublicKeyResponse(sshPublicKey: Self.sshKey(key, body: body))
    }

    public func listSSHPublicKeys(_ input: IAM.ListSSHPublicKeysRequest, context: RequestContext) async throws
        -> IAM.ListSSHPublicKeysResponse
    {
        // The account's root, named by no user, holds no SSH keys.
        let owner = input.userName ?? Self.callerUserName(context)
        var keys: [SSHPublicKeyRecord] = []
        if let owner { keys = try await engine.sshKeys(account: context.account, userName: owner) }
        let page = try Self.page(keys, input.marker, input.maxItems)
        return IAM.ListSSHPublicKeysResponse(
            sshPublicKeys: page.items.map {
                IAM.SSHPublicKeyMetadata(
                    userName: $0.userName, sshPublicKeyId: $0.id, status: $0.active ? "Active" : "Inactive",
                    uploadDate: $0.uploadedAt)
            }, isTruncated: page.isTruncated, marker: page.marker)
    }

    public func updateSSHPublicKey(_ input: IAM.UpdateSSHPublicKeyRequest, context: RequestContext) async throws {
        try await engine.updateSSHKey(
            input.sshPublicKeyId, account: context.account, userName: input.userName, active: input.status == "Active"
        ).wait()
    }

    public func deleteSSHPublicKey(_ input: IAM.DeleteSSHPublicKeyRequest, context: RequestContext) async throws {
        try await engine.deleteSSHKey(input.sshPublicKeyId, account: context.account, userName: input.userName)
            .wait()
    }

    static func sshKey(_ key: SSHPublicKeyRecord, body: String) -> IAM.SSHPublicKey {
        IAM.SSHPublicKey(
            userName: key.userName, sshPublicKeyId: key.id, fingerprint: key.fingerprint, sshPublicKeyBody: body,
            status: key.active ? "Active" : "Inactive", uploadDate: key.uploadedAt)
    }
}
