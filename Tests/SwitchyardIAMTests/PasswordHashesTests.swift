import Foundation
import Testing

@testable import SwitchyardIAM

@Suite struct PasswordHashesTests {
    @Test func aDigestMatchesOnlyItsPassword() {
        let stored = PasswordHashes.digest(of: "correct horse")
        #expect(stored.hasPrefix("pbkdf2-sha256$\(PasswordHashes.rounds)$"))
        #expect(PasswordHashes.matches("correct horse", stored))
        #expect(!PasswordHashes.matches("correct horsE", stored))
        #expect(!PasswordHashes.matches("", stored))
    }

    @Test func eachDigestHasItsOwnSalt() {
        let first = PasswordHashes.digest(of: "same")
        let second = PasswordHashes.digest(of: "same")
        #expect(first != second)
        #expect(PasswordHashes.matches("same", first) && PasswordHashes.matches("same", second))
    }

    /// A known PBKDF2-HMAC-SHA256 vector (RFC 7914, section 11: "passwd", salt "salt", one round).
    @Test func theDerivationIsPBKDF2SHA256() {
        let stored = PasswordHashes.digest(of: "passwd", salt: Data("salt".utf8), rounds: 1)
        let expected = Data([
            0x55, 0xac, 0x04, 0x6e, 0x56, 0xe3, 0x08, 0x9f, 0xec, 0x16, 0x91, 0xc2, 0x25, 0x44, 0xb6, 0x05,
            0xf9, 0x41, 0x85, 0x21, 0x6d, 0xde, 0x04, 0x65, 0xe6, 0x8b, 0x9d, 0x57, 0xc2, 0x0d, 0xac, 0xbc,
        ])
        #expect(stored.split(separator: "$").last.map(String.init) == expected.base64EncodedString())
    }

    @Test func storedFormsThatCannotBeReadMatchNothing() {
        for stored in ["", "pbkdf2-sha256$0$c2FsdA==$", "pbkdf2-sha256$1$c2FsdA==$", "md5$1$c2FsdA==$AAAA"] {
            #expect(!PasswordHashes.matches("anything", stored))
        }
    }
}
