import Foundation

/// A generated credential report: the account's users and the state of their credentials, as CSV.
public struct CredentialReportRecord: Codable, Sendable, Equatable {
    public var account: String
    public var generatedAt: Date
    public var content: String

    /// AWS builds a new report only when the last one is older than four hours.
    static let freshFor: TimeInterval = 4 * 3600
}

/// The credential report's CSV, in the columns and words AWS writes.
enum CredentialReportCSV {
    static let columns = [
        "user", "arn", "user_creation_time", "password_enabled", "password_last_used", "password_last_changed",
        "password_next_rotation", "mfa_active", "access_key_1_active", "access_key_1_last_rotated",
        "access_key_1_last_used_date", "access_key_1_last_used_region", "access_key_1_last_used_service",
        "access_key_2_active", "access_key_2_last_rotated", "access_key_2_last_used_date",
        "access_key_2_last_used_region", "access_key_2_last_used_service", "cert_1_active", "cert_1_last_rotated",
        "cert_2_active", "cert_2_last_rotated",
    ]

    /// One principal's credentials, as the report reads them.
    struct Entry {
        var user: String
        var arn: String
        var createdAt: Date?
        /// nil for the account's root, whose password the report does not describe.
        var password: Password?
        var mfaActive: Bool
        var accessKeys: [AccessKeyRecord]
        var certificates: [SigningCertificateRecord]

        struct Password {
            var enabled: Bool
            var lastUsed: Date?
            var lastChanged: Date?
            var nextRotation: Date?
        }
    }

    static func render(_ entries: [Entry]) -> String {
        ([columns] + entries.map(row)).map { $0.map(field).joined(separator: ",") }.joined(separator: "\n")
    }

    static func row(_ entry: Entry) -> [String] {
        var row = [entry.user, entry.arn, entry.createdAt.map(date) ?? "N/A"]
        if let password = entry.password {
            row += [
                String(password.enabled),
                password.enabled ? password.lastUsed.map(date) ?? "no_information" : "N/A",
                password.lastChanged.map(date) ?? "N/A", password.nextRotation.map(date) ?? "N/A",
            ]
        } else {
            row += ["not_supported", "no_information", "not_supported", "not_supported"]
        }
        row.append(String(entry.mfaActive))
        // Active keys come first, as AWS lists them; then the oldest.
        let keys = entry.accessKeys.sorted { ($0.active ? 0 : 1, $0.createdAt) < ($1.active ? 0 : 1, $1.createdAt) }
        for slot in 0..<2 {
            guard slot < keys.count else {
                row += ["false", "N/A", "N/A", "N/A", "N/A"]
                continue
            }
            let key = keys[slot]
            row += [
                String(key.active), date(key.createdAt), key.lastUsed.map(date) ?? "N/A", key.lastUsedRegion ?? "N/A",
                key.lastUsedService ?? "N/A",
            ]
        }
        let certificates = entry.certificates.sorted { $0.uploadedAt < $1.uploadedAt }
        for slot in 0..<2 {
            guard slot < certificates.count else {
                row += ["false", "N/A"]
                continue
            }
            row += [String(certificates[slot].active), date(certificates[slot].uploadedAt)]
        }
        return row
    }

    /// Seconds, UTC, with a `Z`: the form AWS writes in the report.
    static func date(_ date: Date) -> String {
        date.formatted(.iso8601)
    }

    /// A field quoted as CSV requires when it holds a comma, quote or line break.
    static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
