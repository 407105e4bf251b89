import Foundation
import SwitchyardWire

/// The queue access policy that AddPermission and RemovePermission edit.
enum QueuePolicy {
    static let actions: Set<String> = [
        "*", "SendMessage", "ReceiveMessage", "DeleteMessage", "ChangeMessageVisibility", "GetQueueAttributes",
        "GetQueueUrl", "ListDeadLetterSourceQueues", "PurgeQueue", "ListQueueTags",
    ]

    struct Statement {
        var label: String
        var principals: [String]
        var actions: [String]
        var resource: String

        init(label: String, accounts: [String], actions: [String], resource: String) throws {
            guard NameCharacters.isWord(label, maxLength: 80) else {
                throw SQSErrors.invalidParameter(
                    "Label", value: label,
                    reason: "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length")
            }
            guard !accounts.isEmpty else { throw AWSError.missingParameter("AWSAccountIds") }
            guard !actions.isEmpty else { throw AWSError.missingParameter("Actions") }
            for action in actions where !QueuePolicy.actions.contains(action) {
                throw SQSErrors.invalidParameter(
                    "Actions", value: action,
                    reason: "Please refer to the appropriate WSDL for a list of valid actions.")
            }
            self.label = label
            self.principals = accounts.map { "arn:aws:iam::\($0):root" }
            self.actions = actions.map { "SQS:\($0)" }
            self.resource = resource
        }

        var json: [String: Any] {
            [
                "Sid": label, "Effect": "Allow",
                "Principal": ["AWS": principals.count == 1 ? principals[0] as Any : principals as Any],
                "Action": actions.count == 1 ? actions[0] as Any : actions as Any, "Resource": resource,
            ]
        }
    }

    static func parse(_ policy: String?) -> [String: Any]? {
        policy.flatMap(StrictJSON.object)
    }

    static func render(_ object: [String: Any]) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else {
            return "{}"
        }
        return String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\\/", with: "/")
    }

    static func adding(_ statement: Statement, to policy: String?, queueArn: String) throws -> String {
        var object =
            parse(policy) ?? ["Version": "2008-10-17", "Id": "\(queueArn)/SQSDefaultPolicy", "Statement": [Any]()]
        var statements = object["Statement"] as? [[String: Any]] ?? []
        if statements.contains(where: { $0["Sid"] as? String == statement.label }) {
            throw SQSErrors.invalidParameter("Label", value: statement.label, reason: "Already exists.")
        }
        statements.append(statement.json)
        object["Statement"] = statements
        return render(object)
    }

    static func removing(label: String, from policy: String?) throws -> String? {
        guard var object = parse(policy), var statements = object["Statement"] as? [[String: Any]],
            let index = statements.firstIndex(where: { $0["Sid"] as? String == label })
        else {
            throw SQSErrors.invalidParameter("Label", value: label, reason: "can't find label.")
        }
        statements.remove(at: index)
        if statements.isEmpty { return nil }
        object["Statement"] = statements
        return render(object)
    }
}
