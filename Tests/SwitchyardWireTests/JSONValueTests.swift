import Testing

@testable import SwitchyardWire

@Suite struct JSONValueTests {
    @Test func parsesEveryKind() throws {
        let value = try JSONValue.parse(
            Array(#" {"a":[1,-2.5e1,true,false,null],"s":"x\"\\\/\n\u00e9\ud83d\ude00","o":{}} "#.utf8))
        #expect(
            value
                == .object([
                    "a": .array([.integer(1), .number(-25), .bool(true), .bool(false), .null]),
                    "s": .string("x\"\\/\né😀"), "o": .object([:]),
                ]))
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\" 1}", "01", "1.", "tru", "\"\\x\"", "{} x", "\"\u{01}\"", "\"\\udc00\""])
    func rejectsMalformed(_ text: String) {
        #expect(throws: (any Error).self) { try JSONValue.parse(Array(text.utf8)) }
    }

    @Test func rejectsInvalidUTF8AndDeepNesting() {
        #expect(throws: (any Error).self) { try JSONValue.parse([0x22, 0xFF, 0x22]) }
        #expect(throws: (any Error).self) { try JSONValue.parse(Array(String(repeating: "[", count: 1000).utf8)) }
    }
}

@Suite struct RandomUUIDTests {
    @Test func isVersion4Text() {
        let id = RandomUUID.make()
        #expect(id.count == 36)
        let parts = id.split(separator: "-")
        #expect(parts.map(\.count) == [8, 4, 4, 4, 12])
        #expect(parts[2].first == "4")
        #expect(["8", "9", "a", "b"].contains(parts[3].first))
        #expect(RandomUUID.make() != id)
    }

    @Test func idsDoNotRepeat() {
        let ids = Set((0..<20_000).map { _ in RandomUUID.make() })
        #expect(ids.count == 20_000)
    }
}

@Suite struct JSONWriterTests {
    @Test func escapesWhatJSONRequiresAndKeepsTheRest() throws {
        var writer = JSONWriter()
        let text = "plain \"quoted\" back\\slash\nnew\ttab\u{01}é😀"
        writer.string(text)
        #expect(String(decoding: writer.bytes, as: UTF8.self) == #""plain \"quoted\" back\\slash\nnew\ttab\u0001é😀""#)
        #expect(try JSONValue.parse(writer.bytes) == .string(text))
    }
}
