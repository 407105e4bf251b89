import Testing

@testable import SwitchyardWire

/// IAM's IP address, date and binary condition operators (IAM User Guide, "IAM JSON policy elements:
/// Condition operators"): a range or a single address for IpAddress, ISO 8601 or epoch dates.
@Suite struct PolicyConditionOperatorTests {
    func holds(_ operation: String, _ key: String, _ values: String, context: [String: String]) throws -> Bool {
        let policy = """
            {"Statement":[{"Effect":"Allow","Principal":"*","Action":"sqs:*",
              "Condition":{"\(operation)":{"\(key)":\(values)}}}]}
            """
        let request = AccessRequest(
            principal: .account("222222222222"), action: "sqs:SendMessage",
            resource: "arn:aws:sqs:us-east-1:111111111111:q", context: context)
        return try ResourcePolicy(json: policy).evaluate(request) == .allowed
    }

    @Test func ipAddressesAndRanges() throws {
        let local = ["aws:SourceIp": "127.0.0.1"]
        #expect(try holds("IpAddress", "aws:SourceIp", #"["10.0.0.0/8","127.0.0.0/8"]"#, context: local))
        #expect(try holds("IpAddress", "aws:SourceIp", #""127.0.0.1""#, context: local))
        #expect(try !holds("IpAddress", "aws:SourceIp", #""10.0.0.0/8""#, context: local))
        #expect(try holds("NotIpAddress", "aws:SourceIp", #""10.0.0.0/8""#, context: local))
        #expect(try !holds("NotIpAddress", "aws:SourceIp", #""127.0.0.0/8""#, context: local))
        #expect(try holds("IpAddress", "aws:SourceIp", #""2001:db8::/32""#, context: ["aws:SourceIp": "2001:db8::5"]))
        // A request without the key: IpAddress fails, NotIpAddress (a negated operator) holds.
        #expect(try !holds("IpAddress", "aws:SourceIp", #""0.0.0.0/0""#, context: [:]))
        #expect(try holds("NotIpAddress", "aws:SourceIp", #""10.0.0.0/8""#, context: [:]))
    }

    @Test func datesInEitherForm() throws {
        let now = ["aws:CurrentTime": "2026-11-28T15:00:00Z", "aws:EpochTime": "1795878000"]
        #expect(try holds("DateLessThan", "aws:CurrentTime", #""2027-01-01T00:00:00Z""#, context: now))
        #expect(try !holds("DateLessThan", "aws:CurrentTime", #""2026-01-01""#, context: now))
        #expect(try holds("DateGreaterThanEquals", "aws:CurrentTime", #""2026-11-28""#, context: now))
        #expect(try holds("DateGreaterThan", "aws:EpochTime", #""1700000000""#, context: now))
        #expect(try holds("DateEquals", "aws:CurrentTime", #""2026-11-28T15:00:00.000Z""#, context: now))
        #expect(try holds("DateNotEquals", "aws:CurrentTime", #""2026-11-28T15:00:01Z""#, context: now))
        #expect(try !holds("DateLessThan", "aws:CurrentTime", #""not a date""#, context: now))
    }

    @Test func binaryValuesCompareTheirBase64() throws {
        #expect(try holds("BinaryEquals", "aws:Binary", #""QmluYXJ5""#, context: ["aws:Binary": "QmluYXJ5"]))
        #expect(try !holds("BinaryEquals", "aws:Binary", #""QmluYXJ5""#, context: ["aws:Binary": "b3RoZXI="]))
    }

    @Test func aRequestCarriesItsTimeRegionAndAddress() {
        var context = RequestContext(account: "111111111111", region: "eu-west-1", host: "localhost")
        context.sourceIp = "127.0.0.1"
        let keys = context.policyContext
        #expect(keys["aws:SourceIp"] == "127.0.0.1" && keys["aws:RequestedRegion"] == "eu-west-1")
        #expect(keys["aws:CurrentTime"].flatMap(PolicyDates.seconds) != nil)
        #expect(keys["aws:EpochTime"].flatMap(Double.init) != nil)
    }
}
