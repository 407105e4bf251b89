import SwitchyardDelivery
import Testing

@testable import SwitchyardLogs

@Suite("CloudWatch Logs filter patterns")
struct FilterPatternTests {
    static let messages = ["hello", "world", "hello world", "goodbye world", "hello cruela", "goodbye cruel world"]

    func matching(_ pattern: String) throws -> [String] {
        let compiled = try FilterPattern(pattern)
        return Self.messages.filter(compiled.matches)
    }

    // The expectations of AWS's own examples (terms are ANDed, quoted phrases are substrings).
    @Test func terms() throws {
        #expect(try matching("hello") == ["hello", "hello world", "hello cruela"])
        #expect(try matching("goodbye world") == ["goodbye world", "goodbye cruel world"])
        #expect(try matching("\"hello cruel\"") == ["hello cruela"])
        #expect(try matching("") == Self.messages)
        #expect(try matching("?hello ?goodbye").count == 5)
        #expect(try matching("world -goodbye") == ["world", "hello world"])
    }

    @Test func jsonConditions() throws {
        let pattern = try FilterPattern(#"{ ($.level = "ERROR" || $.code >= 500) && $.user.name = "a*" }"#)
        #expect(pattern.matches(#"{"level":"ERROR","user":{"name":"alice"}}"#))
        #expect(pattern.matches(#"{"level":"INFO","code":503,"user":{"name":"ann"}}"#))
        #expect(!pattern.matches(#"{"level":"INFO","code":200,"user":{"name":"ann"}}"#))
        #expect(!pattern.matches("not json"))
        #expect(try FilterPattern(#"{ $.missing NOT EXISTS }"#).matches(#"{"a":1}"#))
        #expect(try FilterPattern(#"{ $.flag IS TRUE }"#).matches(#"{"flag":true}"#))
        #expect(try FilterPattern(#"{ $.list[1] = 2 }"#).matches(#"{"list":[1,2]}"#))
        #expect(throws: FilterPattern.Invalid.self) { try FilterPattern("{ $.a = }") }
    }

    @Test func spaceDelimited() throws {
        let pattern = try FilterPattern("[ip, user, ..., status = 404, size > 1000]")
        #expect(pattern.matches("10.0.0.1 bob GET /x 404 2048"))
        #expect(!pattern.matches("10.0.0.1 bob GET /x 200 2048"))
        #expect(!pattern.matches("10.0.0.1 bob GET /x 404 10"))
    }

    @Test func namedFieldsAreExtracted() throws {
        let pattern = try FilterPattern("[ip, user, ..., status = 404, size > 1000]")
        #expect(
            pattern.extractedValues("10.0.0.1 bob GET /x 404 2048")
                == ["$ip": "10.0.0.1", "$user": "bob", "$status": "404", "$size": "2048"])
        // A message the pattern does not match, and other kinds of pattern, extract nothing.
        #expect(pattern.extractedValues("10.0.0.1 bob GET /x 200 2048").isEmpty)
        #expect(try FilterPattern("ERROR").extractedValues("ERROR here").isEmpty)
    }

    @Test func tokensRoundTrip() {
        let cursor = EventCursor(timestamp: 1_700_000_000_123, id: 42)
        #expect(EventCursor(token: cursor.token("f")) == cursor)
        #expect(cursor.token("b").count == 58)
        #expect(EventCursor(token: "invalid-token") == nil)
    }
}

@Suite struct FilterPatternCacheTests {
    /// FilterLogEvents with a pattern of its own each time (a request id to find) keeps at most the
    /// cache's limit of compiled patterns.
    @Test func patternsOfOneOffSearchesAreNotKeptForEver() async throws {
        let deliveries = try DeliveryEngine(store: MemoryDeliveryStore(), transports: [:])
        let engine = try LogsEngine(store: MemoryLogsStore(), deliveries: deliveries)
        for index in 0..<(LogsEngine.patternCacheLimit * 3) {
            _ = try await engine.pattern("\"request-\(index)\"")
        }
        #expect(await engine.patterns.count <= LogsEngine.patternCacheLimit)
        #expect(try await engine.pattern("\"request-1\"").matches("found request-1 here"))
    }
}
