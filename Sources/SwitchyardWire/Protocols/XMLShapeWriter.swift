import Foundation

/// Model-driven XML: the members of awsQuery results and REST XML bodies.
extension XMLWriter {
    /// Writes a structure's members as elements, in model order, under their serialized names.
    /// REST XML names members by their own `locationName` (or name) only, and leaves out members
    /// bound to headers, the status code or the URI; the query protocol falls back to the target
    /// shape's `locationName`.
    public mutating func members(_ value: AWSValue, shape: Shape, model: ServiceModel, restNames: Bool = false) {
        guard case .structure(let members) = value else { return }
        for ref in shape.members {
            guard let member = members[ref.name] else { continue }
            if restNames, ref.location == "header" || ref.location == "headers" || ref.location == "statusCode" {
                continue
            }
            // Attributes were written on the structure's own tag.
            if ref.xmlAttribute { continue }
            let name = restNames ? ref.locationName ?? ref.name : model.serializedName(of: ref)
            self.value(member, ref: ref, name: name, model: model, restNames: restNames)
        }
    }

    /// Writes one value as the element `name` (several elements for a flattened list or map).
    public mutating func value(
        _ value: AWSValue, ref: MemberRef, name: String, model: ServiceModel, restNames: Bool = false
    ) {
        let shape = model[ref.target]
        switch value {
        case .list(let items):
            guard let element = shape.member else { return }
            if ref.flattened || shape.flattened {
                let elementName = element.locationName ?? name
                for item in items {
                    self.value(item, ref: element, name: elementName, model: model, restNames: restNames)
                }
            } else {
                open(name)
                for item in items {
                    self.value(
                        item, ref: element, name: element.locationName ?? "member", model: model, restNames: restNames)
                }
                close(name)
            }
        case .map(let entries):
            guard let keyRef = shape.key, let valueRef = shape.value else { return }
            let flattened = ref.flattened || shape.flattened
            if !flattened { open(name) }
            for key in entries.keys.sorted() {
                guard let entry = entries[key] else { continue }
                open(flattened ? name : "entry")
                element(keyRef.locationName ?? "key", key)
                self.value(
                    entry, ref: valueRef, name: valueRef.locationName ?? "value", model: model, restNames: restNames)
                close(flattened ? name : "entry")
            }
            if !flattened { close(name) }
        case .structure(let fields):
            // Members that are XML attributes (S3's Grantee `xsi:type`) go on the tag, with the
            // declaration of their namespace prefix.
            var attributes: [(name: String, value: String)] = []
            if let namespace = shape.traits.xmlNamespace, let prefix = shape.traits.xmlNamespacePrefix {
                attributes.append(("xmlns:\(prefix)", namespace))
            }
            for member in shape.members where member.xmlAttribute {
                if case .string(let text)? = fields[member.name] {
                    attributes.append((member.locationName ?? member.name, text))
                }
            }
            open(name, attributes: attributes)
            members(value, shape: shape, model: model, restNames: restNames)
            close(name)
        case .string(let text): element(name, text)
        case .integer(let number): element(name, String(number))
        case .double(let number): element(name, String(number))
        case .boolean(let flag): element(name, flag ? "true" : "false")
        case .blob(let data): element(name, data.base64EncodedString())
        case .timestamp(let date):
            element(name, Timestamps.text(date, format: ref.timestampFormat ?? shape.timestampFormat ?? "iso8601"))
        case .document(let document):
            var json = JSONWriter()
            json.json(document)
            element(name, String(decoding: json.bytes, as: UTF8.self))
        // Streams are whole bodies, which the codecs write themselves; none is ever nested in XML.
        case .stream, .events: break
        }
    }
}
