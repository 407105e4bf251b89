import Foundation
import SwitchyardIAM
import SwitchyardPlatform
import Testing

/// The request path's record of use: the latest use of each key, service and action wins, and a
/// drain hands over what accumulated and leaves the ledger empty.
@Suite struct UsageLedgerTests {
    func use(_ key: String?, _ service: String, _ action: String, at seconds: Double, region: String = "us-east-1")
        -> UsageLedger.Use
    {
        UsageLedger.Use(
            accessKeyId: key, entityId: "AIDAEXAMPLE", service: service, action: action, region: region,
            date: Date(timeIntervalSince1970: seconds))
    }

    @Test func theLatestUseOfEachKeyServiceAndActionIsKept() {
        let ledger = UsageLedger()
        ledger.note(use("AKIA1", "sqs", "SendMessage", at: 10))
        ledger.note(use("AKIA1", "sns", "Publish", at: 20, region: "eu-west-1"))
        ledger.note(use(nil, "sqs", "SendMessage", at: 30))
        let pending = ledger.drain()
        #expect(
            pending.keys["AKIA1"]
                == UsageLedger.KeyUse(
                    use: LastUse(date: Date(timeIntervalSince1970: 20), region: "eu-west-1"), service: "sns"))
        #expect(pending.services["AIDAEXAMPLE"]?["sqs"]?.date == Date(timeIntervalSince1970: 30))
        let send = UsageLedger.Action(service: "sqs", name: "SendMessage")
        #expect(send.qualified == "sqs:SendMessage")
        #expect(pending.actions["AIDAEXAMPLE"]?[send]?.date == Date(timeIntervalSince1970: 30))
        #expect(pending.actions["AIDAEXAMPLE"]?.count == 2)
    }

    @Test func aDrainEmptiesTheLedger() {
        let ledger = UsageLedger()
        #expect(ledger.drain().isEmpty)
        ledger.note(use("AKIA1", "iam", "GetUser", at: 1))
        #expect(!ledger.drain().isEmpty)
        #expect(ledger.drain().isEmpty)
    }
}

@Suite struct UsageAbsorptionTests {
    /// Uses noted while nothing reads last-used data are absorbed in the background, so that the
    /// ledger does not keep an entry for every temporary key that ever signed.
    @Test func theLedgerIsAbsorbedWithoutAnyRead() async throws {
        let directory = CredentialDirectory()
        let engine = try IdentityEngine(store: MemoryIdentityStore(), directory: directory)
        for index in 0..<100 {
            directory.usage.note(
                UsageLedger.Use(
                    accessKeyId: "ASIA\(index)", entityId: "AROAEXAMPLE", service: "sqs", action: "SendMessage",
                    region: "us-east-1", date: Date()))
        }
        let absorbing = Task { await engine.runUsageAbsorption(every: .milliseconds(10)) }
        defer { absorbing.cancel() }
        var empty = false
        for _ in 0..<200 where !empty {
            try await Task.sleep(for: .milliseconds(10))
            empty = directory.usage.isEmpty
        }
        #expect(empty)
    }
}
