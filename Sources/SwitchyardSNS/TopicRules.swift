import SwitchyardWire

/// Topic name rules: 1 to 256 ASCII letters, digits, hyphens and underscores; FIFO topics end in
/// `.fifo` and are created with FifoTopic=true.
enum TopicNames {
    static func validate(_ name: String, fifoAttribute: String?) throws {
        let fifo = fifoAttribute == "true"
        let base = name.hasSuffix(".fifo") ? String(name.dropLast(5)) : name
        let wellFormed = NameCharacters.isWord(base, maxLength: 256) && name.utf8.count <= 256
        if fifo {
            guard wellFormed, name.hasSuffix(".fifo") else {
                throw SNSErrors.invalidParameter("Topic Name")
            }
        } else if !wellFormed || name.hasSuffix(".fifo") {
            throw SNSErrors.invalidParameter("Topic Name")
        }
    }
}

/// Tag rules: at most 50 per topic (key and value lengths are checked by the model).
enum TopicTags {
    static func validate(_ tags: [String: String]) throws {
        if tags.count > 50 { throw SNSErrors.tagLimitExceeded() }
    }
}
