import Foundation
import SwitchyardModels
import Testing

@testable import SwitchyardWire

@Suite struct AWSJSONCodecTests {
    let codec = AWSJSONCodec()
    let context = RequestContext(account: "000000000000", region: "us-east-1", host: "localhost", requestId: "req-1")

    func request(_ target: String, _ body: String) -> WireRequest {
        WireRequest(
            method: "POST", path: "/", query: nil,
            headers: ["x-amz-target": target, "content-type": "application/x-amz-json-1.0"], body: Array(body.utf8))
    }

    @Test func parsesInputByModel() throws {
        let (operation, input) = try codec.decodeRequest(
            request(
                "AmazonSQS.SendMessage",
                #"{"QueueUrl":"u","MessageBody":"b","DelaySeconds":5,"MessageAttributes":{"a":{"DataType":"Binary","BinaryValue":"AAE="}},"Unknown":1}"#
            ), model: SQS.model)
        #expect(operation.name == "SendMessage")
        let typed = try SQS.SendMessageRequest(awsValue: input)
        #expect(typed.queueUrl == "u")
        #expect(typed.delaySeconds == 5)
        #expect(typed.messageAttributes?["a"]?.binaryValue == Data([0, 1]))
    }

    @Test func rejectsWrongTypesAndMalformedJSON() {
        #expect(throws: AWSError.self) {
            try codec.decodeRequest(request("AmazonSQS.CreateQueue", #"{"QueueName":1}"#), model: SQS.model)
        }
        #expect(throws: AWSError.self) {
            try codec.decodeRequest(request("AmazonSQS.CreateQueue", "{"), model: SQS.model)
        }
        #expect(throws: AWSError.self) { try codec.decodeRequest(request("AmazonSQS.Nope", "{}"), model: SQS.model) }
        #expect(throws: AWSError.self) { try codec.decodeRequest(request("Other.CreateQueue", "{}"), model: SQS.model) }
    }

    @Test func serializesOutputInModelOrder() throws {
        guard let operation = SQS.model.operations["CreateQueue"] else { Issue.record("no operation"); return }
        let output = SQS.CreateQueueResult(queueUrl: "http://h/0/q").awsValue
        let response = codec.encodeResponse(output, operation: operation, model: SQS.model, context: context)
        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self) == #"{"QueueUrl":"http://h/0/q"}"#)
    }

    @Test func errorsCarryTypeAndQueryCode() throws {
        let response = codec.encodeError(AWSError("QueueDoesNotExist", "gone"), model: SQS.model, context: context)
        #expect(response.status == 400)
        #expect(
            response.headers.contains { $0 == ("x-amzn-query-error", "AWS.SimpleQueueService.NonExistentQueue;Sender") }
        )
        let body = String(decoding: response.body, as: UTF8.self)
        #expect(body == #"{"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"gone"}"#)
    }
}
