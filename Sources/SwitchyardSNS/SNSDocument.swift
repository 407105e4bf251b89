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

    /// The document, with MessageAttributes last when there are any: laid out on lines as SNS sends
    /// it to queues and endpoints, or `compact` on one line as it puts it into Firehose streams.
    static func write(
        _ fields: [(String, String)], attributes: [String: NotificationAttribute] = [:], compact: Bool = false
    ) -> String {
        let newline = compact ? "" : "\n"
        let indent = compact ? "" : "  "
        let colon = compact ? ":" : " : "
        var writer = JSONWriter()
        writer.verbatim("{" + newline)
        for (index, (name, value)) in fields.enumerated() {
            if index > 0 { writer.verbatim("," + newline) }
            writer.verbatim(indent)
            writer.string(name)
            writer.verbatim(colon)
            writer.string(value)
        }
        if !attributes.isEmpty {
            writer.verbatim("," + newline + indent + "\"MessageAttributes\"" + colon + "{")
            for (index, name) in attributes.keys.sorted().enumerated() {
                guard let attribute = attributes[name] else { continue }
                let separator = index > 0 ? "," : ""
                writer.verbatim(separator + newline + indent + indent)
                writer.string(name)
                writer.verbatim(colon + "{\"Type\":")
                writer.string(attribute.dataType)
                writer.verbatim(",\"Value\":")
                writer.string(attribute.stringValue ?? attribute.binaryValue ?? "")
                writer.verbatim("}")
            }
            writer.verbatim(newline + indent + "}")
        }
        writer.verbatim(newline + "}")
        return String(decoding: writer.bytes, as: UTF8.self)
    }
}
