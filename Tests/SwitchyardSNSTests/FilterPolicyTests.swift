import Testing

@testable import SwitchyardSNS

@Suite struct FilterPolicyTests {
    func attributes(_ values: [String: (String, String)]) -> [String: NotificationAttribute] {
        values.mapValues { NotificationAttribute(dataType: $0.0, stringValue: $0.1, binaryValue: nil) }
    }

    func passes(_ policy: String, _ values: [String: (String, String)]) throws -> Bool {
        try FilterPolicy(json: policy, scope: .messageAttributes).matches(attributes: attributes(values), body: "")
    }

    func passesBody(_ policy: String, _ body: String) throws -> Bool {
        try FilterPolicy(json: policy, scope: .messageBody).matches(attributes: [:], body: body)
    }

    @Test func exactValuesAreOredAndKeysAnded() throws {
        let policy = #"{"kind": ["order", "refund"], "region": ["eu"]}"#
        #expect(try passes(policy, ["kind": ("String", "refund"), "region": ("String", "eu")]))
        #expect(try !passes(policy, ["kind": ("String", "refund"), "region": ("String", "us")]))
        #expect(try !passes(policy, ["kind": ("String", "refund")]))
    }

    @Test func stringOperators() throws {
        #expect(try passes(#"{"a": [{"prefix": "ord"}]}"#, ["a": ("String", "order")]))
        #expect(try passes(#"{"a": [{"suffix": "der"}]}"#, ["a": ("String", "order")]))
        #expect(try passes(#"{"a": [{"equals-ignore-case": "ORDER"}]}"#, ["a": ("String", "Order")]))
        #expect(try passes(#"{"a": [{"wildcard": "o*r"}]}"#, ["a": ("String", "order")]))
        #expect(try !passes(#"{"a": [{"wildcard": "o*x"}]}"#, ["a": ("String", "order")]))
    }

    @Test func anythingBut() throws {
        #expect(try passes(#"{"a": [{"anything-but": ["x", "y"]}]}"#, ["a": ("String", "z")]))
        #expect(try !passes(#"{"a": [{"anything-but": "x"}]}"#, ["a": ("String", "x")]))
        #expect(try !passes(#"{"a": [{"anything-but": "x"}]}"#, [:]))
        #expect(try passes(#"{"a": [{"anything-but": {"prefix": "test-"}}]}"#, ["a": ("String", "prod-1")]))
        #expect(try !passes(#"{"a": [{"anything-but": {"prefix": "test-"}}]}"#, ["a": ("String", "test-1")]))
        #expect(try passes(#"{"n": [{"anything-but": [1, 2]}]}"#, ["n": ("Number", "3")]))
    }

    @Test func numericRangesAndExists() throws {
        let range = #"{"price": [{"numeric": [">", 0, "<=", 100]}]}"#
        #expect(try passes(range, ["price": ("Number", "100")]))
        #expect(try !passes(range, ["price": ("Number", "0")]))
        #expect(try passes(#"{"price": [{"numeric": ["=", 5]}]}"#, ["price": ("Number", "5.0")]))
        #expect(try passes(#"{"price": [5]}"#, ["price": ("Number", "5")]))
        #expect(try passes(#"{"a": [{"exists": true}]}"#, ["a": ("String", "x")]))
        #expect(try passes(#"{"a": [{"exists": false}]}"#, [:]))
        #expect(try !passes(#"{"a": [{"exists": false}]}"#, ["a": ("String", "x")]))
    }

    @Test func cidrAndStringArrays() throws {
        #expect(try passes(#"{"ip": [{"cidr": "10.0.0.0/24"}]}"#, ["ip": ("String", "10.0.0.42")]))
        #expect(try !passes(#"{"ip": [{"cidr": "10.0.0.0/24"}]}"#, ["ip": ("String", "10.0.1.1")]))
        #expect(try passes(#"{"ip": [{"cidr": "2001:db8::/32"}]}"#, ["ip": ("String", "2001:db8::1")]))
        #expect(try passes(#"{"tags": ["red"]}"#, ["tags": ("String.Array", #"["blue", "red"]"#)]))
        #expect(try !passes(#"{"tags": ["green"]}"#, ["tags": ("String.Array", #"["blue", "red"]"#)]))
    }

    @Test func orAlternatives() throws {
        let policy = #"{"source": ["shop"], "$or": [{"kind": ["order"]}, {"price": [{"numeric": [">", 100]}]}]}"#
        #expect(try passes(policy, ["source": ("String", "shop"), "kind": ("String", "order")]))
        #expect(try passes(policy, ["source": ("String", "shop"), "price": ("Number", "500")]))
        #expect(try !passes(policy, ["source": ("String", "shop"), "price": ("Number", "5")]))
    }

    @Test func messageBodyScopeNavigatesNestedKeysAndArrays() throws {
        let policy = #"{"order": {"status": ["paid"], "lines": {"sku": [{"prefix": "A-"}]}}}"#
        let body = #"{"order": {"status": "paid", "lines": [{"sku": "B-1"}, {"sku": "A-7"}]}}"#
        #expect(try passesBody(policy, body))
        #expect(try !passesBody(policy, #"{"order": {"status": "open", "lines": [{"sku": "A-7"}]}}"#))
        #expect(try !passesBody(policy, "not json"))
        #expect(try passesBody(#"{"flag": [true], "gone": [null]}"#, #"{"flag": true, "gone": null}"#))
    }

    @Test func limitsAndMalformedPoliciesAreRefused() {
        let refused = [
            "not json", "[]", #"{"a": "x"}"#, #"{"a": []}"#, #"{"a": [{"unknown": 1}]}"#,
            #"{"a": [{"numeric": ["<", 10, ">", 5]}]}"#, #"{"a": [{"wildcard": "a**b"}]}"#,
            #"{"a": [1], "b": [1], "c": [1], "d": [1], "e": [1], "f": [1]}"#,
            #"{"a": [1,2,3,4,5,6], "b": [1,2,3,4,5,6], "c": [1,2,3,4,5]}"#, #"{"a": [{"cidr": "10.0.0.0"}]}"#,
            #"{"a": [{"numeric": [">", 10000000000]}]}"#, #"{"a": {"b": ["x"]}}"#,
        ]
        for policy in refused {
            #expect(throws: (any Error).self, "\(policy)") { try FilterPolicy(json: policy, scope: .messageAttributes) }
        }
    }
}
