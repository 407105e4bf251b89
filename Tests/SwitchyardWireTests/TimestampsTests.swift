import Foundation
import SwitchyardWire
import Testing

/// Timestamps a request may carry: years 1 to 9999, in any of the protocols' forms.
@Suite struct TimestampsTests {
    @Test func readsEachFormWithinRange() {
        #expect(Timestamps.parse("2026-11-28T10:00:00Z")?.timeIntervalSince1970 == 1_795_860_000)
        #expect(Timestamps.parse("1795860000.5")?.timeIntervalSince1970 == 1_795_860_000.5)
        #expect(Timestamps.parse("Sat, 28 Nov 2026 10:00:00 GMT")?.timeIntervalSince1970 == 1_795_860_000)
        #expect(Timestamps.parse("9999-12-31T23:59:59Z") != nil)
    }

    @Test func refusesWhatNoServiceCanCountIn() {
        for text in [
            "1e308", "-1e308", "1e400", "nan", "inf", "253402300800", "-62135596801",
            "Sun, 29 Nov 99999 10:00:00 GMT",
        ] {
            #expect(Timestamps.parse(text) == nil, "\(text)")
        }
        #expect(Timestamps.date(epochSeconds: .infinity) == nil)
        #expect(Timestamps.date(epochSeconds: 0) == Date(timeIntervalSince1970: 0))
    }
}
