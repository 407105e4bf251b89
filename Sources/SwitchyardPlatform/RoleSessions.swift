import Foundation

extension CredentialDirectory {
    /// Temporary credentials of a role for code Switchyard runs (a function's worker, a task's
    /// containers), as Lambda and ECS get them from STS: an assumed-role session published where
    /// identity resolution finds it, valid for 12 hours.
    public func issueRoleSession(roleArn: String, account: String, sessionName: String) -> IssuedCredential {
        let roleName = roleArn.split(separator: "/").last.map(String.init) ?? "role"
        let upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
        let mixed = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
        let credential = IssuedCredential(
            accessKeyId: "ASIA" + Self.randomText(16, upper), secret: Self.randomText(40, mixed + "+/"),
            account: account, principalArn: "arn:aws:sts::\(account):assumed-role/\(roleName)/\(sessionName)",
            userId: "AROA\(Self.randomText(17, upper)):\(sessionName)", sessionToken: Self.randomText(120, mixed),
            expiration: Date().addingTimeInterval(12 * 3600), roleArn: roleArn)
        put(credential)
        return credential
    }

    private static func randomText(_ length: Int, _ alphabet: String) -> String {
        let characters = Array(alphabet)
        return String((0..<length).map { _ in characters[Int.random(in: 0..<characters.count)] })
    }
}
