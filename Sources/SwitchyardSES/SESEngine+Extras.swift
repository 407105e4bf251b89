import Foundation
import SwitchyardDelivery
import SwitchyardModels
import SwitchyardPlatform

/// What an import job writes to.
typealias SESv2ImportDestination = SESv2.ImportDestination

extension SESEngine {
    func putDedicatedIpPool(_ record: DedicatedIpPoolRecord) async throws {
        try await dedicatedIpPools.put(record).wait()
    }

    func deleteDedicatedIpPool(_ scope: SESScope, _ name: String) async throws {
        try await dedicatedIpPools.remove(scope.key(name)).wait()
    }

    func putTenant(_ record: TenantRecord) async throws { try await tenants.put(record).wait() }

    func deleteTenant(_ scope: SESScope, _ name: String) async throws {
        try await tenants.remove(scope.key(name)).wait()
    }

    func putImportJob(_ record: ImportJobRecord) async throws { try await importJobs.put(record).wait() }

    func putExportJob(_ record: ExportJobRecord) async throws { try await exportJobs.put(record).wait() }

    func putDeliverabilityTest(_ record: DeliverabilityTestRecord) async throws {
        try await deliverabilityTests.put(record).wait()
    }

    /// A finished export job's file, for its download URL.
    func exportFile(id: String) -> (text: String, format: String)? {
        guard let job = exportJobs.items.values.first(where: { $0.id == id }), let file = job.file else { return nil }
        let format = StoredSESv2Shape.read(SESv2.ExportDestination.self, job.destination)?.dataFormat ?? "CSV"
        return (file, format)
    }

    /// Writes an object to this server's S3 (through the delivery engine, as every producer does).
    /// Answers why it failed, or nil once the object is stored.
    func writeObject(
        bucket: String, key: String, bytes: [UInt8], contentType: String, scope: SESScope, origin: String
    ) async -> String? {
        let request = DeliveryRequest.objectWrite(
            bucket: bucket, key: key, bytes: bytes, contentType: contentType, origin: origin,
            source: DeliverySource(service: "ses.amazonaws.com", arn: origin, account: scope.account))
        switch await deliveries.deliverNow(request).0 {
        case .delivered: return nil
        case .failed(let reason), .retry(let reason), .postpone(let reason): return reason
        }
    }

    func putEndpoint(_ record: MultiRegionEndpointRecord) async throws { try await endpoints.put(record).wait() }

    func deleteEndpoint(_ scope: SESScope, _ name: String) async throws {
        try await endpoints.remove(scope.key(name)).wait()
    }

    /// An object of this server's S3, for import jobs.
    func readObject(bucket: String, key: String) async throws -> Data {
        guard let reader = objects.current else {
            throw SESFailure.invalidParameter("No object store is running.")
        }
        return try await reader.read(bucket: bucket, key: key, versionId: nil)
    }

    /// Applies an import job's rows: addresses put on or removed from the suppression list, or
    /// contacts put into or removed from a contact list. Answers how many rows were processed and
    /// how many failed.
    func apply(_ rows: [[String: String]], to destination: SESv2ImportDestination, scope: SESScope) async -> (Int, Int)
    {
        var processed = 0
        var failed = 0
        let now = Self.nowMillis()
        for row in rows {
            guard let email = row["emailAddress"], (try? EmailAddress.parse(email)) != nil else {
                failed += 1
                continue
            }
            if let suppression = destination.suppressionListDestination {
                if suppression.suppressionListImportAction == "DELETE" {
                    try? await suppressed.remove(scope.key(email.lowercased())).wait()
                } else {
                    let reason = row["reason"]?.uppercased() ?? ""
                    guard reason == "BOUNCE" || reason == "COMPLAINT" else {
                        failed += 1
                        continue
                    }
                    try? await suppress(
                        SuppressedDestinationRecord(scope: scope, email: email, reason: reason, updatedMillis: now))
                }
            } else if let list = destination.contactListDestination {
                if list.contactListImportAction == "DELETE" {
                    try? await contacts.remove(scope.key("\(list.contactListName)/\(email.lowercased())")).wait()
                } else {
                    var preferences: [String: String] = [:]
                    for (column, value) in row where column.hasPrefix("topic:") {
                        preferences[String(column.dropFirst(6))] = value.uppercased()
                    }
                    let existing = contact(scope, list: list.contactListName, email: email)
                    try? await contacts.put(
                        ContactRecord(
                            scope: scope, listName: list.contactListName, email: email, topicPreferences: preferences,
                            // JSON booleans arrive as "1" through Foundation's reader, CSV gives "true".
                            unsubscribeAll: ["true", "1"].contains(row["unsubscribeAll"]?.lowercased() ?? ""),
                            attributesData: row["attributesData"].flatMap { $0.isEmpty ? nil : $0 },
                            createdMillis: existing?.createdMillis ?? now, updatedMillis: now)
                    ).wait()
                }
            }
            processed += 1
        }
        return (processed, failed)
    }
}
