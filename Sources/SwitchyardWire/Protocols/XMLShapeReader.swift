import Foundation

/// Reads REST XML bodies into values of model shapes: members under their serialized names,
/// attributes, wrapped and flattened lists and maps, scalars from element text.
struct XMLShapeReader {
    let model: ServiceModel

    /// The value of `element` read as the shape at `index`.
    func value(_ element: XMLElement, shape index: Int, timestampFormat: String? = nil) throws -> AWSValue {
        let shape = model[index]
        switch shape.kind {
        case .structure: return try structure(element, shape: shape)
        case .list:
            guard let item = shape.member else { return .list([]) }
            let itemName = item.locationName ?? "member"
            return .list(try element.children(named: itemName).map { try value($0, shape: item.target) })
        case .map:
            return try map(entries: element.children(named: "entry"), shape: shape)
        default:
            return try scalar(element.text, shape: shape, format: timestampFormat)
        }
    }

    private func structure(_ element: XMLElement, shape: Shape) throws -> AWSValue {
        var members = AWSStructure(minimumCapacity: shape.members.count)
        for ref in shape.members where ref.location == nil {
            let target = model[ref.target]
            // REST XML names a member by its own locationName only; the target's names a payload root.
            let name = ref.locationName ?? ref.name
            if ref.xmlAttribute {
                // Attributes are kept by local name (`xsi:type` is `type`), as elements are.
                let local = name.split(separator: ":").last.map(String.init) ?? name
                if let text = element.attributes[local] {
                    members[ref.name] = try scalar(text, shape: target, format: ref.timestampFormat)
                }
                continue
            }
            let flattened = ref.flattened || target.flattened
            if flattened, target.kind == .list, let item = target.member {
                let items = element.children(named: name)
                if !items.isEmpty { members[ref.name] = .list(try items.map { try value($0, shape: item.target) }) }
            } else if flattened, target.kind == .map {
                let entries = element.children(named: name)
                if !entries.isEmpty { members[ref.name] = try map(entries: entries, shape: target) }
            } else if let child = element.child(name) {
                members[ref.name] = try value(child, shape: ref.target, timestampFormat: ref.timestampFormat)
            }
        }
        return .structure(members)
    }

    private func map(entries: [XMLElement], shape: Shape) throws -> AWSValue {
        guard let keyRef = shape.key, let valueRef = shape.value else { return .map([:]) }
        var result: [String: AWSValue] = [:]
        for entry in entries {
            guard let key = entry.child(keyRef.locationName ?? "key")?.text,
                let value = entry.child(valueRef.locationName ?? "value")
            else { continue }
            result[key] = try self.value(value, shape: valueRef.target)
        }
        return .map(result)
    }

    /// A scalar from text: as XML bodies, query strings and headers carry them.
    func scalar(_ text: String, shape: Shape, format: String?) throws -> AWSValue {
        try RESTScalars.value(text, shape: shape, format: format ?? shape.timestampFormat ?? "iso8601")
    }
}

/// Scalars written as text, in REST URIs, query strings, headers and XML.
enum RESTScalars {
    static func value(_ text: String, shape: Shape, format: String) throws -> AWSValue {
        func invalid() -> AWSError {
            AWSError.serialization("'\(text)' is not a valid \(shape.kind.rawValue) value for \(shape.name).")
        }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        switch shape.kind {
        case .string: return .string(text)
        case .integer, .long:
            guard let number = Int(trimmed) else { throw invalid() }
            return .integer(number)
        case .double, .float:
            guard let number = Double(trimmed) else { throw invalid() }
            return .double(number)
        case .boolean:
            switch trimmed {
            case "true": return .boolean(true)
            case "false": return .boolean(false)
            default: throw invalid()
            }
        case .blob:
            guard let data = Data(base64Encoded: trimmed) else { throw invalid() }
            return .blob(data)
        case .timestamp:
            let date =
                format == "rfc822"
                ? Timestamps.httpDate(trimmed) ?? Timestamps.parse(trimmed) : Timestamps.parse(trimmed)
            guard let date else { throw invalid() }
            return .timestamp(date)
        case .document:
            return .document(try JSONValue.parse(Array(text.utf8)))
        case .structure, .list, .map:
            throw invalid()
        }
    }

    /// The text of a scalar value, the inverse of `value`.
    static func text(_ value: AWSValue, format: String) -> String {
        switch value {
        case .string(let text): return text
        case .integer(let number): return String(number)
        case .double(let number):
            return number == number.rounded() && abs(number) < 1e15 ? String(Int(number)) : String(number)
        case .boolean(let flag): return flag ? "true" : "false"
        case .blob(let data): return data.base64EncodedString()
        case .timestamp(let date): return Timestamps.text(date, format: format)
        case .document(let document):
            var writer = JSONWriter()
            writer.json(document)
            return String(decoding: writer.bytes, as: UTF8.self)
        case .structure, .list, .map, .stream, .events: return ""
        }
    }
}
