import Foundation
import Testing

@testable import SwitchyardWire

@Suite struct URITemplateTests {
    let table = RESTRouteTable(
        operations: [
            OperationModel(name: "ListBuckets", httpMethod: "GET", requestURI: "/"),
            OperationModel(name: "ListObjects", httpMethod: "GET", requestURI: "/{Bucket}"),
            OperationModel(name: "ListObjectsV2", httpMethod: "GET", requestURI: "/{Bucket}?list-type=2"),
            OperationModel(name: "GetBucketTagging", httpMethod: "GET", requestURI: "/{Bucket}?tagging"),
            OperationModel(name: "GetObject", httpMethod: "GET", requestURI: "/{Bucket}/{Key+}"),
            OperationModel(name: "ListFunctions", httpMethod: "GET", requestURI: "/2015-03-31/functions/"),
            OperationModel(
                name: "InvokeAsync", httpMethod: "POST", requestURI: "/2014-11-13/functions/{FunctionName}/invoke-async"
            ),
        ], shapes: [])

    @Test func literalsLabelsAndQueryLiteralsChooseTheOperation() throws {
        #expect(table.match(method: "GET", path: "/", query: [:])?.0 == "ListBuckets")
        #expect(table.match(method: "GET", path: "/b", query: [:])?.0 == "ListObjects")
        #expect(table.match(method: "GET", path: "/b", query: ["list-type": ["2"]])?.0 == "ListObjectsV2")
        #expect(table.match(method: "GET", path: "/b", query: ["list-type": ["1"]])?.0 == "ListObjects")
        #expect(table.match(method: "GET", path: "/b", query: ["tagging": [""]])?.0 == "GetBucketTagging")
        #expect(table.match(method: "POST", path: "/b", query: [:]) == nil)
    }

    @Test func greedyLabelsTakeTheRestDecoded() throws {
        let match = try #require(table.match(method: "GET", path: "/b/a%2Fb/c%20d+e.txt", query: [:]))
        #expect(match.0 == "GetObject")
        #expect(match.1["Bucket"] == "b")
        #expect(match.1["Key"] == "a/b/c d+e.txt")
        // An empty key is no key: "/b/" is the bucket, as S3 takes it.
        #expect(table.match(method: "GET", path: "/b/", query: [:])?.0 == "ListObjects")
    }

    @Test func aTrailingSlashOfThePathIsTolerated() {
        // Older SDKs addressed InvokeAsync with a trailing slash.
        #expect(
            table.match(method: "POST", path: "/2014-11-13/functions/f/invoke-async/", query: [:])?.0 == "InvokeAsync")
        #expect(table.match(method: "POST", path: "/2014-11-13/functions/f/invoke-async//", query: [:]) == nil)
    }

    @Test func aTrailingSlashOfTheTemplateIsOptional() {
        #expect(table.match(method: "GET", path: "/2015-03-31/functions/", query: [:])?.0 == "ListFunctions")
        #expect(table.match(method: "GET", path: "/2015-03-31/functions", query: [:])?.0 == "ListFunctions")
    }
}

@Suite struct XMLReaderTests {
    @Test func readsElementsAttributesTextAndReferences() throws {
        let root = try XMLReader.parse(
            Array(
                """
                <?xml version="1.0"?><!-- c --><a:Root xmlns:a="urn:x" id='7'><Item>x &amp; y &#x41;&#66;</Item>\
                <Item><![CDATA[<raw & kept>]]></Item><Empty/></a:Root>
                """.utf8))
        #expect(root.name == "Root")
        #expect(root.attributes["id"] == "7")
        #expect(root.children(named: "Item").map(\.text) == ["x & y AB", "<raw & kept>"])
        #expect(root.child("Empty")?.text == "")
    }

    @Test func refusesWhatIsNotWellFormedOrDeclaresATypes() {
        for text in [
            "<a><b></a>", "<a>", "<a></a><b/>", "<!DOCTYPE a><a/>", "<a>&unknown;</a>", "", "<a x=1/>",
        ] {
            #expect(throws: XMLReader.Failure.self) { try XMLReader.parse(Array(text.utf8)) }
        }
    }

    @Test func refusesDeepNestingWithoutRecursingWithoutBound() {
        let deep = String(repeating: "<a>", count: 5000) + String(repeating: "</a>", count: 5000)
        #expect(throws: XMLReader.Failure.self) { try XMLReader.parse(Array(deep.utf8)) }
    }
}

@Suite struct CBORTests {
    @Test func decodesEveryMajorTypeAndIndefiniteLengths() throws {
        // {"a": [1, -2, h'0102', "x", 1.5, true, null], "b": (_ "ab", "c"), "t": 1(1700000000)}
        let bytes: [UInt8] =
            [0xA3, 0x61, 0x61, 0x87, 0x01, 0x21, 0x42, 0x01, 0x02, 0x61, 0x78, 0xF9, 0x3E, 0x00, 0xF5, 0xF6]
            + [0x61, 0x62, 0x7F, 0x62, 0x61, 0x62, 0x61, 0x63, 0xFF]
            + [0x61, 0x74, 0xC1, 0x1A, 0x65, 0x53, 0xF1, 0x00]
        let item = try CBORReader.decode(bytes)
        guard case .map(let pairs) = item else {
            Issue.record("not a map")
            return
        }
        #expect(
            pairs[0].1
                == .array([.unsigned(1), .negative(1), .bytes([1, 2]), .text("x"), .float(1.5), .bool(true), .null]))
        #expect(pairs[1].1 == .text("abc"))
        #expect(pairs[2].1 == .tagged(1, .unsigned(1_700_000_000)))
    }

    @Test func refusesTruncatedOrTrailingData() {
        for bytes: [UInt8] in [[0xA1, 0x61], [0x5A, 0xFF, 0xFF, 0xFF, 0xFF], [0x01, 0x02], [], [0x9F, 0x01]] {
            #expect(throws: CBORReader.Failure.self) { try CBORReader.decode(bytes) }
        }
    }

    @Test func writesWhatItReads() throws {
        var writer = CBORWriter()
        writer.mapHeader(count: 3)
        writer.text("n")
        writer.integer(-500)
        writer.text("big")
        writer.integer(70000)
        writer.text("d")
        writer.double(0.25)
        let item = try CBORReader.decode(writer.bytes)
        #expect(
            item == .map([(.text("n"), .negative(499)), (.text("big"), .unsigned(70000)), (.text("d"), .float(0.25))]))
    }
}

@Suite struct RESTBindingTests {
    /// A small REST JSON service: a label, a query string, a header list, a prefix map and a body
    /// member with a JSON name.
    static let model = ServiceModel(
        descriptor: ServiceDescriptor(
            name: "T", serviceId: "T", signingName: "t", endpointPrefix: "t", apiVersion: "1", protocols: [.restJson1],
            targetPrefix: nil, jsonVersion: nil, xmlNamespace: nil, errorNamespace: "t", validationStyle: .coral),
        document: #"""
            {"shapes":{
            "In":{"type":"structure","members":{
              "Id":{"shape":"S","location":"uri","locationName":"Id"},
              "Limit":{"shape":"N","location":"querystring","locationName":"limit"},
              "Tags":{"shape":"L","location":"header","locationName":"X-Tags"},
              "Dates":{"shape":"DL","location":"header","locationName":"X-Dates"},
              "Meta":{"shape":"M","location":"headers","locationName":"x-meta-"},
              "Ratio":{"shape":"D","locationName":"ratio_value"}}},
            "S":{"type":"string"},"N":{"type":"integer"},"D":{"type":"double"},"T":{"type":"timestamp"},
            "L":{"type":"list","member":{"shape":"S"}},"DL":{"type":"list","member":{"shape":"T"}},
            "M":{"type":"map","key":{"shape":"S"},"value":{"shape":"S"}}},
            "operations":{"Put":{"http":{"method":"PUT","requestUri":"/things/{Id}"},"input":{"shape":"In"}}}}
            """#)

    @Test func everyLocationIsRead() throws {
        let request = WireRequest(
            method: "PUT", path: "/things/a%20b", query: "limit=5",
            headers: [
                "x-tags": #"a, "b,c", "\"d\"""#,
                "x-dates": "Mon, 16 Dec 2019 23:48:18 GMT, Tue, 17 Dec 2019 00:00:00 GMT",
                "x-meta-color": "red",
            ], body: Array(#"{"ratio_value": "NaN"}"#.utf8))
        let (operation, value) = try RESTCodec(.restJson1).decodeRequest(request, model: Self.model)
        #expect(operation.name == "Put")
        #expect(value["Id"] == .string("a b"))
        #expect(value["Limit"] == .integer(5))
        #expect(value["Tags"] == .list([.string("a"), .string("b,c"), .string("\"d\"")]))
        guard case .list(let dates)? = value["Dates"] else {
            Issue.record("no dates")
            return
        }
        #expect(dates.count == 2)
        #expect(value["Meta"] == .map(["color": .string("red")]))
        guard case .double(let ratio)? = value["Ratio"] else {
            Issue.record("no ratio")
            return
        }
        #expect(ratio.isNaN)
    }
}

@Suite struct EventStreamTests {
    @Test func crc32MatchesTheStandardCheckValue() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum([]) == 0)
        // Eight bytes at a time agrees with one at a time, at every length and when continued.
        func bitwise(_ bytes: [UInt8]) -> UInt32 {
            var crc: UInt32 = 0xFFFF_FFFF
            for byte in bytes {
                crc ^= UInt32(byte)
                for _ in 0..<8 { crc = crc & 1 == 1 ? 0xEDB8_8320 ^ (crc >> 1) : crc >> 1 }
            }
            return ~crc
        }
        let bytes = (0..<100).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        for length in 0...bytes.count {
            #expect(CRC32.checksum(Array(bytes.prefix(length))) == bitwise(Array(bytes.prefix(length))))
        }
        #expect(CRC32.checksum(bytes[50...], continuing: CRC32.checksum(bytes[..<50])) == bitwise(bytes))
    }

    @Test func framesCarryLengthsHeadersPayloadAndChecksums() {
        let payload = Array(#"{"Records":[]}"#.utf8)
        let bytes = EventStreamMessage.event("SubscribeToShardEvent", payload: payload).encoded
        func word(_ offset: Int) -> UInt32 { bytes[offset..<offset + 4].reduce(0) { $0 << 8 | UInt32($1) } }
        #expect(Int(word(0)) == bytes.count)
        let headersLength = Int(word(4))
        #expect(word(8) == CRC32.checksum(bytes[0..<8]))
        #expect(word(bytes.count - 4) == CRC32.checksum(bytes[0..<(bytes.count - 4)]))
        #expect(Array(bytes[(12 + headersLength)..<(bytes.count - 4)]) == payload)
        // The first header: name length, ":message-type", type 7 (string), value length, "event".
        let first = Array(bytes[12..<(12 + 1 + 13 + 1 + 2 + 5)])
        #expect(first == [13] + Array(":message-type".utf8) + [7, 0, 5] + Array("event".utf8))
    }
}
