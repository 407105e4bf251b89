import Testing

@testable import SwitchyardSNS

/// The part counts of SMS delivery status log entries: 160 GSM 7-bit characters in one message, 153
/// in each part of a longer one (the extension table's characters take two); 70 UCS-2 characters
/// in one, 67 in each part.
@Suite struct SMSPartsTests {
    @Test func gsmText() {
        #expect(SMSParts.count("") == 1)
        #expect(SMSParts.count(String(repeating: "a", count: 160)) == 1)
        #expect(SMSParts.count(String(repeating: "a", count: 161)) == 2)
        #expect(SMSParts.count(String(repeating: "a", count: 306)) == 2)
        #expect(SMSParts.count(String(repeating: "a", count: 307)) == 3)
        #expect(SMSParts.count(String(repeating: "[", count: 80)) == 1)
        #expect(SMSParts.count(String(repeating: "[", count: 81)) == 2)
    }

    @Test func textOutsideGSMGoesAsUCS2() {
        #expect(SMSParts.count(String(repeating: "☃", count: 70)) == 1)
        #expect(SMSParts.count(String(repeating: "☃", count: 71)) == 2)
        #expect(SMSParts.count(String(repeating: "a", count: 150) + "☃") == 3)
    }
}
