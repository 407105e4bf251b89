import Foundation
import SwitchyardDelivery
import SwitchyardModels
import SwitchyardPlatform
import SwitchyardWire

/// Sends a bucket's event notifications through the delivery engine: S3's event records to the SQS
/// queues, SNS topics and functions its notification configuration names (filtered by event name,
/// key prefix and suffix), and EventBridge events to the account's default bus when EventBridge is
/// enabled on the bucket.
struct BucketNotifications: Sendable {
    let engine: S3Engine
    let deliveries: DeliveryEngine
    let resources: ResourceDirectory

    /// The MD5 of no bytes: the ETag S3 reports for a delete marker.
    static let emptyETag = "d41d8cd98f00b204e9800998ecf8427e"

    /// An object was created (Put, Post, Copy, CompleteMultipartUpload).
    func objectCreated(_ version: ObjectVersionRecord, event: String, context: RequestContext) async {
        let change = ObjectChange(
            key: version.key, size: version.size, etag: version.etag, versionId: Self.reported(version.versionId),
            sequence: version.sequence, eventName: "ObjectCreated:\(event)", detailType: "Object Created",
            reason: event == "CompleteMultipartUpload" ? "CompleteMultipartUpload" : "\(event)Object")
        await send(change, bucket: version.bucket, context: context)
    }

    /// An object or one version of it (a delete marker included) was removed.
    func objectRemoved(bucket: String, key: String, versionId: String?, context: RequestContext) async {
        var change = ObjectChange(
            key: key, size: nil, etag: nil, versionId: versionId.flatMap(Self.reported),
            sequence: Self.clockSequence(), eventName: "ObjectRemoved:Delete", detailType: "Object Deleted",
            reason: "DeleteObject")
        change.deletionType = "Permanently Deleted"
        await send(change, bucket: bucket, context: context)
    }

    /// A delete marker was made for a key.
    func deleteMarkerCreated(bucket: String, key: String, versionId: String?, context: RequestContext) async {
        var change = ObjectChange(
            key: key, size: nil, etag: Self.emptyETag, versionId: versionId.flatMap(Self.reported),
            sequence: Self.clockSequence(), eventName: "ObjectRemoved:DeleteMarkerCreated",
            detailType: "Object Deleted", reason: "DeleteObject")
        change.deletionType = "Delete Marker Created"
        await send(change, bucket: bucket, context: context)
    }

    /// An object's tags were set or removed.
    func tagsChanged(_ version: ObjectVersionRecord, added: Bool, context: RequestContext) async {
        var change = ObjectChange(
            key: version.key, size: nil, etag: version.etag, versionId: Self.reported(version.versionId),
            sequence: nil, eventName: added ? "ObjectTagging:Put" : "ObjectTagging:Delete",
            detailType: added ? "Object Tags Added" : "Object Tags Deleted", reason: nil)
        change.eventVersion = "2.3"
        change.eventBridgeSize = version.size
        await send(change, bucket: version.bucket, context: context)
    }

    /// An object's ACL changed.
    func aclChanged(_ version: ObjectVersionRecord, context: RequestContext) async {
        var change = ObjectChange(
            key: version.key, size: nil, etag: version.etag, versionId: Self.reported(version.versionId),
            sequence: nil, eventName: "ObjectAcl:Put", detailType: "Object ACL Updated", reason: nil)
        change.eventVersion = "2.3"
        await send(change, bucket: version.bucket, context: context)
    }

    /// A restore of an archived object was started, or completed (by S3 itself, not the requester).
    func objectRestore(_ version: ObjectVersionRecord, completed: Bool, context: RequestContext) async {
        var change = ObjectChange(
            key: version.key, size: version.size, etag: version.etag, versionId: Self.reported(version.versionId),
            sequence: version.sequence, eventName: completed ? "ObjectRestore:Completed" : "ObjectRestore:Post",
            detailType: completed ? "Object Restore Completed" : "Object Restore Initiated", reason: nil)
        change.restore = Restore(
            sourceStorageClass: version.storageClass, expiry: completed ? version.restoreExpiry : nil)
        await send(change, bucket: version.bucket, context: context)
    }

    /// A "null" version is left out of events.
    static func reported(_ versionId: String) -> String? { versionId == "null" ? nil : versionId }

    /// Orders events of one key for changes that made no version (hex of the clock in microseconds).
    static func clockSequence() -> Int { Int(Date().timeIntervalSince1970 * 1_000_000) }

    /// A restore's facts, as its events report them.
    struct Restore {
        var sourceStorageClass: String
        /// Set once the restore is completed (the event S3 itself sends).
        var expiry: Date?
    }

    /// What happened to an object, in the terms both event formats need.
    struct ObjectChange {
        var key: String
        var size: Int?
        var etag: String?
        var versionId: String?
        /// Orders events of a key; nil for events that carry no sequencer (tagging).
        var sequence: Int?
        var eventName: String
        var detailType: String
        var reason: String?
        var deletionType: String?
        var eventVersion = "2.1"
        /// The size EventBridge reports where S3's own record has none (tagging).
        var eventBridgeSize: Int?
        /// For a restore: the archive's storage class and, once completed, when the copy expires.
        var restore: Restore?

        init(
            key: String, size: Int?, etag: String?, versionId: String?, sequence: Int?, eventName: String,
            detailType: String, reason: String?
        ) {
            self.key = key
            self.size = size
            self.etag = etag
            self.versionId = versionId
            self.sequence = sequence
            self.eventName = eventName
            self.detailType = detailType
            self.reason = reason
        }

        var sequencer: String? { sequence.map { String(format: "%016llX", UInt64($0)) + "00" } }
    }

    private func send(_ change: ObjectChange, bucket name: String, context: RequestContext) async {
        guard let bucket = try? await engine.bucket(name),
            let text = bucket.configurations[BucketConfiguration.notification.rawValue],
            let configuration = try? StoredShape.read(S3.NotificationConfiguration.self, text)
        else { return }
        var requests: [DeliveryRequest] = []
        let source = DeliverySource(service: "s3.amazonaws.com", arn: bucket.arn, account: bucket.account)
        func record(_ id: String?) -> String {
            Self.eventRecord(change, bucket: bucket, configurationId: id ?? "", context: context)
        }
        for queue in configuration.queueConfigurations ?? []
        where Self.matches(change, events: queue.events, filter: queue.filter) {
            requests.append(
                DeliveryRequest(
                    target: .sqs(arn: queue.queueArn), body: DeliveryPayload(record(queue.id)),
                    retry: .eventBridge(), origin: bucket.arn, source: source, traceHeader: context.traceHeader))
        }
        for topic in configuration.topicConfigurations ?? []
        where Self.matches(change, events: topic.events, filter: topic.filter) {
            requests.append(
                DeliveryRequest(
                    target: DeliveryTarget(kind: .snsTopic, resource: topic.topicArn),
                    body: DeliveryPayload(record(topic.id)), metadata: ["Subject": "Amazon S3 Notification"],
                    retry: .eventBridge(), origin: bucket.arn, source: source, traceHeader: context.traceHeader))
        }
        for function in configuration.lambdaFunctionConfigurations ?? []
        where Self.matches(change, events: function.events, filter: function.filter) {
            requests.append(
                DeliveryRequest(
                    target: .lambda(arn: function.lambdaFunctionArn), body: DeliveryPayload(record(function.id)),
                    retry: .asynchronousInvocation(), origin: bucket.arn, source: source,
                    traceHeader: context.traceHeader
                ).invokingAsynchronously())
        }
        if configuration.eventBridgeConfiguration != nil {
            let bus = "arn:aws:events:\(bucket.region):\(bucket.account):event-bus/default"
            requests.append(
                DeliveryRequest(
                    target: DeliveryTarget(kind: .eventBus, resource: bus),
                    body: DeliveryPayload(
                        Self.eventBridgeEvent(change, bucket: bucket, context: context)),
                    retry: .eventBridge(), origin: bucket.arn, source: source, traceHeader: context.traceHeader))
        }
        guard !requests.isEmpty else { return }
        try? await deliveries.enqueue(requests).wait()
    }

    /// Whether a configuration's events and key filter select a change.
    static func matches(_ change: ObjectChange, events: [String], filter: S3.NotificationConfigurationFilter?) -> Bool {
        let name = "s3:" + change.eventName
        let selected = events.contains { event in
            event.hasSuffix(":*") ? name.hasPrefix(String(event.dropLast())) : event == name
        }
        guard selected else { return false }
        for rule in filter?.key?.filterRules ?? [] {
            guard let value = rule.value else { continue }
            switch rule.name?.lowercased() {
            case "prefix": if !change.key.hasPrefix(value) { return false }
            case "suffix": if !change.key.hasSuffix(value) { return false }
            default: continue
            }
        }
        return true
    }

    /// S3's event message (`{"Records":[...]}`) for queues, topics and functions.
    static func eventRecord(
        _ change: ObjectChange, bucket: BucketRecord, configurationId: String, context: RequestContext
    ) -> String {
        var object: [(key: String, value: OrderedJSON)] = [("key", .string(keyForEvent(change.key)))]
        if let size = change.size { object.append(("size", .integer(size))) }
        if let etag = change.etag { object.append(("eTag", .string(etag))) }
        if let versionId = change.versionId { object.append(("versionId", .string(versionId))) }
        if let sequencer = change.sequencer { object.append(("sequencer", .string(sequencer))) }
        // A completed restore is S3's own doing, in the bucket owner's name.
        let principal =
            change.restore?.expiry != nil
            ? "AmazonCustomer:\(S3Service.canonicalUserId(bucket.account))" : "AWS:\(context.userId)"
        var members: [(key: String, value: OrderedJSON)] = [
            ("eventVersion", .string(change.eventVersion)), ("eventSource", .string("aws:s3")),
            ("awsRegion", .string(bucket.region)),
            ("eventTime", .string(Timestamps.iso8601(Date()))), ("eventName", .string(change.eventName)),
            ("userIdentity", .object([("principalId", .string(principal))])),
            ("requestParameters", .object([("sourceIPAddress", .string("127.0.0.1"))])),
            (
                "responseElements",
                .object([("x-amz-request-id", .string(context.requestId)), ("x-amz-id-2", .string(context.requestId))])
            ),
            (
                "s3",
                .object([
                    ("s3SchemaVersion", .string("1.0")), ("configurationId", .string(configurationId)),
                    (
                        "bucket",
                        .object([
                            ("name", .string(bucket.name)),
                            (
                                "ownerIdentity",
                                .object([("principalId", .string(S3Service.canonicalUserId(bucket.account)))])
                            ),
                            ("arn", .string(bucket.arn)),
                        ])
                    ),
                    ("object", .object(object)),
                ])
            ),
        ]
        if let restore = change.restore, let expiry = restore.expiry {
            members.append(
                (
                    "glacierEventData",
                    .object([
                        (
                            "restoreEventData",
                            .object([
                                ("lifecycleRestorationExpiryTime", .string(Timestamps.iso8601(expiry))),
                                ("lifecycleRestoreStorageClass", .string(restore.sourceStorageClass)),
                            ])
                        )
                    ])
                ))
        }
        return OrderedJSON.object([("Records", .array([.object(members)]))]).text
    }

    /// The test event S3 sends to each destination when a notification configuration is set.
    static func testEvent(bucket: String, context: RequestContext) -> String {
        OrderedJSON.object([
            ("Service", .string("Amazon S3")), ("Event", .string("s3:TestEvent")),
            ("Time", .string(Timestamps.iso8601(Date()))), ("Bucket", .string(bucket)),
            ("RequestId", .string(context.requestId)), ("HostId", .string(context.requestId)),
        ]).text
    }

    /// The EventBridge event S3 sends to the default bus.
    static func eventBridgeEvent(_ change: ObjectChange, bucket: BucketRecord, context: RequestContext)
        -> String
    {
        var object: [(key: String, value: OrderedJSON)] = [("key", .string(change.key))]
        if let size = change.size ?? change.eventBridgeSize { object.append(("size", .integer(size))) }
        if let etag = change.etag { object.append(("etag", .string(etag))) }
        if let versionId = change.versionId { object.append(("version-id", .string(versionId))) }
        // Restore events on EventBridge carry no sequencer (AWS's recorded events).
        if let sequencer = change.sequencer, change.restore == nil {
            object.append(("sequencer", .string(sequencer)))
        }
        var detail: [(key: String, value: OrderedJSON)] = [
            ("version", .string("0")), ("bucket", .object([("name", .string(bucket.name))])),
            ("object", .object(object)), ("request-id", .string(context.requestId)),
            ("requester", .string(context.account)),
        ]
        // S3 completes a restore itself: that event names no source address.
        if change.restore?.expiry == nil { detail.append(("source-ip-address", .string("127.0.0.1"))) }
        if let restore = change.restore {
            if let expiry = restore.expiry {
                detail.append(("restore-expiry-time", .string(Timestamps.iso8601(expiry))))
            }
            detail.append(("source-storage-class", .string(restore.sourceStorageClass)))
        }
        if let reason = change.reason { detail.append(("reason", .string(reason))) }
        if let deletionType = change.deletionType { detail.append(("deletion-type", .string(deletionType))) }
        let time = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        return OrderedJSON.object([
            ("version", .string("0")), ("id", .string(RandomUUID.make().lowercased())),
            ("detail-type", .string(change.detailType)), ("source", .string("aws.s3")),
            ("account", .string(bucket.account)),
            ("time", .string(Timestamps.iso8601(time).replacingOccurrences(of: ".000Z", with: "Z"))),
            ("region", .string(bucket.region)), ("resources", .array([.string(bucket.arn)])),
            ("detail", .object(detail)),
        ]).text
    }

    /// Keys in S3 event records are URL-encoded, with spaces as '+'.
    static func keyForEvent(_ key: String) -> String {
        S3URLEncoding.encode(key).replacingOccurrences(of: "%20", with: "+")
    }
}
