import Testing

@testable import SwitchyardWire

@Suite struct LocatedJSONTests {
    @Test func valuesKnowTheirPlaceAndWhereAStreamingParserStands() throws {
        let text = #"{"a": [1, "xy", {"b": true}]}"#
        let document = try LocatedJSON.parse(Array(text.utf8))
        guard case .object(let members) = document.value, case .array(let items) = members[0].value.value else {
            Issue.record("not an object holding an array")
            return
        }
        #expect((document.start, document.end) == (0, text.utf8.count))
        #expect((members[0].value.start, members[0].value.tokenEnd) == (6, 7))  // past "["
        #expect((items[0].start, items[0].end, items[0].tokenEnd) == (7, 8, 8))  // a number is read whole
        #expect((items[1].start, items[1].end, items[1].tokenEnd) == (10, 14, 11))  // a string: past its quote
        #expect(items[2].tokenEnd == items[2].start + 1)
    }

    @Test func compactTextKeepsOrderAndWritesNumbersAsJava() throws {
        let document = try OrderedJSON.parse(Array(#"{ "z": 1, "a": [1.5, 100.0, 1e9, 0.0001, -2e-7, "q\""] }"#.utf8))
        #expect(document.text == #"{"z":1,"a":[1.5,100.0,1.0E9,1.0E-4,-2.0E-7,"q\""]}"#)
    }

    @Test(arguments: [
        (0.5, "0.5"), (1234567.0, "1234567.0"), (1.0e7, "1.0E7"), (123456789.0, "1.23456789E8"), (0.001, "0.001"),
        (1.0e-3 / 2, "5.0E-4"), (-1.0e21, "-1.0E21"),
    ])
    func javaDoubles(_ value: Double, _ expected: String) {
        #expect(OrderedJSON.javaDouble(value) == expected)
    }
}
