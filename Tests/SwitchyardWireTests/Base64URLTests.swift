import Foundation
import SwitchyardWire
import Testing

/// RFC 4648 section 5: `-` and `_` instead of `+` and `/`, no padding written, padding optional read.
@Suite struct Base64URLTests {
    @Test func encodesWithTheURLAlphabetAndNoPadding() {
        #expect(Base64URL.encode(Data([0xfb, 0xff])) == "-_8")
        #expect(Base64URL.encode(Data("{\"alg\":\"RS256\"}".utf8)) == "eyJhbGciOiJSUzI1NiJ9")
        #expect(Base64URL.encode(Data()) == "")
    }

    @Test func decodesPaddedOrNot() {
        #expect(Base64URL.decode("-_8") == Data([0xfb, 0xff]))
        #expect(Base64URL.decode("-_8=") == Data([0xfb, 0xff]))
        #expect(
            Base64URL.decode("eyJhbGciOiJSUzI1NiJ9").map { String(decoding: $0, as: UTF8.self) }
                == "{\"alg\":\"RS256\"}")
        #expect(Base64URL.decode("not base64!") == nil)
    }
}
