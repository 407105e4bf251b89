import SwitchyardModels
import SwitchyardWire

// IAM's features for AWS Organizations. Switchyard has no Organizations: every account stands
// alone, and these operations answer what AWS answers an account outside any organization.
extension IAMService {
    static func organizationNotFound() -> AWSError {
        AWSError(
            "OrganizationNotFoundException",
            "The request was rejected because no organization is associated with your account.")
    }

    public func listOrganizationsFeatures(_ input: IAM.ListOrganizationsFeaturesRequest, context: RequestContext)
        async throws -> IAM.ListOrganizationsFeaturesResponse
    {
        throw Self.organizationNotFound()
    }

    public func enableOrganizationsRootCredentialsManagement(
        _ input: IAM.EnableOrganizationsRootCredentialsManagementRequest, context: RequestContext
    ) async throws -> IAM.EnableOrganizationsRootCredentialsManagementResponse {
        throw Self.organizationNotFound()
    }

    public func disableOrganizationsRootCredentialsManagement(
        _ input: IAM.DisableOrganizationsRootCredentialsManagementRequest, context: RequestContext
    ) async throws -> IAM.DisableOrganizationsRootCredentialsManagementResponse {
        throw Self.organizationNotFound()
    }

    public func enableOrganizationsRootSessions(
        _ input: IAM.EnableOrganizationsRootSessionsRequest, context: RequestContext
    ) async throws -> IAM.EnableOrganizationsRootSessionsResponse {
        throw Self.organizationNotFound()
    }

    public func disableOrganizationsRootSessions(
        _ input: IAM.DisableOrganizationsRootSessionsRequest, context: RequestContext
    ) async throws -> IAM.DisableOrganizationsRootSessionsResponse {
        throw Self.organizationNotFound()
    }

    /// The entity path names an organization, and none exists here.
    public func generateOrganizationsAccessReport(
        _ input: IAM.GenerateOrganizationsAccessReportRequest, context: RequestContext
    ) async throws -> IAM.GenerateOrganizationsAccessReportResponse {
        throw Self.organizationNotFound()
    }

    /// No report can have been generated, so no job id names one.
    public func getOrganizationsAccessReport(_ input: IAM.GetOrganizationsAccessReportRequest, context: RequestContext)
        async throws -> IAM.GetOrganizationsAccessReportResponse
    {
        throw IAMErrors.noSuchEntity("Report with job id \(input.jobId) cannot be found.")
    }
}
