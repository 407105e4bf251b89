import Foundation
import SwitchyardPlatform
import SwitchyardWire

/// Queue name rules: 1 to 80 characters of alphanumerics, hyphens and underscores, plus `.fifo` for FIFO queues.
public enum QueueNames {
    /// A standard or FIFO queue name: what a bare name given as QueueUrl, or a queue URL path, ends with.
    public static func isValidName(_ name: String) -> Bool {
        let base = name.hasSuffix(".fifo") ? String(name.dropLast(5)) : name
        return NameCharacters.isWord(base, maxLength: 80) && name.count <= 80
    }

    static func validate(_ name: String, fifo: Bool) throws {
        let base = name.hasSuffix(".fifo") ? String(name.dropLast(5)) : name
        let valid = NameCharacters.isWord(base, maxLength: 80) && name.count <= 80
        if fifo {
            guard valid, name.hasSuffix(".fifo") else {
                throw SQSErrors.invalidParameter(
                    "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length."
                )
            }
        } else if !valid || name.hasSuffix(".fifo") {
            throw SQSErrors.invalidParameter(
                "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length")
        }
    }
}

/// Batch request rules shared by the three batch operations.
enum BatchRules {
    static func validate(ids: [String], entryName: String) throws {
        guard !ids.isEmpty else { throw SQSErrors.emptyBatch(entryName) }
        guard ids.count <= 10 else { throw SQSErrors.tooManyEntries(ids.count) }
        var seen = Set<String>()
        for id in ids {
            guard MessageValidation.isValidBatchEntryId(id) else { throw SQSErrors.invalidBatchEntryId() }
            guard seen.insert(id).inserted else { throw SQSErrors.idsNotDistinct(id) }
        }
    }
}

/// Queue tag rules: at most 50 tags, keys up to 128 characters, values up to 256.
enum TagRules {
    static func validate(_ tags: [String: String]) throws {
        if tags.count > 50 { throw SQSErrors.invalidParameter("Too many tags added for queue.") }
        for (key, value) in tags {
            if key.isEmpty || key.count > 128 {
                throw SQSErrors.invalidParameter("Tag keys must be between 1 and 128 characters in length.")
            }
            if value.count > 256 {
                throw SQSErrors.invalidParameter("Tag values may only be up to 256 characters in length.")
            }
        }
    }
}

/// NextToken pagination over a sorted list. SQS answers a NextToken only to a request that gave
/// MaxResults; without it a listing is its first 1,000 items.
enum Pagination {
    static func page(_ items: [String], token: String?, maxResults: Int?) throws -> ([String], String?) {
        let page = try OffsetPage(
            items, token: token, size: maxResults ?? 1000,
            invalidToken: SQSErrors.invalidParameter("Invalid or expired next token."))
        return (page.items, maxResults == nil ? nil : page.next)
    }
}

/// Which attributes a ReceiveMessage asked for.
struct ReceiveSelection {
    var all = false
    var exact = Set<String>()
    var prefixes: [String] = []

    /// MessageAttributeNames: "All", ".*", "prefix.*" or exact names.
    init(names: [String]) {
        for name in names {
            if name == "All" || name == ".*" || name == "*" {
                all = true
            } else if name.hasSuffix(".*") {
                prefixes.append(String(name.dropLast(2)))
            } else {
                exact.insert(name)
            }
        }
    }

    func includes(_ name: String) -> Bool {
        all || exact.contains(name) || prefixes.contains { name.hasPrefix($0) }
    }

    static let systemNames = [
        "SenderId", "SentTimestamp", "ApproximateReceiveCount", "ApproximateFirstReceiveTimestamp", "SequenceNumber",
        "MessageDeduplicationId", "MessageGroupId", "AWSTraceHeader", "DeadLetterQueueSourceArn",
    ]

    /// AttributeNames / MessageSystemAttributeNames, with "All" expanded.
    static func systemAttributeNames(_ names: [String]) throws -> Set<String> {
        var wanted = Set<String>()
        for name in names {
            if name == "All" {
                wanted.formUnion(systemNames)
            } else if systemNames.contains(name) || QueueConfiguration.readable.contains(name) {
                wanted.insert(name)
            } else {
                throw SQSErrors.invalidAttributeName(name)
            }
        }
        return wanted
    }

    static func systemAttributes(of message: SQSMessage, names: Set<String>) -> [String: String]? {
        guard !names.isEmpty else { return nil }
        var values: [String: String] = [:]
        for name in names {
            switch name {
            case "SenderId": values[name] = message.senderId
            case "SentTimestamp": values[name] = String(message.sentAt)
            case "ApproximateReceiveCount": values[name] = String(message.receiveCount)
            case "ApproximateFirstReceiveTimestamp": values[name] = message.firstReceiveAt.map { String($0) }
            case "SequenceNumber": values[name] = message.sequenceNumber
            case "MessageDeduplicationId": values[name] = message.messageDeduplicationId
            case "MessageGroupId": values[name] = message.messageGroupId
            case "AWSTraceHeader": values[name] = message.systemAttributes["AWSTraceHeader"]?.stringValue
            case "DeadLetterQueueSourceArn": values[name] = message.deadLetterQueueSourceArn
            default: break
            }
        }
        return values.isEmpty ? nil : values
    }
}
