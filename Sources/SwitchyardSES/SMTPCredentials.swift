import Crypto
import Foundation

/// Amazon SES SMTP passwords. SES derives the SMTP password of an IAM user from the user's secret access key
/// ("Obtaining Amazon SES SMTP credentials", smtp-credentials, in the SES developer guide): a SigV4-style HMAC-SHA256
/// chain keyed with "AWS4" + secret over a fixed date, the region, "ses", "aws4_request" and "SendRawEmail", with a
/// version byte 0x04 in front, base64-encoded. The SMTP user name is the access key id itself.
enum SMTPCredentials {
    /// Fixed inputs of the derivation; SES's published algorithm uses exactly these.
    private static let date = "11111111"
    private static let service = "ses"
    private static let terminal = "aws4_request"
    private static let message = "SendRawEmail"
    private static let version: UInt8 = 0x04

    /// The SMTP password SES expects for `secretAccessKey` in `region`.
    static func password(secretAccessKey: String, region: String) -> String {
        var signature = Array("AWS4\(secretAccessKey)".utf8)
        for step in [date, region, service, terminal, message] {
            let code = HMAC<SHA256>.authenticationCode(for: Array(step.utf8), using: SymmetricKey(data: signature))
            signature = Array(code)
        }
        return Data([version] + signature).base64EncodedString()
    }

    /// Whether `password` is the SMTP password for `secretAccessKey` in `region`. Compares in constant time, so the
    /// time taken reveals nothing about how much of a guess was right.
    static func matches(password: String, secretAccessKey: String, region: String) -> Bool {
        let expected = Array(self.password(secretAccessKey: secretAccessKey, region: region).utf8)
        let given = Array(password.utf8)
        guard given.count == expected.count else { return false }
        var difference: UInt8 = 0
        for (left, right) in zip(given, expected) { difference |= left ^ right }
        return difference == 0
    }
}
