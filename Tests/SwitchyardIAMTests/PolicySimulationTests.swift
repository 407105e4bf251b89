import SwitchyardModels
import SwitchyardWire
import Testing

@testable import SwitchyardIAM

@Suite struct PolicySimulationTests {
    let alice = PolicyPrincipal(
        account: "111111111111", identifier: "arn:aws:iam::111111111111:user/alice", isService: false)

    func policy(_ id: String, _ document: String) throws -> SimulatedPolicy {
        try SimulatedPolicy(id: id, type: SimulatedPolicy.identityType, document: document, kind: .identity)
    }

    @Test func statementPositionsCountLinesAndColumnsAsAWSReportsThem() {
        let document = """
            {"Version": "2012-10-17", "Statement": [
              {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
              {"Effect": "Deny",
               "Action": "s3:DeleteBucket", "Resource": "*"}
            ]}
            """
        let spans = SimulatedPolicy.statementSpans(document)
        #expect(spans.count == 2)
        #expect((spans[0].start.line, spans[0].start.column) == (2, 4))
        #expect((spans[0].end.line, spans[0].end.column) == (2, 57))
        #expect((spans[1].start.line, spans[1].start.column) == (3, 4))
        #expect((spans[1].end.line, spans[1].end.column) == (4, 49))
    }

    @Test func aDenyAnywhereWinsAndOnlyDecidingStatementsAreListed() throws {
        let simulation = PolicySimulation(
            identity: [
                try policy("all", #"{"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}"#),
                try policy("guard", #"{"Statement": {"Effect": "Deny", "Action": "s3:Delete*", "Resource": "*"}}"#),
            ],
            boundary: [], resourcePolicy: nil, caller: alice, sameAccount: true, context: [:])
        let put = simulation.result(action: "s3:PutObject", resource: "arn:aws:s3:::b/k")
        #expect(put.evalDecision == "allowed")
        #expect(put.matchedStatements?.map(\.sourcePolicyId) == ["all"])
        let delete = simulation.result(action: "s3:DeleteObject", resource: "arn:aws:s3:::b/k")
        #expect(delete.evalDecision == "explicitDeny")
        #expect(delete.matchedStatements?.map(\.sourcePolicyId) == ["guard"])
        #expect(simulation.result(action: "sqs:SendMessage", resource: "*").evalDecision == "implicitDeny")
    }

    @Test func aBoundaryLimitsWhatIdentityPoliciesAllow() throws {
        let simulation = PolicySimulation(
            identity: [try policy("all", #"{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}"#)],
            boundary: [
                try policy(
                    "PermissionsBoundaryPolicyInputList.1",
                    #"{"Statement": {"Effect": "Allow", "Action": "sqs:*", "Resource": "*"}}"#)
            ],
            resourcePolicy: nil, caller: alice, sameAccount: true, context: [:])
        let inside = simulation.result(action: "sqs:SendMessage", resource: "*")
        #expect(inside.evalDecision == "allowed")
        #expect(inside.permissionsBoundaryDecisionDetail?.allowedByPermissionsBoundary == true)
        let outside = simulation.result(action: "sns:Publish", resource: "*")
        #expect(outside.evalDecision == "implicitDeny")
        #expect(outside.permissionsBoundaryDecisionDetail?.allowedByPermissionsBoundary == false)
    }

    @Test func missingContextValuesNameTheKeysOfStatementsForTheAction() throws {
        let simulation = PolicySimulation(
            identity: [
                try policy(
                    "conditional",
                    #"{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEquals": {"s3:ExistingObjectTag/team": "a"}}}, {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]}"#
                )
            ],
            boundary: [], resourcePolicy: nil, caller: alice, sameAccount: true,
            context: ["aws:MultiFactorAuthPresent": "true"])
        let get = simulation.result(action: "s3:GetObject", resource: "*")
        #expect(get.evalDecision == "implicitDeny")
        #expect(get.missingContextValues == ["s3:ExistingObjectTag/team"])
        let put = simulation.result(action: "s3:PutObject", resource: "*")
        #expect(put.evalDecision == "allowed")
        #expect(put.missingContextValues == [])
    }
}
