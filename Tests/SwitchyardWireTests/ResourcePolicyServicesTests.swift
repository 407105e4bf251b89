import Testing

@testable import SwitchyardWire

/// Which services and actions an identity policy grants, whatever the resource: what IAM's
/// last-accessed reports and ListPoliciesGrantingServiceAccess read of a policy.
@Suite struct ResourcePolicyServicesTests {
    func policy(_ statements: String) throws -> ResourcePolicy {
        try ResourcePolicy(json: #"{"Version":"2012-10-17","Statement":[\#(statements)]}"#)
    }

    @Test func actionsNameTheirServices() throws {
        let policy = try policy(
            #"{"Effect":"Allow","Action":["sqs:Send*","S3:GetObject"],"Resource":"arn:aws:s3:::b/*"}"#)
        #expect(policy.grantsAccess(toService: "sqs"))
        #expect(policy.grantsAccess(toService: "s3"))
        #expect(!policy.grantsAccess(toService: "sns"))
        #expect(policy.grantsAction("sqs:SendMessageBatch"))
        #expect(!policy.grantsAction("sqs:ReceiveMessage"))
    }

    @Test func wildcardsReachEveryServiceTheyMatch() throws {
        #expect(try policy(#"{"Effect":"Allow","Action":"*","Resource":"*"}"#).grantsAccess(toService: "lambda"))
        let prefixed = try policy(#"{"Effect":"Allow","Action":"s*:List*","Resource":"*"}"#)
        #expect(prefixed.grantsAccess(toService: "sns") && prefixed.grantsAccess(toService: "s3"))
        #expect(!prefixed.grantsAccess(toService: "lambda"))
    }

    @Test func denialsGrantNothing() throws {
        #expect(!(try policy(#"{"Effect":"Deny","Action":"sqs:*","Resource":"*"}"#).grantsAccess(toService: "sqs")))
    }

    @Test func notActionGrantsWhatItLeavesOut() throws {
        let policy = try policy(#"{"Effect":"Allow","NotAction":["iam:*","sqs:Delete*"],"Resource":"*"}"#)
        #expect(!policy.grantsAccess(toService: "iam"))
        #expect(policy.grantsAccess(toService: "sqs"))
        #expect(policy.grantsAccess(toService: "lambda"))
        #expect(!(try self.policy(#"{"Effect":"Allow","NotAction":"*","Resource":"*"}"#)).grantsAccess(toService: "s3"))
    }
}
