import Foundation
import Testing

@testable import SwitchyardIAM

@Suite struct DelegationTemplateTests {
    func render(_ document: String, _ parameters: [DelegationParameter]) throws -> String {
        try DelegationTemplate(document: document, parameters: parameters).render()
    }

    func string(_ name: String, _ value: String) -> DelegationParameter {
        DelegationParameter(name: name, values: [value], type: "string")
    }

    @Test func stringParametersFillPlaceholdersInPlace() throws {
        let policy = try render(
            #"{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::@{bucket}/@{prefix}*"}]}"#,
            [string("bucket", "logs"), string("prefix", "2026/")])
        #expect(
            policy
                == #"{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::logs/2026/*"}]}"#)
    }

    @Test func listParametersMakeAnEntryPerCombination() throws {
        let policy = try render(
            #"{"Statement":{"Effect":"Allow","Action":"sqs:*","Resource":["arn:aws:sqs:@{regions}:1:@{queues}","x"]}}"#,
            [
                DelegationParameter(name: "regions", values: ["a", "b"], type: "stringList"),
                DelegationParameter(name: "queues", values: ["q1", "q2"], type: "stringList"),
            ])
        #expect(
            policy
                == #"{"Statement":{"Effect":"Allow","Action":"sqs:*","Resource":["arn:aws:sqs:a:1:q1","arn:aws:sqs:a:1:q2","arn:aws:sqs:b:1:q1","arn:aws:sqs:b:1:q2","x"]}}"#
        )
    }

    @Test func enabledSwitchesKeepOrDropStatements() throws {
        let document =
            #"{"Statement":[{"@Enabled":"logs","Effect":"Allow","Action":"logs:*","Resource":"*"},{"@Enabled":"!logs","Effect":"Deny","Action":"logs:*","Resource":"*"}]}"#
        #expect(try render(document, [string("logs", "True")]).contains(#""Effect":"Allow""#))
        #expect(!(try render(document, [string("logs", "True")]).contains("Deny")))
        #expect(
            try render(document, [string("logs", "False")])
                == #"{"Statement":[{"Effect":"Deny","Action":"logs:*","Resource":"*"}]}"#)
    }

    @Test func missingOrMalformedParametersAreRefused() {
        #expect(throws: DelegationTemplate.Failure.self) {
            try render(#"{"Statement":[{"Resource":"@{missing}"}]}"#, [])
        }
        #expect(throws: DelegationTemplate.Failure.self) {
            try render(#"{"Statement":[]}"#, [DelegationParameter(name: "x", values: ["1", "2"], type: "string")])
        }
        #expect(throws: DelegationTemplate.Failure.self) { try render("not json", []) }
        let long = String(repeating: "a", count: 2100)
        #expect(throws: DelegationTemplate.Failure.self) {
            try render(#"{"Statement":[{"Resource":"@{r}"}]}"#, [string("r", long)])
        }
    }
}
