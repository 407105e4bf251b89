import Testing

@testable import SwitchyardSNS

@Suite struct DataProtectionPolicyTests {
    let managed = "arn:aws:dataprotection::aws:data-identifier/"

    func policy(_ statements: String, configuration: String = "") throws -> DataProtectionPolicy {
        let extra = configuration.isEmpty ? "" : #", "Configuration": \#(configuration)"#
        return try DataProtectionPolicy.parse(
            #"{"Name": "p", "Version": "2021-06-01", "Statement": [\#(statements)]\#(extra)}"#)
    }

    func statement(_ direction: String, _ identifier: String, _ operation: String, principal: String = "*") -> String {
        #"{"DataDirection": "\#(direction)", "Principal": ["\#(principal)"], "DataIdentifier": ["\#(identifier)"], "Operation": \#(operation)}"#
    }

    @Test func denyWinsOnlyWhenSomethingIsFound() throws {
        let deny = try policy(statement("Inbound", managed + "Ssn-US", #"{"Deny": {}}"#))
        #expect(deny.apply(.inbound, to: "id 123-45-6789", account: "000000000000") == .denied)
        #expect(deny.apply(.inbound, to: "id 123-456-789", account: "000000000000") == .allowed("id 123-456-789"))
        // An inbound statement leaves deliveries alone.
        #expect(deny.apply(.outbound, to: "id 123-45-6789", account: "000000000000") == .allowed("id 123-45-6789"))
        #expect(deny.isEmpty(.outbound) && !deny.isEmpty(.inbound))
    }

    @Test func masksEveryCharacterOfEachFindingAndRedactsCustomData() throws {
        let mask = try policy(
            statement(
                "Outbound", managed + "EmailAddress", ##"{"Deidentify": {"MaskConfig": {"MaskWithCharacter": "#"}}}"##)
                + ", " + statement("Outbound", "Code", #"{"Deidentify": {"RedactConfig": {}}}"#),
            configuration: #"{"CustomDataIdentifier": [{"Name": "Code", "Regex": "K-[0-9]+"}]}"#)
        #expect(
            mask.apply(.outbound, to: "a@b.io and c@d.org, K-12!", account: "1")
                == .allowed("###### and #######, !"))
    }

    @Test func cardNumbersMustPassTheLuhnCheck() throws {
        let cards = try policy(statement("Inbound", managed + "CreditCardNumber", #"{"Deny": {}}"#))
        #expect(cards.apply(.inbound, to: "4111-1111-1111-1111", account: "1") == .denied)
        #expect(cards.apply(.inbound, to: "4111-1111-1111-1112", account: "1") == .allowed("4111-1111-1111-1112"))
    }

    @Test func principalsNameAccountsOrTheirIdentities() throws {
        let scoped = try policy(
            statement("Inbound", managed + "IpAddress", #"{"Deny": {}}"#, principal: "arn:aws:iam::111122223333:root"))
        #expect(scoped.apply(.inbound, to: "from 10.0.0.1", account: "111122223333") == .denied)
        #expect(scoped.apply(.inbound, to: "from 10.0.0.1", account: "444455556666") == .allowed("from 10.0.0.1"))
    }

    @Test func refusesWhatItCannotEnforce() {
        #expect(throws: (any Error).self) { try policy(statement("Inbound", managed + "Name", #"{"Deny": {}}"#)) }
        #expect(throws: (any Error).self) { try policy(statement("Outbound", managed + "Ssn-US", #"{"Audit": {}}"#)) }
        #expect(throws: (any Error).self) { try DataProtectionPolicy.parse(#"{"Name": "p", "Statement": []}"#) }
    }
}
