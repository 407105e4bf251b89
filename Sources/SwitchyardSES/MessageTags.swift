/// Message tags of a send (`ses:` tags SES sets itself, and the caller's own), checked as SES checks them.
enum MessageTags {
    private static func allowed(_ text: Substring, extra: Set<Character>) -> Bool {
        text.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "_" || $0 == "-" || extra.contains($0) }
    }

    /// Checks tags in AWS's order (recorded): empty name, empty value, name length, name characters,
    /// value length, value characters. Tag names may carry SES's own `ses:` prefix.
    static func validate(_ tags: [SESTag]) throws {
        for tag in tags {
            guard !tag.key.isEmpty else { throw SESFailure.invalidParameter("The tag name must be specified.") }
            guard !tag.value.isEmpty else { throw SESFailure.invalidParameter("The tag value must be specified.") }
            guard tag.key.count <= 255 else {
                throw SESFailure.invalidParameter("Tag name cannot exceed 255 characters.")
            }
            let name = tag.key.hasPrefix("ses:") ? tag.key.dropFirst(4) : Substring(tag.key)
            guard allowed(name, extra: []) else {
                throw SESFailure.invalidParameter(
                    "Invalid tag name <\(tag.key)>: only alphanumeric ASCII characters, '_',  '-' are allowed.")
            }
            guard tag.value.count <= 255 else {
                throw SESFailure.invalidParameter("Tag value cannot exceed 255 characters.")
            }
            guard allowed(Substring(tag.value), extra: [".", "@"]) else {
                throw SESFailure.invalidParameter(
                    "Invalid tag value <\(tag.value)>: only alphanumeric ASCII characters, '_',  '-' , '.', '@' are allowed."
                )
            }
        }
    }
}
