import Foundation
import SwitchyardCore
import SwitchyardWire

extension EventBridgeEngine {
    // MARK: Endpoints

    public func putEndpoint(_ record: EndpointRecord, creating: Bool) throws -> CommitTicket {
        if creating, endpoints[record.storageKey] != nil {
            throw AWSError("ResourceAlreadyExistsException", "Endpoint \(record.name) already exists.")
        }
        if !creating, endpoints[record.storageKey] == nil {
            throw AWSError("ResourceNotFoundException", "Endpoint \(record.name) does not exist.")
        }
        endpoints[record.storageKey] = record
        return store.submit([.putEndpoint(record)])
    }

    public func endpoint(account: String, region: String, name: String) throws -> EndpointRecord {
        guard let record = endpoints["\(account)/\(region)/\(name)"] else {
            throw AWSError("ResourceNotFoundException", "Endpoint \(name) does not exist.")
        }
        return record
    }

    public func deleteEndpoint(account: String, region: String, name: String) throws -> CommitTicket {
        let record = try endpoint(account: account, region: region, name: name)
        endpoints[record.storageKey] = nil
        return store.submit([.deleteEndpoint(storageKey: record.storageKey)])
    }

    public func listEndpoints(account: String) -> [EndpointRecord] {
        endpoints.values.filter { $0.account == account }.sorted { $0.name < $1.name }
    }

    // MARK: Partner event sources

    public func createPartnerSource(_ record: PartnerSourceRecord) throws -> CommitTicket {
        guard partnerSources[record.storageKey] == nil else {
            throw AWSError("ResourceAlreadyExistsException", "Event source \(record.name) already exists.")
        }
        partnerSources[record.storageKey] = record
        return store.submit([.putPartnerSource(record)])
    }

    /// The sources a partner created under a name, for every customer account.
    public func partnerSources(named name: String, region: String, partner: String) -> [PartnerSourceRecord] {
        partnerSources.values.filter { $0.name == name && $0.region == region && $0.partnerAccount == partner }
            .sorted { $0.customerAccount < $1.customerAccount }
    }

    public func partnerSources(region: String, partner: String) -> [PartnerSourceRecord] {
        partnerSources.values.filter { $0.region == region && $0.partnerAccount == partner }
            .sorted { ($0.name, $0.customerAccount) < ($1.name, $1.customerAccount) }
    }

    /// The sources offered to a customer account.
    public func eventSources(region: String, customer: String) -> [PartnerSourceRecord] {
        partnerSources.values.filter { $0.region == region && $0.customerAccount == customer }.sorted {
            $0.name < $1.name
        }
    }

    public func eventSource(region: String, customer: String, name: String) throws -> PartnerSourceRecord {
        guard let record = partnerSources["\(region)/\(customer)/\(name)"] else {
            throw AWSError("ResourceNotFoundException", "Event source \(name) does not exist.")
        }
        return record
    }

    public func setEventSourceState(region: String, customer: String, name: String, state: String) throws
        -> CommitTicket
    {
        var record = try eventSource(region: region, customer: customer, name: name)
        record.state = state
        partnerSources[record.storageKey] = record
        return store.submit([.putPartnerSource(record)])
    }

    public func deletePartnerSource(region: String, customer: String, name: String, partner: String) throws
        -> CommitTicket
    {
        guard let record = partnerSources["\(region)/\(customer)/\(name)"], record.partnerAccount == partner else {
            return .alreadyCommitted
        }
        partnerSources[record.storageKey] = nil
        return store.submit([.deletePartnerSource(storageKey: record.storageKey)])
    }
}
