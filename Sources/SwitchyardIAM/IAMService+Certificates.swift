import Foundation
import SwitchyardModels
import SwitchyardWire

// Server certificates and users' signing certificates over the wire.
extension IAMService {
    public func uploadServerCertificate(_ input: IAM.UploadServerCertificateRequest, context: RequestContext)
        async throws -> IAM.UploadServerCertificateResponse
    {
        let tags = IAMShapes.pairs(input.tags)
        let (record, ticket) = try await engine.uploadServerCertificate(
            account: context.account, name: input.serverCertificateName, path: input.path ?? "/",
            body: input.certificateBody, privateKey: input.privateKey, chain: input.certificateChain, tags: tags)
        try await ticket.wait()
        return IAM.UploadServerCertificateResponse(
            serverCertificateMetadata: Self.metadata(record), tags: tags.isEmpty ? nil : IAMShapes.tagList(record.tags))
    }

    public func getServerCertificate(_ input: IAM.GetServerCertificateRequest, context: RequestContext) async throws
        -> IAM.GetServerCertificateResponse
    {
        let record = try await engine.serverCertificate(account: context.account, name: input.serverCertificateName)
        return IAM.GetServerCertificateResponse(
            serverCertificate: IAM.ServerCertificate(
                serverCertificateMetadata: Self.metadata(record), certificateBody: record.body,
                certificateChain: record.chain, tags: IAMShapes.tagList(record.tags)))
    }

    public func listServerCertificates(_ input: IAM.ListServerCertificatesRequest, context: RequestContext)
        async throws -> IAM.ListServerCertificatesResponse
    {
        let records = await engine.serverCertificates(account: context.account, pathPrefix: input.pathPrefix)
        let page = try Self.page(records, input.marker, input.maxItems)
        return IAM.ListServerCertificatesResponse(
            serverCertificateMetadataList: page.items.map(Self.metadata), isTruncated: page.isTruncated,
            marker: page.marker)
    }

    public func updateServerCertificate(_ input: IAM.UpdateServerCertificateRequest, context: RequestContext)
        async throws
    {
        try await engine.updateServerCertificate(
            account: context.account, name: input.serverCertificateName,
            newName: input.newServerCertificateName, newPath: input.newPath
        ).wait()
    }

    public func deleteServerCertificate(_ input: IAM.DeleteServerCertificateRequest, context: RequestContext)
        async throws
    {
        try await engine.deleteServerCertificate(account: context.account, name: input.serverCertificateName).wait()
    }

    public func tagServerCertificate(_ input: IAM.TagServerCertificateRequest, context: RequestContext) async throws {
        try await engine.changeServerCertificateTags(account: context.account, name: input.serverCertificateName) {
            try IAMTags.merge($0, IAMShapes.pairs(input.tags))
        }.wait()
    }

    public func untagServerCertificate(_ input: IAM.UntagServerCertificateRequest, context: RequestContext)
        async throws
    {
        try await engine.changeServerCertificateTags(account: context.account, name: input.serverCertificateName) {
            IAMTags.removing(input.tagKeys, from: $0)
        }.wait()
    }

    public func listServerCertificateTags(_ input: IAM.ListServerCertificateTagsRequest, context: RequestContext)
        async throws -> IAM.ListServerCertificateTagsResponse
    {
        let record = try await engine.serverCertificate(account: context.account, name: input.serverCertificateName)
        let page = try Self.page(record.tags, input.marker, input.maxItems)
        return IAM.ListServerCertificateTagsResponse(
            tags: IAMShapes.tagList(page.items), isTruncated: page.isTruncated, marker: page.marker)
    }

    static func metadata(_ record: ServerCertificateRecord) -> IAM.ServerCertificateMetadata {
        IAM.ServerCertificateMetadata(
            path: record.path, serverCertificateName: record.name, serverCertificateId: record.id, arn: record.arn,
            uploadDate: record.uploadedAt, expiration: record.expiration)
    }

    // MARK: Signing certificates

    public func uploadSigningCertificate(_ input: IAM.UploadSigningCertificateRequest, context: RequestContext)
        async throws -> IAM.UploadSigningCertificateResponse
    {
        let (record, ticket) = try await engine.uploadSigningCertificate(
            account: context.account, userName: try Self.userOrCaller(input.userName, context),
            body: input.certificateBody)
        try await ticket.wait()
        return IAM.UploadSigningCertificateResponse(certificate: Self.signingCertificate(record))
    }

    public func listSigningCertificates(_ input: IAM.ListSigningCertificatesRequest, context: RequestContext)
        async throws -> IAM.ListSigningCertificatesResponse
    {
        // The account's root, named by no user, holds no signing certificates here.
        var records: [SigningCertificateRecord] = []
        if let owner = input.userName ?? Self.callerUserName(context) {
            records = try await engine.signingCertificates(account: context.account, userName: owner)
        }
        let page = try Self.page(records, input.marker, input.maxItems)
        return IAM.ListSigningCertificatesResponse(
            certificates: page.items.map(Self.signingCertificate), isTruncated: page.isTruncated, marker: page.marker)
    }

    public func updateSigningCertificate(_ input: IAM.UpdateSigningCertificateRequest, context: RequestContext)
        async throws
    {
        try await engine.updateSigningCertificate(
            input.certificateId, account: context.account, userName: try Self.userOrCaller(input.userName, context),
            active: input.status == "Active"
        ).wait()
    }

    public func deleteSigningCertificate(_ input: IAM.DeleteSigningCertificateRequest, context: RequestContext)
        async throws
    {
        try await engine.deleteSigningCertificate(
            input.certificateId, account: context.account, userName: try Self.userOrCaller(input.userName, context)
        ).wait()
    }

    static func signingCertificate(_ record: SigningCertificateRecord) -> IAM.SigningCertificate {
        IAM.SigningCertificate(
            userName: record.userName, certificateId: record.id, certificateBody: record.body,
            status: record.active ? "Active" : "Inactive", uploadDate: record.uploadedAt)
    }
}
