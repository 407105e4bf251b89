import Foundation
import SwitchyardPlatform

/// Who an SMTP client is: its user name is an access key id and its password the SMTP password SES
/// derives from that key's secret. In strict mode the password is checked; in the default mode,
/// as with signatures, any password passes and the key only chooses the account.
struct SMTPAuthenticator: Sendable {
    let credentials: CredentialDirectory
    let staticAccounts: [String: String]
    let secrets: SigningSecrets?
    let defaultAccount: String
    let region: String

    init(context: ModuleContext) {
        credentials = context.credentials
        staticAccounts = context.staticCredentials
        secrets = context.signingSecrets
        defaultAccount = context.account
        region = context.region
    }

    /// The scope a client acts in, or nil when its credentials are refused.
    func authenticate(username: String, password: String) -> SESScope? {
        if let secrets {
            guard let secret = secrets.secret(for: username), secret.active,
                secret.expiration.map({ $0 > Date() }) ?? true,
                SMTPCredentials.matches(password: password, secretAccessKey: secret.secretAccessKey, region: region)
            else { return nil }
        }
        let account =
            credentials.lookup(username)?.account ?? staticAccounts[username]
            ?? (username.count == 12 && username.allSatisfy(\.isNumber) ? username : defaultAccount)
        return SESScope(account: account, region: region)
    }
}
