import Testing

@testable import SwitchyardWire

@Suite struct ResourcePolicyTests {
    let queue = "arn:aws:sqs:us-east-1:111111111111:q"
    let topic = "arn:aws:sns:us-east-1:222222222222:t"

    func decide(_ policy: String, _ principal: PolicyPrincipal, _ action: String, context: [String: String] = [:])
        throws -> PolicyDecision
    {
        try ResourcePolicy(json: policy).evaluate(
            AccessRequest(principal: principal, action: action, resource: queue, context: context))
    }

    @Test func principalsByAccountIdRootArnAndStar() throws {
        for principal in [
            "\"222222222222\"", "\"arn:aws:iam::222222222222:root\"", "[\"333333333333\", \"222222222222\"]",
        ] {
            let policy = """
                {"Statement":[{"Effect":"Allow","Principal":{"AWS":\(principal)},"Action":"sqs:SendMessage","Resource":"\(queue)"}]}
                """
            #expect(try decide(policy, .account("222222222222"), "sqs:SendMessage") == .allowed)
            #expect(try decide(policy, .account("444444444444"), "sqs:SendMessage") == .notAllowed)
        }
        let anyone = #"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*"}]}"#
        #expect(try decide(anyone, .account("444444444444"), "sqs:ReceiveMessage") == .allowed)
        #expect(try decide(anyone, .service("sns.amazonaws.com"), "sqs:SendMessage") == .allowed)
    }

    @Test func aUserArnDoesNotAdmitTheAccountRoot() throws {
        let policy = """
            {"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:user/alice"},"Action":"sqs:*"}]}
            """
        #expect(try decide(policy, .account("222222222222"), "sqs:SendMessage") == .notAllowed)
    }

    @Test func actionsMatchWithWildcardsAndWithoutCase() throws {
        let policy = #"{"Statement":[{"Effect":"Allow","Principal":"*","Action":["SQS:Send*","sqs:?eceiveMessage"]}]}"#
        #expect(try decide(policy, .account("2"), "sqs:SendMessage") == .allowed)
        #expect(try decide(policy, .account("2"), "sqs:sendmessagebatch") == .allowed)
        #expect(try decide(policy, .account("2"), "sqs:ReceiveMessage") == .allowed)
        #expect(try decide(policy, .account("2"), "sqs:DeleteMessage") == .notAllowed)
        let not = #"{"Statement":[{"Effect":"Allow","Principal":"*","NotAction":"sqs:Delete*"}]}"#
        #expect(try decide(not, .account("2"), "sqs:DeleteMessage") == .notAllowed)
        #expect(try decide(not, .account("2"), "sqs:SendMessage") == .allowed)
    }

    @Test func resourcesMustMatch() throws {
        let policy = """
            {"Statement":[{"Effect":"Allow","Principal":"*","Action":"sqs:*","Resource":"arn:aws:sqs:*:111111111111:other-*"}]}
            """
        #expect(try decide(policy, .account("2"), "sqs:SendMessage") == .notAllowed)
    }

    @Test func explicitDenyWins() throws {
        let policy = """
            {"Statement":[
              {"Effect":"Allow","Principal":"*","Action":"sqs:*"},
              {"Effect":"Deny","Principal":{"AWS":"222222222222"},"Action":"sqs:ReceiveMessage"}]}
            """
        #expect(try decide(policy, .account("222222222222"), "sqs:ReceiveMessage") == .explicitlyDenied)
        #expect(try decide(policy, .account("222222222222"), "sqs:SendMessage") == .allowed)
    }

    @Test func serviceDeliveriesWithSourceConditions() throws {
        let policy = """
            {"Statement":[{"Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":"sqs:SendMessage",
              "Resource":"\(queue)","Condition":{"ArnEquals":{"aws:SourceArn":"\(topic)"},
              "StringEquals":{"aws:SourceAccount":"222222222222"}}}]}
            """
        let context = ["aws:SourceArn": topic, "aws:SourceAccount": "222222222222"]
        #expect(try decide(policy, .service("sns.amazonaws.com"), "sqs:SendMessage", context: context) == .allowed)
        #expect(
            try decide(
                policy, .service("sns.amazonaws.com"), "sqs:SendMessage",
                context: ["aws:SourceArn": topic + "2", "aws:SourceAccount": "222222222222"]) == .notAllowed)
        #expect(
            try decide(policy, .service("events.amazonaws.com"), "sqs:SendMessage", context: context) == .notAllowed)
        #expect(try decide(policy, .account("222222222222"), "sqs:SendMessage", context: context) == .notAllowed)
    }

    @Test func conditionOperators() throws {
        func holds(_ condition: String, _ context: [String: String]) throws -> Bool {
            let policy =
                #"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Condition":"# + condition + "}]}"
            return try decide(policy, .account("2"), "sqs:SendMessage", context: context) == .allowed
        }
        #expect(
            try holds(#"{"StringLike":{"aws:SourceArn":"arn:aws:sns:*:222222222222:*"}}"#, ["aws:SourceArn": topic]))
        #expect(try !holds(#"{"StringEquals":{"aws:SourceAccount":"1"}}"#, [:]))
        #expect(try holds(#"{"StringEqualsIfExists":{"aws:SourceAccount":"1"}}"#, [:]))
        #expect(try holds(#"{"StringNotEquals":{"aws:SourceAccount":"1"}}"#, [:]))
        #expect(try !holds(#"{"StringNotEquals":{"aws:SourceAccount":"1"}}"#, ["aws:SourceAccount": "1"]))
        #expect(try holds(#"{"Null":{"aws:SourceArn":"true"}}"#, [:]))
        #expect(try holds(#"{"NumericLessThan":{"s:n":"10"}}"#, ["s:n": "9"]))
        #expect(try holds(#"{"Bool":{"aws:SecureTransport":"true"}}"#, [:]))
        #expect(
            try !holds(#"{"DateGreaterThan":{"aws:CurrentTime":"2020-01-01T00:00:00Z"}}"#, ["aws:CurrentTime": "x"]))
        // Keys are matched without regard to case, as IAM does.
        #expect(try holds(#"{"StringEquals":{"AWS:SourceOwner":"2"}}"#, ["aws:sourceowner": "2"]))
    }

    @Test func malformedPoliciesAreRefused() {
        #expect(throws: ResourcePolicy.Malformed.self) { try ResourcePolicy(json: "[]") }
        #expect(throws: ResourcePolicy.Malformed.self) {
            try ResourcePolicy(json: #"{"Statement":[{"Effect":"Maybe"}]}"#)
        }
    }

    @Test func wildcardsBacktrack() {
        #expect(Wildcard.matches("a*b*c", "axxbyybzc", ignoringCase: false))
        #expect(!Wildcard.matches("a*b*c", "axxbyyb", ignoringCase: false))
        #expect(Wildcard.matches("*", "", ignoringCase: false))
        #expect(Wildcard.matches("a?c", "abc", ignoringCase: false))
    }
}
