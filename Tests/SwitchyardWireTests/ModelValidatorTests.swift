import SwitchyardModels
import Testing

@testable import SwitchyardWire

@Suite struct ModelValidatorTests {
    @Test func queryStyleNamesTheMissingParameter() throws {
        let validator = ModelValidator(model: SQS.model)
        guard let index = SQS.model.operations["SendMessage"]?.input else { Issue.record("no input"); return }
        #expect(throws: AWSError.missingParameter("MessageBody")) {
            try validator.validate(.structure(["QueueUrl": .string("u")]), shape: SQS.model[index])
        }
        try validator.validate(
            .structure(["QueueUrl": .string("u"), "MessageBody": .string("b")]), shape: SQS.model[index])
    }

    @Test func coralStyleListsEveryViolation() throws {
        let shapes = [
            Shape(
                name: "In", kind: .structure,
                members: [MemberRef(name: "Name", target: 1), MemberRef(name: "Size", target: 2)], required: ["Name"]),
            Shape(name: "NameString", kind: .string, min: 3, max: 5, pattern: "^[a-z]+$"),
            Shape(name: "SizeInteger", kind: .integer, min: 1, max: 10),
        ]
        let model = ServiceModel(
            name: "T", signingName: "t", apiVersion: "1", protocols: [.awsJson1_1], targetPrefix: "T",
            jsonVersion: "1.1",
            xmlNamespace: nil, errorNamespace: "t", validationStyle: .coral, shapes: shapes, operations: [])
        let validator = ModelValidator(model: model)
        do {
            try validator.validate(.structure(["Name": .string("AB"), "Size": .integer(11)]), shape: shapes[0])
            Issue.record("expected a validation error")
        } catch let error as AWSError {
            #expect(error.code == "ValidationException")
            // Members in Coral's order (size before name); a failed pattern before a failed length.
            #expect(
                error.message
                    == "3 validation errors detected: "
                    + "Value '11' at 'size' failed to satisfy constraint: Member must have value less than or equal to 10; "
                    + "Value 'AB' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-z]+$; "
                    + "Value 'AB' at 'name' failed to satisfy constraint: Member must have length greater than or equal to 3"
            )
        }
    }

    /// The orders AWS recorded for UpdateAccountPasswordPolicy and CreateOpenIDConnectProvider.
    @Test func coralOrdersMembersAsAJavaHashMapDoes() {
        let password = [
            "MinimumPasswordLength", "RequireSymbols", "RequireNumbers", "RequireUppercaseCharacters",
            "RequireLowercaseCharacters", "AllowUsersToChangePassword", "MaxPasswordAge", "PasswordReusePrevention",
            "HardExpiry",
        ]
        let passwordOrder = CoralMemberOrder.positions(of: password).map { password[$0] }
        #expect(
            passwordOrder.filter {
                ["MinimumPasswordLength", "PasswordReusePrevention", "MaxPasswordAge"].contains($0)
            }
                == ["MinimumPasswordLength", "PasswordReusePrevention", "MaxPasswordAge"])
        let provider = ["Url", "ClientIDList", "ThumbprintList", "Tags"]
        #expect(
            CoralMemberOrder.positions(of: provider).map { provider[$0] } == [
                "ClientIDList", "ThumbprintList", "Url", "Tags",
            ])
        #expect(CoralMemberOrder.tableSize(for: 12) == 16 && CoralMemberOrder.tableSize(for: 13) == 32)
    }
}
