import Foundation
import Testing

@testable import SwitchyardWire

@Suite struct SigV4Tests {
    /// The "get-vanilla" case of AWS's published SigV4 test suite.
    @Test func matchesTheAWSTestSuiteVanillaGet() throws {
        let request = WireRequest(
            method: "GET", path: "/", query: nil,
            headers: [
                "host": "example.amazonaws.com", "x-amz-date": "20150830T123600Z",
                "authorization":
                    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
            ], body: [])
        let credential = try #require(try SigV4.credential(of: request))
        #expect(credential.accessKeyId == "AKIDEXAMPLE")
        #expect(credential.region == "us-east-1")
        #expect(credential.service == "service")
        try SigV4.verify(request, credential: credential, secretKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
        #expect(throws: AWSError.self) { try SigV4.verify(request, credential: credential, secretKey: "wrong") }
    }

    /// A presigned awsQuery GET as botocore's SigV4QueryAuth signs it: non-S3 services hash the
    /// (empty) payload rather than using UNSIGNED-PAYLOAD.
    @Test func verifiesPresignedQueryURLs() throws {
        let query =
            "Action=ListQueues&Version=2012-11-05&X-Amz-Algorithm=AWS4-HMAC-SHA256"
            + "&X-Amz-Credential=AKIDEXAMPLE%2F20261125%2Fus-east-1%2Fsqs%2Faws4_request&X-Amz-Date=20261125T012459Z"
            + "&X-Amz-Expires=300&X-Amz-SignedHeaders=host"
            + "&X-Amz-Signature=5651a1d6c51c2edd10ca1a2929084d3daa1216064a31e9f92072633bf44c687b"
        let request = WireRequest(method: "GET", path: "/", query: query, headers: ["host": "127.0.0.1:4566"], body: [])
        let credential = try #require(try SigV4.credential(of: request))
        #expect(credential.presigned)
        try SigV4.verify(request, credential: credential, secretKey: "secret123")
        #expect(throws: AWSError.self) { try SigV4.verify(request, credential: credential, secretKey: "other") }
    }

    @Test func signaturesOlderOrNewerThanFifteenMinutesAreRejected() throws {
        let request = WireRequest(
            method: "GET", path: "/", query: nil,
            headers: [
                "host": "h", "x-amz-date": "20150830T123600Z",
                "authorization":
                    "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/sqs/aws4_request, SignedHeaders=host;x-amz-date, Signature=00",
            ], body: [])
        let credential = try #require(try SigV4.credential(of: request))
        let signed = try #require(SigV4.parseAmzDate("20150830T123600Z"))
        try SigV4.checkTime(request, credential: credential, now: signed.addingTimeInterval(14 * 60))
        #expect(SigV4.formatAmzDate(signed) == "20150830T123600Z")
        do {
            try SigV4.checkTime(request, credential: credential, now: signed.addingTimeInterval(16 * 60))
            Issue.record("expected an expired signature")
        } catch let error as AWSError {
            #expect(error.code == "SignatureDoesNotMatch")
            #expect(
                error.message
                    == "Signature expired: 20150830T123600Z is now earlier than 20150830T123700Z (20150830T125200Z - 15 min.)"
            )
        }
        #expect(throws: AWSError.self) {
            try SigV4.checkTime(request, credential: credential, now: signed.addingTimeInterval(-16 * 60))
        }
    }

    @Test func incompleteAuthorizationIsRejected() {
        let request = WireRequest(
            method: "POST", path: "/", query: nil,
            headers: [
                "authorization": "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/sqs/aws4_request",
                "x-amz-date": "20150830T123600Z",
            ],
            body: [])
        #expect { try SigV4.credential(of: request) } throws: { ($0 as? AWSError)?.code == "IncompleteSignature" }
    }

    @Test func authorizationFieldsAreReadWhateverTheSpacingAndOrder() throws {
        let request = WireRequest(
            method: "POST", path: "/", query: nil,
            headers: [
                "authorization":
                    "AWS4-HMAC-SHA256 SignedHeaders=host;x-amz-date ,Extra=1,  Credential=AKID/20150830/eu-west-1/sqs/aws4_request,Signature=abc, Junk",
                "x-amz-date": "20150830T123600Z",
            ],
            body: [])
        let credential = try #require(try SigV4.credential(of: request))
        #expect(credential.accessKeyId == "AKID")
        #expect(credential.region == "eu-west-1")
        #expect(credential.service == "sqs")
        #expect(credential.signature == "abc")
        #expect(credential.signedHeaders == ["host", "x-amz-date"])
    }

    @Test func malformedScopesAndAlgorithmsAreIncomplete() {
        for authorization in [
            "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/sqs, SignedHeaders=host, Signature=abc",
            "AWS4-HMAC-SHA1 Credential=AKID/20150830/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=abc",
            "AWS4-HMAC-SHA256",
        ] {
            let request = WireRequest(
                method: "POST", path: "/", query: nil,
                headers: ["authorization": authorization, "x-amz-date": "20150830T123600Z"], body: [])
            #expect { try SigV4.credential(of: request) } throws: { ($0 as? AWSError)?.code == "IncompleteSignature" }
        }
    }

    @Test func uuidTextMatchesFoundationFormatting() {
        for _ in 0..<100 {
            let (high, low) = RandomUUID.makeBits()
            var bytes = [UInt8](repeating: 0, count: 16)
            for index in 0..<8 {
                bytes[index] = UInt8(truncatingIfNeeded: high >> UInt64(56 - 8 * index))
                bytes[8 + index] = UInt8(truncatingIfNeeded: low >> UInt64(56 - 8 * index))
            }
            let uuid = bytes.withUnsafeBytes { UUID(uuid: $0.load(as: uuid_t.self)) }
            #expect(RandomUUID.format(high: high, low: low) == uuid.uuidString.lowercased())
            #expect((high >> 12) & 0xF == 4)
        }
    }

    @Test func arnsSplitIntoSixParts() {
        #expect(
            ARN.parts("arn:aws:sqs:us-east-1:000000000000:jobs")?.map(String.init) == [
                "arn", "aws", "sqs", "us-east-1", "000000000000", "jobs",
            ])
        #expect(ARN.parts("arn:aws:sns:us-east-1:1:t:sub-id")?.last == "t:sub-id")
        #expect(ARN.parts("arn:aws:sqs:us-east-1") == nil)
        #expect(ARN.parts("nra:aws:sqs:r:a:n") == nil)
        #expect(ARN.parts("arn:aws:sqs:::")?.last == "")
    }

    @Test func unsignedRequestsHaveNoCredential() throws {
        let request = WireRequest(method: "POST", path: "/", query: nil, headers: [:], body: [])
        #expect(try SigV4.credential(of: request) == nil)
    }

    @Test func uriEncodingFollowsRFC3986() {
        #expect(SigV4.uriEncode("a b/c~d*") == "a%20b%2Fc~d%2A")
        #expect(SigV4.uriEncode("/x y/", keepSlash: true) == "/x%20y/")
    }
}
