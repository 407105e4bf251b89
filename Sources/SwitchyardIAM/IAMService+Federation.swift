import Foundation
import SwitchyardModels
import SwitchyardWire

// OpenID Connect and SAML identity providers over the wire.
extension IAMService {
    // MARK: OpenID Connect

    public func createOpenIDConnectProvider(
        _ input: IAM.CreateOpenIDConnectProviderRequest, context: RequestContext
    ) async throws -> IAM.CreateOpenIDConnectProviderResponse {
        let (provider, ticket) = try await engine.createOIDCProvider(
            account: context.account, url: input.url, clientIds: input.clientIDList ?? [],
            thumbprints: input.thumbprintList ?? [], tags: IAMShapes.pairs(input.tags ?? []))
        try await ticket.wait()
        return IAM.CreateOpenIDConnectProviderResponse(
            openIDConnectProviderArn: provider.arn, tags: provider.tags.isEmpty ? nil : IAMShapes.tagList(provider.tags)
        )
    }

    public func getOpenIDConnectProvider(_ input: IAM.GetOpenIDConnectProviderRequest, context: RequestContext)
        async throws -> IAM.GetOpenIDConnectProviderResponse
    {
        let provider = try await engine.oidcProvider(arn: input.openIDConnectProviderArn, account: context.account)
        return IAM.GetOpenIDConnectProviderResponse(
            url: provider.url, clientIDList: provider.clientIds, thumbprintList: provider.thumbprints,
            createDate: provider.createdAt, tags: IAMShapes.tagList(provider.tags))
    }

    public func listOpenIDConnectProviders(
        _ input: IAM.ListOpenIDConnectProvidersRequest, context: RequestContext
    ) async throws -> IAM.ListOpenIDConnectProvidersResponse {
        IAM.ListOpenIDConnectProvidersResponse(
            openIDConnectProviderList: await engine.oidcProviders(account: context.account).map {
                IAM.OpenIDConnectProviderListEntry(arn: $0.arn)
            })
    }

    public func deleteOpenIDConnectProvider(
        _ input: IAM.DeleteOpenIDConnectProviderRequest, context: RequestContext
    ) async throws {
        try await engine.deleteOIDCProvider(arn: input.openIDConnectProviderArn, account: context.account).wait()
    }

    public func addClientIDToOpenIDConnectProvider(
        _ input: IAM.AddClientIDToOpenIDConnectProviderRequest, context: RequestContext
    ) async throws {
        try await engine.updateOIDCProvider(arn: input.openIDConnectProviderArn, account: context.account) {
            if !$0.clientIds.contains(input.clientID) { $0.clientIds.append(input.clientID) }
        }.wait()
    }

    public func removeClientIDFromOpenIDConnectProvider(
        _ input: IAM.RemoveClientIDFromOpenIDConnectProviderRequest, context: RequestContext
    ) async throws {
        try await engine.updateOIDCProvider(arn: input.openIDConnectProviderArn, account: context.account) {
            $0.clientIds.removeAll { $0 == input.clientID }
        }.wait()
    }

    public func updateOpenIDConnectProviderThumbprint(
        _ input: IAM.UpdateOpenIDConnectProviderThumbprintRequest, context: RequestContext
    ) async throws {
        try await engine.updateOIDCProvider(arn: input.openIDConnectProviderArn, account: context.account) {
            $0.thumbprints = input.thumbprintList
        }.wait()
    }

    public func tagOpenIDConnectProvider(_ input: IAM.TagOpenIDConnectProviderRequest, context: RequestContext)
        async throws
    {
        try await engine.updateOIDCProvider(arn: input.openIDConnectProviderArn, account: context.account) {
            $0.tags = try IAMTags.merge($0.tags, IAMShapes.pairs(input.tags))
        }.wait()
    }

    public func untagOpenIDConnectProvider(
        _ input: IAM.UntagOpenIDConnectProviderRequest, context: RequestContext
    ) async throws {
        try await engine.updateOIDCProvider(arn: input.openIDConnectProviderArn, account: context.account) {
            $0.tags = IAMTags.removing(input.tagKeys, from: $0.tags)
        }.wait()
    }

    public func listOpenIDConnectProviderTags(
        _ input: IAM.ListOpenIDConnectProviderTagsRequest, context: RequestContext
    ) async throws -> IAM.ListOpenIDConnectProviderTagsResponse {
        let provider = try await engine.oidcProvider(arn: input.openIDConnectProviderArn, account: context.account)
        let page = try Self.page(provider.tags, input.marker, input.maxItems)
        return IAM.ListOpenIDConnectProviderTagsResponse(
            tags: IAMShapes.tagList(page.items), isTruncated: page.isTruncated, marker: page.marker)
    }

    // MARK: SAML

    public func createSAMLProvider(_ input: IAM.CreateSAMLProviderRequest, context: RequestContext) async throws
        -> IAM.CreateSAMLProviderResponse
    {
        let (provider, ticket) = try await engine.createSAMLProvider(
            account: context.account, name: input.name, metadata: input.samlMetadataDocument,
            encryptionMode: input.assertionEncryptionMode, tags: IAMShapes.pairs(input.tags ?? []))
        try await ticket.wait()
        return IAM.CreateSAMLProviderResponse(
            samlProviderArn: provider.arn, tags: provider.tags.isEmpty ? nil : IAMShapes.tagList(provider.tags))
    }

    public func getSAMLProvider(_ input: IAM.GetSAMLProviderRequest, context: RequestContext) async throws
        -> IAM.GetSAMLProviderResponse
    {
        let provider = try await engine.samlProvider(arn: input.samlProviderArn, account: context.account)
        return IAM.GetSAMLProviderResponse(
            samlProviderUUID: provider.uuid, samlMetadataDocument: provider.metadata, createDate: provider.createdAt,
            validUntil: provider.validUntil, tags: IAMShapes.tagList(provider.tags),
            assertionEncryptionMode: provider.assertionEncryptionMode, privateKeyList: [])
    }

    public func listSAMLProviders(_ input: IAM.ListSAMLProvidersRequest, context: RequestContext) async throws
        -> IAM.ListSAMLProvidersResponse
    {
        IAM.ListSAMLProvidersResponse(
            samlProviderList: await engine.samlProviders(account: context.account).map {
                IAM.SAMLProviderListEntry(arn: $0.arn, validUntil: $0.validUntil, createDate: $0.createdAt)
            })
    }

    public func updateSAMLProvider(_ input: IAM.UpdateSAMLProviderRequest, context: RequestContext) async throws
        -> IAM.UpdateSAMLProviderResponse
    {
        try await engine.updateSAMLProvider(arn: input.samlProviderArn, account: context.account) { provider in
            if let metadata = input.samlMetadataDocument { provider.metadata = metadata }
            if let mode = input.assertionEncryptionMode { provider.assertionEncryptionMode = mode }
        }.wait()
        // The provider was found by exactly this ARN.
        return IAM.UpdateSAMLProviderResponse(samlProviderArn: input.samlProviderArn)
    }

    public func deleteSAMLProvider(_ input: IAM.DeleteSAMLProviderRequest, context: RequestContext) async throws {
        try await engine.deleteSAMLProvider(arn: input.samlProviderArn, account: context.account).wait()
    }

    public func tagSAMLProvider(_ input: IAM.TagSAMLProviderRequest, context: RequestContext) async throws {
        try await engine.updateSAMLProvider(arn: input.samlProviderArn, account: context.account) {
            $0.tags = try IAMTags.merge($0.tags, IAMShapes.pairs(input.tags))
        }.wait()
    }

    public func untagSAMLProvider(_ input: IAM.UntagSAMLProviderRequest, context: RequestContext) async throws {
        try await engine.updateSAMLProvider(arn: input.samlProviderArn, account: context.account) {
            $0.tags = IAMTags.removing(input.tagKeys, from: $0.tags)
        }.wait()
    }

    public func listSAMLProviderTags(_ input: IAM.ListSAMLProviderTagsRequest, context: RequestContext)
        async throws -> IAM.ListSAMLProviderTagsResponse
    {
        let provider = try await engine.samlProvider(arn: input.samlProviderArn, account: context.account)
        let page = try Self.page(provider.tags, input.marker, input.maxItems)
        return IAM.ListSAMLProviderTagsResponse(
            tags: IAMShapes.tagList(page.items), isTruncated: page.isTruncated, marker: page.marker)
    }
}
