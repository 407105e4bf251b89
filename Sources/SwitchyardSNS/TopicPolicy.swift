import Foundation
import SwitchyardModels
import SwitchyardWire

/// AddPermission and RemovePermission: statements labelled by the caller, kept in the topic's Policy.
enum TopicPolicy {
    /// Adds an Allow statement for the accounts and actions; labels are unique within the policy.
    static func adding(
        label: String, accounts: [String], actions: [String], to policy: String, topicArn: String
    ) throws -> String {
        guard NameCharacters.isWord(label, maxLength: 80) else {
            throw SNSErrors.invalidParameter("Label")
        }
        guard !accounts.isEmpty else { throw SNSErrors.invalidParameter("AWSAccountId") }
        guard !actions.isEmpty else { throw SNSErrors.invalidParameter("ActionName") }
        for action in actions where action != "*" && SNS.model.operations[action] == nil {
            throw SNSErrors.invalidParameter("Policy statement action out of service scope!")
        }
        var object = parse(policy)
        var statements = object["Statement"] as? [[String: Any]] ?? []
        if statements.contains(where: { $0["Sid"] as? String == label }) {
            throw SNSErrors.invalidParameter("Statement already exists")
        }
        let principals = accounts.map { "arn:aws:iam::\($0):root" }
        let qualified = actions.map { $0 == "*" ? "SNS:*" : "SNS:\($0)" }
        statements.append([
            "Sid": label, "Effect": "Allow",
            "Principal": ["AWS": principals.count == 1 ? principals[0] as Any : principals as Any],
            "Action": qualified.count == 1 ? qualified[0] as Any : qualified as Any, "Resource": topicArn,
        ])
        object["Statement"] = statements
        return render(object)
    }

    static func removing(label: String, from policy: String) throws -> String {
        var object = parse(policy)
        var statements = object["Statement"] as? [[String: Any]] ?? []
        guard let index = statements.firstIndex(where: { $0["Sid"] as? String == label }) else {
            throw SNSErrors.invalidParameter("Statement with label \(label) does not exist")
        }
        statements.remove(at: index)
        object["Statement"] = statements
        return render(object)
    }

    private static func parse(_ policy: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(policy.utf8))) as? [String: Any] ?? [:]
    }

    private static func render(_ object: [String: Any]) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else {
            return "{}"
        }
        return String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\\/", with: "/")
    }
}
