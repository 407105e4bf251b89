import Foundation
import SwitchyardCore

// The account's credential report.
extension IdentityEngine {
    /// Builds a report unless one younger than four hours exists; true when a new one was started.
    public func generateCredentialReport(account: String) -> (started: Bool, CommitTicket) {
        if let report = credentialReports[account],
            now.timeIntervalSince(report.generatedAt) < CredentialReportRecord.freshFor
        {
            return (false, .alreadyCommitted)
        }
        absorbUsage()
        let report = CredentialReportRecord(
            account: account, generatedAt: now, content: CredentialReportCSV.render(credentialEntries(account: account))
        )
        return (true, commit([save(report)]))
    }

    public func credentialReport(account: String) throws -> CredentialReportRecord {
        guard let report = credentialReports[account] else {
            throw IAMErrors.credentialReportNotPresent()
        }
        return report
    }

    /// The root first, then the users by name.
    func credentialEntries(account: String) -> [CredentialReportCSV.Entry] {
        let keys = accessKeys.values.filter { $0.account == account }
        let certificates = signingCertificates.values.filter { $0.account == account }
        let enabledFor = Set(mfaDevices.values.filter { $0.account == account }.compactMap(\.userName))
        let maximumAge = passwordPolicies[account]?.maximumAge
        var entries = [
            CredentialReportCSV.Entry(
                user: "<root_account>", arn: "arn:aws:iam::\(account):root", createdAt: nil, password: nil,
                mfaActive: false, accessKeys: keys.filter { $0.userName == nil }, certificates: [])
        ]
        for user in users.values.filter({ $0.account == account }).sorted(by: { $0.name < $1.name }) {
            let changed = user.loginProfile.map { $0.passwordChangedAt ?? $0.createdAt }
            let password = CredentialReportCSV.Entry.Password(
                enabled: user.loginProfile != nil, lastUsed: user.passwordLastUsed, lastChanged: changed,
                nextRotation: zip(changed, maximumAge).map { $0.addingTimeInterval(Double($1) * 86_400) })
            entries.append(
                CredentialReportCSV.Entry(
                    user: user.name, arn: user.arn, createdAt: user.createdAt, password: password,
                    mfaActive: enabledFor.contains(user.name), accessKeys: keys.filter { $0.userName == user.name },
                    certificates: certificates.filter { $0.userName == user.name }))
        }
        return entries
    }
}

/// Both values, if both are present.
private func zip<A, B>(_ a: A?, _ b: B?) -> (A, B)? {
    guard let a, let b else { return nil }
    return (a, b)
}
