import SwitchyardWire

/// The envelope EventBridge wraps every event in, members in AWS's order: version, id,
/// detail-type, source, account, time (UTC, to the second), region, resources, detail.
public enum EventEnvelope {
    public static func make(
        id: String, detailType: String, source: String, account: String, timeMillis: Int64, region: String,
        resources: [String], detail: OrderedJSON
    ) -> OrderedJSON {
        .object([
            ("version", .scalar(.string("0"))),
            ("id", .scalar(.string(id))),
            ("detail-type", .scalar(.string(detailType))),
            ("source", .scalar(.string(source))),
            ("account", .scalar(.string(account))),
            ("time", .scalar(.string(Timestamp.iso8601(timeMillis)))),
            ("region", .scalar(.string(region))),
            ("resources", .array(resources.map { .scalar(.string($0)) })),
            ("detail", detail),
        ])
    }
}
