import SwitchyardWire

/// Vended-log delivery configuration: sources, destinations and the deliveries pairing them, each
/// durable before the request that changed it is answered. Checks that span objects (a pair
/// delivered once, nothing deleted while a delivery uses it) run here, on the actor, so that no
/// request slips between a check and its change.
extension LogsEngine {
    func deliveryObject(_ kind: LogsDeliveryObject.Kind, account: String, region: String, name: String)
        -> LogsDeliveryObject?
    {
        deliveryObjects[LogsDeliveryObject.key(kind, account, region, name)]
    }

    /// The deliveries of every account and region (a destination's deliveries may come from other
    /// accounts).
    var logDeliveries: [LogsDeliveryRecord] { deliveryObjects.values.compactMap(\.delivery) }

    /// One account's objects of a kind in a region, in the order they were created.
    func listed<Record: ListedDeliveryObject>(
        _ record: (LogsDeliveryObject) -> Record?, account: String, region: String
    ) -> [Record] {
        deliveryObjects.values.compactMap(record)
            .filter { $0.account == account && $0.region == region }
            .sorted { ($0.created, $0.listingKey) < ($1.created, $1.listingKey) }
    }

    func save(_ object: LogsDeliveryObject) async throws {
        deliveryObjects[object.key] = object
        try await store.submit([.putDeliveryObject(object)]).wait()
    }

    /// Creates or replaces a destination. A put replaces the settings; the policy, its place in
    /// listings and, when none are given, its tags stay; its type cannot change while deliveries use it.
    func put(_ destination: LogsDeliveryDestinationRecord, tagsGiven: Bool) async throws
        -> LogsDeliveryDestinationRecord
    {
        var destination = destination
        if let old = deliveryObject(
            .destination, account: destination.account, region: destination.region, name: destination.name)?
            .destination
        {
            if old.type != destination.type, logDeliveries.contains(where: { $0.destinationArn == old.arn }) {
                throw AWSError(
                    "ConflictException",
                    "The type of delivery destination \(old.name) cannot change while deliveries use it.")
            }
            destination.policy = old.policy
            destination.created = old.created
            if !tagsGiven { destination.tags = old.tags }
        }
        try await save(.destination(destination))
        return destination
    }

    /// Saves a new delivery unless its source already delivers to its destination.
    func create(_ delivery: LogsDeliveryRecord) async throws {
        if logDeliveries.contains(where: {
            $0.account == delivery.account && $0.region == delivery.region && $0.sourceName == delivery.sourceName
                && $0.destinationArn == delivery.destinationArn
        }) {
            throw AWSError(
                "ConflictException",
                "A delivery from delivery source \(delivery.sourceName) to \(delivery.destinationArn) already exists.")
        }
        try await save(.delivery(delivery))
    }

    /// Deletes an object unless a delivery uses it (`inUse`), which is a conflict.
    func deleteDeliveryObject(key: String, unlessUsedBy inUse: (LogsDeliveryRecord) -> Bool, conflict: AWSError)
        async throws
    {
        if logDeliveries.contains(where: inUse) { throw conflict }
        try await deleteDeliveryObject(key: key)
    }

    func deleteDeliveryObject(key: String) async throws {
        deliveryObjects[key] = nil
        try await store.submit([.deleteDeliveryObject(key: key)]).wait()
    }
}
