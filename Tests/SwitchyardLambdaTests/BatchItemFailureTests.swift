import SwitchyardPlatform
import Testing

@testable import SwitchyardLambda

@Suite("Lambda event source mappings")
struct BatchItemFailureTests {
    static let records = ["a", "b", "c"].map { SourceRecord(json: "{}", handle: "h-\($0)", id: $0) }

    func kept(_ response: String) -> [String] {
        LambdaService.processed(Self.records, response: Array(response.utf8)).map(\.id)
    }

    // What AWS documents for ReportBatchItemFailures.
    @Test func partialFailures() {
        #expect(kept("") == ["a", "b", "c"])
        #expect(kept("null") == ["a", "b", "c"])
        #expect(kept(#"{"batchItemFailures":[]}"#) == ["a", "b", "c"])
        #expect(kept(#"{"batchItemFailures":[{"itemIdentifier":"b"}]}"#) == ["a", "c"])
        // An identifier not in the batch, or an empty one, fails the whole batch.
        #expect(kept(#"{"batchItemFailures":[{"itemIdentifier":"z"}]}"#) == [])
        #expect(kept(#"{"batchItemFailures":[{"itemIdentifier":""}]}"#) == [])
    }

    @Test func pagesByMarker() throws {
        let first = try Page(Array(1...5), marker: nil, maxItems: 2)
        #expect(first.items == [1, 2])
        let second = try Page(Array(1...5), marker: first.nextMarker, maxItems: 2)
        #expect(second.items == [3, 4])
        #expect(throws: (any Error).self) { try Page(Array(1...5), marker: "bogus", maxItems: 2) }
    }
}
