import SwitchyardModels
import SwitchyardWire

extension FirehoseService {
    /// Tags a stream may have at most.
    static let tagLimit = 50

    func listTagsForDeliveryStream(_ input: Firehose.ListTagsForDeliveryStreamInput, context: RequestContext)
        async throws -> Firehose.ListTagsForDeliveryStreamOutput
    {
        let stream = try await stream(input.deliveryStreamName, context: context)
        var tags = stream.tags
        if let start = input.exclusiveStartTagKey, let index = tags.firstIndex(where: { $0.key == start }) {
            tags = Array(tags[(index + 1)...])
        }
        let limit = input.limit ?? 50
        return Firehose.ListTagsForDeliveryStreamOutput(
            tags: tags.prefix(limit).map { Firehose.Tag(key: $0.key, value: $0.value) },
            hasMoreTags: tags.count > limit)
    }

    func tagDeliveryStream(_ input: Firehose.TagDeliveryStreamInput, context: RequestContext) async throws
        -> Firehose.TagDeliveryStreamOutput
    {
        var stream = try await stream(input.deliveryStreamName, context: context)
        var tags = stream.tags
        for tag in input.tags {
            if let index = tags.firstIndex(where: { $0.key == tag.key }) {
                tags[index].value = tag.value
            } else {
                tags.append(StreamTag(key: tag.key, value: tag.value))
            }
        }
        guard tags.count <= Self.tagLimit else {
            throw FirehoseErrors.limitExceeded(
                "A delivery stream can have at most \(Self.tagLimit) tags; this request would give \(stream.name) \(tags.count)."
            )
        }
        stream.tags = tags
        try await engine.update(stream)
        return Firehose.TagDeliveryStreamOutput()
    }

    func untagDeliveryStream(_ input: Firehose.UntagDeliveryStreamInput, context: RequestContext) async throws
        -> Firehose.UntagDeliveryStreamOutput
    {
        var stream = try await stream(input.deliveryStreamName, context: context)
        let removed = Set(input.tagKeys)
        stream.tags.removeAll { removed.contains($0.key) }
        try await engine.update(stream)
        return Firehose.UntagDeliveryStreamOutput()
    }
}
