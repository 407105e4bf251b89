import Foundation
import SwitchyardCore
import SwitchyardWire

extension EventBridgeEngine {
    static func connectionNotFound(_ name: String) -> AWSError {
        AWSError(
            "ResourceNotFoundException",
            "Failed to describe the connection(s). Connection '\(name)' does not exist.")
    }

    static func destinationNotFound(_ name: String) -> AWSError {
        AWSError(
            "ResourceNotFoundException",
            "Failed to describe the api-destination(s). An api-destination '\(name)' does not exist.")
    }

    public func createConnection(_ record: ConnectionRecord) throws -> CommitTicket {
        guard connections[record.storageKey] == nil else {
            throw AWSError("ResourceAlreadyExistsException", "Connection \(record.name) already exists.")
        }
        connections[record.storageKey] = record
        return store.submit([.putConnection(record)])
    }

    public func connection(account: String, region: String, name: String) throws -> ConnectionRecord {
        guard let record = connections["\(account)/\(region)/\(name)"] else { throw Self.connectionNotFound(name) }
        return record
    }

    /// The connection an ARN names, in any account or region this server holds.
    func connection(arn: String) -> ConnectionRecord? { connections.values.first { $0.arn == arn } }

    public func updateConnection(
        account: String, region: String, name: String, _ change: (inout ConnectionRecord) -> Void
    )
        throws -> (ConnectionRecord, CommitTicket)
    {
        var record = try connection(account: account, region: region, name: name)
        change(&record)
        record.modifiedAt = clock.nowMillis()
        connections[record.storageKey] = record
        return (record, store.submit([.putConnection(record)]))
    }

    public func deleteConnection(account: String, region: String, name: String) throws -> (
        ConnectionRecord, CommitTicket
    ) {
        var record = try connection(account: account, region: region, name: name)
        connections[record.storageKey] = nil
        record.state = "DELETING"
        return (record, store.submit([.deleteConnection(storageKey: record.storageKey)]))
    }

    public func listConnections(account: String, region: String) -> [ConnectionRecord] {
        connections.values.filter { $0.account == account && $0.region == region }.sorted { $0.name < $1.name }
    }

    public func createAPIDestination(_ record: APIDestinationRecord) throws -> CommitTicket {
        guard apiDestinations[record.storageKey] == nil else {
            throw AWSError("ResourceAlreadyExistsException", "An api-destination '\(record.name)' already exists.")
        }
        apiDestinations[record.storageKey] = record
        return store.submit([.putAPIDestination(record)])
    }

    public func apiDestination(account: String, region: String, name: String) throws -> APIDestinationRecord {
        guard let record = apiDestinations["\(account)/\(region)/\(name)"] else {
            throw Self.destinationNotFound(name)
        }
        return record
    }

    /// The destination an ARN names, with its connection.
    func apiDestination(arn: String) -> (APIDestinationRecord, ConnectionRecord?)? {
        guard let destination = apiDestinations.values.first(where: { $0.arn == arn }) else { return nil }
        return (destination, connection(arn: destination.connectionArn))
    }

    public func updateAPIDestination(
        account: String, region: String, name: String, _ change: (inout APIDestinationRecord) -> Void
    ) throws -> (APIDestinationRecord, CommitTicket) {
        var record = try apiDestination(account: account, region: region, name: name)
        change(&record)
        record.modifiedAt = clock.nowMillis()
        apiDestinations[record.storageKey] = record
        return (record, store.submit([.putAPIDestination(record)]))
    }

    public func deleteAPIDestination(account: String, region: String, name: String) throws -> CommitTicket {
        let record = try apiDestination(account: account, region: region, name: name)
        apiDestinations[record.storageKey] = nil
        return store.submit([.deleteAPIDestination(storageKey: record.storageKey)])
    }

    public func listAPIDestinations(account: String, region: String) -> [APIDestinationRecord] {
        apiDestinations.values.filter { $0.account == account && $0.region == region }.sorted { $0.name < $1.name }
    }

    /// Whether a destination can be invoked: its connection is authorized.
    func destinationState(_ destination: APIDestinationRecord) -> String {
        connection(arn: destination.connectionArn)?.state == "AUTHORIZED" ? "ACTIVE" : "INACTIVE"
    }

    /// Records that an OAuth connection obtained a token.
    func markAuthorized(_ arn: String) {
        guard var record = connection(arn: arn), record.state != "AUTHORIZED" else { return }
        record.state = "AUTHORIZED"
        record.authorizedAt = clock.nowMillis()
        connections[record.storageKey] = record
        _ = store.submit([.putConnection(record)])
    }
}
