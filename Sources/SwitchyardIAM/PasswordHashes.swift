import Crypto
import Foundation
import _CryptoExtras

/// Console passwords as they are kept: salted PBKDF2-SHA256 digests, never the passwords.
///
/// The stored form is `pbkdf2-sha256$<rounds>$<salt>$<digest>` (base64), so that the rounds can
/// change without invalidating what is already stored. The rounds are fewer than swift-crypto's
/// checked minimum (210,000) because a reuse check derives up to 24 digests in one request; the
/// digests stay in the server's own data directory.
enum PasswordHashes {
    static let rounds = 50_000

    static func digest(of password: String) -> String {
        let salt = SymmetricKey(size: .bits128).withUnsafeBytes { Data($0) }
        return digest(of: password, salt: salt, rounds: rounds)
    }

    static func digest(of password: String, salt: Data, rounds: Int) -> String {
        let key = try? KDF.Insecure.PBKDF2.deriveKey(
            from: Data(password.utf8), salt: salt, using: .sha256, outputByteCount: 32,
            unsafeUncheckedRounds: rounds)
        // A derivation that failed leaves an empty digest, which no stored digest equals.
        let bytes = key?.withUnsafeBytes { Data($0) } ?? Data()
        return "pbkdf2-sha256$\(rounds)$\(salt.base64EncodedString())$\(bytes.base64EncodedString())"
    }

    /// Whether the password is the one a stored digest was made from.
    static func matches(_ password: String, _ stored: String) -> Bool {
        let parts = stored.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "pbkdf2-sha256", let rounds = Int(parts[1]), rounds > 0,
            let salt = Data(base64Encoded: String(parts[2])), !parts[3].isEmpty
        else { return false }
        let candidate = digest(of: password, salt: salt, rounds: rounds)
        // Compared in constant time, as any secret.
        return Array(candidate.utf8).count == stored.utf8.count
            && zip(candidate.utf8, stored.utf8).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
