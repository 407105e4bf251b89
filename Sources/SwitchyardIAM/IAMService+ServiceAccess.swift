import Foundation
import SwitchyardModels
import SwitchyardWire

// Service last accessed reports and the policies that grant access to services, over the wire.
extension IAMService {
    public func generateServiceLastAccessedDetails(
        _ input: IAM.GenerateServiceLastAccessedDetailsRequest, context: RequestContext
    ) async throws -> IAM.GenerateServiceLastAccessedDetailsResponse {
        let (report, ticket) = try await engine.generateAccessReport(
            arn: input.arn, granularity: input.granularity ?? "SERVICE_LEVEL", account: context.account,
            owner: context.principalArn)
        try await ticket.wait()
        return IAM.GenerateServiceLastAccessedDetailsResponse(jobId: report.jobId)
    }

    public func getServiceLastAccessedDetails(
        _ input: IAM.GetServiceLastAccessedDetailsRequest, context: RequestContext
    ) async throws -> IAM.GetServiceLastAccessedDetailsResponse {
        let report = try await engine.accessReport(
            jobId: input.jobId, account: context.account, owner: context.principalArn)
        let page = try Self.page(report.services, input.marker, input.maxItems)
        return IAM.GetServiceLastAccessedDetailsResponse(
            jobStatus: "COMPLETED", jobType: report.granularity, jobCreationDate: report.createdAt,
            servicesLastAccessed: page.items.map(Self.serviceLastAccessed),
            jobCompletionDate: report.completedAt, isTruncated: page.isTruncated, marker: page.marker)
    }

    public func getServiceLastAccessedDetailsWithEntities(
        _ input: IAM.GetServiceLastAccessedDetailsWithEntitiesRequest, context: RequestContext
    ) async throws -> IAM.GetServiceLastAccessedDetailsWithEntitiesResponse {
        let report = try await engine.accessReport(
            jobId: input.jobId, account: context.account, owner: context.principalArn)
        let entities = report.services.first { $0.namespace == input.serviceNamespace }?.entities ?? []
        let page = try Self.page(entities, input.marker, input.maxItems)
        return IAM.GetServiceLastAccessedDetailsWithEntitiesResponse(
            jobStatus: "COMPLETED", jobCreationDate: report.createdAt, jobCompletionDate: report.completedAt,
            entityDetailsList: page.items.map { entity in
                IAM.EntityDetails(
                    entityInfo: IAM.EntityInfo(
                        arn: entity.arn, name: entity.name, type: entity.type, id: entity.id, path: entity.path),
                    lastAuthenticated: entity.lastUse?.date)
            }, isTruncated: page.isTruncated, marker: page.marker)
    }

    /// One service of a report: who used it last, how many of the covered entities did, and at
    /// ACTION_LEVEL the actions used (a service-level report holds none).
    static func serviceLastAccessed(_ service: ReportedService) -> IAM.ServiceLastAccessed {
        let last = service.lastUse
        return IAM.ServiceLastAccessed(
            serviceName: service.name, lastAuthenticated: last?.use.date, serviceNamespace: service.namespace,
            lastAuthenticatedEntity: last?.entity.arn, lastAuthenticatedRegion: last?.use.region,
            totalAuthenticatedEntities: service.entities.filter { $0.lastUse != nil }.count,
            trackedActionsLastAccessed: service.actions.map { actions in
                actions.map {
                    IAM.TrackedActionLastAccessed(
                        actionName: $0.name, lastAccessedEntity: $0.entityArn, lastAccessedTime: $0.use.date,
                        lastAccessedRegion: $0.use.region)
                }
            })
    }

    public func listPoliciesGrantingServiceAccess(
        _ input: IAM.ListPoliciesGrantingServiceAccessRequest, context: RequestContext
    ) async throws -> IAM.ListPoliciesGrantingServiceAccessResponse {
        let granting = try await engine.policiesGranting(
            input.serviceNamespaces, to: input.arn, account: context.account)
        return IAM.ListPoliciesGrantingServiceAccessResponse(
            policiesGrantingServiceAccess: granting.map { entry in
                IAM.ListPoliciesGrantingServiceAccessEntry(
                    serviceNamespace: entry.namespace,
                    policies: entry.policies.map {
                        IAM.PolicyGrantingServiceAccess(
                            policyName: $0.name, policyType: $0.arn == nil ? "INLINE" : "MANAGED", policyArn: $0.arn,
                            entityType: $0.entityType, entityName: $0.entityName)
                    })
            }, isTruncated: false)
    }
}
