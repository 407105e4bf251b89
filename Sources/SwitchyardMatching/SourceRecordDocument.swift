import SwitchyardWire

/// A source record (an SQS message as its consumers see it) as filter patterns match it: its JSON,
/// with a `body` that is itself a JSON object or array parsed in place, so that patterns can look
/// into it (`{"body": {"kind": ["order"]}}`), as Pipes and Lambda event source mappings filter.
public enum SourceRecordDocument {
    public static func parse(_ json: String) -> OrderedJSON? {
        guard case .object(var members)? = try? OrderedJSON.parse(Array(json.utf8)) else { return nil }
        if let position = members.firstIndex(where: { $0.key == "body" }),
            case .scalar(.string(let body)) = members[position].value,
            let parsed = try? OrderedJSON.parse(Array(body.utf8))
        {
            switch parsed {
            case .object, .array: members[position].value = parsed
            default: break
            }
        }
        return .object(members)
    }
}
