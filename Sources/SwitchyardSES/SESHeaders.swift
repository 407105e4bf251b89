import Foundation

extension MIMEMessage {
    /// The headers by which a raw message chooses its configuration set and tags
    /// (`X-SES-CONFIGURATION-SET`, `X-SES-MESSAGE-TAGS: name=value, name=value`), read and removed
    /// as SES does before it sends the message on.
    static func sesHeaders(_ raw: [UInt8]) -> (raw: [UInt8], configurationSet: String?, tags: [SESTag]) {
        guard !raw.isEmpty, let message = try? MIMEMessage.parse(raw) else { return (raw, nil, []) }
        let set = message.headers["X-SES-CONFIGURATION-SET"]
        let tagText = message.headers.values("X-SES-MESSAGE-TAGS").joined(separator: ",")
        guard set != nil || !tagText.isEmpty else { return (raw, nil, []) }
        let tags = tagText.split(separator: ",").compactMap { pair -> SESTag? in
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { return nil }
            return SESTag(
                key: parts[0].trimmingCharacters(in: .whitespaces), value: parts[1].trimmingCharacters(in: .whitespaces)
            )
        }
        let stripped = message.rewritingHeaders { headers in
            headers.removeAll {
                let name = $0.name.lowercased()
                return name == "x-ses-configuration-set" || name == "x-ses-message-tags"
            }
        }
        return (stripped, set, tags)
    }
}
