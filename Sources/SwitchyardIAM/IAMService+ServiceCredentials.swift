import Foundation
import SwitchyardModels
import SwitchyardWire

// Service-specific credentials over the wire.
extension IAMService {
    public func createServiceSpecificCredential(
        _ input: IAM.CreateServiceSpecificCredentialRequest, context: RequestContext
    ) async throws -> IAM.CreateServiceSpecificCredentialResponse {
        let (credential, ticket) = try await engine.createServiceCredential(
            account: context.account, userName: input.userName, service: input.serviceName,
            ageDays: input.credentialAgeDays)
        try await ticket.wait()
        return IAM.CreateServiceSpecificCredentialResponse(serviceSpecificCredential: Self.shape(credential))
    }

    public func listServiceSpecificCredentials(
        _ input: IAM.ListServiceSpecificCredentialsRequest, context: RequestContext
    ) async throws -> IAM.ListServiceSpecificCredentialsResponse {
        let allUsers = input.allUsers ?? false
        if allUsers, input.userName != nil {
            throw IAMErrors.invalidInput("AllUsers cannot be specified together with UserName.")
        }
        let owner = allUsers ? nil : try Self.credentialOwner(input.userName, context)
        let all = try await engine.serviceCredentials(
            account: context.account, userName: owner, service: input.serviceName)
        let page = try Self.page(all, input.marker, input.maxItems)
        // AWS answered without IsTruncated in 2025 and with it in 2026; the newer answer is kept.
        return IAM.ListServiceSpecificCredentialsResponse(
            serviceSpecificCredentials: page.items.map(Self.metadata), marker: page.marker,
            isTruncated: page.isTruncated)
    }

    public func updateServiceSpecificCredential(
        _ input: IAM.UpdateServiceSpecificCredentialRequest, context: RequestContext
    ) async throws {
        guard input.status == "Active" || input.status == "Inactive" else {
            throw IAMErrors.invalidInput("Status must be Active or Inactive.")
        }
        try await engine.updateServiceCredential(
            input.serviceSpecificCredentialId, account: context.account,
            userName: try Self.credentialOwner(input.userName, context), active: input.status == "Active"
        ).wait()
    }

    public func resetServiceSpecificCredential(
        _ input: IAM.ResetServiceSpecificCredentialRequest, context: RequestContext
    ) async throws -> IAM.ResetServiceSpecificCredentialResponse {
        let (credential, ticket) = try await engine.resetServiceCredential(
            input.serviceSpecificCredentialId, account: context.account,
            userName: try Self.credentialOwner(input.userName, context))
        try await ticket.wait()
        return IAM.ResetServiceSpecificCredentialResponse(serviceSpecificCredential: Self.shape(credential))
    }

    public func deleteServiceSpecificCredential(
        _ input: IAM.DeleteServiceSpecificCredentialRequest, context: RequestContext
    ) async throws {
        try await engine.deleteServiceCredential(
            input.serviceSpecificCredentialId, account: context.account,
            userName: try Self.credentialOwner(input.userName, context)
        ).wait()
    }

    /// Whose credentials a request means: the named user, else the calling user; the account's root
    /// (which holds none of its own) reaches every user's, a role session must name the user.
    static func credentialOwner(_ userName: String?, _ context: RequestContext) throws -> String? {
        if let name = userName ?? callerUserName(context) { return name }
        return try rootOnly(context)
    }

    /// A credential as Create and Reset answer it, with its password or secret.
    static func shape(_ credential: ServiceCredentialRecord) -> IAM.ServiceSpecificCredential {
        IAM.ServiceSpecificCredential(
            createDate: credential.createdAt, expirationDate: credential.expiresAt, serviceName: credential.service,
            serviceUserName: credential.serviceUserName,
            servicePassword: credential.alias == nil ? credential.secret : nil,
            serviceCredentialAlias: credential.alias,
            serviceCredentialSecret: credential.alias == nil ? nil : credential.secret,
            serviceSpecificCredentialId: credential.id, userName: credential.userName,
            status: status(credential))
    }

    /// A credential as List answers it, without secrets.
    static func metadata(_ credential: ServiceCredentialRecord) -> IAM.ServiceSpecificCredentialMetadata {
        IAM.ServiceSpecificCredentialMetadata(
            userName: credential.userName, status: status(credential), serviceUserName: credential.serviceUserName,
            serviceCredentialAlias: credential.alias, createDate: credential.createdAt,
            expirationDate: credential.expiresAt, serviceSpecificCredentialId: credential.id,
            serviceName: credential.service)
    }

    /// `Expired` once an API key's expiration has passed, else as set.
    static func status(_ credential: ServiceCredentialRecord) -> String {
        if let expiry = credential.expiresAt, expiry <= Date() { return "Expired" }
        return credential.active ? "Active" : "Inactive"
    }
}
