import Foundation
import SwitchyardWire
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

@Suite struct MessageIDTests {
    @Test(arguments: ["8e1f0f7c-3b1a-4c55-9d2e-0a1b2c3d4e5f", "not-a-uuid", "8E1F0F7C-3B1A-4C55-9D2E-0A1B2C3D4E5F", ""])
    func roundTrips(_ text: String) {
        #expect(MessageID(text).text == text)
    }

    @Test func packsCanonicalUUIDs() {
        if case .uuid = MessageID("8e1f0f7c-3b1a-4c55-9d2e-0a1b2c3d4e5f") {} else { Issue.record("not packed") }
    }

    @Test func nameRulesAcceptOnlyASCIIWordCharacters() {
        #expect(NameCharacters.isWord("Queue_1-a", maxLength: 80))
        #expect(!NameCharacters.isWord("", maxLength: 80))
        #expect(!NameCharacters.isWord(String(repeating: "a", count: 81), maxLength: 80))
        #expect(!NameCharacters.isWord("a.b", maxLength: 80))
        #expect(!NameCharacters.isWord("é", maxLength: 80))
        #expect(NameCharacters.isAttributeNameCharacters("my.attr-1_X"))
        #expect(!NameCharacters.isAttributeNameCharacters("a b"))
    }

    @Test func bodiesWithControlCharactersAreRejectedWhetherASCIIOrNot() throws {
        try MessageValidation.validateBody("plain text\twith tab\r\n")
        try MessageValidation.validateBody("héllo 𝄞")
        #expect(throws: AWSError.self) { try MessageValidation.validateBody("bell\u{7}") }
        #expect(throws: AWSError.self) { try MessageValidation.validateBody("é and bell\u{7}") }
        #expect(throws: AWSError.self) { try MessageValidation.validateBody("\u{FFFE}") }
    }

    @Test func messageKeepsRarelyUsedFieldsAcrossCopies() {
        var message = SQSMessage(
            seq: 1, messageId: "id", body: "b", sentAt: 0, senderId: "s", messageGroupId: "g", visibleAt: 0)
        #expect(message.attributes.isEmpty)
        message.deadLetterQueueSourceArn = "arn:aws:sqs:us-east-1:000000000000:q"
        #expect(message.messageGroupId == "g")
        #expect(message.deadLetterQueueSourceArn == "arn:aws:sqs:us-east-1:000000000000:q")
        #expect(message.md5OfBody == MessageDigest.md5OfBody("b"))
    }
}
