import Foundation
import Testing

@testable import SwitchyardSQS

@Suite struct MessageDigestTests {
    @Test func bodyDigest() {
        #expect(MessageDigest.md5OfBody("hi") == "49f68a5c8493ec2c0bf489821c21fc3b")
    }

    /// The value SQS returns for a single String attribute a="x" (checked against the AWS SDK's algorithm).
    @Test func attributeDigest() {
        #expect(
            MessageDigest.md5OfAttributes(["a": MessageAttribute(dataType: "String", stringValue: "x")])
                == "a512aac9938034acb0b3c3d965944bf1")
        #expect(MessageDigest.md5OfAttributes([:]) == nil)
    }

    @Test func receiptHandlesRoundTrip() {
        let handle = ReceiptHandle(queueId: 7, seq: 42, token: "abc")
        #expect(ReceiptHandle(handle.encoded) == handle)
        #expect(ReceiptHandle("not-a-handle") == nil)
    }

    @Test func queueURLsInAnyHostForm() {
        let expected = QueueKey(account: "123456789012", region: "eu-west-1", name: "jobs")
        #expect(QueueKey(url: "http://localhost:4566/123456789012/jobs", region: "eu-west-1") == expected)
        #expect(QueueKey(url: "https://sqs.eu-west-1.amazonaws.com/123456789012/jobs", region: "eu-west-1") == expected)
        #expect(QueueKey(url: "/123456789012/jobs", region: "eu-west-1") == expected)
        #expect(QueueKey(url: "jobs", region: "eu-west-1") == nil)
    }
}
