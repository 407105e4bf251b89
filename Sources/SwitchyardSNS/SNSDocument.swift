import SwitchyardWire

/// The JSON documents SNS sends (notifications and subscription confirmations): one
/// `"Name" : "value"` line per field, two spaces in, in a fixed order; and the text SNS signs.
enum SNSDocument {
    /// Where subscribers fetch the certificate that verifies signatures.
    static func signingCertURL(baseURL: String) -> String {
        "\(baseURL)/_switchyard/sns/\(NotificationSigner.certificateFileName)"
    }

    /// The signed text: each field's name and value on lines of their own, in the order given.
    static func canonicalText(_ fields: [(name: String, value: String)]) -> String {
        fields.map { "\($0.name)\n\($0.value)\n" }.joined()
    }

    /// The document, with MessageAttributes last when there are any.
    static func write(_ fields: [(String, String)], attributes: [String: NotificationAttribute] = [:]) -> String {
        var writer = JSONWriter()
        writer.raw("{\n")
        for (index, (name, value)) in fields.enumerated() {
            if index > 0 { writer.raw(",\n") }
            writer.raw("  ")
            writer.string(name)
            writer.raw(" : ")
            writer.string(value)
        }
        if !attributes.isEmpty {
            writer.raw(",\n  \"MessageAttributes\" : {")
            for (index, name) in attributes.keys.sorted().enumerated() {
                guard let attribute = attributes[name] else { continue }
                writer.raw(index > 0 ? ",\n    " : "\n    ")
                writer.string(name)
                writer.raw(" : {\"Type\":")
                writer.string(attribute.dataType)
                writer.raw(",\"Value\":")
                writer.string(attribute.stringValue ?? attribute.binaryValue ?? "")
                writer.raw("}")
            }
            writer.raw("\n  }")
        }
        writer.raw("\n}")
        return String(decoding: writer.bytes, as: UTF8.self)
    }
}
