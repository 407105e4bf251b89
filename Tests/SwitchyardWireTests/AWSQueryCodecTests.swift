import Foundation
import SwitchyardModels
import Testing

@testable import SwitchyardWire

@Suite struct AWSQueryCodecTests {
    let codec = AWSQueryCodec()
    let context = RequestContext(account: "000000000000", region: "us-east-1", host: "localhost", requestId: "req-1")

    func form(_ body: String) -> WireRequest {
        WireRequest(
            method: "POST", path: "/", query: nil, headers: ["content-type": "application/x-www-form-urlencoded"],
            body: Array(body.utf8))
    }

    @Test func parsesFlattenedMapsListsAndNestedStructures() throws {
        let body =
            "Action=SendMessageBatch&QueueUrl=http%3A%2F%2Fh%2F0%2Fq"
            + "&SendMessageBatchRequestEntry.1.Id=a&SendMessageBatchRequestEntry.1.MessageBody=hello+world"
            + "&SendMessageBatchRequestEntry.1.MessageAttribute.1.Name=n"
            + "&SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.DataType=Number"
            + "&SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.StringValue=3"
            + "&SendMessageBatchRequestEntry.2.Id=b&SendMessageBatchRequestEntry.2.MessageBody=x&SendMessageBatchRequestEntry.2.DelaySeconds=4"
        let (operation, input) = try codec.decodeRequest(form(body), model: SQS.model)
        #expect(operation.name == "SendMessageBatch")
        let typed = try SQS.SendMessageBatchRequest(awsValue: input)
        #expect(typed.queueUrl == "http://h/0/q")
        #expect(typed.entries.map(\.id) == ["a", "b"])
        #expect(typed.entries[0].messageBody == "hello world")
        #expect(typed.entries[0].messageAttributes?["n"]?.stringValue == "3")
        #expect(typed.entries[1].delaySeconds == 4)
    }

    @Test func parsesAttributeNamesUnderTheirMemberName() throws {
        let (_, input) = try codec.decodeRequest(
            form("Action=GetQueueAttributes&QueueUrl=u&AttributeName.1=All&AttributeName.2=QueueArn"), model: SQS.model)
        #expect(try SQS.GetQueueAttributesRequest(awsValue: input).attributeNames == ["All", "QueueArn"])
    }

    @Test func reportsBadScalarsAndMissingActions() {
        #expect(
            throws: AWSError.invalidParameterValue(
                "Value (x) for parameter MaxNumberOfMessages is invalid. Must be an integer.")
        ) {
            try codec.decodeRequest(form("Action=ReceiveMessage&QueueUrl=u&MaxNumberOfMessages=x"), model: SQS.model)
        }
        #expect(throws: AWSError.missingParameter("Action")) {
            try codec.decodeRequest(form("QueueUrl=u"), model: SQS.model)
        }
        #expect(throws: AWSError.invalidAction("Nope")) {
            try codec.decodeRequest(form("Action=Nope"), model: SQS.model)
        }
    }

    @Test func serializesWithResultWrapperAndFlattenedMembers() throws {
        guard let operation = SQS.model.operations["GetQueueAttributes"] else { Issue.record("no operation"); return }
        let output = SQS.GetQueueAttributesResult(attributes: ["VisibilityTimeout": "30", "DelaySeconds": "0"]).awsValue
        let xml = String(
            decoding: codec.encodeResponse(output, operation: operation, model: SQS.model, context: context).body,
            as: UTF8.self)
        #expect(xml.contains(#"<GetQueueAttributesResponse xmlns="http://queue.amazonaws.com/doc/2012-11-05/">"#))
        #expect(
            xml.contains(
                "<GetQueueAttributesResult><Attribute><Name>DelaySeconds</Name><Value>0</Value></Attribute><Attribute><Name>VisibilityTimeout</Name>"
            ))
        #expect(xml.contains("<ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata>"))
    }

    @Test func errorResponseUsesQueryCode() {
        let xml = String(
            decoding: codec.encodeError(AWSError("QueueNameExists", "dup"), model: SQS.model, context: context).body,
            as: UTF8.self)
        #expect(xml.contains("<Type>Sender</Type><Code>QueueAlreadyExists</Code><Message>dup</Message>"))
    }

    @Test func escapesXMLText() {
        var writer = XMLWriter()
        writer.element("B", "a<b>&\"c\"\r")
        #expect(String(decoding: writer.bytes, as: UTF8.self) == "<B>a&lt;b&gt;&amp;&quot;c&quot;&#xD;</B>")
    }
}
