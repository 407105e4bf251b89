import Testing

@testable import SwitchyardLogs

@Suite("Logs Insights queries")
struct InsightsQueryTests {
    static func event(_ id: Int64, _ message: String, at timestamp: Int64) -> InsightsRow {
        InsightsFields.row(
            StoredLogEvent(id: id, stream: "s", timestamp: timestamp, ingestionTime: timestamp, message: message),
            account: "123456789012", group: "g", pointer: "p\(id)", discover: true)
    }

    /// Runs a query over messages fed newest first (the first message is the newest).
    func run(_ query: String, _ messages: [String], cap: Int = 10_000) throws -> [[String: String]] {
        var run = InsightsRun(try InsightsParser.parse(query), cap: cap)
        for (index, message) in messages.enumerated() {
            run.add(Self.event(Int64(index), message, at: 1_700_000_000_000 - Int64(index) * 1000), bytes: 1)
        }
        return run.results().map { row in
            Dictionary(uniqueKeysWithValues: row.filter { $0.field != "@ptr" }.map { ($0.field, $0.value) })
        }
    }

    // The sort order of the query syntax guide's example: non-numbers first (natural order), then numbers.
    @Test func sortOrderIsNaturalWithNumbersLast() {
        let values = ["0", "A9876fghj", "!:", "5A", "@_", "111A", "a12345hfh", "#", "2345_", "1", "A", "@", "0#"]
        let sorted = values.map(InsightsValue.text).sorted(by: InsightsOrder.ascending).map(\.text)
        #expect(sorted == ["!:", "#", "0#", "5A", "111A", "2345_", "@", "@_", "A", "A9876fghj", "a12345hfh", "0", "1"])
    }

    @Test func timesAndNumbersAreWrittenAsAWSWritesThem() {
        #expect(InsightsValue.time(1_716_099_035_743).text == "2024-05-19 06:10:35.743")
        #expect(InsightsValue.number(3).text == "3")
        #expect(InsightsValue.number(2.5).text == "2.5")
    }

    @Test func precedenceOfOperators() throws {
        let messages = [#"{"a": 2, "b": 3, "c": "x"}"#]
        #expect(try run("fields a + b * 2 as v", messages) == [["v": "8"]])
        #expect(try run("fields 2 ^ 3 ^ 2 as v", messages) == [["v": "512"]])
        #expect(try run("fields a | filter not a = 1 and (b = 3 or c = 'y')", messages) == [["a": "2"]])
        #expect(try run("fields a | filter c in ['x', 'z'] and a not in [5]", messages) == [["a": "2"]])
    }

    @Test func slashDividesAfterAValueAndStartsARegularExpressionElsewhere() throws {
        let messages = [#"{"n": 10}"#]
        #expect(try run("fields n / 4 as q | filter @message like /n/", messages) == [["q": "2.5"]])
    }

    @Test func stringFunctions() throws {
        let row = try run(
            "fields toupper('ab') as u, substr('abcdef', 2, 3) as s, replace('a-b-c', '-', '+') as r, concat('a', 'b') as c, strcontains('abc', 'b') as has, trim('  x ') as t",
            ["m"])
        #expect(row == [["u": "AB", "s": "cde", "r": "a+b+c", "c": "ab", "has": "1", "t": "x"]])
    }

    @Test func statsWithoutGroupsGiveOneRowAndGroupsKeepTheirFirstOrder() throws {
        let messages = [#"{"k": "b", "v": 1}"#, #"{"k": "a", "v": 4}"#, #"{"k": "b", "v": 3}"#]
        let summaries = try run("stats sum(v) as total, min(v), stddev(v) as sd", messages)
        #expect(summaries.count == 1)
        let summary = try #require(summaries.first)
        #expect(summary["total"] == "8" && summary["min(v)"] == "1")
        #expect(summary["sd"]?.hasPrefix("1.527525231") == true)
        #expect(try run("stats avg(v) by k", messages) == [["k": "b", "avg(v)": "2"], ["k": "a", "avg(v)": "4"]])
        // `count()` counts rows as `count(*)` does, and an item may use earlier items' names.
        #expect(
            try run("stats count() as n, max(v) as top, min(v) as low, top - low as spread", messages) == [
                ["n": "3", "top": "4", "low": "1", "spread": "3"]
            ])
        #expect(
            try run("stats latest(v) as newest, earliest(v) as oldest", messages) == [["newest": "1", "oldest": "3"]])
    }

    @Test func binAndDateFloorUseCalendarMonthsForMonths() throws {
        // 2023-11-14 22:13:20 UTC.
        #expect(InsightsEvaluator.floor(1_700_000_000_000, .milliseconds(3_600_000)) == 1_699_999_200_000)
        #expect(InsightsEvaluator.floor(1_700_000_000_000, .months(1)) == 1_698_796_800_000)
        #expect(InsightsEvaluator.floor(1_700_000_000_000, .months(12)) == 1_672_531_200_000)
        #expect(
            try run("stats count(*) by bin(1h)", ["a", "b"]) == [
                ["bin(1h)": "2023-11-14 22:00:00.000", "count(*)": "2"]
            ])
    }

    // A sort followed by a limit keeps only what can make the answer, and answers as a full sort would.
    @Test func sortWithLimitOverManyRows() throws {
        let messages = (0..<5000).map { #"{"n": \#(($0 * 7919) % 5000), "g": \#($0 % 3)}"# }
        let top = try run("fields n | sort n desc | limit 3", messages)
        #expect(top == [["n": "4999"], ["n": "4998"], ["n": "4997"]])
        // Ties keep the order events came in (newest first).
        let ties = try run("fields n, g | sort g asc | limit 2", messages)
        #expect(ties == [["n": "0", "g": "0"], ["n": "3757", "g": "0"]])
        #expect(try run("fields n | sort n asc", messages, cap: 2) == [["n": "0"], ["n": "1"]])
    }

    @Test func aLimitWithoutBlockingCommandsStopsReading() throws {
        var run = InsightsRun(try InsightsParser.parse("fields @message"), cap: 2)
        run.add(Self.event(1, "a", at: 2), bytes: 1)
        #expect(!run.isSatisfied)
        run.add(Self.event(2, "b", at: 1), bytes: 1)
        #expect(run.isSatisfied)
        var limited = InsightsRun(try InsightsParser.parse("fields @message | limit 1"), cap: 2)
        limited.add(Self.event(1, "a", at: 2), bytes: 1)
        #expect(limited.isSatisfied)
        var sorted = InsightsRun(try InsightsParser.parse("fields @message | sort @message"), cap: 2)
        sorted.add(Self.event(1, "a", at: 2), bytes: 1)
        sorted.add(Self.event(2, "b", at: 1), bytes: 1)
        #expect(!sorted.isSatisfied)
    }

    // Numbers far outside what a conversion holds, and empty spans, give answers, not traps.
    @Test func extremeNumbersAndEmptySpans() throws {
        let row = try run(
            "fields substr('abc', 100000000000000000000000) as a, substr('abc', -100000000000000000000000, 100000000000000000000000) as b, frommillis(100000000000000000000000) as c, datefloor(@timestamp, 0mo) as d, bin(0m) as e",
            ["m"])
        #expect(row.count == 1 && row.first?["a"] == "" && row.first?["b"] == "abc")
        #expect(try run("stats pct(@timestamp, 100000000000000000000000) as p", ["m"]).count == 1)
        #expect(throws: InsightsQueryError.self) {
            try InsightsParser.parse("fields a | limit 100000000000000000000000")
        }
        #expect(throws: Never.self) { try InsightsParser.parse("stats count(*) by bin(100000000000000000000000d)") }
    }

    // Nesting that recursion could not survive is refused before anything recurses over it.
    @Test func deeplyNestedQueriesAreRefused() throws {
        for deep in [
            "fields " + String(repeating: "(", count: 3000) + "a" + String(repeating: ")", count: 3000),
            "filter " + Array(repeating: "a = 1", count: 3000).joined(separator: " or "),
            "fields " + Array(repeating: "a", count: 3000).joined(separator: " + "),
            "fields " + Array(repeating: "2", count: 3000).joined(separator: " ^ "),
            "filter " + String(repeating: "not ", count: 3000) + "a",
            "fields " + String(repeating: "- ", count: 3000) + "a",
            "fields " + String(repeating: "abs(", count: 3000) + "a" + String(repeating: ")", count: 3000),
            "fields " + String(repeating: "[", count: 3000) + "a" + String(repeating: "]", count: 3000),
        ] {
            #expect(throws: InsightsQueryError.self) { try InsightsParser.parse(deep) }
        }
        #expect(throws: Never.self) {
            try InsightsParser.parse("filter " + Array(repeating: "a = 1", count: 150).joined(separator: " or "))
        }
    }

    @Test func malformedQueriesSayWhere() {
        #expect(
            throws: InsightsQueryError(
                message: "unexpected symbol found bar at line 1 and position 12", start: 11, end: 13)
        ) {
            try InsightsParser.parse("fields foo bar")
        }
        #expect(
            throws: InsightsQueryError(
                message: "unexpected symbol found ) at line 2 and position 9", start: 17, end: 17)
        ) {
            try InsightsParser.parse("fields a\n| filter)")
        }
        #expect(throws: InsightsQueryError.self) { try InsightsParser.parse("fields nosuch(a)") }
        #expect(throws: InsightsQueryError.self) { try InsightsParser.parse("parse @message 'a=*' as x, y") }
        #expect(throws: InsightsQueryError.self) { try InsightsParser.parse("") }
        #expect(throws: InsightsParser.Unsupported.self) { try InsightsParser.parse("pattern @message") }
    }
}
