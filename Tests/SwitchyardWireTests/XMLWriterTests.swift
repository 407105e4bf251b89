import Foundation
import SwitchyardWire
import Testing

/// What XML text becomes on the wire: the five markup characters and carriage returns as
/// references, and the characters XML 1.0 admits nowhere as references, as S3 writes them in keys.
@Suite struct XMLWriterTests {
    private func written(_ text: String) -> String {
        var writer = XMLWriter()
        writer.escaped(text)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    @Test func markupCharactersAndCarriageReturnsAreReferences() {
        #expect(written("a&b<c>d\"e'f\r") == "a&amp;b&lt;c&gt;d&quot;e&apos;f&#xD;")
    }

    @Test func tabsLineFeedsAndOtherTextStayAsTheyAre() {
        #expect(written("a\tb\nc é \u{FFFD} \u{FFBF} \u{10000}") == "a\tb\nc é \u{FFFD} \u{FFBF} \u{10000}")
    }

    @Test func charactersXMLDoesNotAdmitAreReferences() {
        #expect(written("a\u{0}b\u{1}c\u{1F}d\u{0B}") == "a&#x0;b&#x1;c&#x1F;d&#xB;")
        #expect(written("x\u{FFFE}y\u{FFFF}z") == "x&#xFFFE;y&#xFFFF;z")
    }
}
