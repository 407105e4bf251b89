/// Writes an awsQuery answer as JSON, the form AWS's query endpoints give a request whose Accept
/// header asks for `application/json`. This is not the awsJson protocol's form; from AWS's
/// recorded answers:
/// - a map is a list of entries named as in XML (`[{"Name": ..., "Value": ...}]` for SQS attributes);
/// - a flattened list keeps its member name with a lower-case initial (`"messages": [...]` in
///   ReceiveMessageResult);
/// - an empty list is left out, as in XML.
struct QueryJSONWriter {
    var json = JSONWriter()

    mutating func value(_ value: AWSValue, shape: Shape, model: ServiceModel) {
        switch value {
        case .structure(let members):
            json.raw("{")
            var first = true
            for ref in shape.members {
                guard let member = members[ref.name] else { continue }
                if case .list(let items) = member, items.isEmpty { continue }
                if !first { json.raw(",") }
                first = false
                let target = model[ref.target]
                let flattenedList = target.kind == .list && (ref.flattened || target.flattened)
                json.string(flattenedList ? Self.lowerInitial(ref.name) : ref.name)
                json.raw(":")
                self.value(member, shape: target, model: model)
            }
            json.raw("}")
        case .list(let items):
            json.raw("[")
            let element = shape.member.map { model[$0.target] } ?? shape
            for (position, item) in items.enumerated() {
                if position > 0 { json.raw(",") }
                self.value(item, shape: element, model: model)
            }
            json.raw("]")
        case .map(let entries):
            json.raw("[")
            let keyName = shape.key?.locationName ?? "key"
            let valueName = shape.value?.locationName ?? "value"
            let valueShape = shape.value.map { model[$0.target] } ?? shape
            for (position, key) in entries.keys.sorted().enumerated() {
                if position > 0 { json.raw(",") }
                json.raw("{")
                json.string(keyName)
                json.raw(":")
                json.string(key)
                if let entry = entries[key] {
                    json.raw(",")
                    json.string(valueName)
                    json.raw(":")
                    self.value(entry, shape: valueShape, model: model)
                }
                json.raw("}")
            }
            json.raw("]")
        default:
            json.value(value, shape: shape, model: model)
        }
    }

    static func lowerInitial(_ name: String) -> String {
        guard let first = name.first else { return name }
        return first.lowercased() + name.dropFirst()
    }
}
