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

    /// Coral reports a list of plain values once, at the list, printing the whole list and every
    /// constraint of its elements; "not null" joins them for lists whose trait says so.
    @Test func coralReportsAListOfPlainValuesOnce() throws {
        var notNull = ShapeTraits()
        notNull.membersNotNull = true
        let shapes = [
            Shape(
                name: "In", kind: .structure,
                members: [MemberRef(name: "Kinds", target: 1), MemberRef(name: "Names", target: 3)]),
            Shape(name: "KindList", kind: .list, member: MemberRef(name: "member", target: 2), traits: notNull),
            Shape(name: "Kind", kind: .string, enumValues: ["a", "b"]),
            Shape(name: "NameList", kind: .list, member: MemberRef(name: "member", target: 4)),
            Shape(name: "Name", kind: .string, min: 1, max: 3),
        ]
        let model = ServiceModel(
            name: "T", signingName: "t", apiVersion: "1", protocols: [.awsJson1_1], targetPrefix: "T",
            jsonVersion: "1.1",
            xmlNamespace: nil, errorNamespace: "t", validationStyle: .coral, shapes: shapes, operations: [])
        let input = AWSValue.structure([
            "Kinds": .list([.string("x"), .string("a"), .string("y")]),
            "Names": .list([.string("long name")]),
        ])
        do {
            try ModelValidator(model: model).validate(input, shape: shapes[0])
            Issue.record("expected a validation error")
        } catch let error as AWSError {
            let kinds =
                "Value '[x, a, y]' at 'kinds' failed to satisfy constraint: Member must satisfy constraint: "
                + "[Member must satisfy enum value set: [a, b], Member must not be null]"
            let names =
                "Value '[long name]' at 'names' failed to satisfy constraint: Member must satisfy constraint: "
                + "[Member must have length less than or equal to 3, Member must have length greater than or equal to 1]"
            #expect(error.message?.hasPrefix("2 validation errors detected: ") == true)
            #expect(error.message?.contains(kinds) == true)
            #expect(error.message?.contains(names) == true)
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

    /// CloudWatch Logs answers constraint violations as InvalidParameterException, but its delivery
    /// operations, which declare ValidationException and not that code, as ValidationException.
    @Test func anOperationDeclaringOnlyValidationExceptionAnswersWithIt() throws {
        let validator = ModelValidator(model: CloudWatchLogs.model)
        let operations = CloudWatchLogs.model.operations
        guard let delivery = operations["PutDeliveryDestination"], let group = operations["CreateLogGroup"] else {
            Issue.record("operations missing")
            return
        }
        #expect(validator.errorCode(for: delivery) == "ValidationException")
        #expect(validator.errorCode(for: group) == "InvalidParameterException")
        // SNS (query era) keeps ValidationError though Publish declares ValidationException.
        if let publish = SNS.model.operations["Publish"] {
            #expect(ModelValidator(model: SNS.model).errorCode(for: publish) == "ValidationError")
        }
    }

    /// An enum the generator marks case-blind takes any case of its values, and nothing else.
    @Test func aCaseBlindEnumTakesAnyCase() throws {
        var caseBlind = ShapeTraits()
        caseBlind.enumIgnoringCase = true
        let shapes = [
            Shape(name: "In", kind: .structure, members: [MemberRef(name: "Method", target: 1)]),
            Shape(name: "Method", kind: .string, enumValues: ["GET", "POST", "PUT"], traits: caseBlind),
        ]
        let model = ServiceModel(
            name: "T", signingName: "t", apiVersion: "1", protocols: [.awsJson1_1], targetPrefix: "T",
            jsonVersion: "1.1", xmlNamespace: nil, errorNamespace: "t", validationStyle: .coral, shapes: shapes,
            operations: [])
        let validator = ModelValidator(model: model)
        try validator.validate(.structure(["Method": .string("put")]), shape: shapes[0])
        #expect(throws: AWSError.self) {
            try validator.validate(.structure(["Method": .string("delete")]), shape: shapes[0])
        }
    }
}
