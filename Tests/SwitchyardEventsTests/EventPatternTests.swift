import SwitchyardMatching
import SwitchyardWire
import Testing

@Suite struct EventPatternTests {
    func event(_ json: String) throws -> MatchableEvent {
        MatchableEvent(try OrderedJSON.parse(Array(json.utf8)))
    }

    @Test func literalsPrefixesAndNumbers() throws {
        let pattern = try EventPattern(
            json: #"{"source": ["shop"], "detail": {"total": [{"numeric": [">", 100]}], "who": [{"prefix": "A"}]}}"#)
        #expect(pattern.matches(try event(#"{"source": "shop", "detail": {"total": 250, "who": "Ann"}}"#)))
        #expect(!pattern.matches(try event(#"{"source": "shop", "detail": {"total": 50, "who": "Ann"}}"#)))
        #expect(!pattern.matches(try event(#"{"source": "shop", "detail": {"total": "250", "who": "Ann"}}"#)))
        #expect(pattern.requiredValues(of: "source") == ["shop"])
    }

    @Test func anythingButMatchesPresentValuesThatNothingExcludes() throws {
        let pattern = try EventPattern(json: #"{"state": [{"anything-but": {"prefix": ["init", "test"]}}]}"#)
        #expect(pattern.matches(try event(#"{"state": null}"#)))
        #expect(pattern.matches(try event(#"{"state": 12}"#)))
        #expect(!pattern.matches(try event(#"{"state": "initial"}"#)))
        #expect(!pattern.matches(try event(#"{"other": 1}"#)))
    }

    @Test func wildcardsHonourEscapesAndRefuseTooManyStars() throws {
        #expect(EscapedWildcard.matches("a*b", pattern: #"a\*b"#))
        #expect(!EscapedWildcard.matches("axb", pattern: #"a\*b"#))
        #expect(EscapedWildcard.matches("/home/me/file.txt", pattern: "/home/*/file.txt"))
        #expect(throws: EventPattern.Invalid.self) {
            try EventPattern(json: #"{"a": [{"wildcard": "*:*:*:*:*:b/*"}]}"#)
        }
    }

    @Test func aRepeatedKeyTakesItsLaterValue() throws {
        let pattern = try EventPattern(json: #"{"l": [{"prefix": "us-"}], "l": [{"anything-but": "us-east"}]}"#)
        #expect(pattern.matches(try event(#"{"l": "eu-central-1"}"#)))
    }

    @Test func problemsNameThePlaceWhereTheParserStood() {
        do {
            _ = try EventPattern(json: #"{"int": 42}"#)
            Issue.record("accepted")
        } catch {
            #expect(
                "\(error)"
                    == "Event pattern is not valid. Reason: \"int\" must be an object or an array\n at [Source: (String)\"{\"int\": 42}\"; line: 1, column: 11]"
            )
        }
    }
}
