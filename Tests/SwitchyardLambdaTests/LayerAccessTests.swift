import SwitchyardWire
import Testing

@testable import SwitchyardLambda

@Suite("Lambda layers named by ARN, their policies, and role session names")
struct LayerAccessTests {
    let context = RequestContext(account: "111111111111", region: "eu-west-1", host: "localhost")

    // LayerName is "the name or Amazon Resource Name (ARN) of the layer" (API reference).
    @Test func aLayerNameOrArn() {
        let named = LayerAddress("shared", context: context)
        #expect(named.key == "111111111111/eu-west-1/shared" && named.isOwn(context))
        let own = LayerAddress("arn:aws:lambda:eu-west-1:111111111111:layer:shared", context: context)
        #expect(own == named)
        let other = LayerAddress("arn:aws:lambda:eu-west-1:222222222222:layer:theirs", context: context)
        #expect(other.account == "222222222222" && other.name == "theirs" && !other.isOwn(context))
        #expect(other.arn == "arn:aws:lambda:eu-west-1:222222222222:layer:theirs")
        let elsewhere = LayerAddress("arn:aws:lambda:us-east-1:111111111111:layer:shared", context: context)
        #expect(!elsewhere.isOwn(context))
    }

    // AddLayerVersionPermission's statements: another account reads a version the statement of
    // lambda:GetLayerVersion names it (or everyone) in, without a condition.
    @Test func whatAVersionPolicyGrants() {
        let account =
            #"{"Sid":"a","Effect":"Allow","Principal":{"AWS":"222222222222"},"Action":"lambda:GetLayerVersion"}"#
        let everyone = #"{"Sid":"e","Effect":"Allow","Principal":"*","Action":"lambda:GetLayerVersion"}"#
        let organization =
            #"{"Sid":"o","Effect":"Allow","Principal":"*","Action":"lambda:GetLayerVersion","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-1"}}}"#
        func grants(_ statements: [String], _ account: String) -> Bool {
            LambdaService.statementsAllow(
                statements, account: account, action: "lambda:GetLayerVersion", unconditionalOnly: true)
        }
        #expect(grants([account], "222222222222"))
        #expect(!grants([account], "333333333333"))
        #expect(grants([everyone], "333333333333"))
        #expect(!grants([organization], "222222222222"))
        #expect(!grants([], "222222222222"))
        let other = #"{"Sid":"x","Effect":"Allow","Principal":"*","Action":"lambda:ListLayerVersions"}"#
        #expect(!grants([other], "222222222222"))
    }

    // A role session name has at least two characters: AWS names a one-letter function's session
    // `<name>@lambda_function` (its recordings of `test_assume_role`).
    @Test func sessionNames() {
        #expect(WorkerEnvironment.sessionName("u") == "u@lambda_function")
        #expect(WorkerEnvironment.sessionName("zz") == "zz")
    }
}
