import Crypto
import Foundation

/// Version ids as S3 makes them: 32 characters of `[A-Za-z0-9._]`. The last four are a digest of the
/// rest, so that an id this server never issued is told apart from one that no longer exists (S3
/// answers the first with InvalidArgument and the second with NoSuchVersion).
enum VersionIds {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._")

    static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        let body = String((0..<28).map { _ in alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))] })
        return body + check(body)
    }

    /// Whether the id has the form of one this server issues ("null" included).
    static func isWellFormed(_ id: String) -> Bool {
        guard id != "null" else { return true }
        guard id.utf8.count == 32 else { return false }
        let body = String(id.prefix(28))
        return id.hasSuffix(check(body))
    }

    private static func check(_ body: String) -> String {
        let digest = Array(SHA256.hash(data: Array(body.utf8)))
        return String(digest.prefix(4).map { alphabet[Int($0) % alphabet.count] })
    }
}
