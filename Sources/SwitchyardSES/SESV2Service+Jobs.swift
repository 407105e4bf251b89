import Foundation
import SwitchyardModels
import SwitchyardWire

// MARK: Import jobs, tenants, multi-region endpoints

extension SESV2Service {
    func createImportJob(_ input: SESv2.CreateImportJobRequest, context: RequestContext) async throws
        -> SESv2.CreateImportJobResponse
    {
        try await run {
            let scope = Self.scope(context)
            let destination = input.importDestination
            guard (destination.suppressionListDestination == nil) != (destination.contactListDestination == nil) else {
                throw SESFailure.invalidParameter(
                    "Exactly one of SuppressionListDestination or ContactListDestination must be given.")
            }
            if let list = destination.contactListDestination?.contactListName,
                await engine.contactList(scope, list) == nil
            {
                throw SESFailure.contactListMissing(list)
            }
            guard let location = ImportSource.location(input.importDataSource.s3Url) else {
                throw SESFailure.invalidParameter("S3Url must be an s3://bucket/key URL.")
            }
            let id = UUID().uuidString.lowercased()
            var job = ImportJobRecord(
                scope: scope, id: id, destination: StoredSESv2Shape.write(destination),
                source: StoredSESv2Shape.write(input.importDataSource),
                destinationType: destination.contactListDestination == nil ? "SUPPRESSION_LIST" : "CONTACT_LIST",
                status: "PROCESSING", createdMillis: SESEngine.nowMillis())
            try await engine.putImportJob(job)
            // The job runs at once: the object is read and applied before CreateImportJob answers.
            do {
                let data = try await engine.readObject(bucket: location.bucket, key: location.key)
                let rows = try ImportSource.rows(data, format: input.importDataSource.dataFormat)
                let (processed, failed) = await engine.apply(rows, to: destination, scope: scope)
                job.processed = processed
                job.failed = failed
                job.status = "COMPLETED"
            } catch {
                job.status = "FAILED"
                job.failure = "\(error)"
            }
            job.completedMillis = SESEngine.nowMillis()
            try await engine.putImportJob(job)
            return SESv2.CreateImportJobResponse(jobId: id)
        }
    }

    static func summary(_ job: ImportJobRecord) -> SESv2.ImportJobSummary {
        SESv2.ImportJobSummary(
            jobId: job.id, importDestination: StoredSESv2Shape.read(SESv2.ImportDestination.self, job.destination),
            jobStatus: job.status, createdTimestamp: date(job.createdMillis), processedRecordsCount: job.processed,
            failedRecordsCount: job.failed)
    }

    func getImportJob(_ input: SESv2.GetImportJobRequest, context: RequestContext) async throws
        -> SESv2.GetImportJobResponse
    {
        try await run {
            guard let job = await engine.importJobs[Self.scope(context).key(input.jobId)] else {
                throw SESV2Errors.notFound("Import job \(input.jobId) does not exist.")
            }
            return SESv2.GetImportJobResponse(
                jobId: job.id, importDestination: StoredSESv2Shape.read(SESv2.ImportDestination.self, job.destination),
                importDataSource: StoredSESv2Shape.read(SESv2.ImportDataSource.self, job.source),
                failureInfo: job.failure.map { SESv2.FailureInfo(errorMessage: $0) }, jobStatus: job.status,
                createdTimestamp: Self.date(job.createdMillis), completedTimestamp: job.completedMillis.map(Self.date),
                processedRecordsCount: job.processed, failedRecordsCount: job.failed)
        }
    }

    func listImportJobs(_ input: SESv2.ListImportJobsRequest, context: RequestContext) async throws
        -> SESv2.ListImportJobsResponse
    {
        let wanted = input.importDestinationType
        let all = await engine.importJobs.records(prefix: Self.scope(context).key("")).filter { job in
            wanted.map { job.destinationType == $0 } ?? true
        }.sorted { $0.createdMillis < $1.createdMillis }
        let (page, next) = SESV1Service.page(all, name: \.id, token: input.nextToken, limit: input.pageSize)
        return SESv2.ListImportJobsResponse(importJobs: page.map(Self.summary), nextToken: next)
    }

    // MARK: Tenants

    func tenant(_ name: String, context: RequestContext) async throws -> TenantRecord {
        guard let tenant = await engine.tenants[Self.scope(context).key(name)] else {
            throw SESV2Errors.notFound("Tenant \(name) does not exist.")
        }
        return tenant
    }

    func createTenant(_ input: SESv2.CreateTenantRequest, context: RequestContext) async throws
        -> SESv2.CreateTenantResponse
    {
        try await run {
            let scope = Self.scope(context)
            guard await engine.tenants[scope.key(input.tenantName)] == nil else {
                throw AWSError("AlreadyExistsException", "Tenant \(input.tenantName) already exists.")
            }
            let tenant = TenantRecord(
                scope: scope, name: input.tenantName, id: "tn-" + UUID().uuidString.lowercased().prefix(23),
                createdMillis: SESEngine.nowMillis(), tags: Self.tags(input.tags))
            try await engine.putTenant(tenant)
            return SESv2.CreateTenantResponse(
                tenantName: tenant.name, tenantId: tenant.id, tenantArn: tenant.arn,
                createdTimestamp: Self.date(tenant.createdMillis), tags: Self.shapes(tenant.tags),
                sendingStatus: "ENABLED")
        }
    }

    func getTenant(_ input: SESv2.GetTenantRequest, context: RequestContext) async throws -> SESv2.GetTenantResponse {
        try await run {
            let tenant = try await tenant(input.tenantName, context: context)
            return SESv2.GetTenantResponse(
                tenant: SESv2.Tenant(
                    tenantName: tenant.name, tenantId: tenant.id, tenantArn: tenant.arn,
                    createdTimestamp: Self.date(tenant.createdMillis), tags: Self.shapes(tenant.tags),
                    sendingStatus: "ENABLED"))
        }
    }

    func deleteTenant(_ input: SESv2.DeleteTenantRequest, context: RequestContext) async throws
        -> SESv2.DeleteTenantResponse
    {
        try await run {
            _ = try await tenant(input.tenantName, context: context)
            try await engine.deleteTenant(Self.scope(context), input.tenantName)
            return SESv2.DeleteTenantResponse()
        }
    }

    func listTenants(_ input: SESv2.ListTenantsRequest, context: RequestContext) async throws
        -> SESv2.ListTenantsResponse
    {
        let all = await engine.tenants.records(prefix: Self.scope(context).key(""))
        let (page, next) = SESV1Service.page(all, name: \.name, token: input.nextToken, limit: input.pageSize)
        return SESv2.ListTenantsResponse(
            tenants: page.map {
                SESv2.TenantInfo(
                    tenantName: $0.name, tenantId: $0.id, tenantArn: $0.arn,
                    createdTimestamp: Self.date($0.createdMillis))
            }, nextToken: next)
    }

    func createTenantResourceAssociation(
        _ input: SESv2.CreateTenantResourceAssociationRequest, context: RequestContext
    ) async throws -> SESv2.CreateTenantResourceAssociationResponse {
        try await run {
            var tenant = try await tenant(input.tenantName, context: context)
            guard let parts = ARN.parts(input.resourceArn), parts.count == 6, parts[2] == "ses" else {
                throw SESFailure.invalidParameter("Resource \(input.resourceArn) is not an SES resource.")
            }
            guard !tenant.resources.contains(where: { $0.resourceArn == input.resourceArn }) else {
                throw AWSError("AlreadyExistsException", "Resource \(input.resourceArn) is already associated.")
            }
            tenant.resources.append(.init(resourceArn: input.resourceArn, associatedMillis: SESEngine.nowMillis()))
            try await engine.putTenant(tenant)
            return SESv2.CreateTenantResourceAssociationResponse()
        }
    }

    func deleteTenantResourceAssociation(
        _ input: SESv2.DeleteTenantResourceAssociationRequest, context: RequestContext
    ) async throws -> SESv2.DeleteTenantResourceAssociationResponse {
        try await run {
            var tenant = try await tenant(input.tenantName, context: context)
            guard tenant.resources.contains(where: { $0.resourceArn == input.resourceArn }) else {
                throw SESV2Errors.notFound("Resource \(input.resourceArn) is not associated with \(tenant.name).")
            }
            tenant.resources.removeAll { $0.resourceArn == input.resourceArn }
            try await engine.putTenant(tenant)
            return SESv2.DeleteTenantResourceAssociationResponse()
        }
    }

    /// RESOURCE_TYPE of an ARN, as ListTenantResources reports it.
    static func resourceType(_ arn: String) -> String {
        let resource = ARN.parts(arn).flatMap { $0.count == 6 ? String($0[5]) : nil } ?? ""
        if resource.hasPrefix("configuration-set/") { return "CONFIGURATION_SET" }
        if resource.hasPrefix("template/") { return "EMAIL_TEMPLATE" }
        return "EMAIL_IDENTITY"
    }

    func listTenantResources(_ input: SESv2.ListTenantResourcesRequest, context: RequestContext) async throws
        -> SESv2.ListTenantResourcesResponse
    {
        try await run {
            let tenant = try await tenant(input.tenantName, context: context)
            let wanted = input.filter?["RESOURCE_TYPE"]
            let all = tenant.resources.filter { wanted == nil || Self.resourceType($0.resourceArn) == wanted }
            let (page, next) = SESV1Service.page(
                all, name: \.resourceArn, token: input.nextToken, limit: input.pageSize)
            return SESv2.ListTenantResourcesResponse(
                tenantResources: page.map {
                    SESv2.TenantResource(resourceType: Self.resourceType($0.resourceArn), resourceArn: $0.resourceArn)
                }, nextToken: next)
        }
    }

    func listResourceTenants(_ input: SESv2.ListResourceTenantsRequest, context: RequestContext) async throws
        -> SESv2.ListResourceTenantsResponse
    {
        let tenants = await engine.tenants.records(prefix: Self.scope(context).key(""))
        let all = tenants.compactMap { tenant -> SESv2.ResourceTenantMetadata? in
            guard let association = tenant.resources.first(where: { $0.resourceArn == input.resourceArn }) else {
                return nil
            }
            return SESv2.ResourceTenantMetadata(
                tenantName: tenant.name, tenantId: tenant.id, resourceArn: input.resourceArn,
                associatedTimestamp: Self.date(association.associatedMillis))
        }
        let (page, next) = SESV1Service.page(
            all, name: { $0.tenantName ?? "" }, token: input.nextToken, limit: input.pageSize)
        return SESv2.ListResourceTenantsResponse(resourceTenants: page, nextToken: next)
    }

    // MARK: Multi-region endpoints (stored, ready at once)

    func createMultiRegionEndpoint(_ input: SESv2.CreateMultiRegionEndpointRequest, context: RequestContext)
        async throws -> SESv2.CreateMultiRegionEndpointResponse
    {
        try await run {
            let scope = Self.scope(context)
            guard await engine.endpoints[scope.key(input.endpointName)] == nil else {
                throw AWSError("AlreadyExistsException", "Endpoint \(input.endpointName) already exists.")
            }
            let regions = [scope.region] + input.details.routesDetails.map(\.region).filter { $0 != scope.region }
            let endpoint = MultiRegionEndpointRecord(
                scope: scope, name: input.endpointName,
                id: String(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(10)) + ".abc",
                regions: regions, createdMillis: SESEngine.nowMillis(), tags: Self.tags(input.tags))
            try await engine.putEndpoint(endpoint)
            return SESv2.CreateMultiRegionEndpointResponse(status: "READY", endpointId: endpoint.id)
        }
    }

    func endpoint(_ name: String, context: RequestContext) async throws -> MultiRegionEndpointRecord {
        guard let endpoint = await engine.endpoints[Self.scope(context).key(name)] else {
            throw SESV2Errors.notFound("Endpoint \(name) does not exist.")
        }
        return endpoint
    }

    func getMultiRegionEndpoint(_ input: SESv2.GetMultiRegionEndpointRequest, context: RequestContext) async throws
        -> SESv2.GetMultiRegionEndpointResponse
    {
        try await run {
            let endpoint = try await endpoint(input.endpointName, context: context)
            return SESv2.GetMultiRegionEndpointResponse(
                endpointName: endpoint.name, endpointId: endpoint.id,
                routes: endpoint.regions.map { SESv2.Route(region: $0) },
                status: "READY", createdTimestamp: Self.date(endpoint.createdMillis),
                lastUpdatedTimestamp: Self.date(endpoint.createdMillis))
        }
    }

    func deleteMultiRegionEndpoint(_ input: SESv2.DeleteMultiRegionEndpointRequest, context: RequestContext)
        async throws -> SESv2.DeleteMultiRegionEndpointResponse
    {
        try await run {
            _ = try await endpoint(input.endpointName, context: context)
            try await engine.deleteEndpoint(Self.scope(context), input.endpointName)
            return SESv2.DeleteMultiRegionEndpointResponse(status: "DELETING")
        }
    }

    func listMultiRegionEndpoints(_ input: SESv2.ListMultiRegionEndpointsRequest, context: RequestContext)
        async throws -> SESv2.ListMultiRegionEndpointsResponse
    {
        let all = await engine.endpoints.records(prefix: Self.scope(context).key(""))
        let (page, next) = SESV1Service.page(all, name: \.name, token: input.nextToken, limit: input.pageSize)
        return SESv2.ListMultiRegionEndpointsResponse(
            multiRegionEndpoints: page.map {
                SESv2.MultiRegionEndpoint(
                    endpointName: $0.name, status: "READY", endpointId: $0.id, regions: $0.regions,
                    createdTimestamp: Self.date($0.createdMillis), lastUpdatedTimestamp: Self.date($0.createdMillis))
            }, nextToken: next)
    }
}

/// The rows of an import job's object: CSV with a header row, or JSON objects one per line.
enum ImportSource {
    static func location(_ url: String) -> (bucket: String, key: String)? {
        guard url.hasPrefix("s3://") else { return nil }
        let rest = url.dropFirst(5)
        guard let slash = rest.firstIndex(of: "/"), slash != rest.startIndex else { return nil }
        let key = String(rest[rest.index(after: slash)...])
        return key.isEmpty ? nil : (String(rest[..<slash]), key)
    }

    /// Each row as column → value. CSV without a header reads as emailAddress, then reason (the
    /// suppression list's two columns).
    static func rows(_ data: Data, format: String) throws -> [[String: String]] {
        let text = String(decoding: data, as: UTF8.self)
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        if format == "JSON" {
            return try lines.map { line in
                guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                    throw SESFailure.invalidParameter("Each line must be a JSON object.")
                }
                var row: [String: String] = [:]
                for (key, value) in object {
                    if key == "topicPreferences", let preferences = value as? [[String: Any]] {
                        for preference in preferences {
                            if let topic = preference["topicName"] as? String,
                                let status = preference["subscriptionStatus"] as? String
                            {
                                row["topic:" + topic] = status
                            }
                        }
                    } else {
                        row[key] = (value as? String) ?? "\(value)"
                    }
                }
                return row
            }
        }
        guard let first = lines.first else { return [] }
        let header = first.lowercased().contains("emailaddress")
        let columns = header ? split(first) : ["emailAddress", "reason"]
        return lines.dropFirst(header ? 1 : 0).map { line in
            Dictionary(zip(columns, split(line)).map { ($0, $1) }, uniquingKeysWith: { first, _ in first })
        }
    }

    /// A CSV line's fields, with double-quoted fields and doubled quotes inside them.
    static func split(_ line: String) -> [String] {
        var fields: [String] = []
        var field = ""
        var quoted = false
        var characters = Array(line)[...]
        while let character = characters.popFirst() {
            if quoted {
                if character == "\"" {
                    if characters.first == "\"" {
                        field.append("\"")
                        characters = characters.dropFirst()
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(character)
                }
            } else if character == "\"" {
                quoted = true
            } else if character == "," {
                fields.append(field.trimmingCharacters(in: .whitespaces))
                field = ""
            } else {
                field.append(character)
            }
        }
        fields.append(field.trimmingCharacters(in: .whitespaces))
        return fields
    }
}
