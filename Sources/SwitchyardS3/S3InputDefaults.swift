import SwitchyardWire

/// What S3 supplies when a request leaves it out: a tagging document without a tag set (or no
/// document at all) sets no tags, which the model would otherwise call a missing member.
enum S3InputDefaults {
    @Sendable static func fill(_ input: AWSValue, _ operation: OperationModel, _ request: WireRequest) throws
        -> AWSValue
    {
        guard operation.name == "PutBucketTagging" || operation.name == "PutObjectTagging",
            case .structure(var members) = input
        else { return input }
        var tagging = (try? members["Tagging"]?.structureMembers()) ?? AWSStructure()
        if tagging["TagSet"] == nil { tagging["TagSet"] = .list([]) }
        members["Tagging"] = .structure(tagging)
        return .structure(members)
    }
}
