import Foundation
import SwitchyardPlatform
import Testing

@Suite struct RoleSessionTests {
    /// Functions' and tasks' role sessions are issued at every cold start: those an hour past their
    /// expiry are forgotten as new ones come, not kept for good.
    @Test func expiredRoleSessionsAreForgottenAsNewOnesAreIssued() {
        let directory = CredentialDirectory()
        let start = Date(timeIntervalSince1970: 1_795_737_600)
        let role = "arn:aws:iam::000000000000:role/r"
        let early = (0..<3).map {
            directory.issueRoleSession(roleArn: role, account: "000000000000", sessionName: "s\($0)", now: start)
        }
        let later = directory.issueRoleSession(
            roleArn: role, account: "000000000000", sessionName: "later", now: start.addingTimeInterval(12.5 * 3600))
        // Expired half an hour ago: still known, so that strict mode can say it expired.
        #expect(early.allSatisfy { directory.lookup($0.accessKeyId) != nil })
        let last = directory.issueRoleSession(
            roleArn: role, account: "000000000000", sessionName: "last", now: start.addingTimeInterval(13.5 * 3600))
        #expect(early.allSatisfy { directory.lookup($0.accessKeyId) == nil })
        #expect(directory.lookup(later.accessKeyId) != nil)
        #expect(directory.lookup(last.accessKeyId) == last)
    }
}
