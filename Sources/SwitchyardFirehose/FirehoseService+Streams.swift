import Foundation
import SwitchyardModels
import SwitchyardWire

extension FirehoseService {
    func createDeliveryStream(_ input: Firehose.CreateDeliveryStreamInput, context: RequestContext) async throws
        -> Firehose.CreateDeliveryStreamOutput
    {
        let type = input.deliveryStreamType ?? "DirectPut"
        let destinations = try Self.destinationMember(input.awsValue, suffix: "Configuration")
        guard destinations.count == 1, let (kind, value) = destinations.first else {
            throw FirehoseErrors.invalidArgument("Exactly one destination configuration is supported for a Firehose")
        }
        let configuration = Self.json(value, shape: kind.configurationShape)
        try DestinationRules.check(configuration, kind: kind)
        var source: StreamSource?
        let now = engine.clock.nowMillis()
        switch type {
        case "DirectPut":
            guard input.kinesisStreamSourceConfiguration == nil, input.mskSourceConfiguration == nil,
                input.databaseSourceConfiguration == nil
            else {
                throw FirehoseErrors.invalidArgument(
                    "Source configurations other than DirectPutSourceConfiguration are not allowed for DeliveryStreamType DirectPut."
                )
            }
        case "KinesisStreamAsSource":
            guard let kinesis = input.kinesisStreamSourceConfiguration else {
                throw FirehoseErrors.invalidArgument(
                    "KinesisStreamSourceConfiguration is required when DeliveryStreamType is KinesisStreamAsSource.")
            }
            guard input.deliveryStreamEncryptionConfigurationInput == nil else {
                throw FirehoseErrors.invalidArgument(
                    "Server-side encryption is not supported for delivery streams with KinesisStreamAsSource as source; the source stream's encryption applies."
                )
            }
            source = StreamSource(
                kind: "KinesisStreamSourceConfiguration",
                configuration: Self.json(kinesis.awsValue, shape: "KinesisStreamSourceConfiguration").text,
                kinesisStreamARN: kinesis.kinesisStreamARN, roleARN: kinesis.roleARN, startMillis: now)
        default:
            throw AWSError.notImplemented("Firehose", "CreateDeliveryStream with DeliveryStreamType \(type)")
        }
        if let throughput = input.directPutSourceConfiguration?.throughputHintInMBs {
            source = StreamSource(
                kind: "DirectPutSourceConfiguration",
                configuration: OrderedJSON.object([("ThroughputHintInMBs", .integer(throughput))]).text)
        }
        let encryption = try input.deliveryStreamEncryptionConfigurationInput.map(Self.encryption)
        let stream = DeliveryStreamRecord(
            name: input.deliveryStreamName, account: context.account, region: context.region, type: type,
            status: "ACTIVE", createdMillis: now, updatedMillis: nil, version: 1, encryption: encryption,
            tags: (input.tags ?? []).map { StreamTag(key: $0.key, value: $0.value) }, source: source,
            destination: DestinationRecord(
                id: "destinationId-000000000001", kind: kind, configuration: configuration.text))
        try await engine.create(stream)
        return Firehose.CreateDeliveryStreamOutput(deliveryStreamARN: stream.arn)
    }

    func deleteDeliveryStream(_ input: Firehose.DeleteDeliveryStreamInput, context: RequestContext) async throws
        -> Firehose.DeleteDeliveryStreamOutput
    {
        let stream = try await stream(input.deliveryStreamName, context: context)
        try await engine.delete(stream.key)
        return Firehose.DeleteDeliveryStreamOutput()
    }

    func describeDeliveryStream(_ input: Firehose.DescribeDeliveryStreamInput, context: RequestContext) async throws
        -> Firehose.DescribeDeliveryStreamOutput
    {
        let stream = try await stream(input.deliveryStreamName, context: context)
        let destinations =
            input.exclusiveStartDestinationId == stream.destination.id
            ? [] : [DestinationDescriptions.describe(stream.destination)]
        var source: Firehose.SourceDescription?
        if let configured = stream.source, let parsed = try? OrderedJSON.parse(Array(configured.configuration.utf8)) {
            switch configured.kind {
            case "KinesisStreamSourceConfiguration":
                source = Firehose.SourceDescription(
                    kinesisStreamSourceDescription: Firehose.KinesisStreamSourceDescription(
                        kinesisStreamARN: configured.kinesisStreamARN, roleARN: configured.roleARN,
                        deliveryStartTimestamp: configured.startMillis.map(Self.date)))
            case "DirectPutSourceConfiguration":
                source = Firehose.SourceDescription(
                    directPutSourceDescription: Firehose.DirectPutSourceDescription(
                        throughputHintInMBs: parsed["ThroughputHintInMBs"]?.intValue))
            default: break
            }
        }
        let encryption: Firehose.DeliveryStreamEncryptionConfiguration? =
            stream.type == "DirectPut"
            ? Firehose.DeliveryStreamEncryptionConfiguration(
                keyARN: stream.encryption?.keyARN, keyType: stream.encryption?.keyType,
                status: stream.encryption?.status ?? "DISABLED") : nil
        return Firehose.DescribeDeliveryStreamOutput(
            deliveryStreamDescription: Firehose.DeliveryStreamDescription(
                deliveryStreamName: stream.name, deliveryStreamARN: stream.arn, deliveryStreamStatus: stream.status,
                deliveryStreamEncryptionConfiguration: encryption, deliveryStreamType: stream.type,
                versionId: String(stream.version), createTimestamp: Self.date(stream.createdMillis),
                lastUpdateTimestamp: stream.updatedMillis.map(Self.date), source: source, destinations: destinations,
                hasMoreDestinations: false))
    }

    func listDeliveryStreams(_ input: Firehose.ListDeliveryStreamsInput, context: RequestContext) async throws
        -> Firehose.ListDeliveryStreamsOutput
    {
        let names = await engine.streams.values.filter {
            $0.account == context.account && $0.region == context.region
                && (input.deliveryStreamType == nil || $0.type == input.deliveryStreamType)
        }.map(\.name).sorted()
        let after = names.filter { name in input.exclusiveStartDeliveryStreamName.map { name > $0 } ?? true }
        let limit = input.limit ?? 10
        return Firehose.ListDeliveryStreamsOutput(
            deliveryStreamNames: Array(after.prefix(limit)), hasMoreDeliveryStreams: after.count > limit)
    }

    func updateDestination(_ input: Firehose.UpdateDestinationInput, context: RequestContext) async throws
        -> Firehose.UpdateDestinationOutput
    {
        var stream = try await stream(input.deliveryStreamName, context: context)
        guard input.currentDeliveryStreamVersionId == String(stream.version) else {
            throw FirehoseErrors.concurrentModification(
                "Cannot update firehose: \(stream.name) since the current version id: \(stream.version) and specified version id: \(input.currentDeliveryStreamVersionId) do not match"
            )
        }
        guard input.destinationId == stream.destination.id else {
            throw FirehoseErrors.invalidArgument("Destination Id \(input.destinationId) not found")
        }
        let updates = try Self.destinationMember(input.awsValue, suffix: "Update")
        guard updates.count == 1, let (kind, value) = updates.first else {
            throw FirehoseErrors.invalidArgument("Exactly one destination update is supported for a Firehose")
        }
        let update = DestinationDescriptions.configuration(fromUpdate: Self.json(value, shape: kind.updateShape))
        let current = (try? OrderedJSON.parse(Array(stream.destination.configuration.utf8))) ?? .object([])
        let sameFamily =
            kind == stream.destination.kind
            || (Set([kind, stream.destination.kind]).isSubset(of: [.s3, .extendedS3]))
        if [.openSearch, .elasticsearch].contains(stream.destination.kind), !sameFamily {
            throw FirehoseErrors.invalidArgument(
                "Changing the destination type to or from \(stream.destination.kind.displayName) is not supported.")
        }
        let merged = sameFamily ? current.merging(update) : update
        let newKind: DestinationKind = sameFamily && kind == .s3 ? stream.destination.kind : kind
        try DestinationRules.check(merged, kind: newKind)
        guard merged != current || newKind != stream.destination.kind else { return Firehose.UpdateDestinationOutput() }
        stream.destination = DestinationRecord(id: stream.destination.id, kind: newKind, configuration: merged.text)
        stream.version += 1
        stream.updatedMillis = engine.clock.nowMillis()
        try await engine.update(stream)
        return Firehose.UpdateDestinationOutput()
    }
}
