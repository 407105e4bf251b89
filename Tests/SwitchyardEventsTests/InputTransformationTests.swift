import SwitchyardWire
import Testing

@testable import SwitchyardEvents

@Suite struct InputTransformationTests {
    let values: [String: OrderedJSON?] = [
        "id": .scalar(.string("a1")),
        "payload": .object([("acc", .scalar(.string("a1"))), ("n", .scalar(.integer(2)))]),
        "list": .array([.scalar(.string("HIGH")), .scalar(.string("LOW"))]),
        "flag": .scalar(.bool(true)),
        "missing": nil,
    ]

    @Test func textTemplatesTakeValuesAsTextAndStructuresWithoutQuotes() {
        #expect(
            InputTransformation.fill(#""user <id> has <payload> and <list>, <flag><missing>""#, values: values)
                == #""user a1 has {acc:a1,n:2} and [HIGH,LOW], true""#)
    }

    @Test func jsonTemplatesTakeValuesAsJSONOutsideStringsAndAsTextInside() {
        #expect(
            InputTransformation.fill(
                #"{"id": <id>, "path": "users/<id>", "body": <payload>, "none": <missing>}"#, values: values)
                == #"{"id": "a1", "path": "users/a1", "body": {"acc":"a1","n":2}, "none": ""}"#)
        // A structure inside a string makes JSON that is not valid: nothing is delivered.
        #expect(InputTransformation.fill(#"{"payload": "<payload>"}"#, values: values) == nil)
    }

    @Test func placeholdersThatAreNeitherMappedNorPredefinedAreFound() {
        #expect(
            InputTransformation.unknownPlaceholders(
                #"{"a": <id>, "b": <aws.events.rule-name>, "c": <nope>}"#, map: ["id": "$.id"]) == ["nope"])
    }
}
