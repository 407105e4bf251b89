import SwitchyardCore
import SwitchyardWire

/// SNS state: topics by account, region and name. Only this actor touches it; every change is
/// submitted to the store, and callers wait for its ticket before answering.
public actor SNSEngine {
    private let store: any SNSStore
    private var topics: [TopicKey: TopicRecord] = [:]
    private var nextSeq: Int64 = 1

    public init(store: any SNSStore) throws {
        self.store = store
        for record in try store.loadTopics() {
            topics[record.key] = record
            nextSeq = max(nextSeq, record.createdSeq + 1)
        }
    }

    /// Creates a topic, or returns the existing one when its attributes and tags are the same.
    public func createTopic(_ key: TopicKey, attributes: [String: String], tags: [String: String]) throws
        -> CommitTicket
    {
        try TopicNames.validate(key.name, fifoAttribute: attributes["FifoTopic"])
        for (name, value) in attributes {
            try TopicAttributes.validate(name: name, value: value, fifo: key.isFIFO, creating: true)
        }
        try TopicTags.validate(tags)
        if let existing = topics[key] {
            let requested = attributes.filter { $0.key != "FifoTopic" }
            for (name, value) in requested where existing.attributes[name] != value {
                throw SNSErrors.invalidParameter("Attributes Reason: Topic already exists with different attributes")
            }
            if !tags.isEmpty, tags != existing.tags {
                throw SNSErrors.invalidParameter("Tags Reason: Topic already exists with different tags")
            }
            return .alreadyCommitted
        }
        let record = TopicRecord(
            key: key, attributes: attributes.filter { $0.key != "FifoTopic" }, tags: tags, createdSeq: nextSeq)
        nextSeq += 1
        topics[key] = record
        return store.submit([.putTopic(record)])
    }

    /// Deletes a topic; deleting one that does not exist succeeds, as in AWS.
    public func deleteTopic(_ key: TopicKey) -> CommitTicket {
        guard topics.removeValue(forKey: key) != nil else { return .alreadyCommitted }
        return store.submit([.deleteTopic(key)])
    }

    /// The account's topics in the region, in creation order.
    public func topicKeys(account: String, region: String) -> [TopicKey] {
        topics.values.filter { $0.key.account == account && $0.key.region == region }
            .sorted { $0.createdSeq < $1.createdSeq }.map { $0.key }
    }

    public func attributes(of key: TopicKey) throws -> [String: String] {
        guard let record = topics[key] else { throw SNSErrors.topicNotFound() }
        return TopicAttributes.effective(record)
    }

    public func setAttribute(_ key: TopicKey, name: String, value: String?) throws -> CommitTicket {
        guard var record = topics[key] else { throw SNSErrors.topicNotFound() }
        try TopicAttributes.validate(name: name, value: value ?? "", fifo: key.isFIFO, creating: false)
        record.attributes[name] = value
        topics[key] = record
        return store.submit([.putTopic(record)])
    }

    public func tags(of key: TopicKey) throws -> [String: String] {
        guard let record = topics[key] else { throw SNSErrors.resourceNotFound() }
        return record.tags
    }

    public func tag(_ key: TopicKey, adding tags: [String: String]) throws -> CommitTicket {
        guard var record = topics[key] else { throw SNSErrors.resourceNotFound() }
        record.tags.merge(tags) { _, new in new }
        try TopicTags.validate(record.tags)
        topics[key] = record
        return store.submit([.putTopic(record)])
    }

    public func untag(_ key: TopicKey, removing names: [String]) throws -> CommitTicket {
        guard var record = topics[key] else { throw SNSErrors.resourceNotFound() }
        for name in names { record.tags[name] = nil }
        topics[key] = record
        return store.submit([.putTopic(record)])
    }

    /// Forgets everything (the reset endpoint).
    public func reset() -> CommitTicket {
        topics.removeAll()
        return store.wipe()
    }

    public var topicCount: Int { topics.count }
}

/// Topic name rules: 1 to 256 ASCII letters, digits, hyphens and underscores; FIFO topics end in
/// `.fifo` and are created with FifoTopic=true.
enum TopicNames {
    static func validate(_ name: String, fifoAttribute: String?) throws {
        let fifo = fifoAttribute == "true"
        let base = name.hasSuffix(".fifo") ? String(name.dropLast(5)) : name
        let wellFormed =
            !base.isEmpty && name.utf8.count <= 256
            && base.utf8.allSatisfy { byte in
                (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                    || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                    || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-")
                    || byte == UInt8(ascii: "_")
            }
        if fifo {
            guard wellFormed, name.hasSuffix(".fifo") else {
                throw SNSErrors.invalidParameter(
                    "Fifo Topic names must end with .fifo and must be made up of only uppercase and lowercase ASCII letters, numbers, underscores, and hyphens, and must be between 1 and 256 characters long."
                )
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
