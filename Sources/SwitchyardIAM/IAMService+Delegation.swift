import Foundation
import SwitchyardCore
import SwitchyardModels
import SwitchyardWire

// IAM temporary delegation over the wire: partners create requests, customers answer them.
extension IAMService {
    public func createDelegationRequest(_ input: IAM.CreateDelegationRequestRequest, context: RequestContext)
        async throws -> IAM.CreateDelegationRequestResponse
    {
        let ask = DelegationAsk(
            ownerAccountId: input.ownerAccountId, description: input.description,
            requestMessage: input.requestMessage, templateArn: input.permissions.policyTemplateArn,
            parameters: (input.permissions.parameters ?? []).map {
                DelegationParameter(name: $0.name ?? "", values: $0.values ?? [], type: $0.type ?? "string")
            }, requestorWorkflowId: input.requestorWorkflowId, redirectUrl: input.redirectUrl,
            notificationChannel: input.notificationChannel, sessionDuration: input.sessionDuration,
            onlySendByOwner: input.onlySendByOwner ?? false)
        let (request, ticket) = try await engine.createDelegationRequest(ask, requestor: STSService.caller(context))
        try await ticket.wait()
        return IAM.CreateDelegationRequestResponse(
            consoleDeepLink:
                "https://\(context.region).console.aws.amazon.com/iam/account-access-requests/review/\(request.id)",
            delegationRequestId: request.id)
    }

    public func getDelegationRequest(_ input: IAM.GetDelegationRequestRequest, context: RequestContext)
        async throws -> IAM.GetDelegationRequestResponse
    {
        let request = try await engine.delegationRequest(
            id: input.delegationRequestId, caller: STSService.caller(context))
        // Identity policies are not evaluated here, so no check can say more than "unsure".
        let checked = input.delegationPermissionCheck == true
        return IAM.GetDelegationRequestResponse(
            delegationRequest: Self.delegationRequest(request), permissionCheckStatus: checked ? "COMPLETE" : nil,
            permissionCheckResult: checked ? "UNSURE" : nil)
    }

    public func listDelegationRequests(_ input: IAM.ListDelegationRequestsRequest, context: RequestContext)
        async throws -> IAM.ListDelegationRequestsResponse
    {
        let all = await engine.delegationRequests(caller: STSService.caller(context), ownerId: input.ownerId)
        let page = try Self.page(all, input.marker, input.maxItems)
        return IAM.ListDelegationRequestsResponse(
            delegationRequests: page.items.map(Self.delegationRequest), marker: page.marker,
            isTruncated: page.isTruncated)
    }

    public func associateDelegationRequest(_ input: IAM.AssociateDelegationRequestRequest, context: RequestContext)
        async throws
    {
        try await changed(
            engine.associateDelegationRequest(id: input.delegationRequestId, caller: STSService.caller(context)))
    }

    public func updateDelegationRequest(_ input: IAM.UpdateDelegationRequestRequest, context: RequestContext)
        async throws
    {
        try await changed(
            engine.updateDelegationRequest(
                id: input.delegationRequestId, notes: input.notes, caller: STSService.caller(context)))
    }

    public func acceptDelegationRequest(_ input: IAM.AcceptDelegationRequestRequest, context: RequestContext)
        async throws
    {
        try await changed(
            engine.acceptDelegationRequest(
                id: input.delegationRequestId, caller: STSService.caller(context), roleArn: context.roleArn))
    }

    public func rejectDelegationRequest(_ input: IAM.RejectDelegationRequestRequest, context: RequestContext)
        async throws
    {
        try await changed(
            engine.rejectDelegationRequest(
                id: input.delegationRequestId, notes: input.notes, caller: STSService.caller(context)))
    }

    public func sendDelegationToken(_ input: IAM.SendDelegationTokenRequest, context: RequestContext) async throws {
        try await changed(
            engine.sendDelegationToken(id: input.delegationRequestId, caller: STSService.caller(context)))
    }

    /// A summary written from the request's fields (AWS has a language model write it); in English
    /// only, so other locales are `NOT_SUPPORTED`.
    public func getHumanReadableSummary(_ input: IAM.GetHumanReadableSummaryRequest, context: RequestContext)
        async throws -> IAM.GetHumanReadableSummaryResponse
    {
        let request = try await engine.delegationRequest(arn: input.entityArn, caller: STSService.caller(context))
        let locale = input.locale ?? "en"
        guard locale.lowercased().hasPrefix("en") else {
            return IAM.GetHumanReadableSummaryResponse(
                summaryContent: "", locale: locale, summaryState: "NOT_SUPPORTED")
        }
        return IAM.GetHumanReadableSummaryResponse(
            summaryContent: DelegationSummary.markdown(request), locale: locale, summaryState: "AVAILABLE")
    }

    /// Waits for the change to be durable, then tells the partner's topic.
    func changed(_ result: (DelegationRequestRecord, CommitTicket)) async throws {
        try await result.1.wait()
        await notifier?.changed(result.0)
    }

    static func delegationRequest(_ request: DelegationRequestRecord) -> IAM.DelegationRequest {
        IAM.DelegationRequest(
            delegationRequestId: request.id, ownerAccountId: request.ownerAccountId,
            description: request.description, requestMessage: request.requestMessage,
            permissions: IAM.DelegationPermission(
                policyTemplateArn: request.templateArn,
                parameters: request.parameters.map {
                    IAM.PolicyParameter(name: $0.name, values: $0.values, type: $0.type)
                }), permissionPolicy: request.permissionPolicy,
            rolePermissionRestrictionArns: request.boundaryArns.isEmpty ? nil : request.boundaryArns,
            ownerId: request.ownerId, approverId: request.approver?.arn, state: request.state.rawValue,
            expirationTime: request.expiresAt, requestorId: request.requestorId, requestorName: request.requestorName,
            createDate: request.createdAt, sessionDuration: request.sessionDuration, redirectUrl: request.redirectUrl,
            notes: request.notes, rejectionReason: request.rejectionReason, onlySendByOwner: request.onlySendByOwner,
            updatedTime: request.updatedAt)
    }
}
