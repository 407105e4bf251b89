import Foundation

extension CredentialDirectory {
    /// Temporary credentials of a role for code Switchyard runs (a function's worker, a task's
    /// containers), as Lambda and ECS get them from STS: an assumed-role session published where
    /// identity resolution finds it, valid for 12 hours. Sessions an hour past their expiry are
    /// forgotten as new ones are issued (until then strict mode answers them as expired).
    public func issueRoleSession(roleArn: String, account: String, sessionName: String, now: Date = Date())
        -> IssuedCredential
    {
        let roleName = roleArn.split(separator: "/").last.map(String.init) ?? "role"
        let upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
        let mixed = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
        let credential = IssuedCredential(
            accessKeyId: "ASIA" + Self.randomText(16, upper), secret: Self.randomText(40, mixed + "+/"),
            account: account, principalArn: "arn:aws:sts::\(account):assumed-role/\(roleName)/\(sessionName)",
            userId: "AROA\(Self.roleId(roleArn)):\(sessionName)", sessionToken: Self.randomText(120, mixed),
            expiration: now.addingTimeInterval(Self.roleSessionLifetime), roleArn: roleArn)
        let forgotten = roleSessions.withLock { sessions in
            var ended: [String] = []
            while let oldest = sessions.first, oldest.expiration.addingTimeInterval(3600) < now {
                ended.append(oldest.accessKeyId)
                sessions.removeFirst()
            }
            sessions.append((now.addingTimeInterval(Self.roleSessionLifetime), credential.accessKeyId))
            return ended
        }
        for accessKeyId in forgotten { remove(accessKeyId) }
        put(credential)
        return credential
    }

    /// How long a role session for a function or task is valid, in seconds.
    static let roleSessionLifetime: TimeInterval = 12 * 3600

    /// A role's unique id, the same for every session of the role (FNV-1a of its ARN, spelled in the
    /// alphabet of AWS's ids).
    static func roleId(_ roleArn: String) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in roleArn.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        var id = ""
        for _ in 0..<17 {
            id.append(alphabet[Int(hash % 32)])
            hash = (hash / 32) ^ ((hash &* 0x9e37_79b9_7f4a_7c15) >> 7)
        }
        return id
    }

    private static func randomText(_ length: Int, _ alphabet: String) -> String {
        let characters = Array(alphabet)
        return String((0..<length).map { _ in characters[Int.random(in: 0..<characters.count)] })
    }
}
