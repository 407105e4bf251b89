import Foundation

/// GetHumanReadableSummary's text of a delegation request, in Markdown: who asks, for how long,
/// and what the filled policy allows, statement by statement.
enum DelegationSummary {
    static func markdown(_ request: DelegationRequestRecord) -> String {
        var lines = [
            "## Delegation request \(request.id)",
            "",
            "Account \(request.requestorId)\(request.requestorName.map { " (\($0))" } ?? "") asks for temporary access"
                + " for \(duration(request.sessionDuration)), counted from when the exchange token is sent.",
            "",
            "**Description:** \(request.description)",
        ]
        if let message = request.requestMessage { lines.append("**Message:** \(message)") }
        lines += ["", "**State:** \(request.state.rawValue)", "", "### Requested permissions", ""]
        lines += statements(request.permissionPolicy)
        if !request.boundaryArns.isEmpty {
            lines += [
                "",
                "Roles created with these permissions get the permissions boundaries "
                    + request.boundaryArns.joined(separator: ", ") + ".",
            ]
        }
        return lines.joined(separator: "\n")
    }

    static func duration(_ seconds: Int) -> String {
        let hours = seconds / 3600
        let minutes = seconds % 3600 / 60
        var parts: [String] = []
        if hours > 0 { parts.append("\(hours) hour\(hours == 1 ? "" : "s")") }
        if minutes > 0 || hours == 0 { parts.append("\(minutes) minute\(minutes == 1 ? "" : "s")") }
        return parts.joined(separator: " ")
    }

    /// One line per statement: its effect, actions and resources.
    static func statements(_ policy: String) -> [String] {
        guard let document = try? JSONSerialization.jsonObject(with: Data(policy.utf8)) as? [String: Any] else {
            return ["- (the policy could not be read)"]
        }
        let raw = document["Statement"]
        let statements = (raw as? [[String: Any]]) ?? (raw as? [String: Any]).map { [$0] } ?? []
        func list(_ value: Any?) -> String {
            ((value as? [String]) ?? (value as? String).map { [$0] } ?? []).joined(separator: ", ")
        }
        return statements.map { statement in
            let effect = statement["Effect"] as? String ?? "Allow"
            let actions = list(statement["Action"] ?? statement["NotAction"])
            let resources = list(statement["Resource"] ?? statement["NotResource"])
            return
                "- \(effect): \(actions.isEmpty ? "(no actions)" : actions) on \(resources.isEmpty ? "*" : resources)"
        }
    }
}
